// 民主评议党员, the 支委会 quorum and the 主题党日 plan (RULES.md §2, §4; docs/API.md "Organizational life"):
// one round per branch and year, the ⅓ 优秀 cap, 预备党员 not graded, closing only when complete, the 不合格
// follow-up, scope; a 支委会 at exactly half its committee refused; the plan and the calendar.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, makeTree, memberBody } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);

// today in the users' calendar (Asia/Shanghai, UTC+8)
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const year = Number(today.slice(0, 4));
const month = Number(today.slice(5, 7));

async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}

const t = await makeTree(admin);
// six full members (cap: 2 优秀) and one 预备党员 in b1; four full members in b2
const full = [];
for (let i = 0; i < 6; i++) full.push(await created(await admin.post('/api/v1/members', memberBody(t.b1.id)), 'member'));
const prob = await created(await admin.post('/api/v1/members', memberBody(t.b1.id, { category: 'probationary', full_date: undefined, join_date: `${year - 1}-07-01` })), 'probationary');
const b2 = [];
for (let i = 0; i < 4; i++) b2.push(await created(await admin.post('/api/v1/members', memberBody(t.b2.id)), 'b2 member'));

const entry = (round, id) => round.entries.find((e) => e.member_id === id);

async function decide(round, memberId, body) {
  const cur = (await admin.get(`/api/v1/appraisals/${round.id}`)).body;
  return admin.post(`/api/v1/appraisals/${round.id}/members/${memberId}`, { version: entry(cur, memberId).version, ...body });
}

test('a round opens once per branch and year with the branch roster', async () => {
  const round = await created(await admin.post('/api/v1/appraisals', { org_id: t.b1.id, year }), 'round');
  assert.equal(round.status, 'open');
  assert.equal(round.entries.length, 7);
  assert.deepEqual({ graded: round.summary.graded, cap: round.summary.excellent_cap }, { graded: 6, cap: 2 });
  assert.equal(entry(round, prob.id).probationary, true);
  let r = await admin.post('/api/v1/appraisals', { org_id: t.b1.id, year });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'appraisal.duplicate');
  r = await admin.post('/api/v1/appraisals', { org_id: t.town.id, year });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'appraisal.org_kind');
  r = await admin.post('/api/v1/appraisals', { org_id: t.b1.id, year, colour: 1 });
  assert.equal(r.status, 400);
  r = await admin.get(`/api/v1/appraisals?org=${t.town.id}&year=${year}`);
  assert.equal(r.status, 200);
  assert.ok(r.body.items.some((x) => x.id === round.id && x.summary.members === 7));
});

