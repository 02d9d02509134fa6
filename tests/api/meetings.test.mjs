// Organizational life (RULES.md §2, §4; docs/API.md "Organizational life"): meeting records with
// attendance, the quorum of a vote, scope, versions, compliance per branch, study hours, members at risk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, makeTree, memberBody, uniq } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);

// Dates in the users' calendar (Asia/Shanghai, UTC+8)
function shanghai(offsetMonths = 0) {
  const d = new Date(Date.now() + 8 * 3600e3);
  const m = d.getUTCFullYear() * 12 + d.getUTCMonth() + offsetMonths;
  return { year: Math.floor(m / 12), month: (m % 12) + 1, today: d.toISOString().slice(0, 10) };
}
const now = shanghai();

async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}

const t = await makeTree(admin);
const full = [];
for (let i = 0; i < 3; i++) full.push(await created(await admin.post('/api/v1/members', memberBody(t.b1.id)), 'member'));
const prob = await created(await admin.post('/api/v1/members', memberBody(t.b1.id, { category: 'probationary', full_date: undefined, join_date: '2025-07-01' })), 'probationary');
const other = await created(await admin.post('/api/v1/members', memberBody(t.b2.id)), 'b2 member');

const meeting = (over = {}) => ({ org_id: t.b1.id, kind: 'theme_day', held_on: now.today, start_time: '09:00', end_time: '11:00', place: '村党群服务中心', topic: '学习党章', ...over });

test('a meeting records everyone on the branch roster as present by default, with hours from its length', async () => {
  const m = await created(await admin.post('/api/v1/meetings', meeting()), 'meeting');
  assert.equal(m.kind_name, '主题党日');
  assert.equal(m.hours, 2);
  assert.deepEqual(m.counts, { present: 4, leave: 0, absent: 0 });
  assert.deepEqual(m.attendance.map((a) => a.member_id).sort((a, b) => a - b), [...full.map((x) => x.id), prob.id].sort((a, b) => a - b));
  const got = await admin.get(`/api/v1/meetings/${m.id}`);
  assert.equal(got.status, 200);
  assert.equal(got.body.place, '村党群服务中心');
  const list = await admin.get(`/api/v1/meetings?org=${t.town.id}&kind=theme_day`);
  assert.equal(list.status, 200);
  assert.ok(list.body.items.some((x) => x.id === m.id && x.counts.present === 4));
  assert.equal(list.body.items[0].attendance, undefined);
});

