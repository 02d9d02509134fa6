// 智慧支部记录本 (docs/API.md "The member's phone home"): GET /api/v1/me/home figures against known data — dues
// (a ¥3,000 employed base from four months ago, two months paid → two months and ¥30.00 owed, from the dues rule),
// study hours present only, the branch's secretary by name with a masked phone, the path of the branch, open tasks,
// unread notices; GET /api/v1/me/tasks (mine only); GET /api/v1/me/recruitment for a 预备党员 walked through step 17
// (steps with dates, what comes next with its earliest date, no votes, scores or introducers' ids) and 404
// recruit.none for a member without a record; 404 member.no_record for an account without a member record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, makeTree, memberBody, idNumber, uniq } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);
const DAY = 86400e3;
const fmt = (ms) => new Date(ms).toISOString().slice(0, 10);
const parse = (s) => Date.parse(s + 'T00:00:00Z');
const TODAY = fmt(Date.now() + 8 * 3600e3);
const YEAR = Number(TODAY.slice(0, 4));
const addDays = (s, n) => fmt(parse(s) + n * DAY);
function addMonths(s, n) {
  const d = new Date(parse(s));
  const m = d.getUTCFullYear() * 12 + d.getUTCMonth() + n;
  const y = Math.floor(m / 12), mo = m % 12;
  const last = new Date(Date.UTC(y, mo + 1, 0)).getUTCDate();
  return fmt(Date.UTC(y, mo, Math.min(d.getUTCDate(), last)));
}
const month = (s) => s.slice(0, 7);

