// 组织关系转接 (RULES.md §4, docs/API.md "Transfers"): letters, the two sides, refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, idNumber, uniq } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);

// The month in the users' calendar (Asia/Shanghai, UTC+8), 'YYYY-MM', shifted by n months.
function month(n = 0) {
  const d = new Date(Date.now() + 8 * 3600e3);
  const m = d.getUTCFullYear() * 12 + d.getUTCMonth() + n;
  return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
}
const days = (from, to) => Math.round((Date.parse(to) - Date.parse(from)) / 86400e3);

async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}

// Our own tree: dept → committee → three branches (the third a joint branch) and a 党小组.
const tag = uniq();
const dept = await created(await admin.post('/api/v1/orgs', { kind: 'dept', name: `转接测试组织部${tag}`, code: `TR${tag}` }), 'dept');
const town = await created(await admin.post('/api/v1/orgs', { kind: 'committee', name: `转接测试党委${tag}`, code: `TR${tag}Z`, parent_id: dept.id }), 'committee');
const b1 = await created(await admin.post('/api/v1/orgs', { kind: 'branch', name: `转出党支部${tag}`, code: `TR${tag}B1`, parent_id: town.id }), 'b1');
const b2 = await created(await admin.post('/api/v1/orgs', { kind: 'branch', name: `转入党支部${tag}`, code: `TR${tag}B2`, parent_id: town.id }), 'b2');
const b3 = await created(await admin.post('/api/v1/orgs', { kind: 'joint_branch', name: `旁观联合党支部${tag}`, code: `TR${tag}B3`, parent_id: town.id }), 'b3');
const g1 = await created(await admin.post('/api/v1/orgs', { kind: 'group', name: `第一党小组${tag}`, code: `TR${tag}G1`, parent_id: b1.id }), 'group');

let births = 0;
async function member(orgId, over = {}) {
  births++;
  const birth = `19${60 + (births % 25)}-0${1 + (births % 9)}-1${births % 10}`;
  return created(await admin.post('/api/v1/members', {
    org_id: orgId, name: '李转接', id_number: idNumber(birth, 1), ethnicity: '01', category: 'full',
    join_date: '2005-07-01', full_date: '2006-07-01', ...over,
  }), 'member');
}

async function secretary(org) {
  const username = `tr${uniq()}`.toLowerCase();
  await created(await admin.post('/api/v1/users', { username, display_name: '书记', password: 'Secretary#2026', role: 'secretary', org_id: org.id }), 'user');
  return Client.login(username, 'Secretary#2026');
}
const sec1 = await secretary(b1);
const sec2 = await secretary(b2);
const sec3 = await secretary(b3);

const letter = (m, over = {}) => ({ member_id: m.id, kind: 'internal', to_org_id: b2.id, reason: '工作调动', dues_paid_to: month(), ...over });

function refused(r, status, rule, field) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  if (rule) assert.equal(r.body.error.rule, rule, JSON.stringify(r.body));
  if (field) assert.equal(r.body.error.field, field, JSON.stringify(r.body));
}

test('an internal letter: pending, member stays in the old branch as transferring', async () => {
  const m = await member(b1.id);
  const t = await created(await sec1.post('/api/v1/transfers', letter(m)), 'transfer');
  assert.match(t.serial, /^ZZ\d{4}-\d{6}$/);
  assert.equal(t.serial.slice(2, 6), t.issued_on.slice(0, 4));
  assert.equal(t.status, 'pending');
  assert.equal(t.kind, 'internal');
  assert.equal(t.member_id, m.id);
  assert.equal(t.member_name, '李转接');
  assert.equal(t.from_org_id, b1.id);
  assert.equal(t.from_org_name, b1.name);
  assert.equal(t.to_org_id, b2.id);
  assert.equal(t.to_org_name, b2.name);
  assert.equal(t.reason, '工作调动');
  assert.equal(t.dues_paid_to, month());
  assert.equal(days(t.issued_on, t.valid_until), 30);
  assert.equal(t.decided_on, null);
  assert.equal(t.reject_reason, null);
  assert.equal(t.version, 1);

  const got = await admin.get(`/api/v1/members/${m.id}`);
  assert.equal(got.body.state, 'transferring');
  assert.equal(got.body.org_id, b1.id);
  const list = await sec1.get(`/api/v1/members?org=${b1.id}&per_page=200`);
  assert.equal(list.status, 200);
  assert.ok(list.body.items.some((x) => x.id === m.id && x.state === 'transferring'), 'still listed in the old branch');
  // and the receiving branch does not have the member yet
  assert.ok(!(await sec2.get('/api/v1/members?per_page=200')).body.items.some((x) => x.id === m.id));

  // one letter at a time
  refused(await sec1.post('/api/v1/transfers', letter(m, { to_org_id: b3.id })), 422, 'transfer.member_state', 'member_id');
});

