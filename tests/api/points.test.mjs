// Points and assessment over HTTP (RULES.md §6; docs/API.md "Points and assessment"): settings with their
// defaults and inheritance, switching points off (409 points.disabled, session features), indicator sets from
// the template with field-naming validation, manual entries and branch findings by the indicator's approver,
// nobody scoring their own branch, reversals, claims and their decisions, the scorecard's raw vs counted under
// a cap, rankings with the tie rule, stars with the top-band cap and flags, publications, history, sync,
// scope, and malformed input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, makeTree, memberBody, raw } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);

// Dates in the users' calendar (Asia/Shanghai, UTC+8)
const pad = (n) => String(n).padStart(2, '0');
function shanghai(offsetMonths = 0) {
  const d = new Date(Date.now() + 8 * 3600e3);
  const m = d.getUTCFullYear() * 12 + d.getUTCMonth() + offsetMonths;
  return { year: Math.floor(m / 12), month: (m % 12) + 1 };
}
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const tomorrow = new Date(Date.now() + 32 * 3600e3).toISOString().slice(0, 10);
const cur = shanghai();
const prev = shanghai(-1);
const thisMonth = `${cur.year}-${pad(cur.month)}`;
const lastMonth = `${prev.year}-${pad(prev.month)}`;
const thisQuarter = `${cur.year}Q${Math.floor((cur.month - 1) / 3) + 1}`;

