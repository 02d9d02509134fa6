// 党费 (docs/API.md "Dues"): the rate lookup, bases with the fixed yearly amount, regular, quarterly, proxy and
// one-off payments with their refusals (409 naming the rule, 422 naming the field), batch payment of a month,
// voiding, hardship reductions and their approval level, arrears, a member's year under /me, and scope.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, makeTree, memberBody } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const cur = Number(today.slice(0, 4)) * 12 + Number(today.slice(5, 7)) - 1;
// the month `d` months from the current one, as YYYY-MM
const ym = (d) => `${Math.floor((cur + d) / 12)}-${String(((cur + d) % 12) + 1).padStart(2, '0')}`;
const yearOf = (d) => Math.floor((cur + d) / 12);

async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}
function refused(r, status, rule, field) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  if (rule) assert.equal(r.body.error.rule, rule, JSON.stringify(r.body));
  if (field) assert.equal(r.body.error.field, field, JSON.stringify(r.body));
}

const t = await makeTree(admin);
const m1 = await created(await admin.post('/api/v1/members', memberBody(t.b1.id, { name: '钱交纳', person_type: 'employed' })), 'm1');
const m2 = await created(await admin.post('/api/v1/members', memberBody(t.b1.id, { name: '孙农民' })), 'm2');
const m3 = await created(await admin.post('/api/v1/members', memberBody(t.b2.id, { name: '李困难' })), 'm3');
const tag = t.tag.toLowerCase();
async function account(username, role, orgId, memberId) {
  const body = { username, password: 'Dues#2026ok', role, org_id: orgId };
  if (memberId) body.member_id = memberId;
  await created(await admin.post('/api/v1/users', body), `user ${username}`);
  return Client.login(username, 'Dues#2026ok');
}
const sec1 = await account(`ds1${tag}`, 'secretary', t.b1.id);
const sec2 = await account(`ds2${tag}`, 'secretary', t.b2.id);
const mem1 = await account(`dm1${tag}`, 'member', t.b1.id, m1.id);
const town = await account(`dt${tag}`, 'org_admin', t.town.id);

const pay = (c, body) => c.post('/api/v1/dues/payments', { kind: 'regular', paid_on: today, method: 'cash', ...body });
let quarter;

test('the rate table: one rate for the whole base; bad input named', async () => {
  let r = await mem1.get('/api/v1/dues/rate?kind=employed&base_fen=300000');
  assert.equal(r.status, 200);
  assert.deepEqual([r.body.permille, r.body.monthly_fen], [5, 1500]);
  r = await sec1.get('/api/v1/dues/rate?kind=employed&base_fen=300001');
  assert.deepEqual([r.body.permille, r.body.monthly_fen], [10, 3000]);
  r = await sec1.get('/api/v1/dues/rate?kind=retired&base_fen=500001');
  assert.deepEqual([r.body.permille, r.body.monthly_fen], [10, 5000]);
  r = await sec1.get('/api/v1/dues/rate?kind=farmer');
  assert.equal(r.body.monthly_fen, 100);
  refused(await sec1.get('/api/v1/dues/rate?kind=student&base_fen=1'), 422, 'dues.kind', 'kind');
  refused(await sec1.get('/api/v1/dues/rate?kind=employed&base_fen=-1'), 422, 'dues.fen_range', 'base_fen');
});

test('bases: the first from the month given, a change from next January; scope and fields', async () => {
  const b = await created(await sec1.post(`/api/v1/members/${m1.id}/dues/bases`, { kind: 'employed', base_fen: 400000, from_month: ym(-12) }), 'base');
  assert.deepEqual([b.from_month, b.monthly_fen], [ym(-12), 4000]);
  const b2 = await created(await sec1.post(`/api/v1/members/${m1.id}/dues/bases`, { kind: 'employed', base_fen: 400000, note: '复核' }), 'base again');
  assert.equal(b2.from_month, `${Number(today.slice(0, 4)) + 1}-01`, 'fixed yearly: next January');
  if (ym(0).slice(5) !== '01') {
    refused(await sec1.post(`/api/v1/members/${m1.id}/dues/bases`, { kind: 'employed', base_fen: 500000, from_month: ym(0) }), 409, 'dues.fixed_yearly', 'from_month');
  }
  refused(await sec1.post(`/api/v1/members/${m2.id}/dues/bases`, { kind: 'student' }), 422, 'dues.kind', 'kind');
  refused(await sec1.post(`/api/v1/members/${m2.id}/dues/bases`, { kind: 'employed' }), 422, 'field.required', 'base_fen');
  refused(await sec1.post(`/api/v1/members/${m2.id}/dues/bases`, { kind: 'farmer', colour: 1 }), 400);
  refused(await sec2.post(`/api/v1/members/${m1.id}/dues/bases`, { kind: 'farmer' }), 404);
  refused(await mem1.post(`/api/v1/members/${m1.id}/dues/bases`, { kind: 'farmer' }), 403);
});

