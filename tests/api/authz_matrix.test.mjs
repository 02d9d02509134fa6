// Authorization matrix (issue 8 "Proof"): every route of src/http/routes.c × every role × (an object in the
// caller's own subtree / an object in another subtree), with the answer asserted.
//
// Fixtures, built through the API: a test county with two disjoint towns A and B, each with two branches,
// members, and one object of every kind that a route addresses by id — and the same again in town A's
// sibling branch (A2), which is outside the reach of branch A1's secretary and member. Accounts: the county
// admin (the root admin), town A's 组织委员 (org_admin of town A), the secretary of branch A1, a member of
// branch A1, and anonymous. Every object's name or title carries its place's random mark (four CJK
// characters), so a leak is found by looking for the mark in the answer. For every route:
//   - anonymous → 401 (ROUTE_PUBLIC routes excepted);
//   - a role below the route's minimum role → 403;
//   - an object of town B, for the town-A roles → 403/404 (write bodies are valid or carry a stale version,
//     so only the scope can refuse them), and the answer carries nothing of town B (its names, ID numbers,
//     phones); a two-id route also gets our first id with town B's second;
//   - an object of the caller's own subtree → authorization passes (not 401/403/404) for the roles that may
//     reach it: the county and town admins always, the secretary for branch-level objects, the member for
//     their own (their record, their letter, their notices, courses and suggestions);
//   - list routes given town B's org or member (?org=&org_id=&member_id=&member=) → 403/404 or nothing of
//     town B, and a search for town B's mark (?q=) finds nothing of it;
//   - the sibling branch's objects, for A1's secretary and member → 403/404 and nothing of the sibling shows;
//   - creates naming town B's (or, for the secretary, the sibling branch's) org or member → 403/404, or 422
//     naming that field, while the same body for town A goes through;
//   - nothing any town-A role sends changes a town-B or sibling object (snapshots before/after, county admin).
// The map RES below must name every route of the table: a new route without an entry fails this test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, raw, idNumber, memberBody, uniq } from './lib.mjs';
import { routeTable } from './routes.mjs';

const T0 = Date.now();
let requests = 0;
const admin = await Client.login(ADMIN.username, ADMIN.password);
const tag = uniq();
const shanghai = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 10);
const TODAY = shanghai(Date.now());
const PAST = shanghai(Date.now() - 5 * 86400e3);
const YEAR = Number(TODAY.slice(0, 4));
const MONTH = TODAY.slice(0, 7);
const LAST_MONTH = shanghai(Date.now() - (Number(TODAY.slice(8, 10)) + 1) * 86400e3).slice(0, 7);
const NEXT_MONTH = shanghai(Date.now() + 32 * 86400e3).slice(0, 7);
// none of these is used next to a mark in a name (so no mark can be found across a mark and what follows it)
const CJK = '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未酉戌亥梅兰竹菊松柏桃李杏梨枫桐楠槐';
const cjk = (n) => Array.from({ length: n }, () => CJK[Math.floor(Math.random() * CJK.length)]).join('');
// A: town A's branch 1 (the callers' own), S: town A's sibling branch 2, B: town B
const MARK = { A: cjk(4) };
for (const k of ['B', 'S']) {
  do MARK[k] = cjk(4); while (Object.entries(MARK).some(([j, v]) => j !== k && (v.includes(MARK[k]) || MARK[k].includes(v))));
}
const PDF = new TextEncoder().encode('%PDF-1.4\n% 测试附件\n');
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89]);
const textOf = (r) => (r.body instanceof Uint8Array ? Buffer.from(r.body).toString('utf8') : JSON.stringify(r.body));

const problems = [];
async function mk(what, promise, pick = (b) => b.id, okStatus = [200, 201]) {
  try {
    const r = await promise;
    if (!okStatus.includes(r.status)) {
      problems.push(`${what}: ${r.status} ${textOf(r).slice(0, 300)}`);
      return null;
    }
    return pick(r.body);
  } catch (e) {
    problems.push(`${what}: ${e.message}`);
    return null;
  }
}

// ---------------------------------------------------------------- the tree
const county = await mk('county', admin.post('/api/v1/orgs', { kind: 'dept', name: `矩阵县委组织部${tag}`, code: `M${tag}` }), (b) => b);
const SIDE = {};
const SPARE = {};
for (const k of ['A', 'B']) {
  const town = await mk(`town ${k}`, admin.post('/api/v1/orgs', { kind: 'committee', name: `${MARK[k]}镇党委`, code: `M${tag}${k}`, parent_id: county.id, can_approve: true, unit_kind: 'government' }), (b) => b);
  const b = await mk(`branch ${k}1`, admin.post('/api/v1/orgs', { kind: 'branch', name: `${MARK[k]}东村党支部`, code: `M${tag}${k}1`, parent_id: town.id, unit_kind: 'village' }), (x) => x);
  const b2 = await mk(`branch ${k}2`, admin.post('/api/v1/orgs', { kind: 'branch', name: `${MARK[k]}西村党支部`, code: `M${tag}${k}2`, parent_id: town.id, unit_kind: 'village' }), (x) => x);
  const members = [];
  // town A first gets a spare member: with the spare objects below, none of ours is the first of its kind
  // (other test files try routes with id 1, and some routes need no body: robustness.test.mjs)
  if (k === 'A') SPARE.m = await mk('spare member', admin.post('/api/v1/members', memberBody(b.id, { name: `${MARK.A}备`, id_number: idNumber('1969-09-19', 1) })), (x) => x);
  for (let i = 0; i < 3; i++) {
    const m = memberBody(b.id, { name: `${MARK[k]}${'一二三'[i]}`, id_number: idNumber(`197${i}-0${i + 1}-1${i}`, 1) });
    members.push(await mk(`member ${k}${i}`, admin.post('/api/v1/members', m), (x) => ({ ...x, plain_id: m.id_number, plain_phone: m.phone })));
  }
  SIDE[k] = { k, mark: MARK[k], town, b, b2, m: members[0], m2: members[1], m3: members[2] };
}
const A = SIDE.A;
const B = SIDE.B;
// the sibling branch of town A: the same town, another branch (outside the secretary's and the member's reach)
// (its transfers go to a third branch of town A: a letter into branch A1 would rightly show to its secretary)
const S = { k: 'S', mark: MARK.S, town: A.town, b: A.b2 };
S.b2 = await mk('branch A3', admin.post('/api/v1/orgs', { kind: 'branch', name: `${MARK.S}南村党支部`, code: `M${tag}A3`, parent_id: A.town.id, unit_kind: 'village' }), (x) => x);
for (let i = 0; i < 3; i++) {
  const m = memberBody(S.b.id, { name: `${MARK.S}${'一二三'[i]}`, id_number: idNumber(`197${i + 5}-0${i + 1}-1${i}`, 1) });
  S[['m', 'm2', 'm3'][i]] = await mk(`member S${i}`, admin.post('/api/v1/members', m), (x) => ({ ...x, plain_id: m.id_number, plain_phone: m.phone }));
}