test('decisions: the ⅓ 优秀 cap, 预备党员 not graded, close only when complete, 不合格 follow-up', async () => {
  const round = (await admin.get(`/api/v1/appraisals?org=${t.b1.id}&year=${year}`)).body.items[0];
  let r = await decide(round, full[0].id, { category: 'excellent', self_assessment: '认真履行党员义务', mutual: { excellent: 4, qualified: 2 }, mass: { excellent: 10 } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(entry(r.body, full[0].id).mutual, { excellent: 4, qualified: 2, basic: 0, unqualified: 0 });
  assert.equal((await decide(round, full[1].id, { category: 'excellent' })).status, 200);
  r = await decide(round, full[2].id, { category: 'excellent' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'appraisal.excellent_cap');
  assert.match(r.body.error.message, /参加评定 6 名，优秀最多 2 名，已评 2 名/);
  r = await decide(round, prob.id, { category: 'qualified' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'appraisal.probationary');
  assert.equal((await decide(round, prob.id, { self_assessment: '预备期表现' })).status, 200);
  r = await decide(round, full[2].id, { category: 'good' });
  assert.equal(r.status, 422);
  r = await decide(round, full[2].id, { mutual: { excellent: -1 } });
  assert.equal(r.status, 422);
  r = await admin.post(`/api/v1/appraisals/${round.id}/members/${full[2].id}`, { version: 999, category: 'qualified' });
  assert.equal(r.status, 409);
  for (const m of [full[2], full[3], full[4]]) assert.equal((await decide(round, m.id, { category: 'qualified' })).status, 200);
  let cur = (await admin.get(`/api/v1/appraisals/${round.id}`)).body;
  r = await admin.post(`/api/v1/appraisals/${round.id}/close`, { version: cur.version });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'appraisal.incomplete');
  assert.equal((await decide(round, full[5].id, { category: 'unqualified' })).status, 200);
  cur = (await admin.get(`/api/v1/appraisals/${round.id}`)).body;
  r = await admin.post(`/api/v1/appraisals/${round.id}/close`, { version: cur.version });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'closed');
  assert.deepEqual([r.body.summary.excellent, r.body.summary.qualified, r.body.summary.unqualified], [2, 3, 1]);
  r = await decide(round, full[2].id, { category: 'basic' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'appraisal.closed');

  r = await admin.get(`/api/v1/appraisals/followups?org=${t.b1.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.total, 1);
  const f = r.body.items[0];
  assert.equal(f.member_id, full[5].id);
  assert.equal(f.status, 'correcting');
  assert.equal(f.overdue, false);
  assert.equal(f.correction_months, 12);
  assert.equal(f.deadline.slice(0, 4), String(year + 1));
  r = await admin.post(`/api/v1/appraisals/followups/${f.id}`, { version: f.version, outcome: 'persuaded' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'appraisal.correction_period');
  r = await admin.post(`/api/v1/appraisals/followups/${f.id}`, { version: f.version, outcome: 'corrected', note: '已改正' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.outcome, 'corrected');
  assert.equal(r.body.outcome_on, today);
  r = await admin.get(`/api/v1/audit?entity=appraisal&entity_id=${round.id}`);
  assert.equal(r.status, 200);
  assert.ok(r.body.items.some((a) => a.action === 'close'));
});

test('another branch secretary sees neither the round nor its follow-ups', async () => {
  const tag = t.tag.toLowerCase();
  assert.equal((await admin.post('/api/v1/users', { username: `ap${tag}`, password: 'Branch#2026', role: 'secretary', org_id: t.b2.id })).status, 201);
  const sec = await Client.login(`ap${tag}`, 'Branch#2026');
  const round = (await admin.get(`/api/v1/appraisals?org=${t.b1.id}&year=${year}`)).body.items[0];
  assert.equal((await sec.get(`/api/v1/appraisals/${round.id}`)).status, 404);
  const r = await sec.get('/api/v1/appraisals/followups');
  assert.equal(r.status, 200);
  assert.equal(r.body.total, 0);
  assert.equal((await sec.post('/api/v1/appraisals', { org_id: t.b1.id, year })).status, 422);
});

test('a 支委会 needs more than half of its committee present (marked "committee": true)', async () => {
  let o = (await admin.get(`/api/v1/orgs/${t.b2.id}`)).body;
  let r = await admin.patch(`/api/v1/orgs/${t.b2.id}`, { version: o.version, committee_size: 4, term_start: `${year - 1}-01-01`, term_end: `${year + 2}-01-01` });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const meeting = (present) => ({
    org_id: t.b2.id, kind: 'committee', held_on: today, start_time: '14:00', end_time: '15:00',
    attendance: b2.map((m, i) => ({ member_id: m.id, status: i < present ? 'present' : 'absent', committee: true })),
  });
  r = await admin.post('/api/v1/meetings', meeting(2));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'meeting.committee_quorum');
  assert.match(r.body.error.message, /委员 4 名，到会 2 名/);
  r = await admin.post('/api/v1/meetings', { ...meeting(0), attendance: undefined });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'meeting.committee_quorum');
  const m = await created(await admin.post('/api/v1/meetings', meeting(3)), 'committee');
  assert.deepEqual(m.committee_quorum, { committee_size: 4, present: 3 });
  assert.equal(m.attendance.filter((a) => a.committee).length, 4);
  // an edit that leaves only two present is refused as well
  r = await admin.patch(`/api/v1/meetings/${m.id}`, { version: m.version, attendance: meeting(2).attendance });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'meeting.committee_quorum');
  r = await admin.post('/api/v1/meetings', { ...meeting(3), kind: 'theme_day' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'meeting.committee_flag');
});

test('主题党日 plan per branch and year, and the calendar of a month', async () => {
  const body = { org_id: t.b2.id, year, items: [{ month, topic: '重温入党誓词' }, { month: month === 12 ? 1 : month + 1, topic: '志愿服务' }] };
  const plan = await created(await admin.post('/api/v1/meeting-plans', body), 'plan');
  assert.equal(plan.items.length, 2);
  let r = await admin.post('/api/v1/meeting-plans', body);
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'version');
  r = await admin.post('/api/v1/meeting-plans', { ...body, version: plan.version, items: [{ month, topic: '重温入党誓词' }] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.items.length, 1);
  r = await admin.post('/api/v1/meeting-plans', { ...body, version: plan.version });
  assert.equal(r.status, 409);
  r = await admin.post('/api/v1/meeting-plans', { ...body, version: plan.version + 1, items: [{ month: 13, topic: 'x' }] });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'meeting_plan.month');
  r = await admin.get(`/api/v1/meeting-plans?org=${t.town.id}&year=${year}`);
  assert.equal(r.status, 200);
  assert.ok(r.body.items.some((p) => p.id === plan.id && p.items[0].topic === '重温入党誓词'));

  let cal = (await admin.get(`/api/v1/meetings/calendar?org=${t.b2.id}&year=${year}&month=${month}`)).body;
  assert.equal(cal.days[0].date, `${today.slice(0, 7)}-01`);
  assert.deepEqual(cal.planned.map((p) => [p.topic, p.held]), [['重温入党誓词', false]]);
  const m = await created(await admin.post('/api/v1/meetings', { org_id: t.b2.id, kind: 'theme_day', held_on: today, start_time: '09:00', end_time: '11:00', topic: '重温入党誓词' }), 'theme day');
  cal = (await admin.get(`/api/v1/meetings/calendar?org=${t.town.id}&year=${year}&month=${month}`)).body;
  assert.equal(cal.planned.find((p) => p.org_id === t.b2.id).held, true);
  const day = cal.days.find((d) => d.date === today);
  assert.ok(day.meetings.some((x) => x.id === m.id && x.kind === 'theme_day'));
  assert.equal((await admin.get(`/api/v1/meetings/calendar?org=${t.b2.id}&month=13`)).status, 400);
});
