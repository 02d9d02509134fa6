// 党费收缴表 and 上缴汇总 (docs/API.md "收缴表 and 上缴汇总"): a member's due on the month's sheet before and
// after paying, totals, one-off payments apart, the remittance rolled up one level, xlsx downloads, the month
// checked (422 naming month), and scope (a secretary their branch only, a member not at all).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, makeTree, memberBody } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const month = today.slice(0, 7);
const year = Number(today.slice(0, 4));
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}

const t = await makeTree(admin);
const m1 = await created(await admin.post('/api/v1/members', memberBody(t.b1.id, { name: '钱交纳', person_type: 'employed' })), 'member 1');
const m2 = await created(await admin.post('/api/v1/members', memberBody(t.b1.id, { name: '孙未交' })), 'member 2');
const m3 = await created(await admin.post('/api/v1/members', memberBody(t.b2.id, { name: '周西村' })), 'member 3');
const tag = t.tag.toLowerCase();
async function account(username, role, orgId, memberId) {
  const body = { username, password: 'Dues#2026x', role, org_id: orgId };
  if (memberId) body.member_id = memberId;
  await created(await admin.post('/api/v1/users', body), `user ${username}`);
  return Client.login(username, 'Dues#2026x');
}
const sec1 = await account(`ds${tag}`, 'secretary', t.b1.id);
const mem1 = await account(`dm${tag}`, 'member', t.b1.id, m1.id);

// bases from this month: employed 5,000.00 → 50.00; farmer → the configured fixed amount
await created(await admin.post(`/api/v1/members/${m1.id}/dues/bases`, { kind: 'employed', base_fen: 500000, from_month: month }), 'base 1');
const b2 = await created(await admin.post(`/api/v1/members/${m2.id}/dues/bases`, { kind: 'farmer', base_fen: 0, from_month: month }), 'base 2');
const b3 = await created(await admin.post(`/api/v1/members/${m3.id}/dues/bases`, { kind: 'farmer', base_fen: 0, from_month: month }), 'base 3');

const row = (sheet, id) => sheet.rows.find((r) => r.member_id === id);

test('the month\'s sheet: each member\'s due, paid after a payment, totals, grouped by branch', async () => {
  let r = await admin.get(`/api/v1/dues/sheet?org_id=${t.town.id}&month=${month}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.month, month);
  assert.equal(r.body.org.id, t.town.id);
  assert.equal(r.body.rows.length, 3);
  assert.equal(r.body.branches.length, 2);
  // rows grouped by branch, in the branches' order
  const order = [];
  for (const x of r.body.rows) if (order[order.length - 1] !== x.org_id) order.push(x.org_id);
  assert.deepEqual(order, r.body.branches.map((b) => b.org_id));
  const r1 = row(r.body, m1.id);
  assert.equal(r1.status, 'unpaid');
  assert.equal(r1.due_fen, 5000);
  assert.equal(r1.kind, 'employed');
  assert.equal(r1.base_fen, 500000);
  assert.equal(r.body.totals.due_fen, 5000 + b2.monthly_fen + b3.monthly_fen);
  assert.equal(r.body.totals.unpaid_members, 3);
  assert.equal(r.body.totals.paid_fen, 0);

  const pay = await admin.post('/api/v1/dues/payments', {
    member_id: m1.id, kind: 'regular', first_month: month, last_month: month, paid_on: today, method: 'cash', receipt_no: 'R-1',
  });
  assert.equal(pay.status, 201, JSON.stringify(pay.body));
  const off = await admin.post('/api/v1/dues/payments', { member_id: m3.id, kind: 'one_off', amount_fen: 100000, paid_on: today, method: 'bank' });
  assert.equal(off.status, 201, JSON.stringify(off.body));

  r = await admin.get(`/api/v1/dues/sheet?org_id=${t.town.id}&month=${month}`);
  const p1 = row(r.body, m1.id);
  assert.equal(p1.status, 'paid');
  assert.equal(p1.paid_fen, 5000);
  assert.equal(p1.paid_on, today);
  assert.equal(p1.receipt_no, 'R-1');
  assert.equal(r.body.totals.paid_fen, 5000);
  assert.equal(r.body.totals.unpaid_members, 2);
  assert.equal(r.body.totals.one_off_fen, 100000, 'the one-off apart');
  assert.equal(row(r.body, m3.id).paid_fen, 0, 'a one-off is not the month\'s dues');
  assert.equal(r.body.one_offs.length, 1);

  // the secretary: their branch by default, the other branch is not theirs
  r = await sec1.get(`/api/v1/dues/sheet?month=${month}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.org.id, t.b1.id);
  assert.equal(r.body.rows.length, 2);
  r = await sec1.get(`/api/v1/dues/sheet?org_id=${t.b2.id}&month=${month}`);
  assert.equal(r.status, 404);
  r = await mem1.get(`/api/v1/dues/sheet?org_id=${t.b1.id}&month=${month}`);
  assert.equal(r.status, 403);
});