test('the receiving branch confirms: the member moves, history records it', async () => {
  const m = await member(b1.id, { group_id: g1.id });
  assert.equal(m.group_id, g1.id);
  const t = await created(await sec1.post('/api/v1/transfers', letter(m)), 'transfer');

  // the receiver sees it among letters coming in, the sender among letters going out
  assert.ok((await sec2.get('/api/v1/transfers?direction=in')).body.items.some((x) => x.id === t.id));
  assert.ok(!(await sec2.get('/api/v1/transfers?direction=out')).body.items.some((x) => x.id === t.id));
  assert.ok((await sec1.get('/api/v1/transfers?direction=out&status=pending')).body.items.some((x) => x.id === t.id));
  assert.ok(!(await sec1.get('/api/v1/transfers?direction=in')).body.items.some((x) => x.id === t.id));
  assert.equal((await sec2.get(`/api/v1/transfers/${t.id}`)).status, 200);

  const r = await sec2.post(`/api/v1/transfers/${t.id}/confirm`, { version: t.version });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'confirmed');
  assert.ok(r.body.decided_on);
  assert.equal(r.body.version, t.version + 1);

  const got = await admin.get(`/api/v1/members/${m.id}`);
  assert.equal(got.body.state, 'active');
  assert.equal(got.body.org_id, b2.id);
  assert.equal(got.body.group_id, null);
  assert.ok((await sec2.get('/api/v1/members?per_page=200')).body.items.some((x) => x.id === m.id));
  assert.ok(!(await sec1.get('/api/v1/members?per_page=200')).body.items.some((x) => x.id === m.id));
  const hist = await admin.get(`/api/v1/members/${m.id}/history`);
  assert.equal(hist.status, 200);
  const row = hist.body.items.find((h) => h.field === 'org_id');
  assert.ok(row, JSON.stringify(hist.body));
  assert.equal(row.old_value, String(b1.id));
  assert.equal(row.new_value, String(b2.id));
  assert.ok(hist.body.items.some((h) => h.field === 'state' && h.new_value === 'transferring'));

  // decided letters stay decided
  refused(await sec2.post(`/api/v1/transfers/${t.id}/confirm`, { version: r.body.version }), 422, 'transfer.status');
  refused(await sec1.post(`/api/v1/transfers/${t.id}/cancel`, { version: r.body.version }), 422, 'transfer.status');
});

test('only the receiving side confirms; a branch on neither side cannot see the letter', async () => {
  const m = await member(b1.id);
  const t = await created(await sec1.post('/api/v1/transfers', letter(m)), 'transfer');
  const other = await sec3.post(`/api/v1/transfers/${t.id}/confirm`, { version: t.version });
  assert.ok([403, 404].includes(other.status), JSON.stringify(other.body));
  assert.equal((await sec3.get(`/api/v1/transfers/${t.id}`)).status, 404);
  assert.ok(!(await sec3.get('/api/v1/transfers')).body.items.some((x) => x.id === t.id));
  refused(await sec1.post(`/api/v1/transfers/${t.id}/confirm`, { version: t.version }), 403, 'transfer.side');
  refused(await sec2.post(`/api/v1/transfers/${t.id}/cancel`, { version: t.version }), 403, 'transfer.side');
  assert.equal((await admin.get(`/api/v1/members/${m.id}`)).body.state, 'transferring');
});

