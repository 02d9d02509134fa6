// 发展党员 (RULES.md §1, docs/API.md "Recruitment"): the 25 steps walked through the API with
// back-dated history, the registry after 17 and 24, and one refusal per rule.
// The server runs on the real clock: every done_on is ≤ today (Asia/Shanghai).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, makeTree, memberBody, idNumber, uniq } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);

// ---- dates (UTC midnight arithmetic on 'YYYY-MM-DD') ----
const DAY = 86400e3;
const fmt = (ms) => new Date(ms).toISOString().slice(0, 10);
const parse = (s) => Date.parse(s + 'T00:00:00Z');
const TODAY = fmt(Date.now() + 8 * 3600e3);   // the users' calendar day
const addDays = (s, n) => fmt(parse(s) + n * DAY);
function addMonths(s, n) {
  const d = new Date(parse(s));
  const m = d.getUTCFullYear() * 12 + d.getUTCMonth() + n;
  const y = Math.floor(m / 12), mo = m % 12;
  const last = new Date(Date.UTC(y, mo + 1, 0)).getUTCDate();
  return fmt(Date.UTC(y, mo, Math.min(d.getUTCDate(), last)));
}
const addYears = (s, n) => addMonths(s, 12 * n);
const weekday = (s) => (new Date(parse(s)).getUTCDay() + 6) % 7;   // 0 = Monday
// Applications 2.5 years back, on the 10th of a month so no month-end clamping gets in the way,
// and early enough that A + 30 months ≤ today.
const A = (() => { const x = addDays(addMonths(TODAY, -30), -10); return x.slice(0, 8) + '10'; })();
const d = (months, days = 0) => addDays(addMonths(A, months), days);
assert.ok(d(30) <= TODAY);

// ---- fixtures ----
const NAMES = '张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '建国志强海燕秀英国华明辉丽娟文博子涵思远雨萱晓东春梅红军立新玉兰家豪欣怡';
let nameSeq = Math.floor(Math.random() * 1000);
function chineseName() {
  nameSeq++;
  return NAMES[nameSeq % NAMES.length] + GIVEN[(nameSeq * 7) % GIVEN.length] + GIVEN[(nameSeq * 13 + 3) % GIVEN.length];
}

async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}
function refused(r, status, rule) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  if (rule) assert.equal(r.body.error.rule, rule, JSON.stringify(r.body));
}

const tree = await makeTree(admin);
const { dept, town, b1, b2, tag } = tree;
// A 党总支 and a village 党委 without approval authority, both under the town: never approvers.
const gb = await created(await admin.post('/api/v1/orgs', { kind: 'general_branch', name: `南片党总支${tag}`, code: `T${tag}GB`, parent_id: town.id }), 'general branch');
const vc = await created(await admin.post('/api/v1/orgs', { kind: 'committee', name: `北村党委${tag}`, code: `T${tag}VC`, parent_id: town.id, unit_kind: 'village', can_approve: false }), 'village committee');

// 8 full members in each branch: the 应到会有表决权 members of the 支部大会
async function fullMembers(org, n) {
  const ids = [];
  for (let i = 0; i < n; i++) {
    const m = await created(await admin.post('/api/v1/members', memberBody(org.id, { name: chineseName(), id_number: idNumber(`19${60 + i}-0${1 + i}-1${i}`, 1 + (i % 2)) })), 'member');
    ids.push(m.id);
  }
  return ids;
}
const m1 = await fullMembers(b1, 8);
const m2 = await fullMembers(b2, 8);
const probationary = await created(await admin.post('/api/v1/members', memberBody(b2.id, {
  name: chineseName(), id_number: idNumber('1990-06-06', 2), category: 'probationary', join_date: addMonths(TODAY, -3), full_date: null,
})), 'probationary member');

async function user(role, org, prefix) {
  const username = `${prefix}${uniq()}`.toLowerCase();
  await created(await admin.post('/api/v1/users', { username, display_name: prefix, password: 'Recruit#2026pw', role, org_id: org.id }), 'user');
  return Client.login(username, 'Recruit#2026pw');
}
const sec1 = await user('secretary', b1, 'rs1');
const sec2 = await user('secretary', b2, 'rs2');
const townAdmin = await user('org_admin', town, 'rta');
const deptAdmin = await user('org_admin', dept, 'rda');