test('payments: back-payment, advance, already paid, amount, no base, one-off', async () => {
  refused(await pay(sec1, { member_id: m1.id, first_month: ym(-7), last_month: ym(-7) }), 409, 'dues.back_payment', 'first_month');
  refused(await pay(sec1, { member_id: m1.id, first_month: ym(13), last_month: ym(13) }), 409, 'dues.advance', 'last_month');
  refused(await pay(sec1, { member_id: m1.id, first_month: ym(-6), last_month: ym(-4), amount_fen: 11999 }), 422, 'dues.amount', 'amount_fen');
  quarter = await created(await pay(sec1, { member_id: m1.id, first_month: ym(-6), last_month: ym(-4), amount_fen: 12000, receipt_no: 'Q1' }), 'quarter');
  assert.deepEqual([quarter.months, quarter.amount_fen], [3, 12000]);
  refused(await pay(sec1, { member_id: m1.id, first_month: ym(-4), last_month: ym(-3) }), 409, 'dues.already_paid');
  refused(await pay(sec1, { member_id: m2.id, first_month: ym(-1) }), 409, 'dues.no_base');
  refused(await pay(sec1, { member_id: m1.id, first_month: ym(-1), method: 'cheque' }), 422, 'dues.method', 'method');
  refused(await pay(sec1, { member_id: m1.id, first_month: ym(-1), paid_on: '2199-01-01' }), 422, 'field.date_future', 'paid_on');
  refused(await pay(sec1, { member_id: m3.id, first_month: ym(-1) }), 422, 'member.scope', 'member_id');
  refused(await pay(mem1, { member_id: m1.id, first_month: ym(-1) }), 403);
  // 代缴: paid by a relative
  const proxy = await created(await pay(sec1, { member_id: m1.id, first_month: ym(-3), last_month: ym(-1), proxy_name: '钱小明（儿子）' }), 'proxy');
  assert.equal(proxy.amount_fen, 12000);
  // a one-off ≥ 1000 元 is recorded apart, without months
  refused(await sec1.post('/api/v1/dues/payments', { member_id: m1.id, kind: 'one_off', amount_fen: 99999, paid_on: today, method: 'bank' }), 422, 'dues.one_off_min', 'amount_fen');
  const one = await created(await sec1.post('/api/v1/dues/payments', { member_id: m1.id, kind: 'one_off', amount_fen: 100000, paid_on: today, method: 'bank' }), 'one-off');
  assert.equal(one.months, 0);
  const list = await sec1.get(`/api/v1/dues/payments?org_id=${t.b1.id}&member_id=${m1.id}`);
  assert.equal(list.status, 200);
  assert.equal(list.body.total, 3);
  assert.ok(list.body.items.some((p) => p.proxy_name === '钱小明（儿子）'));
  const oneOffs = await sec1.get(`/api/v1/dues/payments?kind=one_off&member_id=${m1.id}`);
  assert.equal(oneOffs.body.total, 1);
  refused(await sec2.get(`/api/v1/dues/payments?org_id=${t.b1.id}`), 404);
  // keyset paging: next is the full page's last id; after= gives the same rows as page numbers
  const all = (await sec1.get(`/api/v1/dues/payments?org_id=${t.b1.id}&per_page=100`)).body;
  assert.ok(all.total >= 3 && all.items.length === all.total, JSON.stringify(all));
  assert.equal(all.next, null);
  const p1 = (await sec1.get(`/api/v1/dues/payments?org_id=${t.b1.id}&per_page=2`)).body;
  assert.equal(p1.next, p1.items[1].id);
  const p2 = (await sec1.get(`/api/v1/dues/payments?org_id=${t.b1.id}&per_page=2&after=${p1.next}`)).body;
  const byPage = (await sec1.get(`/api/v1/dues/payments?org_id=${t.b1.id}&per_page=2&page=2`)).body;
  assert.deepEqual(p2.items, byPage.items);
  assert.deepEqual(p2.items, all.items.slice(2, 4));
  assert.equal(p2.total, all.total);
  refused(await sec1.get(`/api/v1/dues/payments?org_id=${t.b2.id}&after=${p1.next}`), 404);
  refused(await town.get(`/api/v1/dues/payments?org_id=${t.b2.id}&after=${p1.next}`), 400, null, 'after');
});