async function account(username, body) {
  const u = await mk(`user ${username}`, admin.post('/api/v1/users', { username, password: 'Matrix#2026', ...body }), (x) => x);
  const r = await raw('POST', '/api/v1/session', { username, password: 'Matrix#2026', bearer: true });
  assert.equal(r.status, 200, `login ${username}: ${textOf(r)}`);
  return { user: u, client: new Client(r.body.token) };
}
const ut = `mx${tag}`.toLowerCase();
const townAcc = await account(`${ut}town`, { role: 'org_admin', org_id: A.town.id });
const secAcc = await account(`${ut}sec`, { role: 'secretary', org_id: A.b.id });
const memAcc = await account(`${ut}mem`, { role: 'member', org_id: A.b.id, member_id: A.m.id });
const memBAcc = await account(`${ut}memb`, { role: 'member', org_id: B.b.id, member_id: B.m.id });
A.user = memAcc.user.id;
B.user = memBAcc.user.id;
A.memberClient = memAcc.client;
B.memberClient = memBAcc.client;
const memSAcc = await account(`${ut}mems`, { role: 'member', org_id: S.b.id, member_id: S.m.id });
S.user = memSAcc.user.id;
S.memberClient = memSAcc.client;

const ROLES = [
  { name: 'member', rank: 1, client: memAcc.client },
  { name: 'secretary', rank: 2, client: secAcc.client },
  { name: 'town', rank: 3, client: townAcc.client },
  { name: 'county', rank: 4, client: admin },
];

// ---------------------------------------------------------------- one object of each kind per town
// create bodies, per town (S) and its objects so far (o): the fixtures, and the cross-town creates below
const CREATE = {
  '/api/v1/tasks': (S, o) => ({ org_id: S.town.id, year: YEAR, title: `${S.mark}任务`, unit_org_id: S.b.id, person_name: '张书记', due_on: `${YEAR}-12-31`, milestones: [{ month: 12, target: `${S.mark}里程碑` }] }),
  '/api/v1/volunteer-activities': (S, o) => ({ team_id: o.vteam, held_on: TODAY, title: `${S.mark}清理河道`, place: '河边', hours: 2, member_ids: [S.m.id] }),
  '/api/v1/grid/households': (S, o) => ({ org_id: S.b.id, head_name: `${S.mark}户`, address: '1组5号', size: 4 }),
  '/api/v1/care/records': (S, o) => ({ member_id: S.m.id, kind: 'festival', occasion: 'spring', given_on: TODAY, amount_fen: 20000 }),
  '/api/v1/lapse-warnings/excuses': (S, o) => ({ member_id: S.m.id, reason: `${S.mark}外出务工`, until_month: NEXT_MONTH }),
  '/api/v1/dues/payments': (S, o) => ({ member_id: S.m.id, kind: 'one_off', amount_fen: 100000, paid_on: TODAY, method: 'bank' }),
  // a member of their own for every letter (a member in transfer cannot get a second one)
  '/api/v1/transfers': async (S) => ({ member_id: (await admin.post('/api/v1/members', memberBody(S.b.id, { name: `${S.mark}转`, id_number: idNumber('1973-09-09', 1) }))).body.id, kind: 'internal', to_org_id: S.b2.id, reason: `${S.mark}工作调动`, dues_paid_to: MONTH }),
  '/api/v1/recruits': (S, o) => ({ org_id: S.b.id, name: `${S.mark}申`, id_number: idNumber('2000-04-04', 2), ethnicity: '01', applied_on: PAST }),
  '/api/v1/meetings': (S, o) => ({ org_id: S.b.id, kind: 'theme_day', held_on: TODAY, start_time: '14:00', end_time: '16:00', topic: `${S.mark}主题党日` }),
  '/api/v1/appraisals': (S, o) => ({ org_id: S.b.id, year: YEAR - 1 }),
  '/api/v1/trainings': (S, o) => ({ org_id: S.town.id, branches: [S.b.id], topic: `${S.mark}轮训`, held_on: TODAY, start_time: '09:00', end_time: '12:00', hours: 3, place: '镇党校' }),
  '/api/v1/reviews': (S, o) => ({ org_id: S.town.id, title: `${S.mark}述职评议`, year: YEAR, held_on: TODAY, weights: { leader: 50, member: 30, mass: 20 }, participants: [{ org_id: S.b.id, grp: '村' }, { org_id: S.b2.id, grp: '村' }] }),
  '/api/v1/projects': (S, o) => ({ org_id: S.b.id, secretary_member_id: S.m.id, type: 'innovation', name: `${S.mark}项目`, year: YEAR, goal: '服务群众' }),
  '/api/v1/first-secretaries': (S, o) => ({ org_id: S.b.id, member_id: null, name: `${S.mark}书记`, level: 'city', unit: '市农业农村局', term_start: `${YEAR - 1}-03-01`, term_end: `${YEAR + 1}-02-28`, team: [] }),
  '/api/v1/volunteer-teams': (S, o) => ({ org_id: S.b.id, name: `${S.mark}服务队`, leader: '队长', member_ids: [S.m.id] }),
  '/api/v1/talents': (S, o) => ({ org_id: S.b.id, pool: 'youth', name: `${S.mark}才`, gender: '1', birth_year: 1999, education: '大学本科', occupation: '电商', recommended_by: '村委会' }),
  '/api/v1/requests': (S, o) => ({ org_id: S.b.id, channel: 'roundtable', requester: `${S.mark}诉`, address: '3组', content: `${S.mark}路灯不亮`, category: 'infrastructure' }),
  '/api/v1/pairings': (S, o) => ({ org_id: S.b.id, member_id: S.m.id, target_kind: 'household', household_name: `${S.mark}帮`, household_address: '5组' }),
  '/api/v1/visits': (S, o) => ({ org_id: S.b.id, visited_on: TODAY, place: `${S.mark}家`, member_ids: [S.m.id], findings: `${S.mark}院墙开裂` }),
  '/api/v1/commitments/letters': (S, o) => ({ holder_type: 'member', member_id: S.m.id, year: YEAR, title: `${S.mark}承诺书`, signed_by: '支部书记', signed_on: TODAY, items: [{ title: `${S.mark}承诺`, category: 'duty', due_on: `${YEAR}-12-31`, public: false }] }),
  '/api/v1/inspections': (S, o) => ({ org_id: S.town.id, held_on: PAST, kind: 'monthly', inspectors: '张三', title: `${S.mark}督查` }),
  '/api/v1/decisions': (S, o) => ({ org_id: S.b.id, title: `${S.mark}修建村道`, content: '硬化 2 公里' }),
  '/api/v1/notices': (S, o) => ({ org_id: S.b.id, title: `${S.mark}通知`, body: '内容', publish: true }),
  '/api/v1/dues/reductions': (S, o) => ({ member_id: S.m2.id, from_month: NEXT_MONTH, to_month: NEXT_MONTH, monthly_fen: 0, reason: `${S.mark}因病`, branch_studied_on: TODAY }),
  '/api/v1/care/hardships': (S, o) => ({ member_id: S.m.id, reason: `${S.mark}因病致困`, since: TODAY }),
  '/api/v1/courses': (S, o) => ({ org_id: S.b.id, title: `${S.mark}课程`, kind: 'pdf', duration_minutes: 45 }),
  '/api/v1/points/entries': (S, o) => ({ target: 'member', subject_id: S.m.id, indicator: 'MX_STUDY', event_on: TODAY, evidence: `${S.mark}记录` }),
  '/api/v1/members': (S) => memberBody(S.b.id, { name: `${S.mark}新`, id_number: idNumber('1972-08-08', 1) }),
  '/api/v1/users': (S) => ({ username: `mx${uniq()}`.toLowerCase(), password: 'Matrix#2026', role: 'secretary', org_id: S.b.id }),
  '/api/v1/orgs': (S) => ({ kind: 'branch', name: `${S.mark}新党支部${uniq()}`, code: `N${uniq()}`, parent_id: S.town.id, unit_kind: 'village' }),
  '/api/v1/points/publications': (S, o) => ({ org_id: S.town.id, target: 'member', period: LAST_MONTH, note: `${S.mark}公布` }),
};