// The voters of a branch as the registry has them: active full members, 正常, not under 留党察看.
async function voters(orgId) {
  const r = await admin.get(`/api/v1/members?org=${orgId}&category=full&state=active&party_status=normal&per_page=200`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.items.filter((m) => m.discipline !== 'probation').length;
}
const allYes = async (orgId) => { const n = await voters(orgId); return { present_voting: n, in_favour: n, against: 0, abstain: 0, excused: [] }; };

// ---- the record of one applicant, walked step by step ----
const COMMITTEE_STEPS = new Set([4, 8, 13, 16, 17, 24, 91]);

// Every action of a valid history, in order; m = full member ids of the branch.
function plan(m, opts = {}) {
  return [
    { step: 2, done_on: d(0, 20), people: { talkers: [m[0]] } },
    { step: 3, done_on: d(1), data: { method: '党员推荐' } },
    { step: 4, done_on: d(1, 5) },
    { step: 5, done_on: d(1, 10), people: { contacts: [m[1], m[2]] } },
    { step: 6, done_on: d(4), data: { content: '第一次考察：学习党章' } },
    { step: 6, done_on: d(9), data: { content: '第二次考察：参加志愿服务' } },
    { step: 6, done_on: d(12, 20), data: { content: '第三次考察：思想汇报' } },
    { score: opts.score ?? 90, scored_on: d(12, 25), rater: '支部委员会' },
    { step: 7, done_on: d(13, 5), data: { opinions: { group: '同意', contacts: '同意', members: '同意', masses: '同意' }, committee_agreed: true } },
    { step: 8, done_on: d(13, 10) },
    { step: 9, done_on: d(13, 15), people: { introducers: [m[1], m[2]] } },
    { step: 10, done_on: d(14), data: { result: 'passed' } },
    { step: 11, done_on: d(14, 10), data: { days: 5, hours: 40 } },
    { step: 12, done_on: d(14, 15), data: { committee_agreed: true } },
    { step: 13, done_on: d(15, 12), data: { publicity_start: d(14, 20), publicity_end: d(15, 10), leaving_unit_within_3_months: false } },
    { step: 14, done_on: d(15, 15) },
    { step: 15, done_on: d(16), vote: true },
    { step: 16, done_on: d(16, 10), people: { talkers: [m[3]] } },
    { step: 17, done_on: d(17) },
    { step: 18, done_on: d(17, 10) },
    { step: 19, done_on: d(17, 15) },
    { step: 20, done_on: d(17, 20) },
    { step: 21, done_on: d(20), data: { content: '预备期考察一' } },
    { step: 21, done_on: d(25), data: { content: '预备期考察二' } },
    { step: 22, done_on: d(28, -20) },
    { step: 23, done_on: d(28, 3), vote: true },
    { step: 24, done_on: d(28, 20) },
    { step: 25, done_on: d(29) },
  ];
}

class Recruit {
  // signers: (step) → Client; defaults to the system admin for every step
  constructor(rec, members, opts = {}) {
    this.rec = rec;
    this.actions = plan(members, opts);
    this.i = 0;
    this.signer = opts.signer || (() => admin);
  }
  static async create(c, org, members, opts = {}) {
    const birth = opts.birth || '1995-04-18';
    const body = {
      org_id: org.id, name: chineseName(), id_number: idNumber(birth, opts.sex || 1), ethnicity: '01', education: '21',
      job: '11', work_unit: `${org.name}村委会`, phone: '139' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0'),
      applied_on: opts.applied_on || A, ...(opts.body || {}),
    };
    const r = await c.post('/api/v1/recruits', body);
    const rec = await created(r, 'recruit');
    return new Recruit(rec, opts.members || members, opts);
  }
  get id() { return this.rec.id; }
  // The body of an action, with overrides merged in (data and people merged key by key).
  async body(a, over = {}) {
    const b = { step: a.step, version: this.rec.version, done_on: a.done_on };
    if (a.people) b.people = a.people;
    if (a.data) b.data = a.data;
    if (a.vote) b.data = await allYes(this.rec.org_id);
    if (over.data) b.data = { ...(b.data || {}), ...over.data };
    if (over.people) b.people = over.people;
    for (const k of ['done_on', 'version', 'org_id', 'note']) if (k in over) b[k] = over[k];
    return b;
  }
  // Record the next planned action (must succeed).
  async next(over = {}, c) {
    const a = this.actions[this.i];
    let r;
    if (a.score !== undefined) {
      r = await (c || admin).post(`/api/v1/recruits/${this.id}/scores`, { rater: a.rater, score: a.score, scored_on: a.scored_on });
      assert.ok(r.status === 201, `score: ${r.status} ${JSON.stringify(r.body)}`);
      await this.refresh();
    } else {
      r = await (c || this.signer(a.step)).post(`/api/v1/recruits/${this.id}/steps`, await this.body(a, over));
      assert.equal(r.status, 200, `step ${a.step}: ${JSON.stringify(r.body)}`);
      this.rec = r.body;
      if (a.step <= 25) assert.equal(this.rec.last_step, a.step);
    }
    this.i++;
    return r;
  }
  // Record the planned actions until the first one for `step` (exclusive).
  async to(step) {
    while (this.i < this.actions.length && this.actions[this.i].step !== step) await this.next();
    assert.ok(this.i < this.actions.length, `no action for step ${step}`);
  }
  // Try the current action with overrides; returns the response, never advances.
  async try(over = {}, c) {
    const a = this.actions[this.i];
    return (c || this.signer(a.step)).post(`/api/v1/recruits/${this.id}/steps`, await this.body(a, over));
  }
  async refresh() {
    const r = await admin.get(`/api/v1/recruits/${this.id}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    this.rec = r.body;
    return r.body;
  }
  done(step) { return this.rec.steps.find((s) => s.step === step); }
}

// ---- the whole way, branch by branch and level by level ----
test('all 25 steps: 申请人 → 积极分子 → 发展对象 → 预备党员 → 正式党员, and the registry follows', async () => {
  const signer = (step) => (step === 18 ? deptAdmin : COMMITTEE_STEPS.has(step) ? townAdmin : sec1);
  const w = await Recruit.create(sec1, b1, m1, { signer });
  const r0 = w.rec;
  assert.equal(r0.org_id, b1.id);
  assert.equal(r0.org_name, b1.name);
  assert.equal(r0.stage, 1);
  assert.equal(r0.last_step, 1);
  assert.equal(r0.status, 'active');
  assert.equal(r0.applied_on, A);
  assert.equal(r0.birth_date, '1995-04-18');
  assert.match(r0.id_number, /\*/, 'id_number masked');
  assert.match(r0.phone, /\*/, 'phone masked');
  assert.equal(r0.member_id, null);
  assert.ok(Array.isArray(r0.steps) && r0.steps.length === 1 && r0.steps[0].step === 1, JSON.stringify(r0.steps));
  for (const k of ['id', 'step', 'name', 'done_on', 'org_id', 'org_name', 'level', 'signer', 'at']) assert.ok(k in r0.steps[0], `step entry has ${k}`);
  assert.equal(r0.steps[0].done_on, A);
  assert.ok(Array.isArray(r0.next) && r0.next.some((n) => n.step === 2 && n.earliest), JSON.stringify(r0.next));

  const versions = [w.rec.version];
  const stageAfter = { 2: 1, 3: 2, 7: 3, 17: 4, 24: 5 };
  while (w.i < w.actions.length) {
    const a = w.actions[w.i];
    await w.next();
    if (a.step) versions.push(w.rec.version);
    if (stageAfter[a.step]) assert.equal(w.rec.stage, stageAfter[a.step], `stage after step ${a.step}`);

    if (a.step === 4) {
      const s = w.done(4);
      assert.equal(s.level, 'committee');
      assert.equal(s.org_id, town.id, 'committee-level steps default to the approving 党委');
    }
    if (a.step === 17) {
      assert.equal(w.rec.branch_meeting_on, d(16));
      assert.equal(w.rec.approved_on, d(17));
      assert.equal(w.rec.probation_end, addYears(d(16), 1));
      assert.ok(w.rec.member_id > 0, 'a registry record from step 17');
      const list = await sec1.get(`/api/v1/members?org=${b1.id}&per_page=200`);
      const m = list.body.items.find((x) => x.id === w.rec.member_id);
      assert.ok(m, 'the new 预备党员 is listed in the branch');
      assert.equal(m.name, w.rec.name);
      assert.equal(m.category, 'probationary');
      assert.equal(m.join_date, d(16), '入党日期 = the 支部大会 date');
      assert.equal(m.dues_from, d(16).slice(0, 7), 'dues start the month the 支部大会 accepted them');
      assert.equal(m.full_date, null);
      assert.equal(w.done(17).org_id, town.id);
    }
    if (a.step === 18) assert.equal(w.done(18).level, 'county');
    if (a.step === 24) {
      const m = (await sec1.get(`/api/v1/members/${w.rec.member_id}`)).body;
      assert.equal(m.category, 'full');
      assert.equal(m.join_date, d(16));
      assert.equal(m.full_date, addYears(d(16), 1), '转正日期 = the end of probation');
      assert.equal(w.rec.full_on, addYears(d(16), 1));
      const list = await sec1.get(`/api/v1/members?org=${b1.id}&category=full&per_page=200`);
      assert.ok(list.body.items.some((x) => x.id === w.rec.member_id));
    }
  }
  for (let i = 1; i < versions.length; i++) assert.ok(versions[i] > versions[i - 1], 'version grows with every step');
  const fin = await w.refresh();
  assert.equal(fin.last_step, 25);
  assert.equal(fin.status, 'archived');
  assert.equal(fin.talked_on, d(0, 20));
  assert.equal(fin.activist_on, d(1));
  assert.equal(fin.target_on, d(13, 5));
  assert.equal(fin.steps.filter((s) => s.step === 6).length, 3, 'inspections are repeatable');
  assert.equal(fin.steps.filter((s) => s.step === 21).length, 2);
  for (const s of fin.steps) assert.ok(s.signer, `step ${s.step} is signed`);

  // lists
  const list = await sec1.get(`/api/v1/recruits?org=${b1.id}`);
  assert.equal(list.status, 200);
  assert.ok(list.body.items.some((x) => x.id === w.id));
  assert.ok(typeof list.body.total === 'number' && list.body.page === 1);
  const stage5 = await admin.get(`/api/v1/recruits?org=${town.id}&stage=5`);
  assert.ok(stage5.body.items.some((x) => x.id === w.id));
  const stage1 = await admin.get(`/api/v1/recruits?org=${town.id}&stage=1`);
  assert.ok(!stage1.body.items.some((x) => x.id === w.id));
  const closed = await admin.get(`/api/v1/recruits?org=${town.id}&status=archived`);
  assert.ok(closed.body.items.some((x) => x.id === w.id));
  refused(await admin.get('/api/v1/recruits?stage=9'), 400);
  refused(await admin.get('/api/v1/recruits?status=bogus'), 400);
  // a closed record takes no more steps
  refused(await admin.post(`/api/v1/recruits/${w.id}/steps`, { step: 21, version: fin.version, done_on: TODAY, data: { content: 'x' } }), 422, 'recruit.status');
});

// ---- refusals ----
test('recruit.applicant_age: 17 years old on the application date', async () => {
  const birth = addDays(addYears(A, -18), 1);
  const r = await admin.post('/api/v1/recruits', { org_id: b2.id, name: chineseName(), id_number: idNumber(birth, 1), ethnicity: '01', applied_on: A });
  refused(r, 422, 'recruit.applicant_age');
  const ok = await admin.post('/api/v1/recruits', { org_id: b2.id, name: chineseName(), id_number: idNumber(addYears(A, -18), 1), ethnicity: '01', applied_on: A });
  assert.equal(ok.status, 201, 'exactly 18 on the day: ' + JSON.stringify(ok.body));
});

test('recruit.step_order, recruit.date_order, stale version, unknown fields', async () => {
  const w = await Recruit.create(admin, b2, m2);
  refused(await admin.post(`/api/v1/recruits/${w.id}/steps`, { step: 3, version: w.rec.version, done_on: d(1), data: { method: '党员推荐' } }), 422, 'recruit.step_order');
  refused(await w.try({ done_on: addDays(A, -1) }), 422, 'recruit.date_order');
  refused(await w.try({ done_on: addDays(TODAY, 1) }), 422);
  refused(await w.try({ version: w.rec.version - 1 }), 409);
  let r = await admin.post(`/api/v1/recruits/${w.id}/steps`, { ...(await w.body(w.actions[0])), bogus: 1 });
  refused(r, 400); assert.equal(r.body.error.field, 'bogus');
  r = await admin.post(`/api/v1/recruits/${w.id}/steps`, { ...(await w.body(w.actions[0])), people: { friends: [m2[0]] } });
  refused(r, 400);
  r = await admin.post(`/api/v1/recruits/${w.id}/steps`, { step: 2, done_on: d(0, 20) });
  refused(r, 400); assert.equal(r.body.error.field, 'version');
  r = await admin.post(`/api/v1/recruits/${w.id}/steps`, { step: '2', version: w.rec.version, done_on: d(0, 20) });
  refused(r, 400);
  r = await admin.post('/api/v1/recruits', { org_id: b2.id, name: chineseName(), id_number: idNumber('1995-01-01', 1), ethnicity: '01', applied_on: A, bogus: true });
  refused(r, 400); assert.equal(r.body.error.field, 'bogus');
  r = await admin.post(`/api/v1/recruits/${w.id}/scores`, { rater: '支委会', score: 90, scored_on: d(1), extra: 1 });
  refused(r, 400); assert.equal(r.body.error.field, 'extra');
  refused(await admin.get('/api/v1/recruits/99999999'), 404);
  await w.next();  // the valid step 2 still goes through
  assert.equal(w.rec.talked_on, d(0, 20));
});

test('the activist and 发展对象 stages: contacts, period, introducers, training, 公示', async () => {
  const w = await Recruit.create(admin, b2, m2);
  await w.to(5);
  refused(await w.try({ people: { contacts: [m2[1], m2[2], m2[3]] } }), 422, 'recruit.contacts_count');
  refused(await w.try({ people: { contacts: [] } }), 422, 'recruit.contacts_count');
  refused(await w.try({ people: { contacts: [m2[1], probationary.id] } }), 422, 'recruit.contact_full_member');
  await w.next();
  await w.to(7);
  const activist = w.rec.activist_on;
  assert.equal(activist, d(1));
  refused(await w.try({ done_on: addDays(addYears(activist, 1), -1) }), 422, 'recruit.activist_min_period');
  await w.next({ done_on: addYears(activist, 1) });   // exactly one year is enough
  await w.to(9);
  refused(await w.try({ people: { introducers: [m2[1]] } }), 422, 'recruit.introducers_count');
  refused(await w.try({ people: { introducers: [m2[1], probationary.id] } }), 422, 'recruit.introducer_full_member');
  await w.next();
  await w.to(11);
  refused(await w.try({ data: { days: 2, hours: 16 } }), 422, 'recruit.training');
  await w.next({ data: { days: 3, hours: 0 } });       // 3 days suffice
  await w.to(13);
  // 公示 Monday to Thursday of a week without public holidays: 4 working days
  let mon = addDays(w.done(12).done_on, 1);
  const safe = (s) => [3, 7, 8, 11].includes(Number(s.slice(5, 7))) && Number(s.slice(8)) >= 8 && Number(s.slice(8)) <= 20;
  while (weekday(mon) !== 0 || !safe(mon) || !safe(addDays(mon, 4))) mon = addDays(mon, 1);
  assert.ok(addDays(mon, 4) <= TODAY);
  refused(await w.try({ done_on: addDays(mon, 4), data: { publicity_start: mon, publicity_end: addDays(mon, 3) } }), 422, 'recruit.publicity');
  refused(await w.try({ data: { leaving_unit_within_3_months: true } }), 422, 'recruit.leaving_unit');
  await w.next();
  await w.to(15);
  // 支部大会: 8 voters in the branch
  const n = await voters(b2.id);
  assert.equal(n, 8, 'b2 has 8 voting members');
  refused(await w.try({ data: { present_voting: n / 2, in_favour: n / 2, against: 0, abstain: 0 } }), 422, 'recruit.quorum');
  refused(await w.try({ data: { present_voting: n, in_favour: n / 2, against: n / 2, abstain: 0 } }), 422, 'recruit.vote');
  await w.next({ data: { present_voting: n / 2 + 1, in_favour: n / 2 + 1, against: 0, abstain: 0 } });
  await w.to(17);
  refused(await w.try({ org_id: gb.id }), 422, 'recruit.approver');
  refused(await w.try({ org_id: vc.id }), 422, 'recruit.approver');
  refused(await w.try({ org_id: b2.id }), 422, 'recruit.approver');
  const meeting = w.done(15).done_on;
  refused(await w.try({ done_on: addDays(addMonths(meeting, 3), 1) }), 422, 'recruit.approval_deadline');
  refused(await w.try({ done_on: addDays(addMonths(meeting, 6), 1), data: { extension_reason: '材料补充' } }), 422, 'recruit.approval_deadline');
  await w.next({ done_on: addDays(addMonths(meeting, 3), 1), data: { extension_reason: '政审材料需补充外调' } });
  assert.equal(w.rec.stage, 4);
  // 延长预备期: once only, 6..12 months
  const ext = (months, on) => admin.post(`/api/v1/recruits/${w.id}/steps`, { step: 96, version: w.rec.version, done_on: on, data: { months, reason: '考察期表现需进一步观察' } });
  const extOn = addDays(w.done(17).done_on, 10);
  refused(await ext(5, extOn), 422, 'recruit.extension_months');
  let r = await ext(6, extOn);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  w.rec = r.body;
  assert.equal(w.rec.extended_months, 6);
  assert.equal(w.rec.probation_end, addMonths(addYears(meeting, 1), 6));
  refused(await ext(6, addDays(extOn, 5)), 422, 'recruit.extension_once');
});

test('recruit.political_review: a failed 政审 stops the record at step 12', async () => {
  const w = await Recruit.create(admin, b2, m2);
  await w.to(10);
  await w.next({ data: { result: 'failed' } });
  await w.next();   // 11 training
  refused(await w.try(), 422, 'recruit.political_review');
});

test('recruit.score: a review below 80 does not make a 发展对象', async () => {
  const w = await Recruit.create(admin, b2, m2, { score: 70 });
  await w.to(7);
  assert.equal(w.actions[w.i - 1].score, 70);
  refused(await w.try(), 422, 'recruit.score');
  // the year's reviews are averaged: (70 + 100) / 2 = 85
  const r = await admin.post(`/api/v1/recruits/${w.id}/scores`, { rater: '党小组', score: 100, scored_on: d(12, 25) });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  await w.next();
  assert.equal(w.rec.stage, 3);
  refused(await admin.post(`/api/v1/recruits/${w.id}/scores`, { rater: '支部委员会', score: 101, scored_on: d(13) }), 422);
});

test('levels and scope: a secretary signs branch steps, the town admin committee steps; other branches see nothing', async () => {
  const w = await Recruit.create(sec1, b1, m1, { signer: () => sec1 });
  await w.to(4);
  const r = await w.try({}, sec1);
  assert.ok(r.status === 403 || (r.status === 422 && r.body.error.rule === 'recruit.level'), JSON.stringify(r.body));
  await w.next({}, townAdmin);
  assert.equal(w.done(4).level, 'committee');
  await w.next({}, sec1);   // step 5 back at the branch

  // the secretary of another branch: neither read nor write
  let x = await sec2.get(`/api/v1/recruits/${w.id}`);
  assert.ok([403, 404].includes(x.status), JSON.stringify(x.body));
  x = await w.try({}, sec2);
  assert.ok([403, 404].includes(x.status), JSON.stringify(x.body));
  x = await sec2.post(`/api/v1/recruits/${w.id}/scores`, { rater: '支委会', score: 90, scored_on: d(2) });
  assert.ok([403, 404].includes(x.status), JSON.stringify(x.body));
  x = await sec2.get(`/api/v1/recruits?org=${b2.id}&per_page=200`);
  assert.equal(x.status, 200);
  assert.ok(!x.body.items.some((i) => i.id === w.id));
  // an org_id outside the caller's scope in a body: 422 org.scope, as for members
  x = await sec2.post('/api/v1/recruits', { org_id: b1.id, name: chineseName(), id_number: idNumber('1996-02-02', 1), ethnicity: '01', applied_on: A });
  assert.ok([403, 404].includes(x.status) || x.body.error.rule === 'org.scope', JSON.stringify(x.body));
});

test('reminders, stats and annual plans', async () => {
  // an application two months old with no 谈话 yet is overdue
  const late = await Recruit.create(admin, b2, m2, { applied_on: addMonths(TODAY, -2) });
  let r = await admin.get(`/api/v1/recruits/reminders?org=${town.id}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.ok(Array.isArray(r.body), 'reminders are a JSON array');
  const mine = r.body.find((x) => x.recruit_id === late.id);
  assert.ok(mine, 'the overdue talk is on the list: ' + JSON.stringify(r.body).slice(0, 500));
  for (const k of ['recruit_id', 'name', 'org_name', 'kind', 'due', 'message']) assert.ok(k in mine, `reminder has ${k}`);
  assert.equal(mine.name, late.rec.name);
  assert.equal(mine.org_name, b2.name);
  r = await sec1.get('/api/v1/recruits/reminders');
  assert.equal(r.status, 200);
  assert.ok(!r.body.some((x) => x.recruit_id === late.id), 'another branch does not see it');

  r = await admin.get(`/api/v1/recruits/stats?org=${town.id}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.ok(r.body && typeof r.body === 'object' && !Array.isArray(r.body));
  assert.ok(Object.keys(r.body).length > 0);
  r = await sec2.get('/api/v1/recruits/stats');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  refused(await admin.get('/api/v1/recruits/stats?org=abc'), 400);

  const year = Number(TODAY.slice(0, 4));
  // the plan of a 基层党委 is set by the organization above it
  r = await deptAdmin.req('PUT', '/api/v1/recruit-plans', { org_id: town.id, year, planned: 12 });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await admin.get(`/api/v1/recruit-plans?org=${town.id}&year=${year}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const p = r.body.items.find((x) => x.org_id === town.id);
  assert.ok(p, JSON.stringify(r.body));
  assert.equal(p.planned, 12);
  assert.equal(p.year, year);
  refused(await sec1.req('PUT', '/api/v1/recruit-plans', { org_id: town.id, year, planned: 3 }), 403);
  refused(await townAdmin.req('PUT', '/api/v1/recruit-plans', { org_id: town.id, year, planned: 3 }), 403);
  refused(await deptAdmin.req('PUT', '/api/v1/recruit-plans', { org_id: town.id, year, planned: 3, bogus: 1 }), 400);
});

// ---- controls (issue 3): 七阶梯, special persons, plans; and what the UI reads ----

// A tree of its own: its top-level org's ladder and its committee's plans touch no other test.
const t2 = await makeTree(admin);
const mt2 = await fullMembers(t2.b1, 8);
const yearOf = (s) => Number(s.slice(0, 4));

test('七阶梯: a failed stage bars 确定发展对象 for that year; the whole ladder must pass', async () => {
  let r = await admin.req('PUT', '/api/v1/recruit-ladder', { org_id: t2.dept.id, stages: ['思想汇报', '党员评议'] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.stages, ['思想汇报', '党员评议']);
  refused(await admin.req('PUT', '/api/v1/recruit-ladder', { org_id: t2.dept.id, stages: ['公示', '公示'] }), 422, 'recruit.ladder_config');
  refused(await admin.req('PUT', '/api/v1/recruit-ladder', { org_id: t2.dept.id, stages: [], bogus: 1 }), 400);
  refused(await sec1.req('PUT', '/api/v1/recruit-ladder', { org_id: t2.dept.id, stages: [] }), 403);
  r = await admin.get(`/api/v1/recruit-ladder?org=${t2.b1.id}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.org_id, t2.dept.id);
  assert.deepEqual(r.body.stages, ['思想汇报', '党员评议']);
  try {
    const w = await Recruit.create(admin, t2.b1, mt2);
    const lad = (body) => admin.post(`/api/v1/recruits/${w.id}/ladder`, body);
    refused(await lad({ year: yearOf(A), stage: '思想汇报', result: 'passed', done_on: A }), 422, 'recruit.ladder_person');
    await w.to(7);
    const on = w.actions[w.i].done_on, year = yearOf(on);
    refused(await w.try(), 422, 'recruit.ladder_incomplete');
    r = await lad({ year, stage: '思想汇报', result: 'passed', done_on: on, note: '按时提交' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    for (const k of ['id', 'year', 'stage', 'result', 'done_on', 'note', 'signer', 'at']) assert.ok(k in r.body, `ladder row has ${k}`);
    r = await lad({ year, stage: '党员评议', result: 'failed', done_on: on });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    r = await w.try();
    refused(r, 422, 'recruit.ladder_failed');
    assert.match(r.body.error.message, /党员评议/);
    assert.match(r.body.error.message, new RegExp(String(year)));
    refused(await lad({ year, stage: '党员评议', result: 'passed', done_on: on }), 422, 'recruit.ladder_duplicate');
    refused(await lad({ year, stage: '群众测评', result: 'passed', done_on: on }), 422, 'recruit.ladder_stage');
    refused(await lad({ year: year - 1, stage: '群众测评', result: 'passed', done_on: on }), 422);
    refused(await lad({ year, stage: '思想汇报', result: 'passed', done_on: on, extra: 1 }), 400);
    refused(await lad({ year: String(year), stage: '思想汇报', result: 'passed', done_on: on }), 400);
    const detail = await w.refresh();
    assert.deepEqual(detail.ladder.stages, ['思想汇报', '党员评议']);
    assert.equal(detail.ladder.results.length, 2);
    assert.ok(detail.next.some((n) => n.step === 7 && n.blocked_by), JSON.stringify(detail.next));

    const ok = await Recruit.create(admin, t2.b1, mt2);
    await ok.to(7);
    for (const stage of ['思想汇报', '党员评议']) {
      r = await admin.post(`/api/v1/recruits/${ok.id}/ladder`, { year, stage, result: 'passed', done_on: on });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    await ok.next();
    assert.equal(ok.rec.stage, 3);
    assert.deepEqual(ok.done(7).data.rules.ladder, ['思想汇报', '党员评议'], 'the decision keeps the ladder it was made under');
  } finally {
    r = await admin.req('PUT', '/api/v1/recruit-ladder', { org_id: t2.dept.id, stages: [] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.stages, []);
  }
});

const REPORT = (w, done_on) => ({ step: 92, version: w.rec.version, done_on, data: { reported_by: '镇党委组织委员' } });

test('special persons: 事前报告 to the county 组织部门 before 确定发展对象', async () => {
  refused(await admin.post('/api/v1/recruits', { org_id: b1.id, name: chineseName(), id_number: idNumber('1994-01-01', 1), ethnicity: '01', applied_on: A, special: 'boss' }), 422, 'field.enum');
  const w = await Recruit.create(admin, b1, m1, { body: { special: 'private_owner' } });
  assert.equal(w.rec.special, 'private_owner');
  assert.equal(w.rec.special_name, '非公有制经济组织出资人');
  await w.to(7);
  refused(await w.try(), 422, 'recruit.special_report');
  const plain = await Recruit.create(admin, b1, m1);
  await plain.to(7);
  const on = addDays(w.actions[w.i].done_on, -2);
  refused(await admin.post(`/api/v1/recruits/${plain.id}/steps`, REPORT(plain, on)), 422, 'recruit.not_special');
  refused(await sec1.post(`/api/v1/recruits/${w.id}/steps`, REPORT(w, on)), 422, 'recruit.level');
  refused(await townAdmin.post(`/api/v1/recruits/${w.id}/steps`, { ...REPORT(w, on), data: {} }), 422, 'field.required');
  const r = await townAdmin.post(`/api/v1/recruits/${w.id}/steps`, REPORT(w, on));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  w.rec = r.body;
  const rep = w.done(92);
  assert.equal(rep.name, '事前报告');
  assert.equal(rep.level, 'committee');
  assert.equal(rep.data.reported_by, '镇党委组织委员');
  assert.equal(rep.data.reported_to, dept.name);
  assert.equal(w.rec.last_step, 6, 'a side record, not a step of the 25');
  await w.next();
  assert.equal(w.rec.stage, 3);
  refused(await townAdmin.post(`/api/v1/recruits/${w.id}/steps`, REPORT(w, w.rec.last_on)), 422, 'recruit.step_order');
});

test('step 17 within the annual plan (recruit.plan_exceeded) and the special share (recruit.special_ratio)', async () => {
  const walkTo17 = async (opts = {}) => {
    const w = await Recruit.create(admin, t2.b1, mt2, opts);
    await w.to(7);
    if (opts.body?.special) {
      const r = await admin.post(`/api/v1/recruits/${w.id}/steps`, REPORT(w, w.actions[w.i].done_on));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      w.rec = r.body;
    }
    await w.to(17);
    return w;
  };
  const a1 = await walkTo17();
  const a2 = await walkTo17();
  const year = yearOf(a1.actions[a1.i].done_on);
  const setPlan = async (planned, pct) => {
    const body = { org_id: t2.town.id, year, planned };
    if (pct !== undefined) body.special_units_max_pct = pct;
    const r = await admin.req('PUT', '/api/v1/recruit-plans', body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  await setPlan(1);
  await a1.next();
  let r = await a2.try();
  refused(r, 422, 'recruit.plan_exceeded');
  assert.match(r.body.error.message, /计划发展 1 名，已发展 1 名/);
  await setPlan(2);
  await a2.next();
  assert.equal(a2.rec.stage, 4);

  const s1 = await walkTo17({ body: { special: 'new_social_class' } });
  const s2 = await walkTo17({ body: { special: 'special_unit' } });
  await setPlan(10, 10);   // at most 1 special person in the year
  await s1.next();
  r = await s2.try();
  refused(r, 422, 'recruit.special_ratio');
  assert.match(r.body.error.message, /已审批特殊对象 1 名/);
  await setPlan(10, 20);
  await s2.next();
  const p = (await admin.get(`/api/v1/recruit-plans?org=${t2.town.id}&year=${year}`)).body.items.find((x) => x.org_id === t2.town.id);
  assert.equal(p.developed, 4);
});

test('the list carries last_on; scores with the year average; people with names', async () => {
  const w = await Recruit.create(admin, b2, m2);
  await w.to(7);
  let r = await admin.get(`/api/v1/recruits?org=${b2.id}&per_page=200`);
  const item = r.body.items.find((x) => x.id === w.id);
  assert.equal(item.last_on, w.rec.steps[w.rec.steps.length - 1].done_on);
  assert.equal(item.last_on, d(12, 20));
  r = await admin.post(`/api/v1/recruits/${w.id}/scores`, { rater: '党小组', score: 81, scored_on: d(12, 26) });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  r = await admin.get(`/api/v1/recruits/${w.id}/scores`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.items.length, 2);
  for (const k of ['id', 'year', 'rater', 'score', 'scored_on']) assert.ok(k in r.body.items[0], `score has ${k}`);
  assert.equal(r.body.years.length, 1);
  assert.equal(r.body.years[0].year, yearOf(d(12, 25)));
  assert.equal(r.body.years[0].average, 85.5);
  assert.equal(r.body.years[0].count, 2);
  assert.equal(r.body.years[0].band, 'eligible');
  assert.ok([403, 404].includes((await sec1.get(`/api/v1/recruits/${w.id}/scores`)).status));
  const talk = w.done(2);
  assert.deepEqual(talk.people, { talkers: [m2[0]] }, 'people keeps the ids');
  assert.equal(talk.people_names.talkers[0].id, m2[0]);
  assert.ok(talk.people_names.talkers[0].name, JSON.stringify(talk.people_names));
});