test('the remittance rolls the year up one level: a row per branch, sums of the sheets', async () => {
  let r = await admin.get(`/api/v1/dues/remittance?org_id=${t.town.id}&year=${year}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.year, year);
  assert.equal(r.body.month, null);
  assert.equal(r.body.rows.length, 2);
  const east = r.body.rows.find((x) => x.org_id === t.b1.id);
  const west = r.body.rows.find((x) => x.org_id === t.b2.id);
  assert.equal(east.members, 2);
  assert.equal(east.collected_fen, 5000);
  assert.equal(west.one_off_fen, 100000);
  assert.equal(west.remit_fen, 100000);
  assert.equal(r.body.totals.collected_fen, 5000);
  r = await admin.get(`/api/v1/dues/remittance?org_id=${t.dept.id}&month=${month}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.month, month);
  assert.equal(r.body.rows.length, 1);
  assert.equal(r.body.rows[0].org_id, t.town.id);
  assert.equal(r.body.rows[0].collected_fen, 5000);
  r = await sec1.get(`/api/v1/dues/remittance?org_id=${t.town.id}`);
  assert.equal(r.status, 404);
});

test('xlsx downloads of the sheet and the remittance', async () => {
  let r = await admin.get(`/api/v1/dues/sheet?org_id=${t.b1.id}&month=${month}&format=xlsx`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), XLSX);
  assert.ok(r.body.length > 1000, 'a non-empty workbook');
  assert.equal(String.fromCharCode(r.body[0], r.body[1]), 'PK');
  r = await admin.get(`/api/v1/dues/sheet?org_id=${t.town.id}&month=${month}&format=csv`);
  assert.equal(r.status, 200);
  const csv = new TextDecoder().decode(r.body);
  for (const h of ['党费收缴登记表', '姓名', '应交（元）', '实交（元）', '签名', '钱交纳', '50.00', '合计', '1000.00']) assert.ok(csv.includes(h), `csv has ${h}`);
  r = await admin.get(`/api/v1/dues/remittance?org_id=${t.town.id}&year=${year}&format=xlsx`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), XLSX);
  assert.ok(r.body.length > 1000);
});

test('a bad month is 422 naming month; a bad format 400', async () => {
  for (const bad of ['2026-13', '2026-1', 'march', '2026/03']) {
    const r = await admin.get(`/api/v1/dues/sheet?org_id=${t.town.id}&month=${encodeURIComponent(bad)}`);
    assert.equal(r.status, 422, bad);
    assert.equal(r.body.error.field, 'month');
  }
  let r = await admin.get(`/api/v1/dues/remittance?org_id=${t.town.id}&year=${year}&month=${year - 1}-05`);
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'month');
  r = await admin.get(`/api/v1/dues/remittance?org_id=${t.town.id}&month=xx`);
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'month');
  r = await admin.get(`/api/v1/dues/sheet?org_id=${t.town.id}&month=${month}&format=pdf`);
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'format');
});