// the objects a DELETE route removes are made again after an own-town delete (REMAKE below)
const MAKE = {
  task: (S, o) => mk(`${S.k} task`, admin.post('/api/v1/tasks', CREATE['/api/v1/tasks'](S, o))),
  fund: (S, o) => mk(`${S.k} fund`, admin.post(`/api/v1/first-secretaries/${o.fsec}/funds`, { title: `${S.mark}村道`, amount_fen: 100000, funded_on: TODAY, source: '市交通局' }), (b) => b.funds.at(-1).id),
  vact: (S, o) => mk(`${S.k} volunteer activity`, admin.post('/api/v1/volunteer-activities', CREATE['/api/v1/volunteer-activities'](S, o))),
  household: (S, o) => mk(`${S.k} household`, admin.post('/api/v1/grid/households', CREATE['/api/v1/grid/households'](S, o))),
  careRecord: (S, o) => mk(`${S.k} care record`, admin.post('/api/v1/care/records', CREATE['/api/v1/care/records'](S, o))),
  excuse: (S, o) => mk(`${S.k} excuse`, admin.post('/api/v1/lapse-warnings/excuses', CREATE['/api/v1/lapse-warnings/excuses'](S, o))),
  payment: (S, o) => mk(`${S.k} payment`, admin.post('/api/v1/dues/payments', CREATE['/api/v1/dues/payments'](S, o))),
  photo: (S) => mk(`${S.k} photo`, admin.req('PUT', `/api/v1/members/${S.m.id}/photo`, PNG, { 'Content-Type': 'image/png' }), () => null),
};
const REMAKE = {
  '/api/v1/tasks/:id': 'task', '/api/v1/first-secretaries/:id/funds/:id': 'fund', '/api/v1/volunteer-activities/:id': 'vact',
  '/api/v1/grid/households/:id': 'household', '/api/v1/care/records/:id': 'careRecord', '/api/v1/lapse-warnings/excuses/:id': 'excuse',
  '/api/v1/members/:id/photo': 'photo', '/api/v1/dues/payments/:id/void': 'payment',
};