async function created(r, what) {
  assert.ok(r.status === 201 || r.status === 200, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

const t = await makeTree(admin);
const tag = t.tag;
const sec = await created(await admin.post('/api/v1/members', memberBody(t.b1.id, { name: `首页书记${tag}`, id_number: idNumber('1968-01-02', 1), phone: '13912345678' })), 'secretary');
const mine = await created(await admin.post('/api/v1/members', memberBody(t.b1.id, { name: `首页党员${tag}`, id_number: idNumber('1966-06-07', 2), person_type: 'employed' })), 'me');
const other = await created(await admin.post('/api/v1/members', memberBody(t.b2.id, { name: `首页他人${tag}`, id_number: idNumber('1967-07-08', 1) })), 'other');
{
  const b1 = (await admin.get(`/api/v1/orgs/${t.b1.id}`)).body;
  await created(await admin.patch(`/api/v1/orgs/${t.b1.id}`, { version: b1.version, secretary_member_id: sec.id }), 'set secretary');
}
async function account(member, prefix) {
  const username = `${prefix}${uniq()}`.toLowerCase();
  const body = { username, password: 'Home#2026pw', role: 'member', org_id: member ? member.org_id : t.b1.id };
  if (member) body.member_id = member.id;
  await created(await admin.post('/api/v1/users', body), `user ${prefix}`);
  return Client.login(username, 'Home#2026pw');
}
const me = await account(mine, 'mh');

// dues: a base from four months ago, the first two months paid
const FROM = month(addMonths(TODAY, -4));
await created(await admin.post(`/api/v1/members/${mine.id}/dues/bases`, { kind: 'employed', base_fen: 300000, from_month: FROM }), 'base');
await created(await admin.post('/api/v1/dues/payments', {
  member_id: mine.id, kind: 'regular', first_month: FROM, last_month: month(addMonths(TODAY, -3)), paid_on: TODAY, method: 'wechat',
}), 'payment');

test('GET /me/home: the figures of the modules that own them', async () => {
  // study: present at one meeting of the branch today
  const meeting = await admin.post('/api/v1/meetings', {
    org_id: t.b1.id, kind: 'study', held_on: TODAY, start_time: '09:00', end_time: '11:30', lecturer: '书记', topic: '学习',
    hours: 2.5, attendance: [{ member_id: mine.id, status: 'present' }, { member_id: sec.id, status: 'absent' }],
  });
  assert.equal(meeting.status, 201, JSON.stringify(meeting.body));
  await created(await admin.post('/api/v1/tasks', {
    org_id: t.town.id, year: YEAR, title: `首页任务${tag}`, unit_org_id: t.b1.id, person_name: '首页党员', person_member_id: mine.id,
    due_on: `${YEAR}-12-31`, milestones: [{ month: 12, target: '完成' }],
  }), 'task');
  await created(await admin.post('/api/v1/tasks', {
    org_id: t.town.id, year: YEAR, title: `他人任务${tag}`, unit_org_id: t.b2.id, person_name: '他人', person_member_id: other.id,
    due_on: `${YEAR}-12-31`, milestones: [{ month: 12, target: '完成' }],
  }), 'task 2');
  await created(await admin.post('/api/v1/notices', { org_id: t.b1.id, title: `首页通知${tag}`, body: '内容', publish: true }), 'notice');

  const r = await me.get('/api/v1/me/home');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const h = r.body;
  assert.equal(h.member.id, mine.id);
  assert.equal(h.year, YEAR);
  assert.equal(h.branch.id, t.b1.id);
  assert.deepEqual(h.branch.path.map((x) => x.id), [t.dept.id, t.town.id, t.b1.id]);
  assert.equal(h.branch.path_names, `${t.dept.name} / ${t.town.name} / ${t.b1.name}`);
  assert.equal(h.secretary.name, sec.name);
  assert.equal(h.secretary.phone, '139****5678', 'the secretary\'s phone is masked');
  assert.equal(h.secretary.is_me, false);
  assert.deepEqual(h.dues, { monthly_fen: 1500, paid_to: month(addMonths(TODAY, -3)), owed_months: 2, owed_fen: 3000 });
  // the same figures as the owning routes
  const dues = (await me.get('/api/v1/me/dues')).body;
  assert.deepEqual([dues.arrears.months, dues.arrears.fen], [h.dues.owed_months, h.dues.owed_fen]);
  const hours = (await me.get(`/api/v1/members/${mine.id}/hours?year=${YEAR}`)).body;
  assert.equal(h.hours.hours, hours.hours);
  assert.equal(h.hours.target_hours, hours.target_hours);
  assert.equal(h.hours.hours, 2.5);
  assert.equal(h.hours.met, false);
  assert.deepEqual(h.tasks, { open: 1, overdue: 0 });
  assert.equal(h.notices.unread, 1);
  assert.equal(typeof h.points.enabled, 'boolean');
  assert.equal(h.recruitment, null);

  const tasks = (await me.get('/api/v1/me/tasks')).body;
  assert.equal(tasks.total, 1);
  assert.equal(tasks.items[0].title, `首页任务${tag}`);
  assert.equal(tasks.items[0].milestones.length, 1);
  assert.ok(!JSON.stringify(tasks).includes(`他人任务${tag}`));

  // the secretary sees themself as the secretary
  const secMe = await account(sec, 'ms');
  const s = (await secMe.get('/api/v1/me/home')).body;
  assert.equal(s.secretary.is_me, true);
});

test('no member record: 404 member.no_record; no recruitment: 404 recruit.none', async () => {
  let r = await me.get('/api/v1/me/recruitment');
  assert.equal(r.status, 404);
  assert.equal(r.body.error.rule, 'recruit.none');
  const sec1 = await (async () => {
    const username = `mhs${uniq()}`.toLowerCase();
    await created(await admin.post('/api/v1/users', { username, password: 'Home#2026pw', role: 'secretary', org_id: t.b1.id }), 'secretary account');
    return Client.login(username, 'Home#2026pw');
  })();
  for (const p of ['/api/v1/me/home', '/api/v1/me/tasks', '/api/v1/me/recruitment']) {
    r = await sec1.get(p);
    assert.equal(r.status, 404, p);
    assert.equal(r.body.error.rule, 'member.no_record', p);
  }
});

// ---- a 预备党员 walked through step 17 ----
const A = (() => { const x = addDays(addMonths(TODAY, -20), -10); return x.slice(0, 8) + '10'; })();
const d = (months, days = 0) => addDays(addMonths(A, months), days);

async function fullMembers(org, n) {
  const ids = [];
  for (let i = 0; i < n; i++) {
    const m = await created(await admin.post('/api/v1/members', memberBody(org.id, { name: `表决${i}${tag}`, id_number: idNumber(`19${60 + i}-0${1 + i}-1${i}`, 1 + (i % 2)) })), 'member');
    ids.push(m.id);
  }
  return ids;
}

test('GET /me/recruitment: a 预备党员 sees their own timeline, the next steps and nothing of the votes', async () => {
  const m = await fullMembers(t.b2, 8);
  const voters = (await admin.get(`/api/v1/members?org=${t.b2.id}&category=full&state=active&party_status=normal&per_page=200`)).body.items.length;
  const vote = { present_voting: voters, in_favour: voters, against: 0, abstain: 0, excused: [] };
  const rec = await created(await admin.post('/api/v1/recruits', {
    org_id: t.b2.id, name: `首页预备${tag}`, id_number: idNumber('1996-04-18', 1), ethnicity: '01', education: '21', job: '11',
    work_unit: '村委会', phone: '13800001111', applied_on: A,
  }), 'recruit');
  const plan = [
    { step: 2, done_on: d(0, 20), people: { talkers: [m[0]] } },
    { step: 3, done_on: d(1), data: { method: '党员推荐' } },
    { step: 4, done_on: d(1, 5) },
    { step: 5, done_on: d(1, 10), people: { contacts: [m[1], m[2]] } },
    { step: 6, done_on: d(4), data: { content: '考察一' } },
    { step: 6, done_on: d(9), data: { content: '考察二' } },
    { step: 6, done_on: d(12, 20), data: { content: '考察三' } },
    { score: 90, scored_on: d(12, 25) },
    { step: 7, done_on: d(13, 5), data: { opinions: { group: '同意', contacts: '同意', members: '同意', masses: '同意' }, committee_agreed: true } },
    { step: 8, done_on: d(13, 10) },
    { step: 9, done_on: d(13, 15), people: { introducers: [m[1], m[2]] } },
    { step: 10, done_on: d(14), data: { result: 'passed' } },
    { step: 11, done_on: d(14, 10), data: { days: 5, hours: 40 } },
    { step: 12, done_on: d(14, 15), data: { committee_agreed: true } },
    { step: 13, done_on: d(15, 12), data: { publicity_start: d(14, 20), publicity_end: d(15, 10), leaving_unit_within_3_months: false } },
    { step: 14, done_on: d(15, 15) },
    { step: 15, done_on: d(16), data: vote },
    { step: 16, done_on: d(16, 10), people: { talkers: [m[3]] } },
    { step: 17, done_on: d(17) },
    { step: 18, done_on: d(17, 10) },
  ];
  let version = rec.version, last = rec;
  for (const a of plan) {
    if (a.score) {
      await created(await admin.post(`/api/v1/recruits/${rec.id}/scores`, { rater: '支部委员会', score: a.score, scored_on: a.scored_on }), 'score');
      version = (await admin.get(`/api/v1/recruits/${rec.id}`)).body.version;
      continue;
    }
    const r = await admin.post(`/api/v1/recruits/${rec.id}/steps`, { version, ...a });
    assert.equal(r.status, 200, `step ${a.step}: ${JSON.stringify(r.body)}`);
    last = r.body;
    version = last.version;
  }
  assert.ok(last.member_id > 0, 'a registry record from step 17');
  const member = (await admin.get(`/api/v1/members/${last.member_id}`)).body;
  const c = await account(member, 'mp');

  const home = (await c.get('/api/v1/me/home')).body;
  assert.equal(home.member.category, 'probationary');
  assert.deepEqual(home.recruitment, { id: rec.id, stage: 4, stage_name: '预备党员', status: 'active', probation_end: last.probation_end });

  const r = await c.get('/api/v1/me/recruitment');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const tl = r.body;
  assert.equal(tl.id, rec.id);
  assert.equal(tl.stage, 4);
  assert.equal(tl.branch_meeting_on, d(16));
  assert.equal(tl.probation_end, last.probation_end);
  assert.deepEqual(tl.steps.map((s) => s.step), [1, 2, 3, 4, 5, 6, 6, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
  assert.equal(tl.steps.find((s) => s.step === 17).done_on, d(17));
  for (const s of tl.steps) assert.deepEqual(Object.keys(s).sort(), ['done_on', 'level', 'name', 'org_name', 'step']);
  // what comes next: the rules' own list (recruit_next), as the secretary sees it
  const full = (await admin.get(`/api/v1/recruits/${rec.id}`)).body;
  assert.deepEqual(tl.next.map((n) => [n.step, n.earliest]), full.next.filter((n) => n.step <= 25).map((n) => [n.step, n.earliest]));
  assert.ok(full.next.some((n) => n.step > 25) && !tl.next.some((n) => n.step > 25), 'no exits (延长, 取消) on the member\'s phone');
  assert.ok(tl.next.some((n) => n.step === 19), JSON.stringify(tl.next));
  assert.ok(Array.isArray(tl.deadlines));
  // nothing of the votes, the introducers or the personal data of others
  const text = JSON.stringify(tl);
  for (const k of ['"people"', '"data"', '"in_favour"', '"signer"', '"id_number"', '"phone"', '"rules"']) assert.ok(!text.includes(k), `${k} in the member's timeline`);

  // another member's record is never reachable: /me/recruitment takes no id and the recruit route is for officers
  assert.equal((await me.get('/api/v1/me/recruitment')).status, 404);
  assert.equal((await c.get(`/api/v1/recruits/${rec.id}`)).status, 403);
});
