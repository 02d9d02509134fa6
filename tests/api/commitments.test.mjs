// 目标责任书 and 承诺事项 (docs/API.md "目标责任书 and 承诺事项"): one letter per holder and year, the status
// machine (409 commitment.status), evidence and reason rules (422), overdue, filters, statistics, the public
// board's fields, xlsx export, a member's own items under /me, and scope.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, makeTree, memberBody } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const year = Number(today.slice(0, 4));

async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}

const t = await makeTree(admin);
const other = await makeTree(admin);
const m1 = await created(await admin.post('/api/v1/members', memberBody(t.b1.id, { name: '李承诺' })), 'member');
const m2 = await created(await admin.post('/api/v1/members', memberBody(t.b2.id, { name: '赵践诺' })), 'member');
const tag = t.tag.toLowerCase();
async function account(username, role, orgId, memberId) {
  const body = { username, password: 'Commit#2026', role, org_id: orgId };
  if (memberId) body.member_id = memberId;
  await created(await admin.post('/api/v1/users', body), `user ${username}`);
  return Client.login(username, 'Commit#2026');
}
const sec1 = await account(`cs${tag}`, 'secretary', t.b1.id);
const mem1 = await account(`cm${tag}`, 'member', t.b1.id, m1.id);
const otherTown = await account(`co${tag}`, 'org_admin', other.town.id);

const items = [
  { title: '每月走访困难户 2 户', category: 'service', due_on: `${year}-12-31`, public: true },
  { title: '带头学习新修订党章', category: 'study', due_on: `${year}-01-01` },
  { title: '发展林下经济 5 亩', category: 'development', due_on: `${year}-12-31` },
];
let letter;

test('a letter per holder and year, with its items; bad input named', async () => {
  letter = await created(await sec1.post('/api/v1/commitments/letters', {
    holder_type: 'member', member_id: m1.id, year, title: `${year}年度党员承诺书`, signed_by: '支部书记', signed_on: today, items,
  }), 'letter');
  assert.equal(letter.items.length, 3);
  assert.equal(letter.holder_name, '李承诺');
  assert.deepEqual(letter.summary, { total: 3, done: 0, pending: 3, overdue: today > `${year}-01-01` ? 1 : 0, cancelled: 0 });
  let r = await sec1.post('/api/v1/commitments/letters', { holder_type: 'member', member_id: m1.id, year });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'commitment.duplicate');
  r = await sec1.post('/api/v1/commitments/letters', { holder_type: 'member', member_id: m2.id, year });
  assert.equal(r.status, 422, 'a member of another branch is outside the secretary\'s scope');
  r = await admin.post('/api/v1/commitments/letters', { holder_type: 'org', org_id: t.b2.id, year, items: [{ title: 'x', category: 'nope', due_on: `${year}-05-01` }] });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'items.0.category');
  r = await admin.post('/api/v1/commitments/letters', { holder_type: 'org', org_id: t.b2.id, year, items: [{ title: 'x', category: 'duty', due_on: `${year + 3}-05-01` }] });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'commitment.due_year');
  r = await admin.post('/api/v1/commitments/letters', { holder_type: 'org', org_id: t.b2.id, year, colour: 'red' });
  assert.equal(r.status, 400);
  r = await admin.post('/api/v1/commitments/letters', { holder_type: 'org', org_id: t.b2.id, year, items: [{ title: 'x', category: 'duty', due_on: `${year}-05-01`, extra: 1 }] });
  assert.equal(r.status, 400);
  r = await admin.post('/api/v1/commitments/letters', { holder_type: 'group', org_id: t.b2.id, year });
  assert.equal(r.status, 422);
  const orgLetter = await created(await admin.post('/api/v1/commitments/letters', {
    holder_type: 'org', org_id: t.b2.id, year, items: [{ title: '建设党群服务中心', category: 'duty', due_on: `${year}-12-31`, public: true }],
  }), 'org letter');
  assert.equal(orgLetter.holder_type, 'org');
  const added = await created(await admin.post(`/api/v1/commitments/letters/${orgLetter.id}/items`, { title: '开展志愿服务 12 次', category: 'service', due_on: `${year}-12-31` }), 'item');
  assert.equal(added.seq, 2);
  r = await admin.patch(`/api/v1/commitments/letters/${orgLetter.id}`, { version: orgLetter.version, signed_by: '镇党委书记 王某' });
  assert.equal(r.status, 200);
  assert.equal(r.body.signed_by, '镇党委书记 王某');
  r = await admin.patch(`/api/v1/commitments/letters/${orgLetter.id}`, { version: orgLetter.version, signed_by: 'x' });
  assert.equal(r.status, 409);
});