async function build(S) {
  const o = { user: S.user, org: S.b.id, member: S.m.id, pointsMember: S.m.id, pointsBranch: S.b.id };
  const M = S.mark;
  o.transfer = await mk(`${S.k} transfer`, admin.post('/api/v1/transfers', await CREATE['/api/v1/transfers'](S, o)));
  const csv = ['姓名,性别,公民身份号码,民族,学历,人员类别,所在党支部,入党日期,转为正式党员日期,联系电话',
    [`${M}导入`, '男', '110101197506070000', '汉族', '大学', '正式党员', S.b.code, '2005-07-01', '2006-07-01', '139' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0')].join(',')].join('\r\n') + '\r\n';
  // a refused import (a bad ID number) leaves an error report to download
  o.importReport = await mk(`${S.k} import`, admin.req('POST', '/api/v1/import/members', csv, { 'Content-Type': 'text/csv' }), (b) => b.report, [422]);
  o.recruit = await mk(`${S.k} recruit`, admin.post('/api/v1/recruits', CREATE['/api/v1/recruits'](S, o)));
  o.attachment = await mk(`${S.k} attachment`, admin.req('POST', `/api/v1/recruits/${o.recruit}/attachments?step=1&filename=${encodeURIComponent(M + '.pdf')}`, PDF, { 'Content-Type': 'application/octet-stream' }));
  o.meeting = await mk(`${S.k} meeting`, admin.post('/api/v1/meetings', CREATE['/api/v1/meetings'](S, o)));
  o.appraisal = await mk(`${S.k} appraisal`, admin.post('/api/v1/appraisals', CREATE['/api/v1/appraisals'](S, o)), (b) => b);
  if (o.appraisal) {
    const ap = o.appraisal;
    o.appraisal = ap.id;
    o.appraisalMember = S.m.id;
    // decide everyone (one unqualified: a follow-up), close the round
    let cur = (await admin.get(`/api/v1/appraisals/${ap.id}`)).body;
    const entries = cur.entries || cur.members || cur.items || [];
    for (const e of entries) {
      const mid = e.member_id ?? e.id;
      cur = (await admin.get(`/api/v1/appraisals/${ap.id}`)).body;
      const en = (cur.entries || cur.members || cur.items || []).find((x) => (x.member_id ?? x.id) === mid);
      await mk(`${S.k} appraisal decide`, admin.post(`/api/v1/appraisals/${ap.id}/members/${mid}`, { version: en.version, category: mid === S.m2.id ? 'unqualified' : 'qualified' }));
    }
    cur = (await admin.get(`/api/v1/appraisals/${ap.id}`)).body;
    await mk(`${S.k} appraisal close`, admin.post(`/api/v1/appraisals/${ap.id}/close`, { version: cur.version }));
    o.followup = await mk(`${S.k} followup`, admin.get(`/api/v1/appraisals/followups?org=${S.b.id}`), (b) => b.items[0].id);
  }
  o.training = await mk(`${S.k} training`, admin.post('/api/v1/trainings', CREATE['/api/v1/trainings'](S, o)));
  // one review and one publication per town and period: the sibling branch shares town A's
  if (S.k !== 'S') o.review = await mk(`${S.k} review`, admin.post('/api/v1/reviews', CREATE['/api/v1/reviews'](S, o)));
  o.project = await mk(`${S.k} project`, admin.post('/api/v1/projects', CREATE['/api/v1/projects'](S, o)));
  o.task = await MAKE.task(S, o);
  o.milestone = 12; // the second id of /tasks/:id/milestones/:id is the month
  o.fsec = await mk(`${S.k} first secretary`, admin.post('/api/v1/first-secretaries', CREATE['/api/v1/first-secretaries'](S, o)));
  o.fund = await MAKE.fund(S, o);
  o.vteam = await mk(`${S.k} volunteer team`, admin.post('/api/v1/volunteer-teams', CREATE['/api/v1/volunteer-teams'](S, o)));
  o.vact = await MAKE.vact(S, o);
  o.household = await MAKE.household(S, o);
  o.talent = await mk(`${S.k} talent`, admin.post('/api/v1/talents', CREATE['/api/v1/talents'](S, o)));
  o.request = await mk(`${S.k} request`, admin.post('/api/v1/requests', CREATE['/api/v1/requests'](S, o)));
  o.pairing = await mk(`${S.k} pairing`, admin.post('/api/v1/pairings', CREATE['/api/v1/pairings'](S, o)));
  o.visit = await mk(`${S.k} visit`, admin.post('/api/v1/visits', CREATE['/api/v1/visits'](S, o)));
  const letter = await mk(`${S.k} letter`, admin.post('/api/v1/commitments/letters', CREATE['/api/v1/commitments/letters'](S, o)), (b) => b);
  o.letter = letter?.id;
  o.item = letter?.items?.[0]?.id;
  o.inspection = await mk(`${S.k} inspection`, admin.post('/api/v1/inspections', CREATE['/api/v1/inspections'](S, o)));
  o.finding = await mk(`${S.k} finding`, admin.post(`/api/v1/inspections/${o.inspection}/findings`, { org_id: S.b.id, problem: `${M}记录不全`, category: 'meetings', severity: 'normal', deadline: shanghai(Date.now() + 20 * 86400e3), responsible: '王书记' }));
  o.decision = await mk(`${S.k} decision`, admin.post('/api/v1/decisions', CREATE['/api/v1/decisions'](S, o)));
  o.notice = await mk(`${S.k} notice`, admin.post('/api/v1/notices', CREATE['/api/v1/notices'](S, o)));
  const draft = await mk(`${S.k} draft notice`, admin.post('/api/v1/notices', { org_id: S.b.id, title: `${M}草稿`, body: '内容' }));
  o.noticeFile = await mk(`${S.k} notice file`, admin.req('POST', `/api/v1/notices/${draft}/files?filename=${encodeURIComponent(M + '.pdf')}`, PDF, { 'Content-Type': 'application/octet-stream' }));
  o.noticeWithFile = draft;
  if (draft) {
    const n = (await admin.get(`/api/v1/notices/${draft}`)).body;
    await mk(`${S.k} notice with file published`, admin.post(`/api/v1/notices/${draft}/publish`, { version: n.version }));
  }
  o.payment = await MAKE.payment(S, o);
  o.reduction = await mk(`${S.k} reduction`, admin.post('/api/v1/dues/reductions', CREATE['/api/v1/dues/reductions'](S, o)));
  o.careRecord = await MAKE.careRecord(S, o);
  o.hardship = await mk(`${S.k} hardship`, admin.post('/api/v1/care/hardships', CREATE['/api/v1/care/hardships'](S, o)));
  o.excuse = await MAKE.excuse(S, o);
  await MAKE.photo(S, o);
  o.course = await mk(`${S.k} course`, admin.post('/api/v1/courses', CREATE['/api/v1/courses'](S, o)));
  if (o.course) {
    await mk(`${S.k} course file`, admin.req('POST', `/api/v1/courses/${o.course}/file?filename=${encodeURIComponent(M + '.pdf')}`, PDF, { 'Content-Type': 'application/octet-stream' }));
    let c = (await admin.get(`/api/v1/courses/${o.course}`)).body;
    await mk(`${S.k} course assign`, admin.req('PUT', `/api/v1/courses/${o.course}/assignments`, { org_ids: [S.b.id], version: c.version }));
    c = (await admin.get(`/api/v1/courses/${o.course}`)).body;
    await mk(`${S.k} course publish`, admin.post(`/api/v1/courses/${o.course}/publish`, { version: c.version }));
  }
  // a suggestion from the public board with a contact phone (the reveal route)
  const board = await mk(`${S.k} board`, admin.req('PUT', `/api/v1/orgs/${S.b.id}/board`, { version: 0, enabled: true }), (b) => b);
  const key = board && (await admin.get(`/api/v1/orgs/${S.b.id}/board`)).body.key;
  o.suggestionContact = await mk(`${S.k} public suggestion`, raw('POST', `/api/v1/public/board/suggestions?key=${encodeURIComponent(key)}`, { title: `${M}公开建议`, body: '建议内容', name: `${M}群众`, contact: '139' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0') }), () => true);
  o.suggestionContact = o.suggestionContact && await mk(`${S.k} public suggestion id`, admin.get(`/api/v1/suggestions?org=${S.b.id}`), (b) => b.items.find((x) => x.title === `${M}公开建议`).id);
  o.suggestion = await mk(`${S.k} suggestion`, S.memberClient.post('/api/v1/me/suggestions', { title: `${M}建议`, body: `${M}的建议内容` }));
  // points: an entry for the member, a claim by the member, a publication
  o.pointsEntry = await mk(`${S.k} points entry`, admin.post('/api/v1/points/entries', CREATE['/api/v1/points/entries'](S, o)));
  o.pointsClaim = await mk(`${S.k} points claim`, S.memberClient.post('/api/v1/points/claims', { target: 'member', subject_id: S.m.id, indicator: 'MX_VOL', event_on: TODAY, count: 1, evidence: `${M}申报` }));
  if (S.k !== 'S') o.publication = await mk(`${S.k} points publication`, admin.post('/api/v1/points/publications', CREATE['/api/v1/points/publications'](S, o)));
  return o;
}
// an indicator set of the county's own for the points entries and claims
{
  const ind = (over) => ({ category: '政治学习', target: 'member', sign: 'award', points: 2, cap: 0, cap_period: 'month', source: 'manual', source_param: null, approver: 'secretary', ...over });
  await mk('points set', admin.post('/api/v1/points/sets', { org_id: county.id, effective_from: MONTH, note: '矩阵测试指标', indicators: [
    ind({ code: 'MX_STUDY', name: '参加集中学习' }), ind({ code: 'MX_VOL', name: '志愿服务', category: '发挥作用' })] }));
}
{
  const X = { ...A, k: 'spare', m: SPARE.m, m2: SPARE.m, m3: SPARE.m };
  const x = {};
  x.fsec = await mk('spare first secretary', admin.post('/api/v1/first-secretaries', { ...CREATE['/api/v1/first-secretaries'](X, x), term_start: `${YEAR - 9}-03-01`, term_end: `${YEAR - 7}-02-28` }));
  x.vteam = await mk('spare volunteer team', admin.post('/api/v1/volunteer-teams', CREATE['/api/v1/volunteer-teams'](X, x)));
  for (const kind of Object.keys(MAKE)) await MAKE[kind](X, x);
}
const OBJ = { A: await build(A) };
OBJ.S = await build(S);
OBJ.B = await build(B);

// ---------------------------------------------------------------- the map: every route of routes.c
// An entry is either a list of object kinds, one per ':id' of the path (the object of that kind of the town
// under test fills it), or for routes without an id: 'org' (takes ?org=, or an org_id in the body) / '-'.
// LEVEL says who in town A may reach an object of that kind: 't' the town and county admins, 'b' also the
// branch secretary; SELF lists the kinds a member may reach as their own (member routes only).
const LEVEL = {
  user: 'b', org: 'b', member: 'b', transfer: 'b', importReport: 'b', recruit: 'b', attachment: 'b', meeting: 'b',
  followup: 'b', appraisal: 'b', appraisalMember: 'b', training: 't', pointsEntry: 'b', pointsClaim: 'b', pointsMember: 'b',
  pointsBranch: 'b', publication: 't', review: 't', project: 'b', task: 't', milestone: 't', fsec: 'b', fund: 'b', vteam: 'b',
  vact: 'b', household: 'b', talent: 'b', request: 'b', pairing: 'b', visit: 'b', letter: 'b', item: 'b', inspection: 't',
  finding: 'b', decision: 'b', notice: 'b', noticeWithFile: 'b', noticeFile: 'b', payment: 'b', reduction: 'b', careRecord: 'b',
  hardship: 'b', excuse: 'b', course: 'b', suggestion: 'b', suggestionContact: 'b',
};
const SELF = new Set(['member', 'pointsMember', 'notice', 'noticeWithFile', 'noticeFile', 'letter', 'item', 'course', 'suggestion', 'project']);

const RES = {
  '/api/v1/health': '-', '/api/v1/codes': '-', '/api/v1/session': '-',
  '/api/v1/users': 'org', '/api/v1/users/:id': ['user'],
  '/api/v1/orgs': 'org', '/api/v1/orgs/root': '-', '/api/v1/orgs/lookup': '-', '/api/v1/orgs/:id': ['org'],
  '/api/v1/orgs/:id/children': ['org'], '/api/v1/orgs/:id/move': ['org'],
  '/api/v1/members': 'org', '/api/v1/members/export': 'org', '/api/v1/members/:id': ['member'],
  '/api/v1/members/:id/reveal': ['member'], '/api/v1/members/:id/history': ['member'], '/api/v1/me': '-', '/api/v1/me/password': '-',
  '/api/v1/transfers': 'org', '/api/v1/transfers/:id': ['transfer'], '/api/v1/transfers/:id/confirm': ['transfer'],
  '/api/v1/transfers/:id/reject': ['transfer'], '/api/v1/transfers/:id/cancel': ['transfer'],
  '/api/v1/import/template': '-', '/api/v1/import/members': 'org', '/api/v1/import/reports/:id': ['importReport'],
  '/api/v1/audit': 'org', '/api/v1/audit/verify': '-',
  '/api/v1/recruits': 'org', '/api/v1/recruits/reminders': 'org', '/api/v1/recruits/stats': 'org', '/api/v1/recruits/:id': ['recruit'],
  '/api/v1/recruits/:id/steps': ['recruit'], '/api/v1/recruits/:id/scores': ['recruit'], '/api/v1/recruit-plans': 'org',
  '/api/v1/recruits/:id/attachments': ['recruit'], '/api/v1/recruits/:id/archive': ['recruit'], '/api/v1/attachments/:id': ['attachment'],
  '/api/v1/recruits/:id/ladder': ['recruit'], '/api/v1/recruit-ladder': 'org',
  '/api/v1/meetings': 'org', '/api/v1/meetings/:id': ['meeting'], '/api/v1/meetings/calendar': 'org', '/api/v1/meeting-plans': 'org',
  '/api/v1/meetings/:id/attachments': ['meeting'], '/api/v1/meetings/:id/checkin': ['meeting'], '/api/v1/meetings/:id/checkin/qr': ['meeting'],
  '/api/v1/compliance': 'org', '/api/v1/compliance/hours': 'org', '/api/v1/compliance/at-risk': 'org', '/api/v1/compliance/reminders': 'org',
  '/api/v1/members/:id/hours': ['member'],
  '/api/v1/appraisals': 'org', '/api/v1/appraisals/followups': 'org', '/api/v1/appraisals/followups/:id': ['followup'],
  '/api/v1/appraisals/:id': ['appraisal'], '/api/v1/appraisals/:id/members/:id': ['appraisal', 'appraisalMember'],
  '/api/v1/appraisals/:id/close': ['appraisal'],
  '/api/v1/trainings': 'org', '/api/v1/trainings/:id': ['training'],
  '/api/v1/points/settings': 'org', '/api/v1/points/sets/current': '-', '/api/v1/points/sets/template': '-', '/api/v1/points/sets': 'org',
  '/api/v1/points/sources': '-', '/api/v1/points/entries': 'org', '/api/v1/points/entries/:id/reverse': ['pointsEntry'],
  '/api/v1/points/claims': 'org', '/api/v1/points/claims/:id/decide': ['pointsClaim'], '/api/v1/points/members/:id': ['pointsMember'],
  '/api/v1/me/points': '-', '/api/v1/points/branches/:id': ['pointsBranch'], '/api/v1/points/rankings': 'org', '/api/v1/points/summary': 'org',
  '/api/v1/points/publications': 'org', '/api/v1/points/publications/:id': ['publication'], '/api/v1/points/history': '-', '/api/v1/points/sync': 'org',
  '/api/v1/reviews': 'org', '/api/v1/reviews/:id': ['review'], '/api/v1/reviews/:id/draw': ['review'], '/api/v1/reviews/:id/draw/verify': ['review'],
  '/api/v1/reviews/:id/raters': ['review'], '/api/v1/reviews/:id/open': ['review'], '/api/v1/reviews/:id/publish': ['review'],
  '/api/v1/review-ballot': '-',
  '/api/v1/projects': 'org', '/api/v1/projects/:id': ['project'], '/api/v1/projects/:id/stage': ['project'], '/api/v1/projects/:id/return': ['project'],
  '/api/v1/projects/:id/reviews': ['project'], '/api/v1/projects/:id/ledger': ['project'], '/api/v1/me/projects': '-',
  '/api/v1/tasks': 'org', '/api/v1/tasks/overdue': 'org', '/api/v1/tasks/wall': 'org', '/api/v1/tasks/:id': ['task'],
  '/api/v1/tasks/:id/complete': ['task'], '/api/v1/tasks/:id/reopen': ['task'], '/api/v1/tasks/:id/milestones/:id': ['task', 'milestone'],
  '/api/v1/first-secretaries': 'org', '/api/v1/first-secretaries/:id': ['fsec'], '/api/v1/first-secretaries/:id/duties': ['fsec'],
  '/api/v1/first-secretaries/:id/workdays': ['fsec'], '/api/v1/first-secretaries/:id/funds': ['fsec'], '/api/v1/first-secretaries/:id/funds/:id': ['fsec', 'fund'],
  '/api/v1/volunteer-teams': 'org', '/api/v1/volunteer-teams/:id': ['vteam'], '/api/v1/volunteer-activities': 'org',
  '/api/v1/volunteer-activities/:id': ['vact'], '/api/v1/volunteer-hours': 'org', '/api/v1/me/volunteer-hours': '-',
  '/api/v1/grid/households': 'org', '/api/v1/grid/households/:id': ['household'], '/api/v1/grid/households/import': 'org',
  '/api/v1/grid/assign': 'org', '/api/v1/grid/coverage': 'org',
  '/api/v1/talents': 'org', '/api/v1/talents/summary': 'org', '/api/v1/talents/:id': ['talent'], '/api/v1/talents/:id/status': ['talent'],
  '/api/v1/requests': 'org', '/api/v1/requests/overdue': 'org', '/api/v1/requests/stats': 'org', '/api/v1/requests/:id': ['request'],
  '/api/v1/requests/:id/assign': ['request'], '/api/v1/requests/:id/handle': ['request'], '/api/v1/requests/:id/reply': ['request'],
  '/api/v1/requests/:id/rate': ['request'],
  '/api/v1/pairings': 'org', '/api/v1/pairings/:id': ['pairing'], '/api/v1/pairings/:id/end': ['pairing'],
  '/api/v1/visits': 'org', '/api/v1/visits/:id': ['visit'], '/api/v1/visits/:id/followup': ['visit'], '/api/v1/visits/:id/request': ['visit'],
  '/api/v1/commitments': 'org', '/api/v1/commitments/stats': 'org', '/api/v1/commitments/public': 'org', '/api/v1/commitments/letters': 'org',
  '/api/v1/commitments/letters/:id': ['letter'], '/api/v1/commitments/letters/:id/items': ['letter'], '/api/v1/commitments/items/:id': ['item'],
  '/api/v1/commitments/items/:id/complete': ['item'], '/api/v1/commitments/items/:id/cancel': ['item'], '/api/v1/me/commitments': '-',
  '/api/v1/me/commitments/:id/complete': ['item'],
  '/api/v1/inspections': 'org', '/api/v1/inspections/:id': ['inspection'], '/api/v1/inspections/:id/findings': ['inspection'],
  '/api/v1/inspection-findings': 'org', '/api/v1/inspection-findings/:id': ['finding'], '/api/v1/inspection-findings/:id/rectify': ['finding'],
  '/api/v1/inspection-findings/:id/close': ['finding'], '/api/v1/inspection-findings/:id/return': ['finding'], '/api/v1/inspection-bulletin': 'org',
  '/api/v1/decisions': 'org', '/api/v1/decisions/:id': ['decision'], '/api/v1/decisions/:id/steps': ['decision'],
  '/api/v1/notices': 'org', '/api/v1/notices/:id': ['notice'], '/api/v1/notices/:id/publish': ['notice'], '/api/v1/notices/:id/withdraw': ['notice'],
  '/api/v1/notices/:id/remind': ['notice'], '/api/v1/notices/:id/receipts': ['notice'], '/api/v1/notices/:id/receipts/members': ['notice'],
  '/api/v1/notices/:id/files': ['noticeWithFile'], '/api/v1/notices/:id/files/:id': ['noticeWithFile', 'noticeFile'], '/api/v1/me/notices': '-',
  '/api/v1/me/notices/:id': ['notice'], '/api/v1/me/notices/:id/confirm': ['notice'],
  '/api/v1/members/:id/signin-code': ['member'],
  '/api/v1/dues/rate': '-', '/api/v1/members/:id/dues': ['member'], '/api/v1/members/:id/dues/bases': ['member'],
  '/api/v1/dues/payments': 'org', '/api/v1/dues/payments/batch': 'org', '/api/v1/dues/payments/:id/void': ['payment'],
  '/api/v1/dues/reductions': 'org', '/api/v1/dues/reductions/:id/approve': ['reduction'], '/api/v1/dues/reductions/:id/reject': ['reduction'],
  '/api/v1/dues/arrears': 'org', '/api/v1/me/dues': '-', '/api/v1/dues/sheet': 'org', '/api/v1/dues/remittance': 'org',
  '/api/v1/care/elderly': 'org', '/api/v1/care/elderly/issue': 'org', '/api/v1/care/records': 'org', '/api/v1/care/records/:id': ['careRecord'],
  '/api/v1/care/hardships': 'org', '/api/v1/care/hardships/:id': ['hardship'], '/api/v1/care/hardships/:id/close': ['hardship'],
  '/api/v1/care/totals': 'org', '/api/v1/lapse-warnings': 'org', '/api/v1/lapse-warnings/excuses': 'org', '/api/v1/lapse-warnings/excuses/:id': ['excuse'],
  '/api/v1/orgs/:id/board': ['org'], '/api/v1/orgs/:id/board/key': ['org'], '/api/v1/orgs/:id/board/qr': ['org'],
  '/api/v1/members/:id/photo': ['member'],
  '/api/v1/public/board': '-', '/api/v1/public/board/pdf': '-', '/api/v1/public/board/photo': '-',
  '/api/v1/stats': 'org', '/api/v1/stats/export': 'org', '/api/v1/stats/members': 'org', '/api/v1/stats/orgs': 'org',
  '/api/v1/me/home': '-', '/api/v1/me/tasks': '-', '/api/v1/me/recruitment': '-',
  '/api/v1/me/checkin': '-', '/api/v1/orgs/:id/checkin': ['org'],
  '/api/v1/courses': 'org', '/api/v1/courses/:id': ['course'], '/api/v1/courses/:id/publish': ['course'], '/api/v1/courses/:id/withdraw': ['course'],
  '/api/v1/courses/:id/assignments': ['course'], '/api/v1/courses/:id/completions': ['course'], '/api/v1/courses/:id/file': ['course'],
  '/api/v1/me/courses': '-', '/api/v1/me/courses/:id': ['course'], '/api/v1/me/courses/:id/file': ['course'], '/api/v1/me/courses/:id/finish': ['course'],
  '/api/v1/suggestions': 'org', '/api/v1/suggestions/stats': 'org', '/api/v1/suggestions/:id': ['suggestion'],
  '/api/v1/suggestions/:id/convert': ['suggestion'], '/api/v1/suggestions/:id/close': ['suggestion'], '/api/v1/suggestions/:id/reveal': ['suggestionContact'],
  '/api/v1/me/suggestions': '-', '/api/v1/me/suggestions/:id': ['suggestion'], '/api/v1/public/board/suggestions': '-',
};

// Own-subtree calls that may be refused for a reason other than scope (the route's own rule), with why.
const OWN_MAY_REFUSE = {
  'secretary GET /api/v1/import/reports/:id': 'an import error report is its uploader\'s own (the county admin uploaded it)',
  'town GET /api/v1/import/reports/:id': 'an import error report is its uploader\'s own',
  'town POST /api/v1/projects': 'project.role: a project is declared by its branch (secretary) and reviewed by the town',
  'secretary POST /api/v1/members/:id/reveal': 'member.reveal_role: only administrators reveal full ID numbers and phones',
  'secretary POST /api/v1/transfers/:id/confirm': 'transfer.side: only the receiving org confirms (the fixture moves out of A1)',
  'secretary POST /api/v1/transfers/:id/reject': 'transfer.side: only the receiving org rejects',
  'secretary POST /api/v1/dues/reductions/:id/approve': 'dues.approval_level: a reduction is approved above the branch',
  'secretary POST /api/v1/dues/reductions/:id/reject': 'dues.approval_level: a reduction is decided above the branch',
};
// Routes whose answer legitimately names orgs outside the caller's subtree (choosing a transfer's destination).
const LEAK_EXEMPT = new Set(['GET /api/v1/orgs/lookup']);

const ROUTES = routeTable();
const NOWHERE = 2147480000;

// B's distinctive strings: its mark (in every name and title) and its members' ID numbers and phones
const bSecrets = [MARK.B, ...[B.m, B.m2, B.m3].flatMap((m) => [m.plain_id, m.plain_phone])];
const leakOf = (r) => bSecrets.filter((s) => s && textOf(r).includes(s));
// the sibling branch's, for the secretary and the member of branch A1
const sSecrets = [MARK.S, ...[S.m, S.m2, S.m3].flatMap((m) => [m.plain_id, m.plain_phone])];
const leakS = (r, role) => (role.rank <= 2 ? sSecrets.filter((x) => x && textOf(r).includes(x)) : []);

// Bodies valid enough that the only reason to refuse a town-B object is its scope (side: the town whose
// object is addressed); every other write gets { version: 999999 }, stale, so an allowed call ends in 409.
const BODY = {
  'POST /api/v1/orgs/:id/move': () => ({ version: 999999, parent_id: A.town.id }),
  'POST /api/v1/recruits/:id/steps': () => ({ step: 2, version: 999999, done_on: TODAY }),
  'POST /api/v1/recruits/:id/scores': () => ({ rater: '评分人', score: 80, scored_on: TODAY }),
  'POST /api/v1/recruits/:id/ladder': () => ({ year: YEAR, stage: 'apply', result: 'pass', done_on: TODAY }),
  'POST /api/v1/points/entries/:id/reverse': () => ({ reason: '更正' }),
  'PUT /api/v1/first-secretaries/:id/duties': () => ({ year: YEAR, items: [] }),
  'PUT /api/v1/first-secretaries/:id/workdays': () => ({ month: MONTH, days: 10 }),
  'POST /api/v1/first-secretaries/:id/funds': () => ({ title: '资金', amount_fen: 100, funded_on: TODAY }),
  'POST /api/v1/members/:id/dues/bases': () => ({ kind: 'wage', base_fen: 300000, from_month: MONTH }),
  'POST /api/v1/dues/payments/:id/void': () => ({ reason: '录入错误' }),
  'POST /api/v1/commitments/letters/:id/items': () => ({ title: '承诺', category: 'duty', due_on: `${YEAR}-12-31` }),
  'POST /api/v1/inspections/:id/findings': (S) => ({ org_id: S.b.id, problem: '记录不全', category: 'meetings', severity: 'normal', deadline: shanghai(Date.now() + 20 * 86400e3), responsible: '王书记' }),
  'POST /api/v1/members/:id/reveal': () => ({ field: 'phone' }),
  'POST /api/v1/suggestions/:id/reveal': () => ({}),
};
function send(client, r, path, side = A) {
  requests++;
  const call = client ? (m, p, b, h) => client.req(m, p, b, h) : (m, p, b, h) => raw(m, p, b, h);
  if (r.method === 'GET') return call('GET', path);
  if (r.method === 'DELETE') return call('DELETE', `${path}?version=999999`);
  if (/ROUTE_STREAM/.test(r.flags)) return call(r.method, `${path}?filename=m.pdf&step=1`, PDF, { 'Content-Type': 'application/octet-stream' });
  if (/ROUTE_UPLOAD/.test(r.flags)) return call(r.method, path, PNG, { 'Content-Type': 'image/png' });
  const body = BODY[`${r.method} ${r.path}`];
  return call(r.method, path, body ? body(side) : { version: 999999 });
}
const fill = (r, side) => {
  let i = 0;
  const kinds = RES[r.path];
  return r.path.replace(/:id/g, () => String(OBJ[side][kinds[i++]] ?? NOWHERE));
};

const failures = [];
const tally = {};
const count = (k) => { tally[k] = (tally[k] || 0) + 1; };
function expect(ok, what, r) {
  if (!ok) failures.push(`${what} → ${r.status} ${textOf(r).slice(0, 160)}`);
}
// nothing of town B for the town-A roles, nothing of the sibling branch for the secretary and the member
function noLeak(res, role, what, name) {
  if (role.name === 'county' || LEAK_EXEMPT.has(name)) return;
  const l = [...leakOf(res), ...leakS(res, role)];
  expect(!l.length, `${what} shows ${l.join(', ')}`, res);
}

test('every fixture (town A, its sibling branch, town B) was built through the API', () => {
  assert.deepEqual(problems, []);
});

test('the map names every route of routes.c (a new route cannot escape the matrix)', () => {
  assert.ok(ROUTES.length > 250, `${ROUTES.length} routes parsed`);
  const missing = ROUTES.filter((r) => !(r.path in RES)).map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(missing, [], 'routes without an entry in RES');
  for (const r of ROUTES) {
    const n = (r.path.match(/:id/g) || []).length;
    const e = RES[r.path];
    if (n) assert.ok(Array.isArray(e) && e.length === n && e.every((k) => k in LEVEL), `${r.path}: one object kind per :id`);
    else assert.ok(e === 'org' || e === '-', `${r.path}: 'org' or '-'`);
  }
  const stale = Object.keys(RES).filter((p) => !ROUTES.some((r) => r.path === p));
  assert.deepEqual(stale, [], 'entries in RES for routes that no longer exist');
});

// object snapshots of town B, as the county admin
const GETTER = {};
for (const r of ROUTES) {
  const e = RES[r.path];
  if (r.method === 'GET' && Array.isArray(e) && e.length === 1 && /\/:id$/.test(r.path) && !r.path.startsWith('/api/v1/me/') && !(e[0] in GETTER)) GETTER[e[0]] = r.path;
}
async function snapshot(side) {
  const out = {};
  for (const [kind, p] of Object.entries(GETTER)) {
    const id = OBJ[side][kind];
    if (!id) continue;
    const r = await admin.get(p.replace(':id', id));
    requests++;
    out[`${kind} ${p}`] = `${r.status} ${textOf(r)}`;
  }
  return out;
}

test('the matrix: every route × role × (own town / the other town)', async () => {
  const before = await snapshot('B');
  const beforeS = await snapshot('S');
  // DELETE routes last, so that an own-town delete does not hide the object from the routes after it
  const order = [...ROUTES.filter((r) => r.method !== 'DELETE'), ...ROUTES.filter((r) => r.method === 'DELETE')];
  for (const r of order) {
    const e = RES[r.path];
    const name = `${r.method} ${r.path}`;
    const ids = Array.isArray(e);
    // anonymous
    if (!r.public) {
      const res = await send(null, { ...r }, ids ? fill(r, 'A') : r.path);
      expect(res.status === 401, `anonymous ${name}`, res);
      count('anonymous 401');
    }
    if (r.public || (r.method === 'DELETE' && r.path === '/api/v1/session')) continue;
    for (const role of ROLES) {
      const who = `${role.name} ${name}`;
      if (role.rank < r.rank) {
        const res = await send(role.client, r, ids ? fill(r, 'A') : r.path);
        expect(res.status === 403, `${who} (below ${r.role})`, res);
        count('below the route role 403');
        continue;
      }
      if (ids) {
        // the other town first (nothing of it may change, nothing of it may show)
        if (role.name !== 'county') {
          const res = await send(role.client, r, fill(r, 'B'), B);
          expect(res.status === 403 || res.status === 404, `${who} [town B object]`, res);
          noLeak(res, role, `${who} [town B object]`, name);
          count(`other town ${res.status}`);
          // a two-id route: our first object with their second
          if (e.length === 2 && OBJ.B[e[1]]) {
            const mixed = r.path.replace(':id', String(OBJ.A[e[0]])).replace(':id', String(OBJ.B[e[1]]));
            const m = await send(role.client, r, mixed);
            expect(m.status >= 400 && m.status !== 401, `${who} [own object, town B's second id]`, m);
            noLeak(m, role, `${who} [own object, town B's second id]`, name);
            count('mixed ids refused');
          }
        }
        // the sibling branch of the same town: out of the secretary's and the member's reach
        if (role.rank <= 2) {
          const res = await send(role.client, r, fill(r, 'S'), S);
          if (e.every((k) => LEVEL[k] === 'b')) expect(res.status === 403 || res.status === 404, `${who} [sibling branch object]`, res);
          else expect(res.status < 500, `${who} [sibling branch object]`, res);
          noLeak(res, role, `${who} [sibling branch object]`, name);
          count(`sibling branch ${res.status}`);
        }
        const res = await send(role.client, r, fill(r, 'A'));
        const mine = r.path.startsWith('/api/v1/me/');
        const must = mine ? role.name === 'member' : role.name === 'county' || role.name === 'town' ||
          (role.name === 'secretary' && e.every((k) => LEVEL[k] === 'b')) ||
          (role.name === 'member' && e.every((k) => SELF.has(k)));
        const key = `${role.name} ${name}`;
        if (must && !OWN_MAY_REFUSE[key]) {
          expect(![401, 403, 404].includes(res.status) && res.status < 500, `${who} [own object]`, res);
          count('own object authorized');
        } else {
          expect(res.status < 500, `${who} [own object]`, res);
          count('own object (not required)');
        }
        noLeak(res, role, `${who} [own object]`, name);
        if ((r.method === 'DELETE' || REMAKE[r.path]) && res.status < 300) {
          const kind = REMAKE[r.path];
          expect(kind, `${who} [own object] deleted, and the test cannot make it again`, res);
          if (kind && kind !== 'photo') OBJ.A[kind] = await MAKE[kind](A, OBJ.A);
          else if (kind) await MAKE.photo(A, OBJ.A);
        }
      } else {
        // no id: as is, and with town B's org
        const res = await send(role.client, r, r.path);
        expect(res.status !== 401 && res.status < 500, who, res);
        noLeak(res, role, who, name);
        count('no id, as is');
        if (r.method === 'GET' && role.name !== 'county') {
          // every name a list route uses for its filter: org, org_id, member_id, member
          const q = await send(role.client, r, `${r.path}?org=${B.b.id}&org_id=${B.b.id}&member_id=${B.m.id}&member=${B.m.id}`);
          if (e === 'org') expect([403, 404, 422].includes(q.status) || (q.status === 200 && !leakOf(q).length), `${who}?org=<town B branch>`, q);
          noLeak(q, role, `${who}?org=<town B branch>`, name);
          count(`filtered to town B → ${q.status}`);
          // a search for town B's names finds nothing of it
          const found = await send(role.client, r, `${r.path}?q=${encodeURIComponent(MARK.B)}`);
          noLeak(found, role, `${who}?q=<town B's mark>`, name);
          count('searched for town B');
          if (role.rank <= 2) {
            const sq = await send(role.client, r, `${r.path}?org=${S.b.id}&org_id=${S.b.id}&member_id=${S.m.id}&member=${S.m.id}`);
            if (e === 'org') expect([403, 404, 422].includes(sq.status) || sq.status === 200, `${who}?org=<sibling branch>`, sq);
            noLeak(sq, role, `${who}?org=<sibling branch>`, name);
            const sf = await send(role.client, r, `${r.path}?q=${encodeURIComponent(MARK.S)}`);
            noLeak(sf, role, `${who}?q=<sibling branch's mark>`, name);
            count('filtered/searched for the sibling branch');
          }
        }
      }
    }
  }
  const after = await snapshot('B');
  const changed = Object.keys(before).filter((k) => before[k] !== after[k]).map((k) => `${k}:\n  before ${before[k].slice(0, 300)}\n  after  ${after[k].slice(0, 300)}`);
  const afterS = await snapshot('S');
  const changedS = Object.keys(beforeS).filter((k) => beforeS[k] !== afterS[k]).map((k) => `${k}:\n  before ${beforeS[k].slice(0, 300)}\n  after  ${afterS[k].slice(0, 300)}`);
  // creates: town B's org or member in an otherwise valid body is refused to the town-A roles; the same body
  // for town A goes through for the town admin (so the refusal is about scope, not the body)
  for (const r of ROUTES.filter((x) => `/${x.method}` !== '/GET' && CREATE[x.path] && !x.path.includes(':id'))) {
    for (const role of ROLES.filter((x) => x.name !== 'county' && x.rank >= r.rank)) {
      // town B for every town-A role; the sibling branch for the secretary too
      for (const [side, where] of role.rank <= 2 ? [[B, 'town B'], [S, 'the sibling branch']] : [[B, 'town B']]) {
        requests++;
        const res = await role.client.req(r.method, r.path, await CREATE[r.path](side, OBJ[side.k]));
        const scopeField = res.status === 422 && ['org_id', 'parent_id', 'member_id', 'subject_id', 'team_id', 'unit_org_id'].includes(res.body?.error?.field);
        expect(res.status === 403 || res.status === 404 || scopeField, `${role.name} ${r.method} ${r.path} with ${where}'s org/member`, res);
        noLeak(res, role, `${role.name} ${r.method} ${r.path} with ${where}'s org/member`, `${r.method} ${r.path}`);
        count(`create in ${where} → ${res.status}`);
      }
      if (role.name === 'town') {
        requests++;
        const own = await role.client.req(r.method, r.path, await CREATE[r.path](A, OBJ.A));
        expect(own.status === 200 || own.status === 201 || own.status === 409 || (own.status === 403 && OWN_MAY_REFUSE[`town ${r.method} ${r.path}`]), `town ${r.method} ${r.path} with town A's org/member (the body is valid)`, own);
      }
    }
  }
  // the county admin reaches town B's objects (after the snapshot: its writes may change them)
  for (const r of order) {
    const e = RES[r.path];
    if (r.public || !Array.isArray(e) || r.path.startsWith('/api/v1/me/')) continue;
    const res = await send(admin, r, fill(r, 'B'), B);
    expect(![401, 403, 404].includes(res.status) && res.status < 500, `county ${r.method} ${r.path} [town B object]`, res);
    count('county on town B authorized');
  }
  const secs = ((Date.now() - T0) / 1000).toFixed(1);
  console.log(`authz matrix: ${ROUTES.length} routes, ${requests} requests, ${secs} s; ${JSON.stringify(tally)}`);
  assert.deepEqual(changed, [], 'town B objects changed by town A roles');
  assert.deepEqual(changedS, [], 'sibling branch objects changed by the secretary or the member of branch A1');
  assert.deepEqual(failures, [], `${failures.length} matrix failures`);
});

test('the audit log: a town admin reads the entries of its own subtree\'s accounts only (issue 8 leak fix)', async () => {
  const ours = new Set([townAcc.user, secAcc.user, memAcc.user, memSAcc.user].map((u) => u.username));
  const r = await townAcc.client.get('/api/v1/audit?per_page=100');
  assert.equal(r.status, 200, textOf(r));
  assert.ok(r.body.items.length > 0, 'the secretary\'s and the town admin\'s own writes are there');
  assert.deepEqual(r.body.items.filter((e) => !ours.has(e.actor)).map((e) => `${e.actor} ${e.action} ${e.entity}`), []);
  if (r.body.items.length < 100) assert.equal(r.body.total, r.body.items.length, 'the total counts the same rows');
  assert.deepEqual(leakOf(r), []);
  // the county admin still reads everything, its own entries included
  const all = await admin.get('/api/v1/audit?per_page=100');
  assert.equal(all.status, 200);
  assert.ok(all.body.items.some((e) => e.actor === ADMIN.username));
  assert.ok(all.body.total > r.body.total);
});
