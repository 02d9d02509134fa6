// 扫码签到 (docs/API.md "Meeting check-in"): off by default and switched per organization (nearest setting wins),
// a check-in meeting recorded on the day with the roster absent, the secretary's code, link and QR code, the
// member's scan (present once; a repeat "already"), a wrong code 422, another branch's member 404 whatever the id,
// outside the window 409, and the secretary's correction winning over a scan. Runs against the real clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, makeTree, memberBody } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);

async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}

// now in Asia/Shanghai: today and minutes since midnight
function shanghaiNow() {
  const d = new Date(Date.now() + 8 * 3600 * 1000);
  return { day: d.toISOString().slice(0, 10), minutes: d.getUTCHours() * 60 + d.getUTCMinutes() };
}
const hhmm = (m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const yesterday = () => new Date(Date.now() + 8 * 3600 * 1000 - 86400 * 1000).toISOString().slice(0, 10);

const t = await makeTree(admin);
const m1 = await created(await admin.post('/api/v1/members', memberBody(t.b1.id, { name: '李签到' })), 'member 1');
const m2 = await created(await admin.post('/api/v1/members', memberBody(t.b1.id, { name: '王签到' })), 'member 2');
const m3 = await created(await admin.post('/api/v1/members', memberBody(t.b2.id, { name: '赵外支' })), 'member 3');
const tag = t.tag.toLowerCase();
async function account(username, role, orgId, memberId) {
  const body = { username, password: 'Checkin#2026', role, org_id: orgId };
  if (memberId) body.member_id = memberId;
  await created(await admin.post('/api/v1/users', body), `user ${username}`);
  return Client.login(username, 'Checkin#2026');
}
const sec1 = await account(`cs${tag}`, 'secretary', t.b1.id);
const mem1 = await account(`c1${tag}`, 'member', t.b1.id, m1.id);
const mem2 = await account(`c2${tag}`, 'member', t.b1.id, m2.id);
const mem3 = await account(`c3${tag}`, 'member', t.b2.id, m3.id);

function meetingBody(over = {}) {
  const now = shanghaiNow();
  const start = Math.max(0, now.minutes - 10);
  const end = Math.min(23 * 60 + 59, now.minutes + 50);
  return { org_id: t.b1.id, kind: 'theme_day', held_on: now.day, start_time: hhmm(start), end_time: hhmm(end),
    topic: '扫码签到主题党日', checkin: true, ...over };
}

let meeting;

test('off by default; switched on for a subtree, the nearest setting wins', async () => {
  let r = await sec1.get(`/api/v1/orgs/${t.b1.id}/checkin`);
  assert.equal(r.status, 200);
  assert.equal(r.body.enabled, false);
  assert.equal(r.body.defined_at, null);
  assert.equal(r.body.version, 0);
  r = await sec1.post('/api/v1/meetings', meetingBody());
  assert.equal(r.status, 409, JSON.stringify(r.body));
  assert.equal(r.body.error.rule, 'checkin.disabled');

  r = await admin.req('PUT', `/api/v1/orgs/${t.town.id}/checkin`, { enabled: 'yes', version: 0 });
  assert.equal(r.status, 400);
  r = await admin.req('PUT', `/api/v1/orgs/${t.town.id}/checkin`, { enabled: true });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'version');
  r = await admin.req('PUT', `/api/v1/orgs/${t.town.id}/checkin`, { enabled: true, version: 0 });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.enabled, true);
  assert.equal(r.body.version, 1);
  r = await admin.req('PUT', `/api/v1/orgs/${t.town.id}/checkin`, { enabled: true, version: 0 });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'store.stale');
  // the branch inherits; the sibling switches itself off; a secretary cannot touch the sibling
  r = await sec1.get(`/api/v1/orgs/${t.b1.id}/checkin`);
  assert.equal(r.body.enabled, true);
  assert.equal(r.body.defined_at, t.town.id);
  r = await sec1.req('PUT', `/api/v1/orgs/${t.b2.id}/checkin`, { enabled: false, version: 0 });
  assert.equal(r.status, 404);
  r = await admin.req('PUT', `/api/v1/orgs/${t.b2.id}/checkin`, { enabled: false, version: 0 });
  assert.equal(r.status, 200);
  r = await admin.post('/api/v1/meetings', meetingBody({ org_id: t.b2.id }));
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'checkin.disabled');
  // a member does not manage it
  r = await mem1.get(`/api/v1/orgs/${t.b1.id}/checkin`);
  assert.equal(r.status, 403);
});