async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}
function ok(r, what) {
  assert.equal(r.status, 200, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}
function refused(r, status, rule, what) {
  const statuses = Array.isArray(status) ? status : [status];
  assert.ok(statuses.includes(r.status), `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  if (rule) assert.equal(r.body.error.rule, rule, `${what}: ${JSON.stringify(r.body)}`);
  return r.body.error;
}
// 400/422 with the error naming the field (the domain may nest it, e.g. indicators[2].code)
function namesField(r, status, field, what) {
  const statuses = Array.isArray(status) ? status : [status];
  assert.ok(statuses.includes(r.status), `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  assert.match(r.body.error.field || '', new RegExp(field), `${what}: ${JSON.stringify(r.body)}`);
}
// outside one's scope: hidden (404) or refused (403), never shown
function hidden(r, what) {
  assert.ok(r.status === 404 || r.status === 403, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
}
// a write out of reach: refused, whichever way the domain words it
function refusedAny(r, what) {
  assert.ok([403, 404, 422].includes(r.status), `${what}: ${r.status} ${JSON.stringify(r.body)}`);
}

// our tree: dept (top level) → town → b1, b2; another tree for scope; a third that switches points off
const t = await makeTree(admin);
const other = await makeTree(admin);
const off = await makeTree(admin);
const tag = t.tag.toLowerCase();
const mem = [];
for (let i = 0; i < 3; i++) mem.push(await created(await admin.post('/api/v1/members', memberBody(t.b1.id)), 'b1 member'));
for (let i = 0; i < 2; i++) mem.push(await created(await admin.post('/api/v1/members', memberBody(t.b2.id)), 'b2 member'));
const offMember = await created(await admin.post('/api/v1/members', memberBody(off.b1.id)), 'off member');

async function account(username, role, orgId, memberId) {
  const body = { username, password: 'Points#2026', role, org_id: orgId };
  if (memberId) body.member_id = memberId;
  await created(await admin.post('/api/v1/users', body), `user ${username}`);
  return Client.login(username, 'Points#2026');
}
const dept = await account(`pd${tag}`, 'org_admin', t.dept.id);
const town = await account(`pt${tag}`, 'org_admin', t.town.id);
const sec = await account(`ps${tag}`, 'secretary', t.b1.id);
const branchAdmin = await account(`pb${tag}`, 'org_admin', t.b2.id);
const member = await account(`pm${tag}`, 'member', t.b1.id, mem[0].id);
const otherTown = await account(`po${tag}`, 'org_admin', other.town.id);
const offTown = await account(`px${tag}`, 'org_admin', off.town.id);
const offMem = await account(`py${tag}`, 'member', off.b1.id, offMember.id);

const DEFAULT_BANDS = [{ min: 95, stars: 5 }, { min: 85, stars: 4 }, { min: 75, stars: 3 }, { min: 65, stars: 2 }, { min: 60, stars: 1 }];
const settingsBody = (orgId, over = {}) => ({
  org_id: orgId, enabled: true, member_base: 60, branch_mode: 'deduct', member_bands: DEFAULT_BANDS,
  branch_bands: DEFAULT_BANDS, top_band_cap_pct: 50, top_n: 3, version: 0, ...over,
});

// a small set of our own next to the template's, so the arithmetic below is exact
const ind = (over) => ({ category: '政治学习', target: 'member', sign: 'award', points: 2, cap: 0, cap_period: 'month', source: 'manual', source_param: null, approver: 'secretary', ...over });
const OURS = [
  ind({ code: 'T_STUDY', name: '参加集中学习', points: 2, cap: 5, cap_period: 'month' }),
  ind({ code: 'T_VOL', name: '志愿服务', category: '发挥作用', points: 3 }),
  ind({ code: 'T_LATE', name: '无故迟到', category: '遵规守纪', sign: 'deduct', points: 2 }),
  ind({ code: 'T_HONOR', name: '受到表彰', category: '发挥作用', points: 10, approver: 'org_admin' }),
  ind({ code: 'T_AUTO', name: '参加组织生活', category: '组织生活', points: 1, source: 'meeting_attended' }),
  ind({ code: 'T_FIND', name: '组织生活记录不全', category: '组织建设', target: 'branch', sign: 'deduct', points: 5, approver: 'org_admin' }),
  ind({ code: 'T_BGOOD', name: '支部创新做法', category: '组织建设', target: 'branch', points: 2, approver: 'org_admin' }),
];
const memberEntry = (subject, code, over = {}) => ({ target: 'member', subject_id: subject, indicator: code, event_on: today, evidence: '测试记录', ...over });

test('settings: the defaults, an org admin sets them for the subtree, versions, validation naming the field', async () => {
  const s = ok(await dept.get(`/api/v1/points/settings?org=${t.dept.id}`), 'defaults');
  assert.equal(s.org_id, t.dept.id);
  assert.equal(s.defined_at, null);
  assert.equal(s.enabled, true);
  assert.equal(s.member_base, 60);
  assert.equal(s.branch_mode, 'deduct');
  assert.deepEqual(s.member_bands, DEFAULT_BANDS);
  assert.deepEqual(s.branch_bands, DEFAULT_BANDS);
  assert.equal(s.top_n, 3);
  assert.equal(s.version, 0);

  const put = ok(await dept.req('PUT', '/api/v1/points/settings', settingsBody(t.dept.id)), 'put');
  assert.equal(put.defined_at, t.dept.id);
  assert.equal(put.top_band_cap_pct, 50);
  assert.equal(put.version, 1);
  // inherited below; the version is that of the row at the org asked about
  const below = ok(await sec.get(`/api/v1/points/settings?org=${t.b1.id}`), 'inherited');
  assert.equal(below.defined_at, t.dept.id);
  assert.equal(below.top_band_cap_pct, 50);
  assert.equal(below.version, 0);
  // stale version
  refused(await dept.req('PUT', '/api/v1/points/settings', settingsBody(t.dept.id)), 409, null, 'stale settings');

  namesField(await dept.req('PUT', '/api/v1/points/settings', { ...settingsBody(t.dept.id, { version: 1 }), colour: 1 }), 400, 'colour', 'unknown field');
  namesField(await dept.req('PUT', '/api/v1/points/settings', settingsBody(t.dept.id, { version: 1, member_bands: [{ min: 60, stars: 1 }, { min: 90, stars: 5 }] })), 422, 'member_bands', 'bands not descending');
  namesField(await dept.req('PUT', '/api/v1/points/settings', settingsBody(t.dept.id, { version: 1, branch_mode: 'thousand' })), 422, 'branch_mode', 'mode');
  const { top_n: _drop, ...noTopN } = settingsBody(t.dept.id, { version: 1 });
  namesField(await dept.req('PUT', '/api/v1/points/settings', noTopN), [400, 422], 'top_n', 'all fields required');
  // a secretary reads but does not set; a member reads nothing here
  refused(await sec.req('PUT', '/api/v1/points/settings', settingsBody(t.b1.id)), 403, null, 'secretary put');
  refused(await member.get('/api/v1/points/settings'), 403, null, 'member get');
  hidden(await otherTown.get(`/api/v1/points/settings?org=${t.town.id}`), 'other town settings');
  refusedAny(await otherTown.req('PUT', '/api/v1/points/settings', settingsBody(t.town.id)), 'other town put');
});

test('switched off: every points endpoint but the settings answers 409 points.disabled; the session says so', async () => {
  ok(await offTown.req('PUT', '/api/v1/points/settings', settingsBody(off.town.id, { enabled: false })), 'switch off');
  const s = ok(await offTown.get(`/api/v1/points/settings?org=${off.b1.id}`), 'inherited off');
  assert.equal(s.enabled, false);
  assert.equal(s.defined_at, off.town.id);
  refused(await offTown.get(`/api/v1/points/rankings?org=${off.town.id}`), 409, 'points.disabled', 'rankings');
  refused(await offTown.get(`/api/v1/points/entries?org=${off.town.id}`), 409, 'points.disabled', 'entries');
  refused(await offTown.get(`/api/v1/points/branches/${off.b1.id}`), 409, 'points.disabled', 'branch scorecard');
  refused(await offMem.get('/api/v1/me/points'), 409, 'points.disabled', 'me/points');
  refused(await offTown.post('/api/v1/points/sync', { org_id: off.town.id, period: thisMonth }), 409, 'points.disabled', 'sync');

  // the session (GET, and the login reply) hides points for users whose scope lies in the subtree
  assert.equal(ok(await offTown.get('/api/v1/session'), 'session').features.points, false);
  assert.equal(ok(await offMem.get('/api/v1/session'), 'member session').features.points, false);
  const login = await raw('POST', '/api/v1/session', { username: `px${tag}`, password: 'Points#2026' });
  assert.equal(login.status, 200);
  assert.equal(login.body.features.points, false);
  assert.equal(ok(await town.get('/api/v1/session'), 'town session').features.points, true);
  assert.equal(ok(await member.get('/api/v1/session'), 'member session').features.points, true);
  assert.equal(ok(await admin.get('/api/v1/session'), 'admin session').features.points, true);
});

let set;
test('indicator sets: the template, a new version with validation naming the field, the set in force', async () => {
  const tpl = ok(await dept.get('/api/v1/points/sets/template'), 'template');
  assert.equal(tpl.org_id, undefined);
  assert.equal(tpl.effective_from, undefined);
  const members = tpl.indicators.filter((i) => i.target === 'member');
  const branches = tpl.indicators.filter((i) => i.target === 'branch');
  assert.ok(members.length >= 25 && members.length <= 40, `member indicators: ${members.length}`);
  assert.equal(branches.length, 18);
  for (const c of ['政治学习', '组织生活', '发挥作用', '遵规守纪']) assert.ok(members.some((i) => i.category === c), c);
  assert.ok(tpl.indicators.some((i) => i.source !== 'manual'), 'automatic sources');
  const sources = ok(await dept.get('/api/v1/points/sources'), 'sources').items;
  assert.ok(sources.some((s) => s.code === 'manual'));
  for (const i of tpl.indicators) assert.ok(sources.some((s) => s.code === i.source), i.source);
  refused(await sec.get('/api/v1/points/sets/template'), 403, null, 'secretary template');

  const indicators = [...tpl.indicators.filter((i) => !i.code.startsWith('T_')), ...OURS];
  const body = { org_id: t.dept.id, effective_from: thisMonth, note: '测试指标体系', indicators };
  const bad = async (over, field, what, status = 422) => namesField(await dept.post('/api/v1/points/sets', { ...body, ...over }), status, field, what);
  await bad({ indicators: [...OURS, ind({ code: 'T_STUDY', name: '重复' })] }, 'code', 'duplicate code');
  await bad({ indicators: [ind({ code: 'T_X', name: '零分', points: 0 })] }, 'points', 'zero points');
  await bad({ indicators: [ind({ code: 'T_X', name: '太多', points: 100.5 })] }, 'points', 'points above 100');
  await bad({ indicators: [ind({ code: 'T_X', name: '负上限', cap: -1 })] }, 'cap', 'negative cap');
  await bad({ indicators: [ind({ code: 'T_X', name: '来源', source: 'telepathy' })] }, 'source', 'unknown source');
  await bad({ indicators: [ind({ code: 'T_X', name: '来源', target: 'branch', source: 'meeting_attended', approver: 'org_admin' })] }, 'source', 'member source on a branch indicator');
  await bad({ indicators: [ind({ code: 'T_X', name: '审批', target: 'branch', approver: 'secretary' })] }, 'approver', 'branch indicator approved by a secretary');
  await bad({ effective_from: lastMonth }, 'effective_from', 'in the past');
  await bad({ org_id: t.town.id }, 'org_id', 'not a top-level org');
  await bad({ colour: 'red' }, 'colour', 'unknown field', 400);
  await bad({ indicators: 'many' }, 'indicators', 'wrong type', 400);
  refused(await sec.post('/api/v1/points/sets', body), 403, null, 'secretary creates');
  refusedAny(await otherTown.post('/api/v1/points/sets', body), 'other town creates');

  set = await created(await dept.post('/api/v1/points/sets', body), 'set');
  assert.equal(set.org_id, t.dept.id);
  assert.equal(set.version, 1);
  assert.equal(set.effective_from, thisMonth);
  assert.equal(set.indicators.length, indicators.length);
  const study = set.indicators.find((i) => i.code === 'T_STUDY');
  assert.deepEqual({ points: study.points, cap: study.cap, cap_period: study.cap_period, approver: study.approver },
    { points: 2, cap: 5, cap_period: 'month', approver: 'secretary' });
  // position = the order given
  assert.deepEqual(set.indicators.map((i) => i.code), indicators.map((i) => i.code));
  assert.ok(set.indicators.every((i, k) => k === 0 || i.position > set.indicators[k - 1].position));

  const list = ok(await dept.get(`/api/v1/points/sets?org=${t.b1.id}`), 'sets of the top-level org');
  assert.equal(list.total, 1);
  assert.equal(list.items[0].id, set.id);
  // in force for the branch and for a member filing a claim; none last month; none for another tree
  const inForce = ok(await member.get('/api/v1/points/sets/current'), 'current for a member');
  assert.equal(inForce.id, set.id);
  assert.ok(inForce.indicators.some((i) => i.code === 'T_VOL'));
  assert.equal(ok(await sec.get(`/api/v1/points/sets/current?org=${t.b1.id}&period=${thisMonth}`), 'current').id, set.id);
  refused(await sec.get(`/api/v1/points/sets/current?period=${lastMonth}`), 404, null, 'no set last month');
  refused(await otherTown.get('/api/v1/points/sets/current'), 404, null, 'other tree has none');
  namesField(await sec.get('/api/v1/points/sets/current?period=2026-13'), 400, 'period', 'bad period');
});

const entries = {};
test('entries: manual entries by the approver, branch findings from above, nobody scores their own branch', async () => {
  // secretary: member indicators approved by a secretary
  let e = await created(await sec.post('/api/v1/points/entries', memberEntry(mem[0].id, 'T_STUDY')), 'study');
  assert.equal(e.points, 2);
  assert.equal(e.source, 'manual');
  assert.equal(e.indicator.code, 'T_STUDY');
  assert.equal(e.indicator.sign, 'award');
  assert.equal(e.subject_id, mem[0].id);
  assert.equal(e.org_id, t.b1.id);
  assert.equal(e.period, thisMonth);
  e = await created(await sec.post('/api/v1/points/entries', memberEntry(mem[0].id, 'T_STUDY', { count: 3 })), 'study ×3');
  assert.equal(e.points, 6);
  entries.late = await created(await sec.post('/api/v1/points/entries', memberEntry(mem[0].id, 'T_LATE')), 'late');
  assert.equal(entries.late.points, -2);
  assert.equal(entries.late.indicator.sign, 'deduct');

  // the approver of T_HONOR is an org admin
  refused(await sec.post('/api/v1/points/entries', memberEntry(mem[0].id, 'T_HONOR')), [403, 422], 'points.approver', 'secretary honours');
  await created(await town.post('/api/v1/points/entries', memberEntry(mem[0].id, 'T_HONOR')), 'town honours');
  refused(await sec.post('/api/v1/points/entries', memberEntry(mem[0].id, 'T_AUTO')), 422, 'points.manual_only', 'automatic indicator');
  refused(await sec.post('/api/v1/points/entries', memberEntry(mem[0].id, 'T_STUDY', { event_on: tomorrow })), 422, 'points.future', 'future');
  namesField(await sec.post('/api/v1/points/entries', memberEntry(mem[0].id, 'T_NOPE')), 422, 'indicator', 'unknown indicator');
  namesField(await sec.post('/api/v1/points/entries', memberEntry(mem[0].id, 'T_STUDY', { count: 0 })), 422, 'count', 'count 0');
  namesField(await sec.post('/api/v1/points/entries', memberEntry(mem[0].id, 'T_STUDY', { colour: 1 })), 400, 'colour', 'unknown field');
  refusedAny(await sec.post('/api/v1/points/entries', memberEntry(mem[3].id, 'T_STUDY')), 'secretary for another branch');
  refused(await member.post('/api/v1/points/entries', memberEntry(mem[0].id, 'T_STUDY')), 403, null, 'member enters');

  // the rest of the standings: m1 and m3 62 with no deduction (tie), m2 62 with one, m4 60
  await created(await sec.post('/api/v1/points/entries', memberEntry(mem[1].id, 'T_STUDY')), 'm1 study');
  await created(await sec.post('/api/v1/points/entries', memberEntry(mem[2].id, 'T_STUDY', { count: 2 })), 'm2 study');
  await created(await sec.post('/api/v1/points/entries', memberEntry(mem[2].id, 'T_LATE')), 'm2 late');
  await created(await town.post('/api/v1/points/entries', memberEntry(mem[3].id, 'T_STUDY')), 'm3 study by the town');

  // a branch finding by the town; not by the branch's own secretary nor an admin bound to the branch
  const finding = { target: 'branch', subject_id: t.b1.id, indicator: 'T_FIND', event_on: today, evidence: '三会一课记录不全', inspector: '督查组张三' };
  entries.finding = await created(await town.post('/api/v1/points/entries', finding), 'finding');
  assert.equal(entries.finding.points, -5);
  assert.equal(entries.finding.inspector, '督查组张三');
  assert.equal(entries.finding.target, 'branch');
  let r = await sec.post('/api/v1/points/entries', finding);
  assert.ok([403, 422].includes(r.status), `own branch by its secretary: ${r.status} ${JSON.stringify(r.body)}`);
  r = await branchAdmin.post('/api/v1/points/entries', { ...finding, subject_id: t.b2.id });
  assert.ok([403, 422].includes(r.status), `own branch by its admin: ${r.status} ${JSON.stringify(r.body)}`);
  refusedAny(await otherTown.post('/api/v1/points/entries', finding), 'another town finds');

  // the ledger, newest first, filtered
  const l = ok(await town.get(`/api/v1/points/entries?org=${t.town.id}&target=member&subject=${mem[0].id}`), 'list');
  assert.equal(l.total, 4);
  assert.equal(l.items[0].indicator.code, 'T_HONOR');
  assert.ok(l.items.every((x) => x.subject_id === mem[0].id && x.subject_name));
  assert.equal(ok(await sec.get(`/api/v1/points/entries?subject=${mem[0].id}&indicator=T_STUDY`), 'by indicator').total, 2);
  assert.equal(ok(await town.get(`/api/v1/points/entries?org=${t.town.id}&target=branch`), 'branch entries').total, 1);
  assert.equal(ok(await town.get(`/api/v1/points/entries?org=${t.town.id}&period=${thisMonth}&source=manual`), 'by period').total, 9);
  assert.equal(ok(await sec.get('/api/v1/points/entries?target=member'), 'secretary sees the branch').total, 7);
  namesField(await sec.get('/api/v1/points/entries?target=group'), 400, 'target', 'bad target');
  namesField(await sec.get('/api/v1/points/entries?period=26Q5'), 400, 'period', 'bad period');
  namesField(await sec.get('/api/v1/points/entries?subject=x'), 400, 'subject', 'bad subject');
  hidden(await otherTown.get(`/api/v1/points/entries?org=${t.town.id}`), 'another town lists');
  refused(await member.get('/api/v1/points/entries'), 403, null, 'member lists the ledger');
});

test('reversals: an appended opposite entry, once, never of a reversal', async () => {
  namesField(await sec.post(`/api/v1/points/entries/${entries.late.id}/reverse`, {}), 422, 'reason', 'reason required');
  namesField(await sec.post(`/api/v1/points/entries/${entries.late.id}/reverse`, { reason: 'x', colour: 1 }), 400, 'colour', 'unknown field');
  const rev = await created(await sec.post(`/api/v1/points/entries/${entries.late.id}/reverse`, { reason: '误记，当天请假' }), 'reverse');
  assert.equal(rev.points, 2);
  assert.equal(rev.source, 'reversal');
  assert.equal(rev.reverses_id, entries.late.id);
  assert.equal(rev.evidence, '误记，当天请假');
  assert.equal(rev.indicator.code, 'T_LATE');
  assert.equal(rev.subject_id, mem[0].id);
  const l = ok(await sec.get(`/api/v1/points/entries?subject=${mem[0].id}&indicator=T_LATE`), 'after');
  assert.equal(l.items.find((x) => x.id === entries.late.id).reversed_by, rev.id);
  refused(await sec.post(`/api/v1/points/entries/${entries.late.id}/reverse`, { reason: '再来' }), 409, 'points.already_reversed', 'twice');
  refused(await sec.post(`/api/v1/points/entries/${rev.id}/reverse`, { reason: '撤回撤销' }), 409, 'points.reversal', 'a reversal');
  refusedAny(await otherTown.post(`/api/v1/points/entries/${entries.finding.id}/reverse`, { reason: '越权' }), 'another town reverses');
  refused(await sec.post('/api/v1/points/entries/999999999/reverse', { reason: '不存在' }), 404, null, 'no such entry');
});

test('claims: a member files for themselves, the approver decides, approval appends the entry', async () => {
  const body = { target: 'member', subject_id: mem[0].id, indicator: 'T_VOL', event_on: today, count: 2, evidence: '参加社区志愿服务两次' };
  const c = await created(await member.post('/api/v1/points/claims', body), 'claim');
  assert.equal(c.status, 'pending');
  assert.equal(c.points, 6);
  assert.equal(c.indicator.code, 'T_VOL');
  assert.equal(c.entry_id, null);
  refusedAny(await member.post('/api/v1/points/claims', { ...body, subject_id: mem[1].id }), 'for someone else');
  namesField(await member.post('/api/v1/points/claims', { ...body, evidence: '' }), 422, 'evidence', 'evidence required');
  namesField(await member.post('/api/v1/points/claims', { ...body, extra: 1 }), 400, 'extra', 'unknown field');
  const c2 = await created(await member.post('/api/v1/points/claims', { ...body, count: 1, evidence: '又一次' }), 'second claim');
  // the secretary claims for the branch (decided above the branch)
  const bc = await created(await sec.post('/api/v1/points/claims', { target: 'branch', subject_id: t.b1.id, indicator: 'T_BGOOD', event_on: today, evidence: '积分制管理创新' }), 'branch claim');

  const mine = ok(await member.get('/api/v1/points/claims'), 'own claims');
  assert.equal(mine.total, 2);
  assert.ok(mine.items.every((x) => x.subject_id === mem[0].id));
  const pending = ok(await sec.get(`/api/v1/points/claims?org=${t.b1.id}&status=pending`), 'pending');
  assert.ok(pending.items.some((x) => x.id === c.id));
  namesField(await sec.get('/api/v1/points/claims?status=maybe'), 400, 'status', 'bad status');
  hidden(await otherTown.get(`/api/v1/points/claims?org=${t.town.id}`), 'another town');

  refused(await member.post(`/api/v1/points/claims/${c.id}/decide`, { version: c.version, approve: true }), 403, null, 'member decides');
  refused(await sec.post(`/api/v1/points/claims/${c.id}/decide`, { version: c.version + 5, approve: true }), 409, null, 'stale');
  const d = ok(await sec.post(`/api/v1/points/claims/${c.id}/decide`, { version: c.version, approve: true }), 'approve');
  assert.equal(d.status, 'approved');
  assert.ok(d.entry_id > 0);
  assert.ok(d.decided_by);
  const e = ok(await sec.get(`/api/v1/points/entries?subject=${mem[0].id}&indicator=T_VOL`), 'claim entry').items[0];
  assert.deepEqual({ id: e.id, source: e.source, source_id: e.source_id, points: e.points }, { id: d.entry_id, source: 'claim', source_id: c.id, points: 6 });
  refused(await sec.post(`/api/v1/points/claims/${c.id}/decide`, { version: d.version, approve: false, reason: '再议' }), 409, null, 'decided twice');

  namesField(await sec.post(`/api/v1/points/claims/${c2.id}/decide`, { version: c2.version, approve: false }), 422, 'reason', 'reject without a reason');
  namesField(await sec.post(`/api/v1/points/claims/${c2.id}/decide`, { version: c2.version, approve: 'no', reason: 'x' }), 400, 'approve', 'approve not a bool');
  const rj = ok(await sec.post(`/api/v1/points/claims/${c2.id}/decide`, { version: c2.version, approve: false, reason: '与上次重复' }), 'reject');
  assert.equal(rj.status, 'rejected');
  assert.equal(rj.reason, '与上次重复');
  assert.equal(rj.entry_id, null);

  // the branch's own secretary does not decide the branch's claim; the town does
  let r = await sec.post(`/api/v1/points/claims/${bc.id}/decide`, { version: bc.version, approve: true });
  assert.ok([403, 404, 422].includes(r.status), `own branch claim: ${r.status} ${JSON.stringify(r.body)}`);
  r = ok(await town.post(`/api/v1/points/claims/${bc.id}/decide`, { version: bc.version, approve: false, reason: '材料不足' }), 'town rejects');
  assert.equal(r.status, 'rejected');
});

// m0: 60 + study 8 capped at 5 + honour 10 + volunteering 6 = 81, late −2 reversed
test('the scorecard explains raw against counted under a cap; a member reads their own', async () => {
  const x = ok(await sec.get(`/api/v1/points/members/${mem[0].id}?period=${thisMonth}`), 'explain');
  assert.equal(x.target, 'member');
  assert.equal(x.subject_id, mem[0].id);
  assert.equal(x.period, thisMonth);
  assert.deepEqual({ base: x.base, award: x.award, deduct: x.deduct, score: x.score, stars: x.stars }, { base: 60, award: 21, deduct: 0, score: 81, stars: 3 });
  const study = x.indicators.find((i) => i.code === 'T_STUDY');
  assert.deepEqual({ raw: study.raw, counted: study.counted, cap: study.cap, cap_period: study.cap_period }, { raw: 8, counted: 5, cap: 5, cap_period: 'month' });
  assert.equal(study.entries.length, 2);
  const late = x.indicators.find((i) => i.code === 'T_LATE');
  assert.equal(late.counted, 0);
  assert.equal(late.entries.length, 2);
  assert.ok(late.entries.some((e) => e.reversed_by) && late.entries.some((e) => e.reverses_id));
  assert.ok(x.months.some((m) => m.period === thisMonth && m.score === 81));

  const me = ok(await member.get(`/api/v1/me/points?period=${thisMonth}`), 'me');
  assert.equal(me.score, 81);
  assert.equal(me.subject_id, mem[0].id);
  assert.equal(ok(await member.get(`/api/v1/points/members/${mem[0].id}?period=${thisMonth}`), 'own by id').score, 81);
  assert.equal(ok(await member.get('/api/v1/me/points'), 'this quarter by default').period, thisQuarter);
  hidden(await member.get(`/api/v1/points/members/${mem[1].id}`), 'another member');
  refused(await admin.get('/api/v1/me/points'), 404, null, 'no member record');
  hidden(await otherTown.get(`/api/v1/points/members/${mem[0].id}`), 'another town');
  namesField(await member.get('/api/v1/me/points?period=yesterday'), 400, 'period', 'bad period');

  const b = ok(await town.get(`/api/v1/points/branches/${t.b1.id}?period=${thisMonth}`), 'branch scorecard');
  assert.equal(b.target, 'branch');
  assert.equal(b.mode, 'deduct');
  assert.deepEqual({ base: b.base, deduct: b.deduct, score: b.score }, { base: 100, deduct: -5, score: 95 });
  const f = b.indicators.find((i) => i.code === 'T_FIND');
  assert.equal(f.entries[0].evidence, '三会一课记录不全');
  assert.equal(ok(await sec.get(`/api/v1/points/branches/${t.b1.id}?period=${thisMonth}`), 'secretary reads the branch').score, 95);
  hidden(await sec.get(`/api/v1/points/branches/${t.b2.id}`), 'secretary reads another branch');
  refused(await member.get(`/api/v1/points/branches/${t.b1.id}`), 403, null, 'member reads the branch');
});

test('rankings: order, ties share a rank, stars with the top-band cap, flags, summary', async () => {
  const r = ok(await town.get(`/api/v1/points/rankings?org=${t.town.id}&period=${thisMonth}`), 'member rankings');
  assert.equal(r.target, 'member');
  assert.equal(r.period, thisMonth);
  assert.equal(r.published, null);
  assert.equal(r.total, 5);
  // m0 81; m1 and m3 62 without deduction tie (by id); m2 62 with −2 next; m4 60
  assert.deepEqual(r.items.map((i) => [i.subject_id, i.rank, i.score]),
    [[mem[0].id, 1, 81], [mem[1].id, 2, 62], [mem[3].id, 2, 62], [mem[2].id, 4, 62], [mem[4].id, 5, 60]]);
  assert.deepEqual(r.items.map((i) => i.stars), [3, 1, 1, 1, 1]);
  assert.deepEqual(r.stars, { 0: 0, 1: 4, 2: 0, 3: 1, 4: 0, 5: 0 });
  const page2 = ok(await town.get(`/api/v1/points/rankings?org=${t.town.id}&period=${thisMonth}&per_page=2&page=2`), 'page 2');
  assert.deepEqual(page2.items.map((i) => i.rank), [2, 4]);

  // branches: b2 100, b1 95; both reach ★5 but the cap (50% of 2) keeps one; b1 last gets the warning
  const b = ok(await town.get(`/api/v1/points/rankings?org=${t.town.id}&target=branch&period=${thisMonth}`), 'branch rankings');
  assert.deepEqual(b.items.map((i) => [i.subject_id, i.rank, i.score, i.stars]), [[t.b2.id, 1, 100, 5], [t.b1.id, 2, 95, 4]]);
  assert.ok(b.items[0].flags.includes('reward'));
  assert.ok(b.items[1].flags.includes('warning'));
  assert.ok(!b.items[0].flags.includes('warning'));

  // a tie that would cross the top-band line drops whole: two branches at 100 with room for one ★5
  ok(await otherTown.req('PUT', '/api/v1/points/settings', settingsBody(other.town.id)), 'other town: cap 50%');
  const tie = ok(await otherTown.get(`/api/v1/points/rankings?target=branch&period=${thisMonth}`), 'tied branches');
  assert.deepEqual(tie.items.map((i) => [i.rank, i.score, i.stars]), [[1, 100, 4], [1, 100, 4]]);
  assert.deepEqual(tie.items.map((i) => i.subject_id), [other.b1.id, other.b2.id]);

  const sr = ok(await sec.get(`/api/v1/points/rankings?period=${thisMonth}`), 'secretary: the branch');
  assert.deepEqual(sr.items.map((i) => i.subject_id), [mem[0].id, mem[1].id, mem[2].id]);
  refused(await member.get('/api/v1/points/rankings'), 403, null, 'member');
  hidden(await otherTown.get(`/api/v1/points/rankings?org=${t.town.id}`), 'another town');
  namesField(await town.get('/api/v1/points/rankings?target=people'), 400, 'target', 'bad target');

  const s = ok(await town.get(`/api/v1/points/summary?org=${t.town.id}&period=${thisMonth}`), 'summary');
  assert.equal(s.org_id, t.town.id);
  assert.equal(s.members.count, 5);
  assert.equal(s.members.average, 65.4);
  assert.equal(s.branches.count, 2);
  assert.equal(s.branches.average, 97.5);
  assert.equal(ok(await town.get(`/api/v1/points/summary?org=${t.town.id}`), 'this year').period, String(cur.year));
});

test('publications: not before the period ends, once, then the rankings come from it; history', async () => {
  const body = { org_id: t.town.id, target: 'member', period: thisMonth, note: '本月评分' };
  refused(await town.post('/api/v1/points/publications', body), 422, 'points.period_open', 'period still open');
  refused(await sec.post('/api/v1/points/publications', { ...body, period: lastMonth }), 403, null, 'secretary publishes');
  namesField(await town.post('/api/v1/points/publications', { ...body, colour: 1 }), 400, 'colour', 'unknown field');
  const p = await created(await town.post('/api/v1/points/publications', { ...body, period: lastMonth, note: '上月评分' }), 'publish');
  assert.deepEqual({ org_id: p.org_id, target: p.target, period: p.period, note: p.note }, { org_id: t.town.id, target: 'member', period: lastMonth, note: '上月评分' });
  refused(await town.post('/api/v1/points/publications', { ...body, period: lastMonth }), 409, null, 'twice');

  const r = ok(await town.get(`/api/v1/points/rankings?org=${t.town.id}&period=${lastMonth}`), 'published rankings');
  assert.equal(r.published, p.id);
  const live = ok(await town.get(`/api/v1/points/rankings?org=${t.town.id}&period=${thisMonth}`), 'live');
  assert.equal(live.published, null);

  const list = ok(await town.get(`/api/v1/points/publications?org=${t.town.id}&target=member`), 'list');
  assert.equal(list.items[0].id, p.id);
  assert.equal(list.items[0].items, undefined);
  const g = ok(await town.get(`/api/v1/points/publications/${p.id}`), 'get');
  hidden(await sec.get(`/api/v1/points/publications/${p.id}`), 'a secretary below the publishing org');
  assert.ok(Array.isArray(g.items));
  assert.ok(g.items.some((i) => i.subject_id === mem[0].id && i.rank >= 1));
  // paged like the rankings: page numbers and the keyset cursor give the same rows, in rank
  // order; total and stars are the whole publication's (kept with it)
  assert.equal(g.total, p.rows);
  assert.equal(Object.values(g.stars).reduce((x, y) => x + y, 0), g.total);
  assert.ok(g.total >= 3, `${g.total} rows`);
  const byPage = [];
  for (let page = 1; page <= Math.ceil(g.total / 2); page++) {
    const pg = ok(await town.get(`/api/v1/points/publications/${p.id}?per_page=2&page=${page}`), `page ${page}`);
    byPage.push(...pg.items);
    assert.equal(pg.next, page * 2 < g.total ? pg.items[1].subject_id : null);
  }
  assert.deepEqual(byPage, g.items.slice(0, g.total));
  const byCursor = [];
  let cur2 = ok(await town.get(`/api/v1/points/publications/${p.id}?per_page=2`), 'first page');
  for (let page = 2; ; page++) {
    byCursor.push(...cur2.items);
    if (cur2.next === null) break;
    cur2 = ok(await town.get(`/api/v1/points/publications/${p.id}?per_page=2&page=${page}&after=${cur2.next}`), `after ${cur2.next}`);
  }
  assert.deepEqual(byCursor, byPage);
  for (let i = 1; i < byPage.length; i++) assert.ok(byPage[i - 1].rank <= byPage[i].rank, 'rank order');
  const rk = ok(await town.get(`/api/v1/points/rankings?org=${t.town.id}&period=${lastMonth}&per_page=2&page=2&after=${byPage[1].subject_id}`), 'published, after');
  assert.deepEqual(rk.items, byPage.slice(2, 4));
  assert.deepEqual(rk.stars, g.stars);
  hidden(await otherTown.get(`/api/v1/points/publications/${p.id}`), 'another town');
  refused(await town.get('/api/v1/points/publications/999999999'), 404, null, 'no such publication');

  // an entry of a published month is refused; a correction lands in this month
  // (last month had no set in force, so it is the indicator that is missing there)
  const old = await town.post('/api/v1/points/entries', memberEntry(mem[0].id, 'T_STUDY', { event_on: `${lastMonth}-01` }));
  assert.equal(old.status, 422, JSON.stringify(old.body));

  const h = ok(await member.get('/api/v1/points/history'), 'own history');
  assert.equal(h.items.length, 1);
  assert.deepEqual({ publication_id: h.items[0].publication_id, period: h.items[0].period, org_id: h.items[0].org_id },
    { publication_id: p.id, period: lastMonth, org_id: t.town.id });
  assert.equal(ok(await town.get(`/api/v1/points/history?target=member&subject=${mem[0].id}`), 'by the town').items.length, 1);
  hidden(await member.get(`/api/v1/points/history?subject=${mem[1].id}`), 'another member');
  hidden(await otherTown.get(`/api/v1/points/history?subject=${mem[0].id}`), 'another town');
  namesField(await admin.get('/api/v1/points/history?target=branch'), 400, 'subject', 'subject required');
});

test('sync re-derives automatic entries once; org admins only', async () => {
  // a meeting in b1 everybody attended: T_AUTO (meeting_attended) gives each 1 point
  const m = await created(await admin.post('/api/v1/meetings', { org_id: t.b1.id, kind: 'theme_day', held_on: today, start_time: '09:00', end_time: '11:00', place: '村党群服务中心', topic: '学习党章' }), 'meeting');
  const first = ok(await town.post('/api/v1/points/sync', { org_id: t.town.id, period: thisMonth }), 'sync');
  assert.equal(typeof first.added, 'number');
  assert.equal(first.reversed, 0);
  const auto = ok(await town.get(`/api/v1/points/entries?org=${t.town.id}&indicator=T_AUTO`), 'automatic entries');
  assert.equal(auto.total, 3);
  assert.ok(auto.items.every((e) => e.source === 'meeting_attended' && e.source_id === m.id && e.points === 1));
  assert.deepEqual(ok(await town.post('/api/v1/points/sync', { org_id: t.town.id, period: thisMonth }), 'again'), { added: 0, reversed: 0 });
  refused(await sec.post('/api/v1/points/sync', { org_id: t.b1.id, period: thisMonth }), 403, null, 'secretary');
  namesField(await town.post('/api/v1/points/sync', { org_id: t.town.id, period: thisMonth, all: true }), 400, 'all', 'unknown field');
  refusedAny(await otherTown.post('/api/v1/points/sync', { org_id: t.town.id, period: thisMonth }), 'another town');
});

test('malformed bodies and queries are 400 naming the field; wrong roles 403', async () => {
  for (const [method, path] of [['PUT', '/api/v1/points/settings'], ['POST', '/api/v1/points/sets'], ['POST', '/api/v1/points/entries'],
    ['POST', '/api/v1/points/claims'], ['POST', '/api/v1/points/publications'], ['POST', '/api/v1/points/sync']]) {
    for (const body of ['{"a":', '[]', '"x"', 'null']) {
      const r = await admin.req(method, path, body);
      assert.equal(r.status, 400, `${method} ${path} ${body}: ${JSON.stringify(r.body)}`);
    }
  }
  namesField(await sec.post('/api/v1/points/entries', memberEntry('abc', 'T_STUDY')), 400, 'subject_id', 'subject_id a string');
  namesField(await admin.get('/api/v1/points/publications?target=x'), 400, 'target', 'bad target');
  namesField(await admin.get('/api/v1/points/summary?org=-1'), 400, 'org', 'bad org');
  for (const path of ['/api/v1/points/entries', '/api/v1/points/sets', '/api/v1/points/summary', '/api/v1/points/publications'])
    refused(await member.get(path), 403, null, `member ${path}`);
  // the source names are no secret: a member's why-view shows them
  assert.ok(ok(await member.get('/api/v1/points/sources'), 'member sources').items.length > 1);
});
