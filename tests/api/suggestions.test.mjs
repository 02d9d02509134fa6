// 合理化建议 (docs/API.md "Suggestions"): a member writes to their own branch and reads only their own (another
// member's id is 404, the managers' routes 403); the public form of a board answers 404 for a wrong key or a
// disabled board, keeps the contact phone masked in every list and detail (full only through the audited reveal)
// and stops a flood with 429 suggestion.rate; convert makes one 民情诉求 (409 suggestion.status after), close needs a
// reply; the yearly statistics count what the list shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, raw, makeTree, memberBody } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);

async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}

const t = await makeTree(admin);
const m1 = await created(await admin.post('/api/v1/members', memberBody(t.b1.id, { name: '周建言' })), 'member 1');
const m2 = await created(await admin.post('/api/v1/members', memberBody(t.b1.id, { name: '吴献策' })), 'member 2');
const tag = t.tag.toLowerCase();
async function account(username, role, orgId, memberId) {
  const body = { username, password: 'Suggest#2026', role, org_id: orgId };
  if (memberId) body.member_id = memberId;
  await created(await admin.post('/api/v1/users', body), `user ${username}`);
  return Client.login(username, 'Suggest#2026');
}
const sec1 = await account(`ss${tag}`, 'secretary', t.b1.id);
const sec2 = await account(`st${tag}`, 'secretary', t.b2.id);
const mem1 = await account(`s1${tag}`, 'member', t.b1.id, m1.id);
const mem2 = await account(`s2${tag}`, 'member', t.b1.id, m2.id);
const pub = (key, body) => raw('POST', `/api/v1/public/board/suggestions?key=${encodeURIComponent(key)}`, body);

// boards: b1 enabled, b2 saved but disabled
let r = await sec1.req('PUT', `/api/v1/orgs/${t.b1.id}/board`, { version: 0, enabled: true });
assert.equal(r.status, 200, JSON.stringify(r.body));
const key1 = (await sec1.get(`/api/v1/orgs/${t.b1.id}/board`)).body.key;
r = await sec2.req('PUT', `/api/v1/orgs/${t.b2.id}/board`, { version: 0, enabled: false });
assert.equal(r.status, 200, JSON.stringify(r.body));
const key2 = (await sec2.get(`/api/v1/orgs/${t.b2.id}/board`)).body.key;

let mine;

test('a member writes to their branch and reads only their own', async () => {
  mine = await created(await mem1.post('/api/v1/me/suggestions', { title: '建议开展夜校', body: '农闲时开办党员夜校。' }), 'mine');
  assert.equal(mine.status, 'open');
  assert.equal(mine.org_id, t.b1.id);
  assert.equal(mine.contact, undefined, 'the member side has no managers\' fields');
  r = await mem1.get('/api/v1/me/suggestions');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.items.map((x) => x.id), [mine.id]);
  // another member of the same branch: 404 by id, nothing in the list, 403 on the managers' routes
  assert.equal((await mem2.get(`/api/v1/me/suggestions/${mine.id}`)).status, 404);
  assert.equal((await mem2.get('/api/v1/me/suggestions')).body.total, 0);
  assert.equal((await mem2.get(`/api/v1/suggestions/${mine.id}`)).status, 403);
  assert.equal((await mem2.get('/api/v1/suggestions')).status, 403);
  assert.equal((await mem2.post(`/api/v1/suggestions/${mine.id}/close`, { version: 1, reply: 'x' })).status, 403);
  // the other branch's secretary: 404
  assert.equal((await sec2.get(`/api/v1/suggestions/${mine.id}`)).status, 404);
  assert.equal((await sec1.get(`/api/v1/suggestions/${mine.id}`)).status, 200);
  // bad input named
  r = await mem1.post('/api/v1/me/suggestions', { body: '没有标题' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'title');
  r = await mem1.post('/api/v1/me/suggestions', { title: '太长', body: 'x'.repeat(1501) });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'body');
  r = await mem1.post('/api/v1/me/suggestions', { title: 'x', body: 'x', org_id: t.b2.id });
  assert.equal(r.status, 400, 'the branch is the member\'s own, not chosen');
});