test('none may refuse without reason; a refusal returns the member to the old branch', async () => {
  const m = await member(b1.id);
  const t = await created(await sec1.post('/api/v1/transfers', letter(m)), 'transfer');
  refused(await sec2.post(`/api/v1/transfers/${t.id}/reject`, { version: t.version }), 422, 'transfer.reject_reason', 'reason');
  refused(await sec2.post(`/api/v1/transfers/${t.id}/reject`, { version: t.version, reason: '   ' }), 422, 'transfer.reject_reason');
  const r = await sec2.post(`/api/v1/transfers/${t.id}/reject`, { version: t.version, reason: '介绍信抬头有误' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'rejected');
  assert.equal(r.body.reject_reason, '介绍信抬头有误');
  const got = await admin.get(`/api/v1/members/${m.id}`);
  assert.equal(got.body.state, 'active');
  assert.equal(got.body.org_id, b1.id);
  // a new letter can be issued afterwards
  await created(await sec1.post('/api/v1/transfers', letter(m, { to_org_id: b3.id })), 'second letter');
});

test('the sending branch cancels a pending letter', async () => {
  const m = await member(b1.id);
  const t = await created(await sec1.post('/api/v1/transfers', letter(m)), 'transfer');
  const r = await sec1.post(`/api/v1/transfers/${t.id}/cancel`, { version: t.version });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'cancelled');
  assert.equal((await admin.get(`/api/v1/members/${m.id}`)).body.state, 'active');
  refused(await sec2.post(`/api/v1/transfers/${t.id}/confirm`, { version: r.body.version }), 422, 'transfer.status');
});

test('an external letter is sent at once and the member leaves the rolls', async () => {
  const m = await member(b1.id);
  const t = await created(await sec1.post('/api/v1/transfers', {
    member_id: m.id, kind: 'external', to_org_name: '中共某省某市某区机关工作委员会', reason: '调往外省工作', dues_paid_to: month(-1),
  }), 'external');
  assert.equal(t.status, 'sent');
  assert.equal(t.to_org_id, null);
  assert.equal(t.to_org_name, '中共某省某市某区机关工作委员会');
  assert.match(t.serial, /^ZZ\d{4}-\d{6}$/);
  const got = await admin.get(`/api/v1/members/${m.id}`);
  assert.equal(got.body.state, 'transferred_out');
  assert.ok(!(await sec1.get('/api/v1/members?per_page=200')).body.items.some((x) => x.id === m.id));
  refused(await sec1.post(`/api/v1/transfers/${t.id}/cancel`, { version: t.version }), 422, 'transfer.status');
  refused(await sec1.post('/api/v1/transfers', letter(m)), 422, 'transfer.member_state');
});

test('a stale version is 409 and changes nothing', async () => {
  const m = await member(b1.id);
  const t = await created(await sec1.post('/api/v1/transfers', letter(m)), 'transfer');
  refused(await sec2.post(`/api/v1/transfers/${t.id}/confirm`, { version: t.version + 1 }), 409);
  refused(await sec1.post(`/api/v1/transfers/${t.id}/cancel`, { version: t.version - 1 }), 409);
  assert.equal((await admin.get(`/api/v1/transfers/${t.id}`)).body.status, 'pending');
  assert.equal((await admin.get(`/api/v1/members/${m.id}`)).body.state, 'transferring');
});

test('serial numbers are unique; validity is 30 days, 10 within a city', async () => {
  const letters = [];
  for (let i = 0; i < 4; i++) {
    const m = await member(b1.id);
    letters.push(await created(await sec1.post('/api/v1/transfers', letter(m, { within_city: i % 2 === 1 })), 'transfer'));
  }
  // a few at once, too
  const ms = await Promise.all([0, 1, 2].map(() => member(b1.id)));
  const rs = await Promise.all(ms.map((m) => sec1.post('/api/v1/transfers', letter(m))));
  for (const r of rs) letters.push(await created(r, 'concurrent transfer'));
  const serials = letters.map((t) => t.serial);
  for (const s of serials) assert.match(s, /^ZZ\d{4}-\d{6}$/);
  assert.equal(new Set(serials).size, serials.length);
  assert.equal(days(letters[0].issued_on, letters[0].valid_until), 30);
  assert.equal(days(letters[1].issued_on, letters[1].valid_until), 10);
  assert.equal(days(letters[2].issued_on, letters[2].valid_until), 30);
  assert.equal(days(letters[3].issued_on, letters[3].valid_until), 10);
});