test('recorded on the day, roster absent; the secretary sees the code, the link and the QR code', async () => {
  let r = await sec1.post('/api/v1/meetings', meetingBody({ held_on: yesterday() }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'checkin.day');
  r = await sec1.post('/api/v1/meetings', meetingBody({ checkin: 'yes' }));
  assert.equal(r.status, 400);
  meeting = await created(await sec1.post('/api/v1/meetings', meetingBody()), 'check-in meeting');
  assert.equal(meeting.checkin, true);
  assert.equal(meeting.counts.present, 0);
  assert.equal(meeting.counts.absent, 2);

  r = await sec1.get(`/api/v1/meetings/${meeting.id}/checkin`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.enabled, true);
  assert.equal(r.body.open, true);
  assert.match(r.body.token, /^[0-9a-f]{12}$/);
  assert.ok(r.body.url.endsWith(`/#/checkin?m=${meeting.id}&t=${r.body.token}`), r.body.url);
  assert.ok(r.body.url.startsWith('http://'));
  assert.ok(r.body.expires_in >= 1 && r.body.expires_in <= r.body.rotate_seconds);
  assert.equal(r.body.roster_count, 2);
  assert.deepEqual(r.body.checked_in, []);
  assert.ok(Date.parse(r.body.window_from) < Date.now() && Date.parse(r.body.window_to) > Date.now());

  r = await sec1.get(`/api/v1/meetings/${meeting.id}/checkin/qr`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /image\/png/);
  assert.deepEqual([...r.body.slice(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

  // not another branch's secretary, not a member
  const other = await account(`cx${tag}`, 'secretary', t.b2.id);
  r = await other.get(`/api/v1/meetings/${meeting.id}/checkin`);
  assert.equal(r.status, 404);
  r = await mem1.get(`/api/v1/meetings/${meeting.id}/checkin`);
  assert.equal(r.status, 403);
  // an ordinary meeting says so
  const plain = await created(await sec1.post('/api/v1/meetings', meetingBody({ checkin: false, kind: 'study' })), 'plain');
  assert.equal(plain.checkin, false);
  assert.equal(plain.counts.present, 2, 'an ordinary meeting still defaults to present');
  r = await sec1.get(`/api/v1/meetings/${plain.id}/checkin`);
  assert.equal(r.body.enabled, false);
  assert.equal(r.body.token, null);
  r = await sec1.get(`/api/v1/meetings/${plain.id}/checkin/qr`);
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'checkin.disabled');
});

test('the member scans: present once, a repeat changes nothing; others get 404 whatever the id', async () => {
  const { token } = (await sec1.get(`/api/v1/meetings/${meeting.id}/checkin`)).body;
  const hoursBefore = (await mem1.get(`/api/v1/members/${m1.id}/hours`)).body.hours;

  // another branch's member with the right code: 404, as for a meeting that does not exist
  let r = await mem3.post('/api/v1/me/checkin', { meeting_id: meeting.id, token });
  assert.equal(r.status, 404);
  r = await mem3.post('/api/v1/me/checkin', { meeting_id: meeting.id + 100000, token });
  assert.equal(r.status, 404);
  // an account without a member record
  r = await sec1.post('/api/v1/me/checkin', { meeting_id: meeting.id, token });
  assert.equal(r.status, 404);
  // bad input
  r = await mem1.post('/api/v1/me/checkin', { meeting_id: meeting.id });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'token');
  r = await mem1.post('/api/v1/me/checkin', { meeting_id: String(meeting.id), token });
  assert.equal(r.status, 400);
  r = await mem1.post('/api/v1/me/checkin', { meeting_id: meeting.id, token, where: 'x' });
  assert.equal(r.status, 400);
  r = await mem1.post('/api/v1/me/checkin', { meeting_id: meeting.id, token: 'abcdefabcdef' === token ? '000000000000' : 'abcdefabcdef' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'checkin.code');
  assert.equal(r.body.error.field, 'token');

  r = await mem1.post('/api/v1/me/checkin', { meeting_id: meeting.id, token });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'present');
  assert.equal(r.body.already, false);
  assert.equal(r.body.topic, '扫码签到主题党日');
  r = await mem1.post('/api/v1/me/checkin', { meeting_id: meeting.id, token });
  assert.equal(r.status, 200);
  assert.equal(r.body.already, true);

  const m = (await sec1.get(`/api/v1/meetings/${meeting.id}`)).body;
  assert.equal(m.attendance.find((a) => a.member_id === m1.id).status, 'present');
  assert.equal(m.attendance.find((a) => a.member_id === m2.id).status, 'absent');
  assert.equal(m.counts.present, 1);
  const st = (await sec1.get(`/api/v1/meetings/${meeting.id}/checkin`)).body;
  assert.deepEqual(st.checked_in.map((x) => [x.member_id, x.name]), [[m1.id, '李签到']]);
  assert.equal(st.present_count, 1);
  // the hours follow the attendance, once
  const hoursAfter = (await mem1.get(`/api/v1/members/${m1.id}/hours`)).body.hours;
  assert.ok(Math.abs(hoursAfter - hoursBefore - meeting.hours) < 0.01, `${hoursBefore} → ${hoursAfter}`);
});

test("the secretary's correction wins over a scan", async () => {
  const { token } = (await sec1.get(`/api/v1/meetings/${meeting.id}/checkin`)).body;
  let m = (await sec1.get(`/api/v1/meetings/${meeting.id}`)).body;
  let r = await sec1.patch(`/api/v1/meetings/${meeting.id}`, { version: m.version, attendance: [
    { member_id: m1.id, status: 'absent' }, { member_id: m2.id, status: 'leave', reason: '外出' }] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await mem1.post('/api/v1/me/checkin', { meeting_id: meeting.id, token });
  assert.equal(r.status, 200);
  assert.equal(r.body.already, true);
  assert.equal(r.body.status, 'absent');
  // a member on leave who comes after all: present
  r = await mem2.post('/api/v1/me/checkin', { meeting_id: meeting.id, token });
  assert.equal(r.status, 200);
  assert.equal(r.body.already, false);
  m = (await sec1.get(`/api/v1/meetings/${meeting.id}`)).body;
  assert.equal(m.attendance.find((a) => a.member_id === m1.id).status, 'absent');
  assert.equal(m.attendance.find((a) => a.member_id === m2.id).status, 'present');
});

test('outside the window: no code, and a scan is refused', async (ctx) => {
  const now = shanghaiNow();
  if (now.minutes < 75) { ctx.skip('too early in the Shanghai day for a meeting already over'); return; }
  const past = await created(await sec1.post('/api/v1/meetings', meetingBody({ start_time: '00:00', end_time: '00:30' })), 'past');
  let r = await sec1.get(`/api/v1/meetings/${past.id}/checkin`);
  assert.equal(r.body.enabled, true);
  assert.equal(r.body.open, false);
  assert.equal(r.body.token, null);
  r = await sec1.get(`/api/v1/meetings/${past.id}/checkin/qr`);
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'checkin.window');
  r = await mem1.post('/api/v1/me/checkin', { meeting_id: past.id, token: '0123456789ab' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'checkin.window');
});