test('status machine: evidence to complete, reason to cancel, nothing after', async () => {
  const [a, b] = letter.items;
  let r = await sec1.post(`/api/v1/commitments/items/${a.id}/complete`, { version: a.version });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'commitment.evidence');
  r = await sec1.post(`/api/v1/commitments/items/${a.id}/complete`, { version: a.version, evidence: '' });
  assert.equal(r.status, 422);
  r = await sec1.post(`/api/v1/commitments/items/${a.id}/complete`, { version: a.version, evidence: '已走访 24 户' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'done');
  assert.equal(r.body.done_on, today);
  r = await sec1.post(`/api/v1/commitments/items/${a.id}/cancel`, { version: r.body.version, reason: '不再需要' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'commitment.status');
  r = await sec1.post(`/api/v1/commitments/items/${b.id}/cancel`, { version: b.version });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'commitment.reason');
  r = await sec1.post(`/api/v1/commitments/items/${b.id}/cancel`, { version: b.version, reason: '并入支部集中学习' });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'cancelled');
  r = await sec1.post(`/api/v1/commitments/items/${b.id}/complete`, { version: r.body.version, evidence: '学完了' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'commitment.status');
  r = await sec1.patch(`/api/v1/commitments/items/${b.id}`, { version: r.body.version ?? 2, title: '改名' });
  assert.equal(r.status, 409);
  r = await sec1.post(`/api/v1/commitments/items/${letter.items[2].id}/complete`, { version: 99, evidence: 'x' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'store.stale');
});

test('lists: filters, overdue, q, export; statistics; public fields only', async () => {
  let r = await admin.get(`/api/v1/commitments?org=${t.town.id}&year=${year}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.total, 5);
  r = await admin.get(`/api/v1/commitments?org=${t.town.id}&status=done`);
  assert.deepEqual(r.body.items.map((x) => x.title), ['每月走访困难户 2 户']);
  r = await admin.get(`/api/v1/commitments?org=${t.town.id}&holder_type=org`);
  assert.equal(r.body.total, 2);
  r = await admin.get(`/api/v1/commitments?org=${t.town.id}&q=${encodeURIComponent('李承')}`);
  assert.equal(r.body.total, 3);
  r = await admin.get(`/api/v1/commitments?org=${t.town.id}&q=${encodeURIComponent('%')}`);
  assert.equal(r.body.total, 0, 'LIKE wildcards are literal');
  r = await admin.get(`/api/v1/commitments?org=${t.town.id}&overdue=1`);
  assert.equal(r.body.total, 0, 'the only past-due item was cancelled');
  r = await admin.get(`/api/v1/commitments?org=${t.town.id}&status=open`);
  assert.equal(r.status, 400);
  r = await admin.get(`/api/v1/commitments?org=${t.town.id}&format=xlsx`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheet/);
  assert.equal(r.body[0], 0x50); // PK zip
  r = await admin.get(`/api/v1/commitments/letters?org=${t.town.id}&format=csv`);
  assert.equal(r.status, 200);
  assert.match(new TextDecoder().decode(r.body), /责任主体/);
  r = await admin.get(`/api/v1/commitments/letters?org=${t.town.id}`);
  assert.equal(r.body.total, 2);
  assert.ok(r.body.items.every((l) => l.summary.total >= 1));

  r = await admin.get(`/api/v1/commitments/stats?org=${t.town.id}&from=${year - 3}&to=${year}`);
  assert.equal(r.status, 200);
  assert.deepEqual({ total: r.body.total, done: r.body.done, pending: r.body.pending, cancelled: r.body.cancelled },
    { total: 5, done: 1, pending: 3, cancelled: 1 });
  assert.equal(r.body.by_year.length, 4);
  assert.equal(r.body.by_year[3].done, 1);
  assert.equal(r.body.by_category.find((c) => c.category === 'service').total, 2);
  r = await admin.get(`/api/v1/commitments/stats?org=${t.town.id}&from=${year}&to=${year - 1}`);
  assert.equal(r.status, 422);

  r = await admin.get(`/api/v1/commitments/public?org=${t.town.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.total, 2);
  for (const x of r.body.items) {
    assert.deepEqual(Object.keys(x).sort(), ['category_name', 'done_on', 'due_on', 'holder_name', 'id', 'org_name', 'status', 'status_name', 'title', 'year']);
  }
});

test('a member sees and completes only their own; scope for others', async () => {
  let r = await mem1.get(`/api/v1/me/commitments?year=${year}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.letters.length, 1);
  const mine = r.body.letters[0].items.find((x) => x.status === 'pending');
  r = await mem1.post(`/api/v1/me/commitments/${mine.id}/complete`, { version: mine.version });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'commitment.evidence');
  r = await mem1.post(`/api/v1/me/commitments/${mine.id}/complete`, { version: mine.version, evidence: '已发展林下经济 6 亩' });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'done');
  const theirs = (await admin.get(`/api/v1/commitments?org=${t.b2.id}`)).body.items[0];
  r = await mem1.post(`/api/v1/me/commitments/${theirs.id}/complete`, { version: theirs.version, evidence: 'x' });
  assert.equal(r.status, 404);
  r = await mem1.get('/api/v1/commitments');
  assert.equal(r.status, 403);
  r = await mem1.post(`/api/v1/commitments/items/${theirs.id}/complete`, { version: theirs.version, evidence: 'x' });
  assert.equal(r.status, 403);
  r = await sec1.get(`/api/v1/commitments/items/${theirs.id}`);
  assert.equal(r.status, 404);
  r = await otherTown.get(`/api/v1/commitments/letters/${letter.id}`);
  assert.equal(r.status, 404);
  r = await otherTown.get(`/api/v1/commitments?org=${t.town.id}`);
  assert.ok(r.status === 403 || r.status === 404 || r.status === 422, `other town: ${r.status}`);
});