test('input is checked field by field', async () => {
  let r = await admin.post('/api/v1/meetings', meeting({ colour: 'red' }));
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'colour');
  r = await admin.post('/api/v1/meetings', meeting({ kind: 'party' }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'meeting.kind');
  r = await admin.post('/api/v1/meetings', meeting({ end_time: '08:00' }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'meeting.time');
  r = await admin.post('/api/v1/meetings', meeting({ kind: 'lecture', lecturer: undefined }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'lecturer');
  r = await admin.post('/api/v1/meetings', meeting({ held_on: `${now.year + 1}-12-31` }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'field.date_future');
  r = await admin.post('/api/v1/meetings', meeting({ kind: 'group' }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'meeting.org_kind');
  r = await admin.post('/api/v1/meetings', meeting({ attendance: [{ member_id: other.id, status: 'present' }] }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'meeting.attendee');
  r = await admin.post('/api/v1/meetings', meeting({ attendance: [{ member_id: full[0].id, status: 'late' }] }));
  assert.equal(r.status, 422);
  r = await admin.post('/api/v1/meetings', meeting({ attendance: [{ member_id: full[0].id, status: 'present', x: 1 }] }));
  assert.equal(r.status, 400);
  r = await admin.post('/api/v1/meetings', meeting({ hours: 1.25 }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'meeting.hours');
});

test('a vote needs more than half of the voting members present', async () => {
  // voters: the three full members; the probationary member does not vote
  let r = await admin.post('/api/v1/meetings', meeting({
    kind: 'party_congress', vote: true,
    attendance: [{ member_id: full[0].id, status: 'present' }, { member_id: full[1].id, status: 'leave', reason: '外出务工' }, { member_id: prob.id, status: 'present' }],
  }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'meeting.quorum');
  assert.match(r.body.error.message, /应到 3 名，实到 1 名/);
  r = await admin.post('/api/v1/meetings', meeting({ kind: 'party_congress', vote: true, attendance: [{ member_id: full[0].id, status: 'present' }, { member_id: full[1].id, status: 'present' }] }));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.deepEqual(r.body.quorum, { expected_voters: 3, present_voters: 2 });
  assert.equal(r.body.attendance.find((a) => a.member_id === full[2].id).status, 'absent');
  r = await admin.post('/api/v1/meetings', meeting({ kind: 'committee', vote: true }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'meeting.vote');
});

test('PATCH changes fields and attendance at the current version, audited', async () => {
  const m = await created(await admin.post('/api/v1/meetings', meeting({ kind: 'study', topic: '冬春轮训' })), 'study');
  let r = await admin.patch(`/api/v1/meetings/${m.id}`, { version: m.version, minutes: '第一项\n第二项', attendance: [{ member_id: full[0].id, status: 'leave', reason: '病假' }] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.version, m.version + 1);
  assert.equal(r.body.minutes, '第一项\n第二项');
  assert.deepEqual(r.body.counts, { present: 0, leave: 1, absent: 3 });
  r = await admin.patch(`/api/v1/meetings/${m.id}`, { version: m.version, place: 'x' });
  assert.equal(r.status, 409);
  r = await admin.patch(`/api/v1/meetings/${m.id}`, { version: m.version + 1, kind: 'lecture' });
  assert.equal(r.status, 400);
  const audit = await admin.get(`/api/v1/audit?entity=meeting&entity_id=${m.id}`);
  assert.equal(audit.status, 200);
});

test('a secretary records for their own branch only', async () => {
  const tag = uniq().toLowerCase();
  assert.equal((await admin.post('/api/v1/users', { username: `mt${tag}`, password: 'Branch#2026', role: 'secretary', org_id: t.b2.id })).status, 201);
  const sec = await Client.login(`mt${tag}`, 'Branch#2026');
  let r = await sec.post('/api/v1/meetings', meeting());
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'org.scope');
  r = await sec.post('/api/v1/meetings', meeting({ org_id: t.b2.id }));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const mine = await sec.get('/api/v1/meetings');
  assert.ok(mine.body.items.every((x) => x.org_id === t.b2.id));
  const theirs = (await admin.get(`/api/v1/meetings?org=${t.b1.id}`)).body.items[0];
  assert.equal((await sec.get(`/api/v1/meetings/${theirs.id}`)).status, 404);
});

test('compliance: a branch with its month\'s meetings is green, an open month amber, a past one red; rolled up', async () => {
  const tt = await makeTree(admin);
  const mem = await created(await admin.post('/api/v1/members', memberBody(tt.b1.id)), 'member');
  let r = await admin.get(`/api/v1/compliance?org=${tt.town.id}&year=${now.year}&month=${now.month}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.branches.find((b) => b.org_id === tt.b1.id).status, 'amber');
  // every kind that can fall due this month (quarter and year ends included)
  for (const kind of ['theme_day', 'party_congress', 'lecture', 'life_meeting', 'appraisal']) {
    await created(await admin.post('/api/v1/meetings', meeting({ org_id: tt.b1.id, kind, lecturer: '书记' })), kind);
  }
  // 谈心谈话 falls due with the year (in December): each member talked with
  await created(await admin.post('/api/v1/meetings', meeting({ org_id: tt.b1.id, kind: 'talk', attendance: [{ member_id: mem.id, status: 'present' }] })), 'talk');
  r = await admin.get(`/api/v1/compliance?org=${tt.town.id}&year=${now.year}&month=${now.month}`);
  const b1 = r.body.branches.find((b) => b.org_id === tt.b1.id);
  assert.equal(b1.status, 'green', JSON.stringify(b1));
  assert.equal(b1.items.find((i) => i.kind === 'theme_day').held, 1);
  assert.equal(r.body.branches.find((b) => b.org_id === tt.b2.id).status, 'amber');
  const town = r.body.rollup.find((x) => x.org_id === tt.town.id);
  assert.deepEqual([town.branches, town.green, town.share], [2, 1, 0.5]);
  const prev = shanghai(-1);
  r = await admin.get(`/api/v1/compliance?org=${tt.town.id}&year=${prev.year}&month=${prev.month}`);
  assert.equal(r.body.branches.find((b) => b.org_id === tt.b2.id).status, 'red');
  // quarter and year views
  r = await admin.get(`/api/v1/compliance?org=${tt.town.id}&year=${now.year}&quarter=${Math.ceil(now.month / 3)}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.branches.find((b) => b.org_id === tt.b2.id).items.find((i) => i.kind === 'theme_day').required, 3);
  r = await admin.get(`/api/v1/compliance?org=${tt.town.id}&year=${now.year}`);
  assert.equal(r.body.period, String(now.year));
  assert.equal((await admin.get(`/api/v1/compliance?year=${now.year}&month=1&quarter=1`)).status, 400);
  assert.equal((await admin.get(`/api/v1/compliance?month=13`)).status, 400);
  // a moved branch takes its meetings along
  const dest = await created(await admin.post('/api/v1/orgs', { kind: 'committee', name: `新党委${tt.tag}`, code: `N${tt.tag}`, parent_id: tt.dept.id }), 'committee');
  const cur = (await admin.get(`/api/v1/orgs/${tt.b1.id}`)).body;
  assert.equal((await admin.post(`/api/v1/orgs/${tt.b1.id}/move`, { version: cur.version, parent_id: dest.id })).status, 200);
  r = await admin.get(`/api/v1/compliance?org=${dest.id}&year=${now.year}&month=${now.month}`);
  assert.equal(r.body.branches.find((b) => b.org_id === tt.b1.id).status, 'green');
});

test('study hours per member and per branch against the target', async () => {
  const r = await admin.get(`/api/v1/members/${full[2].id}/hours?year=${now.year}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.target_hours, 32);
  assert.ok(r.body.hours >= 2);
  assert.ok(r.body.meetings.every((m) => m.hours === 0 || m.status === 'present'));
  const s = await admin.get(`/api/v1/compliance/hours?org=${t.b1.id}&year=${now.year}`);
  assert.equal(s.status, 200);
  assert.equal(s.body.total, 4);
  assert.ok(s.body.items.every((i) => typeof i.hours === 'number' && i.met === false));
  assert.equal((await admin.get(`/api/v1/members/${full[2].id}/hours?year=1999`)).status, 400);
});

test('members at risk: the list answers with its window', async () => {
  const r = await admin.get(`/api/v1/compliance/at-risk?org=${t.b1.id}`);
  assert.equal(r.status, 200);
  assert.ok(r.body.window.from < r.body.window.to);
  assert.ok(Array.isArray(r.body.items));
  // everyone took part this month
  assert.equal(r.body.items.filter((i) => i.flag === 'no_life').length, 0);
  // a branch is far below compliance.list_max: paging is accepted and the whole list answers, without page keys
  const p = await admin.get(`/api/v1/compliance/at-risk?org=${t.b1.id}&page=2&per_page=1`);
  assert.equal(p.status, 200);
  assert.deepEqual(p.body.items, r.body.items);
  assert.equal(p.body.page, undefined);
  assert.equal((await admin.get(`/api/v1/compliance/at-risk?org=${t.b1.id}&per_page=0`)).status, 400);
});

test('谈心谈话: the year view counts each member talked with and names those not yet', async () => {
  const tt = await makeTree(admin);
  const a = await created(await admin.post('/api/v1/members', memberBody(tt.b1.id)), 'member');
  const b = await created(await admin.post('/api/v1/members', memberBody(tt.b1.id)), 'member');
  let r = await admin.get(`/api/v1/compliance?org=${tt.b1.id}&year=${now.year}`);
  assert.equal(r.status, 200);
  let talk = r.body.branches[0].items.find((i) => i.kind === 'talk');
  assert.deepEqual([talk.name, talk.every_months, talk.required, talk.held], ['谈心谈话', 12, 2, 0]);
  assert.equal(talk.missing[0].missing, 2);
  assert.equal(talk.missing[0].due, `${now.year}-12-31`);
  assert.deepEqual(talk.missing[0].members.map((m) => m.member_id).sort((x, y) => x - y), [a.id, b.id].sort((x, y) => x - y));
  await created(await admin.post('/api/v1/meetings', meeting({ org_id: tt.b1.id, kind: 'talk', attendance: [{ member_id: a.id, status: 'present' }] })), 'talk');
  r = await admin.get(`/api/v1/compliance?org=${tt.b1.id}&year=${now.year}`);
  talk = r.body.branches[0].items.find((i) => i.kind === 'talk');
  assert.deepEqual([talk.required, talk.held, talk.missing[0].missing], [2, 1, 1]);
  assert.deepEqual(talk.missing[0].members.map((m) => [m.member_id, m.name]), [[b.id, b.name]]);
  assert.ok(r.body.branches[0].status !== 'green');
});

test('reminders: what is still missing in the periods that end soon, sorted by end date', async () => {
  const tt = await makeTree(admin);
  await created(await admin.post('/api/v1/members', memberBody(tt.b1.id)), 'member');
  const r = await admin.get(`/api/v1/compliance/reminders?org=${tt.town.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.today, now.today);
  assert.equal(r.body.total, r.body.items.length);
  const window = { 1: 7, 3: 15, 6: 15, 12: 30 };
  for (const it of r.body.items) {
    assert.ok(it.days_left >= 0 && it.days_left <= window[it.every_months], JSON.stringify(it));
    assert.ok(it.missing > 0);
  }
  const dues = r.body.items.map((i) => i.due);
  assert.deepEqual(dues, [...dues].sort());
  // a new branch has held nothing: this month's 主题党日 is reminded exactly when the month ends within 7 days
  const last = new Date(Date.UTC(now.year, now.month, 0)).toISOString().slice(0, 10);
  const left = Math.round((Date.parse(last) - Date.parse(now.today)) / 86400e3);
  const theme = r.body.items.find((i) => i.org_id === tt.b1.id && i.kind === 'theme_day');
  assert.equal(Boolean(theme), left <= 7);
  if (theme) assert.deepEqual([theme.due, theme.days_left, theme.name], [last, left, '主题党日']);
  assert.equal((await admin.get('/api/v1/compliance/reminders?org=abc')).status, 400);
});