test('refusals name the field and the rule', async () => {
  const m = await member(b1.id);
  refused(await sec1.post('/api/v1/transfers', letter(m, { to_org_id: town.id })), 422, 'transfer.target_kind', 'to_org_id');
  refused(await sec1.post('/api/v1/transfers', letter(m, { to_org_id: g1.id })), 422, 'transfer.target_kind', 'to_org_id');
  refused(await sec1.post('/api/v1/transfers', letter(m, { to_org_id: b1.id })), 422, 'transfer.same_org', 'to_org_id');
  refused(await sec1.post('/api/v1/transfers', letter(m, { to_org_id: 999999999 })), 422, 'transfer.target', 'to_org_id');
  refused(await sec1.post('/api/v1/transfers', letter(m, { to_org_id: undefined })), 422, 'field.required', 'to_org_id');
  refused(await sec1.post('/api/v1/transfers', letter(m, { kind: 'abroad' })), 422, 'transfer.kind', 'kind');
  refused(await sec1.post('/api/v1/transfers', { ...letter(m, { to_org_id: undefined }), kind: 'external' }), 422, 'field.required', 'to_org_name');
  refused(await sec1.post('/api/v1/transfers', letter(m, { reason: '' })), 422, 'field.required', 'reason');
  refused(await sec1.post('/api/v1/transfers', letter(m, { reason: '因'.repeat(201) })), 422, null, 'reason');
  refused(await sec1.post('/api/v1/transfers', letter(m, { dues_paid_to: '2026-13' })), 422, 'transfer.dues_month', 'dues_paid_to');
  refused(await sec1.post('/api/v1/transfers', letter(m, { dues_paid_to: '2026/01' })), 422, 'transfer.dues_month', 'dues_paid_to');
  refused(await sec1.post('/api/v1/transfers', letter(m, { dues_paid_to: month(7) })), 422, 'transfer.dues_month', 'dues_paid_to');
  refused(await sec1.post('/api/v1/transfers', letter(m, { dues_paid_to: '2005-06' })), 422, 'transfer.dues_month', 'dues_paid_to');
  refused(await sec1.post('/api/v1/transfers', letter(m, { dues_paid_to: undefined })), 422, 'field.required', 'dues_paid_to');
  // a member of another branch is not the sender's to transfer
  const stranger = await member(b3.id);
  refused(await sec1.post('/api/v1/transfers', letter(stranger)), 422, null, 'member_id');
  // the target need not be in the sender's scope: b1's secretary cannot see b2, yet may send there
  assert.equal((await sec1.get(`/api/v1/orgs/${b2.id}`)).status, 404);
  await created(await sec1.post('/api/v1/transfers', letter(m, { dues_paid_to: month(6) })), 'transfer at the +6 month bound');
});

test('unknown fields and wrong types are 400', async () => {
  const m = await member(b1.id);
  refused(await sec1.post('/api/v1/transfers', letter(m, { colour: 'red' })), 400, null, 'colour');
  refused(await sec1.post('/api/v1/transfers', letter(m, { within_city: 'yes' })), 400, null, 'within_city');
  refused(await sec1.post('/api/v1/transfers', letter(m, { member_id: String(m.id) })), 400, null, 'member_id');
  const t = await created(await sec1.post('/api/v1/transfers', letter(m)), 'transfer');
  refused(await sec2.post(`/api/v1/transfers/${t.id}/confirm`, { version: t.version, reason: 'x' }), 400, null, 'reason');
  refused(await sec2.post(`/api/v1/transfers/${t.id}/confirm`, {}), 400, null, 'version');
  refused(await sec2.post(`/api/v1/transfers/${t.id}/reject`, { version: t.version, why: 'x' }), 400, null, 'why');
  refused(await sec1.get('/api/v1/transfers?direction=sideways'), 400, null, 'direction');
  refused(await sec1.get('/api/v1/transfers?status=lost'), 400, null, 'status');
  assert.equal((await sec1.get('/api/v1/transfers/999999999')).status, 404);
});

test('lists page, filter by org and status, and count', async () => {
  const r = await admin.get(`/api/v1/transfers?org=${town.id}&per_page=2&page=1`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.items.length, 2);
  assert.ok(r.body.total > 2);
  const ids = r.body.items.map((x) => x.id);
  const p2 = await admin.get(`/api/v1/transfers?org=${town.id}&per_page=2&page=2`);
  assert.ok(p2.body.items.every((x) => !ids.includes(x.id)));
  const sent = await admin.get(`/api/v1/transfers?org=${town.id}&status=sent`);
  assert.ok(sent.body.items.length >= 1 && sent.body.items.every((x) => x.status === 'sent'));
  // a secretary asking for another subtree gets 404
  assert.equal((await sec1.get(`/api/v1/transfers?org=${b2.id}`)).status, 404);
  // a member record that is not an admin's to see stays hidden from the list shape: no ID numbers in letters
  assert.ok(r.body.items.every((x) => !('id_number' in x)));
});