test('the public form: a wrong key or a disabled board is 404; the contact stays masked', async () => {
  const body = { title: '建议村口装路灯', body: '晚上太黑。', name: '郑大爷', contact: '13912345678' };
  assert.equal((await pub('WrongKeyWrongKeyWrongKey', body)).status, 404);
  assert.equal((await pub(String(t.b1.id), body)).status, 404);
  assert.equal((await pub(key2, body)).status, 404, 'a disabled board');
  assert.equal((await raw('POST', '/api/v1/public/board/suggestions', body)).status, 404);
  r = await pub(key1, { ...body, contact: 'abc' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'contact');
  r = await pub(key1, { ...body, extra: 1 });
  assert.equal(r.status, 400);
  r = await pub(key1, body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.received, true);
  assert.equal(r.body.id, undefined);

  r = await sec1.get('/api/v1/suggestions?source=board');
  assert.equal(r.status, 200);
  assert.equal(r.body.total, 1);
  const item = r.body.items[0];
  assert.equal(item.submitter, '郑大爷');
  assert.equal(item.has_contact, true);
  assert.match(item.contact, /^139\*{4}5678$/);
  assert.ok(!JSON.stringify(r.body).includes('13912345678'), 'no full phone in the list');
  const detail = await sec1.get(`/api/v1/suggestions/${item.id}`);
  assert.ok(!JSON.stringify(detail.body).includes('13912345678'), 'no full phone in the detail');
  const xlsx = await sec1.get('/api/v1/suggestions?format=csv');
  assert.equal(xlsx.status, 200);
  assert.ok(!Buffer.from(xlsx.body).toString('utf8').includes('13912345678'), 'no full phone in the download');
  // the reveal: a manager in scope, audited
  assert.equal((await sec2.post(`/api/v1/suggestions/${item.id}/reveal`)).status, 404);
  r = await sec1.post(`/api/v1/suggestions/${item.id}/reveal`);
  assert.equal(r.status, 200);
  assert.equal(r.body.contact, '13912345678');
  r = await admin.get(`/api/v1/audit?entity=suggestion&entity_id=${item.id}`);
  if (r.status === 200) {
    assert.ok(r.body.items.some((e) => e.action === 'reveal'), 'the reveal is audited');
    assert.ok(!JSON.stringify(r.body).includes('13912345678'), 'the audit log keeps the mask');
  }
  assert.equal((await mem1.post(`/api/v1/suggestions/${mine.id}/reveal`)).status, 403);
  assert.equal((await sec1.post(`/api/v1/suggestions/${mine.id}/reveal`)).status, 404, 'no contact given');
});

test('convert makes one 民情诉求; close needs a reply; only an open one is answered', async () => {
  // the member's rendering has no version: the manager's has
  mine = (await sec1.get(`/api/v1/suggestions/${mine.id}`)).body;
  const before = (await sec1.get('/api/v1/requests')).body.total;
  r = await sec1.post(`/api/v1/suggestions/${mine.id}/convert`, { version: mine.version, category: 'bogus' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'category');
  assert.equal((await sec1.get('/api/v1/requests')).body.total, before, 'a refused convert writes nothing');
  r = await sec1.post(`/api/v1/suggestions/${mine.id}/convert`, { version: mine.version + 3, category: 'education' });
  assert.equal(r.status, 409);
  r = await sec1.post(`/api/v1/suggestions/${mine.id}/convert`, { version: mine.version, category: 'education' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'converted');
  assert.ok(r.body.request_id > 0);
  const rq = await sec1.get(`/api/v1/requests/${r.body.request_id}`);
  assert.equal(rq.status, 200);
  assert.equal(rq.body.channel, 'suggestion');
  assert.equal(rq.body.org_id, t.b1.id);
  assert.equal((await sec1.get('/api/v1/requests')).body.total, before + 1);
  const again = await sec1.post(`/api/v1/suggestions/${mine.id}/convert`, { version: r.body.version, category: 'education' });
  assert.equal(again.status, 409);
  assert.equal(again.body.error.rule, 'suggestion.status');
  assert.equal((await sec1.get('/api/v1/requests')).body.total, before + 1);
  // the member sees it converted
  r = await mem1.get(`/api/v1/me/suggestions/${mine.id}`);
  assert.equal(r.body.status, 'converted');

  let s2 = await created(await mem2.post('/api/v1/me/suggestions', { title: '建议修路', body: '村道坑洼。' }), 's2');
  s2 = (await sec1.get(`/api/v1/suggestions/${s2.id}`)).body;
  r = await sec1.post(`/api/v1/suggestions/${s2.id}/close`, { version: s2.version });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'reply');
  r = await sec1.post(`/api/v1/suggestions/${s2.id}/close`, { version: s2.version, reply: '   ' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'reply');
  r = await sec1.post(`/api/v1/suggestions/${s2.id}/close`, { version: s2.version, reply: '已列入今年计划。' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'closed');
  r = await sec1.post(`/api/v1/suggestions/${s2.id}/close`, { version: r.body.version, reply: '再次' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'suggestion.status');
  r = await mem2.get('/api/v1/me/suggestions');
  assert.equal(r.body.items[0].reply, '已列入今年计划。');
});

test('statistics count what the list shows', async () => {
  const year = new Date(Date.now() + 8 * 3600e3).getUTCFullYear();
  r = await admin.get(`/api/v1/suggestions/stats?org=${t.town.id}&year=${year}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const s = r.body;
  assert.equal(s.year, year);
  assert.equal(s.total, 3);
  assert.equal(s.member, 2);
  assert.equal(s.board, 1);
  assert.equal(s.open, 1);
  assert.equal(s.converted, 1);
  assert.equal(s.closed, 1);
  assert.deepEqual(s.branches.map((b) => [b.org_id, b.total]), [[t.b1.id, 3]]);
  for (const status of ['open', 'converted', 'closed']) {
    const l = await admin.get(`/api/v1/suggestions?org=${t.town.id}&year=${year}&status=${status}`);
    assert.equal(l.body.total, s[status], status);
  }
  assert.equal((await admin.get(`/api/v1/suggestions?org=${t.town.id}&status=nope`)).status, 422);
  assert.equal((await sec2.get(`/api/v1/suggestions/stats?org=${t.b1.id}`)).status, 404);
  assert.equal((await sec2.get('/api/v1/suggestions/stats')).body.total, 0);
});

test('the public form is capped per board and hour: 429 suggestion.rate', async () => {
  // one came in above; the default cap is 20 an hour
  let last;
  for (let i = 0; i < 25; i++) {
    last = await pub(key1, { title: `第${i}条`, body: '内容' });
    if (last.status !== 201) break;
  }
  assert.equal(last.status, 429, JSON.stringify(last.body));
  assert.equal(last.body.error.rule, 'suggestion.rate');
  r = await sec1.get('/api/v1/suggestions?source=board');
  assert.equal(r.body.total, 20);
  // members are not limited by it
  assert.equal((await mem1.post('/api/v1/me/suggestions', { title: '照常', body: '照常提交' })).status, 201);
});