test("a member's year, arrears, and only their own under /me", async () => {
  let r = await sec1.get(`/api/v1/members/${m1.id}/dues?year=${yearOf(-5)}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.member.dues_paid_to, ym(-1));
  assert.equal(r.body.current.monthly_fen, 4000);
  assert.equal(r.body.months.length, 12);
  const m5 = r.body.months.find((m) => m.month === ym(-5));
  assert.deepEqual([m5.status, m5.paid_fen, m5.payment_id], ['paid', 4000, quarter.id]);
  // owed from the first base (12 months ago) to last month, less the six paid
  assert.deepEqual(r.body.arrears, { months: 6, fen: 24000 });
  r = await mem1.get('/api/v1/me/dues');
  assert.equal(r.status, 200);
  assert.equal(r.body.member.id, m1.id);
  refused(await mem1.get(`/api/v1/members/${m2.id}/dues`), 403);
  refused(await sec2.get(`/api/v1/members/${m1.id}/dues`), 404);
  refused(await admin.get('/api/v1/me/dues'), 404);
});

test('void: the months are open again and dues_paid_to falls back', async () => {
  refused(await sec1.post(`/api/v1/dues/payments/${quarter.id}/void`, {}), 422, 'field.required', 'reason');
  refused(await sec2.post(`/api/v1/dues/payments/${quarter.id}/void`, { reason: '错' }), 404);
  let r = await sec1.post(`/api/v1/dues/payments/${quarter.id}/void`, { reason: '收据号填错，重新登记' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await sec1.get(`/api/v1/members/${m1.id}/dues?year=${yearOf(-5)}`);
  assert.equal(r.body.months.find((m) => m.month === ym(-5)).status, 'unpaid');
  assert.deepEqual(r.body.arrears, { months: 9, fen: 36000 });
  refused(await sec1.post(`/api/v1/dues/payments/${quarter.id}/void`, { reason: '再次' }), 404);
  // paid again, as before
  await created(await pay(sec1, { member_id: m1.id, first_month: ym(-6), last_month: ym(-4) }), 'repaid');
});

test('batch: one month for many members, one transaction, skipped ones named', async () => {
  await created(await sec1.post(`/api/v1/members/${m2.id}/dues/bases`, { kind: 'farmer' }), 'farmer base');
  const r = await sec1.post('/api/v1/dues/payments/batch', {
    org_id: t.b1.id, month: ym(0), member_ids: [m1.id, m2.id, m3.id], paid_on: today, method: 'cash', collector: '组织委员',
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual([r.body.paid, r.body.amount_fen], [2, 4100]);
  assert.deepEqual(r.body.skipped, [{ member_id: m3.id, rule: 'member.scope' }]);
  const again = await sec1.post('/api/v1/dues/payments/batch', { org_id: t.b1.id, month: ym(0), member_ids: [m1.id], paid_on: today, method: 'cash' });
  assert.deepEqual(again.body.skipped, [{ member_id: m1.id, rule: 'dues.already_paid' }]);
  refused(await sec1.post('/api/v1/dues/payments/batch', { org_id: t.b1.id, month: ym(-7), member_ids: [m1.id], paid_on: today, method: 'cash' }), 409, 'dues.back_payment');
  refused(await sec1.post('/api/v1/dues/payments/batch', { org_id: t.b2.id, month: ym(0), member_ids: [m1.id], paid_on: today, method: 'cash' }), 422, 'org.scope', 'org_id');
  const y = await sec1.get(`/api/v1/members/${m2.id}/dues?year=${yearOf(0)}`);
  assert.equal(y.body.member.dues_paid_to, ym(0));
});

test('hardship reductions: branch study, approval from above, exempt months', async () => {
  await created(await sec2.post(`/api/v1/members/${m3.id}/dues/bases`, { kind: 'farmer', from_month: ym(-2) }), 'm3 base');
  const body = { member_id: m3.id, from_month: ym(1), to_month: ym(2), monthly_fen: 0, reason: '因病致贫', branch_studied_on: today };
  const red = await created(await sec2.post('/api/v1/dues/reductions', body), 'reduction');
  assert.equal(red.status, 'pending');
  refused(await sec2.post('/api/v1/dues/reductions', { ...body, to_month: ym(3) }), 409, 'dues.reduction_overlap');
  refused(await sec2.post('/api/v1/dues/reductions', { ...body, from_month: ym(5), to_month: ym(4) }), 422, 'dues.month_order', 'to_month');
  // not above the base-derived due of the covered months (farmer: 1.00 元), and not above 0 before dues start
  refused(await sec2.post('/api/v1/dues/reductions', { ...body, from_month: ym(4), to_month: ym(5), monthly_fen: 101 }), 422, 'dues.reduction_amount', 'monthly_fen');
  refused(await sec2.post('/api/v1/dues/reductions', { ...body, from_month: ym(-40), to_month: ym(-39), monthly_fen: 50 }), 422, 'dues.reduction_amount', 'monthly_fen');
  refused(await sec2.post(`/api/v1/dues/reductions/${red.id}/approve`, { version: red.version }), 403, 'dues.approval_level');
  refused(await sec1.post(`/api/v1/dues/reductions/${red.id}/approve`, { version: red.version }), 404);
  refused(await town.post(`/api/v1/dues/reductions/${red.id}/approve`, { version: red.version + 5 }), 409, 'store.stale');
  const ok = await town.post(`/api/v1/dues/reductions/${red.id}/approve`, { version: red.version, note: '同意免交' });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.status, 'approved');
  refused(await town.post(`/api/v1/dues/reductions/${red.id}/reject`, { version: ok.body.version, note: 'x' }), 409, 'dues.reduction_status');
  const y = await sec2.get(`/api/v1/members/${m3.id}/dues?year=${yearOf(1)}`);
  assert.equal(y.body.months.find((m) => m.month === ym(1)).status, 'exempt');
  assert.equal(y.body.member.dues_paid_to, ym(2));
  refused(await pay(sec2, { member_id: m3.id, first_month: ym(1) }), 409, 'dues.already_paid');
  const list = await town.get(`/api/v1/dues/reductions?org_id=${t.b2.id}&status=approved`);
  assert.equal(list.body.total, 1);
});

test('arrears of a subtree with branch totals; scope', async () => {
  // m3 owes the two months before this one (farmer 1.00 元 each)
  const r = await town.get(`/api/v1/dues/arrears?org_id=${t.town.id}&min_months=1`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const row = r.body.items.find((x) => x.member_id === m3.id);
  assert.deepEqual([row.months, row.fen], [2, 200]);
  // m1 still owes the six months before the back-payment window
  assert.deepEqual(r.body.items.find((x) => x.member_id === m1.id).months, 6);
  assert.ok(r.body.branches.some((b) => b.org_id === t.b2.id && b.members === 1));
  const none = await town.get(`/api/v1/dues/arrears?org_id=${t.town.id}&min_months=3`);
  assert.ok(!none.body.items.some((x) => x.member_id === m3.id));
  refused(await sec1.get(`/api/v1/dues/arrears?org_id=${t.b2.id}`), 404);
  refused(await mem1.get('/api/v1/dues/arrears'), 403);
});

test('a transfer letter without dues_paid_to takes the member\'s own', async () => {
  const r = await sec1.post('/api/v1/transfers', { member_id: m2.id, kind: 'internal', to_org_id: t.b2.id, reason: '工作调动' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.dues_paid_to, ym(0));
});
