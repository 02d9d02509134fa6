// 冬春轮训 and meeting photos (docs/API.md "Organizational life"): a training across two
// branches credits its hours to the present members of both; a meeting's photo is sniffed,
// stored and downloaded like a recruit's attachment and scoped by the meeting's branch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, makeTree, memberBody } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const year = today.slice(0, 4);

async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}

const t = await makeTree(admin);
const a1 = await created(await admin.post('/api/v1/members', memberBody(t.b1.id)), 'b1 member');
const a2 = await created(await admin.post('/api/v1/members', memberBody(t.b1.id)), 'b1 member');
const b1 = await created(await admin.post('/api/v1/members', memberBody(t.b2.id)), 'b2 member');
const b2 = await created(await admin.post('/api/v1/members', memberBody(t.b2.id)), 'b2 member');
const hours = async (m) => (await admin.get(`/api/v1/members/${m.id}/hours?year=${year}`)).body.hours;
const training = (over = {}) => ({
  org_id: t.town.id, branches: [t.b1.id, t.b2.id], topic: '冬春轮训学习党章党规', held_on: today,
  start_time: '09:00', end_time: '12:00', hours: 3, place: '镇党校', ...over,
});

// all set-up before the first test: tests start while top-level awaits still run
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0xff, 0xd9]);
const mt = await created(await admin.post('/api/v1/meetings', {
  org_id: t.b1.id, kind: 'theme_day', held_on: today, start_time: '14:00', end_time: '16:00', topic: '主题党日',
}), 'meeting');
const upload = (c, body, name) => c.req('POST', `/api/v1/meetings/${mt.id}/attachments?filename=${encodeURIComponent(name)}`,
  body, { 'Content-Type': 'application/octet-stream' });

test('a training across two branches credits hours to the present members of both', async () => {
  const before = { a1: await hours(a1), a2: await hours(a2), b1: await hours(b1), b2: await hours(b2) };
  const tr = await created(await admin.post('/api/v1/trainings', training({
    attendance: [{ member_id: a2.id, status: 'leave', reason: '外出务工' }, { member_id: b2.id, status: 'absent' }],
  })), 'training');
  assert.equal(tr.branches.length, 2);
  assert.equal(tr.hours, 3);
  assert.deepEqual(tr.branches.map((b) => b.counts), [{ present: 1, leave: 1, absent: 0 }, { present: 1, leave: 0, absent: 1 }]);
  assert.equal(await hours(a1), before.a1 + 3);
  assert.equal(await hours(b1), before.b1 + 3);
  assert.equal(await hours(a2), before.a2);
  assert.equal(await hours(b2), before.b2);
  const got = await admin.get(`/api/v1/trainings/${tr.id}`);
  assert.equal(got.status, 200);
  assert.equal(got.body.topic, '冬春轮训学习党章党规');
  const m = await admin.get(`/api/v1/meetings/${tr.branches[1].meeting_id}`);
  assert.equal(m.body.kind, 'study');
  assert.equal(m.body.org_id, t.b2.id);
  const list = await admin.get(`/api/v1/trainings?org=${t.town.id}&year=${year}`);
  assert.equal(list.status, 200);
  assert.ok(list.body.items.some((x) => x.id === tr.id && x.branch_count === 2));
});

test('training rules: branches inside the organizer, at least one, hours above 0', async () => {
  const t2 = await makeTree(admin);
  let r = await admin.post('/api/v1/trainings', training({ branches: [t.b1.id, t2.b1.id] }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'training.branch_scope');
  assert.equal(r.body.error.field, 'branches[1]');
  r = await admin.post('/api/v1/trainings', training({ branches: [] }));
  assert.equal(r.body.error.rule, 'training.branches');
  r = await admin.post('/api/v1/trainings', training({ hours: 0 }));
  assert.equal(r.body.error.rule, 'training.hours');
  r = await admin.post('/api/v1/trainings', training({ org_id: t.b1.id, branches: [t.b1.id] }));
  assert.equal(r.body.error.rule, 'training.organizer');
  r = await admin.post('/api/v1/trainings', training({ colour: 'red' }));
  assert.equal(r.status, 400);
  assert.equal((await admin.get('/api/v1/trainings/999999999')).status, 404);
});

test('a meeting photo is stored, listed and downloaded; text is refused', async () => {
  let r = await upload(admin, JPEG, '会场照片.jpg');
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.mime, 'image/jpeg');
  assert.equal(r.body.size, JPEG.length);
  r = await upload(admin, new TextEncoder().encode('not a photo'), 'photo.jpg');
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'attachment.type');
  const list = await admin.get(`/api/v1/meetings/${mt.id}/attachments`);
  assert.equal(list.status, 200);
  assert.equal(list.body.total, 1);
  assert.equal(list.body.items[0].filename, '会场照片.jpg');
  const d = await admin.get(`/api/v1/attachments/${list.body.items[0].id}`);
  assert.equal(d.status, 200);
  assert.equal(d.headers.get('content-type'), 'image/jpeg');
  assert.deepEqual(Buffer.from(d.body), Buffer.from(JPEG));
});

test("another branch cannot see, add or download a meeting's photos", async () => {
  const tag = t.tag.toLowerCase();
  await admin.post('/api/v1/users', { username: `mph${tag}`, password: 'Branch#2026', role: 'secretary', org_id: t.b2.id });
  const other = await Client.login(`mph${tag}`, 'Branch#2026');
  assert.equal((await other.get(`/api/v1/meetings/${mt.id}/attachments`)).status, 404);
  assert.equal((await upload(other, JPEG, 'x.jpg')).status, 404);
  const list = await admin.get(`/api/v1/meetings/${mt.id}/attachments`);
  assert.equal((await other.get(`/api/v1/attachments/${list.body.items[0].id}`)).status, 404);
  assert.equal((await admin.get('/api/v1/meetings/999999999/attachments')).status, 404);
});
