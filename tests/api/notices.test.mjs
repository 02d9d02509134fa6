// 通知公告 (docs/API.md "Notices"): scope of a notice (a member cannot read one outside their tree by changing the
// id: 404), 422 naming the field, read once, the receipt counted per branch, the one reminder (409
// notice.remind_once), withdrawal, and files kept in the attachment store and served only to who may read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, makeTree, memberBody } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 7, 7, 7]);

async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}

const t = await makeTree(admin);
const other = await makeTree(admin);
const m1 = await created(await admin.post('/api/v1/members', memberBody(t.b1.id, { name: '李通知' })), 'member 1');
const m2 = await created(await admin.post('/api/v1/members', memberBody(t.b2.id, { name: '赵公告' })), 'member 2');
const m3 = await created(await admin.post('/api/v1/members', memberBody(other.b1.id, { name: '钱外乡' })), 'member 3');
const tag = t.tag.toLowerCase();
async function account(username, role, orgId, memberId) {
  const body = { username, password: 'Notice#2026', role, org_id: orgId };
  if (memberId) body.member_id = memberId;
  await created(await admin.post('/api/v1/users', body), `user ${username}`);
  return Client.login(username, 'Notice#2026');
}
const townAdmin = await account(`na${tag}`, 'org_admin', t.town.id);
const sec1 = await account(`ns${tag}`, 'secretary', t.b1.id);
const mem1 = await account(`n1${tag}`, 'member', t.b1.id, m1.id);
const mem2 = await account(`n2${tag}`, 'member', t.b2.id, m2.id);
const mem3 = await account(`n3${tag}`, 'member', other.b1.id, m3.id);

let townNotice, branchNotice;

test('sending: a town to its subtree, a branch to itself; bad input named', async () => {
  townNotice = await created(await townAdmin.post('/api/v1/notices', {
    title: '关于开展七一主题党日活动的通知', body: '各党支部：\n请于7月1日前组织开展主题党日。', receipt: true, pinned: true, publish: true,
  }), 'town notice');
  assert.equal(townNotice.org_id, t.town.id);
  assert.equal(townNotice.status, 'published');
  assert.equal(townNotice.counts.recipients, 2);
  branchNotice = await created(await sec1.post('/api/v1/notices', { title: '东村支部党员大会', body: '周五晚七点，村委会。', publish: true }), 'branch notice');
  assert.equal(branchNotice.org_id, t.b1.id);

  let r = await sec1.post('/api/v1/notices', { body: '没有标题' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'title');
  r = await sec1.post('/api/v1/notices', { title: '没有正文' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'body');
  r = await sec1.post('/api/v1/notices', { title: 'x', body: 'x', expires_on: '2020-01-01' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'expires_on');
  assert.equal(r.body.error.rule, 'notice.expires_past');
  r = await sec1.post('/api/v1/notices', { title: 'x', body: 'x', expires_on: '2026-02-30' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'expires_on');
  r = await sec1.post('/api/v1/notices', { title: 'x', body: 'x', org_id: t.town.id });
  assert.equal(r.status, 422, 'a secretary sends only within the branch');
  assert.equal(r.body.error.field, 'org_id');
  r = await sec1.post('/api/v1/notices', { title: 'x', body: 'x', receipt: 'yes' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'receipt');
  r = await sec1.post('/api/v1/notices', { title: 'x', body: 'x', colour: 'red' });
  assert.equal(r.status, 400);
  r = await mem1.post('/api/v1/notices', { title: 'x', body: 'x' });
  assert.equal(r.status, 403);
});

test('a member reads only what is addressed to them, whatever the id', async () => {
  let r = await mem1.get('/api/v1/me/notices');
  assert.equal(r.status, 200);
  const ids = r.body.items.map((x) => x.id);
  assert.ok(ids.includes(townNotice.id) && ids.includes(branchNotice.id));
  assert.equal(r.body.items[0].id, townNotice.id, 'pinned first');
  assert.equal(r.body.unread, 2);
  r = await mem2.get('/api/v1/me/notices');
  assert.deepEqual(r.body.items.map((x) => x.id), [townNotice.id], 'the sibling branch sees the town notice only');
  // changing the id in the URL: 404, never the notice
  r = await mem2.get(`/api/v1/me/notices/${branchNotice.id}`);
  assert.equal(r.status, 404);
  assert.equal(r.body.title, undefined);
  r = await mem3.get(`/api/v1/me/notices/${townNotice.id}`);
  assert.equal(r.status, 404);
  r = await mem3.post(`/api/v1/me/notices/${townNotice.id}/confirm`);
  assert.equal(r.status, 404);
  r = await mem3.get('/api/v1/me/notices');
  assert.equal(r.body.total, 0);
  // the sender's side is not a member's, and not another town's
  r = await mem1.get(`/api/v1/notices/${branchNotice.id}`);
  assert.equal(r.status, 403);
  r = await sec1.get(`/api/v1/notices/${townNotice.id}`);
  assert.equal(r.status, 404);
  const otherAdmin = await account(`no${tag}`, 'org_admin', other.town.id);
  r = await otherAdmin.get(`/api/v1/notices/${townNotice.id}/receipts`);
  assert.equal(r.status, 404);
});

test('read once, receipt once, counted per branch; the one reminder', async () => {
  let r = await mem1.get(`/api/v1/me/notices/${townNotice.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.read, true);
  assert.match(r.body.body, /主题党日/);
  const first = r.body.read_at;
  r = await mem1.get(`/api/v1/me/notices/${townNotice.id}`);
  assert.equal(r.body.read_at, first);
  r = await mem1.post(`/api/v1/me/notices/${townNotice.id}/confirm`);
  assert.equal(r.status, 200);
  assert.equal(r.body.confirmed, true);
  const confirmedAt = r.body.confirmed_at;
  r = await mem1.post(`/api/v1/me/notices/${townNotice.id}/confirm`);
  assert.equal(r.body.confirmed_at, confirmedAt);
  r = await mem1.post(`/api/v1/me/notices/${branchNotice.id}/confirm`);
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'notice.no_receipt');

  r = await townAdmin.get(`/api/v1/notices/${townNotice.id}/receipts`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.totals, { recipients: 2, read: 1, unread: 1, confirmed: 1, unconfirmed: 1 });
  assert.deepEqual(r.body.branches.map((b) => [b.org_id, b.confirmed]), [[t.b1.id, 1], [t.b2.id, 0]]);
  r = await townAdmin.get(`/api/v1/notices/${townNotice.id}/receipts/members?state=unconfirmed`);
  assert.deepEqual(r.body.items.map((x) => x.name), ['赵公告']);
  r = await townAdmin.get(`/api/v1/notices/${townNotice.id}/receipts/members?state=maybe`);
  assert.equal(r.status, 400);

  r = await townAdmin.post(`/api/v1/notices/${townNotice.id}/remind`);
  assert.equal(r.status, 200);
  assert.ok(r.body.reminded_at);
  r = await townAdmin.post(`/api/v1/notices/${townNotice.id}/remind`);
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'notice.remind_once');
  r = await mem2.get('/api/v1/me/notices');
  assert.equal(r.body.items[0].reminded, true, 'shown to who has not confirmed');
  r = await mem1.get('/api/v1/me/notices');
  assert.equal(r.body.items.find((x) => x.id === townNotice.id).reminded, false);

  r = await townAdmin.patch(`/api/v1/notices/${townNotice.id}`, { version: townNotice.version + 1, title: '改了' });
  assert.equal(r.status, 409);
  r = await townAdmin.get(`/api/v1/notices?q=${encodeURIComponent('七一')}`);
  assert.equal(r.body.total, 1);
  assert.equal(r.body.items[0].confirmed_count, 1);
});

test('files: stored once, served to readers only', async () => {
  const draft = await created(await sec1.post('/api/v1/notices', { title: '带附件的通知', body: '见附件。', receipt: true }), 'draft');
  assert.equal(draft.status, 'draft');
  let r = await mem1.get(`/api/v1/me/notices/${draft.id}`);
  assert.equal(r.status, 404, 'a draft reaches nobody');
  r = await sec1.req('POST', `/api/v1/notices/${draft.id}/files?filename=${encodeURIComponent('日程安排.png')}`, PNG,
    { 'Content-Type': 'application/octet-stream' });
  const file = await created(r, 'file');
  assert.equal(file.mime, 'image/png');
  r = await sec1.req('POST', `/api/v1/notices/${draft.id}/files?filename=x.pdf`, new TextEncoder().encode('not a pdf'),
    { 'Content-Type': 'application/octet-stream' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'attachment.type');
  r = await sec1.post(`/api/v1/notices/${draft.id}/publish`, { version: draft.version });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'published');
  assert.equal(r.body.files.length, 1);
  r = await mem1.get(`/api/v1/notices/${draft.id}/files/${file.id}`);
  assert.equal(r.status, 200);
  assert.deepEqual([...r.body.slice(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  r = await mem2.get(`/api/v1/notices/${draft.id}/files/${file.id}`);
  assert.equal(r.status, 404);
  r = await mem1.get(`/api/v1/notices/${townNotice.id}/files/${file.id}`);
  assert.equal(r.status, 404, 'a file is served only under its own notice');

  // withdrawn: gone from the member's list and page
  const cur = (await sec1.get(`/api/v1/notices/${draft.id}`)).body;
  r = await sec1.post(`/api/v1/notices/${draft.id}/withdraw`, { version: cur.version, reason: '时间调整' });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'withdrawn');
  r = await mem1.get(`/api/v1/me/notices/${draft.id}`);
  assert.equal(r.status, 404);
  r = await mem1.get('/api/v1/me/notices');
  assert.ok(!r.body.items.some((x) => x.id === draft.id));
  r = await mem1.get(`/api/v1/notices/${draft.id}/files/${file.id}`);
  assert.equal(r.status, 404);
  r = await sec1.post(`/api/v1/notices/${draft.id}/remind`);
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'notice.status');
});
