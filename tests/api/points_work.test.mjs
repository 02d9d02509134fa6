// Work tracking feeds points (docs/API.md "Points and assessment", sources task_done and visit_made): a completed
// 分解任务 writes its responsible member's entry, plus the on-time bonus (source_param on_time) when completed by
// the due date, or the responsible 党支部's when no member is named; reopening takes them back; a 走访 writes an
// entry for each visiting member; a re-sync adds nothing. On both backends (tests/run.sh api-sqlite, api-pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, makeTree, memberBody } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const year = Number(today.slice(0, 4));
const thisMonth = today.slice(0, 7);

async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}
function ok(r, what) {
  assert.equal(r.status, 200, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}

const t = await makeTree(admin);
const m1 = await created(await admin.post('/api/v1/members', memberBody(t.b1.id)), 'member 1');
const m2 = await created(await admin.post('/api/v1/members', memberBody(t.b1.id)), 'member 2');
const m3 = await created(await admin.post('/api/v1/members', memberBody(t.b2.id)), 'member 3');

const ind = (over) => ({ category: '发挥作用', target: 'member', sign: 'award', points: 1, cap: 0, cap_period: 'month', source_param: null, approver: 'secretary', ...over });
const INDICATORS = [
  ind({ code: 'W_TASK', name: '完成分解任务', source: 'task_done', points: 2 }),
  ind({ code: 'W_TASK_ON_TIME', name: '按期完成分解任务', source: 'task_done', source_param: 'on_time', points: 1 }),
  ind({ code: 'W_BTASK', name: '按期完成上级交办任务', target: 'branch', source: 'task_done', source_param: 'on_time', points: 3, approver: 'org_admin' }),
  ind({ code: 'W_VISIT', name: '走访群众', source: 'visit_made', points: 0.5 }),
];

const entries = async (source) => ok(await admin.get(`/api/v1/points/entries?org=${t.dept.id}&source=${source}&per_page=200`), source).items;
const net = (items, subject, code) => items.filter((e) => e.subject_id === subject && e.indicator.code === code).reduce((s, e) => s + e.points, 0);
async function write(path, body) {
  const cur = (await admin.get(path)).body;
  return admin.post(`${path}/${body.action}`, { version: cur.version, ...body.fields });
}

test('the sources are listed and task_done takes only on_time | late as its parameter', async () => {
  const sources = ok(await admin.get('/api/v1/points/sources'), 'sources').items;
  const task = sources.find((s) => s.code === 'task_done');
  assert.equal(task.param, 'task_timing');
  assert.equal(task.target, null);
  assert.equal(sources.find((s) => s.code === 'visit_made').target, 'member');
  let r = await admin.post('/api/v1/points/sets', { org_id: t.dept.id, effective_from: thisMonth, note: '工作台账', indicators: [...INDICATORS, ind({ code: 'W_BAD', name: 'x', source: 'task_done', source_param: 'soon' })] });
  assert.equal(r.status, 422, JSON.stringify(r.body));
  assert.equal(r.body.error.rule, 'points.source_param');
  assert.match(r.body.error.field, /indicators/);
  r = await admin.post('/api/v1/points/sets', { org_id: t.dept.id, effective_from: thisMonth, note: '工作台账', indicators: INDICATORS });
  assert.equal(r.status, 201, JSON.stringify(r.body));
});

test('task_done: a completion by the due date earns the member and the bonus; reopening takes it back; a branch without a member', async () => {
  const task = (over) => admin.post('/api/v1/tasks', { org_id: t.town.id, year, title: '党群服务中心提档升级', unit_org_id: t.b1.id, person_name: '张书记', due_on: `${year}-12-31`, milestones: [], ...over });
  const a = await created(await task({ person_member_id: m1.id }), 'task');
  ok(await write(`/api/v1/tasks/${a.id}`, { action: 'complete', fields: { completed_on: today } }), 'complete');
  let items = await entries('task_done');
  assert.equal(net(items, m1.id, 'W_TASK'), 2);
  assert.equal(net(items, m1.id, 'W_TASK_ON_TIME'), 1);
  assert.ok(items.filter((e) => e.subject_id === m1.id).every((e) => e.event_on === today && e.org_id === t.b1.id));
  // a re-sync of the month finds nothing to do
  const s = ok(await admin.post('/api/v1/points/sync', { org_id: t.dept.id, period: thisMonth }), 'sync');
  assert.deepEqual([s.added, s.reversed], [0, 0]);
  ok(await write(`/api/v1/tasks/${a.id}`, { action: 'reopen', fields: { reason: '验收发现问题' } }), 'reopen');
  items = [...await entries('task_done'), ...await entries('reversal')];
  assert.equal(net(items, m1.id, 'W_TASK'), 0);
  assert.equal(net(items, m1.id, 'W_TASK_ON_TIME'), 0);
  // no member named: the responsible 党支部 earns its on-time indicator
  const b = await created(await task({ unit_org_id: t.b2.id }), 'unit task');
  ok(await write(`/api/v1/tasks/${b.id}`, { action: 'complete', fields: { completed_on: today } }), 'complete unit task');
  items = await entries('task_done');
  assert.equal(net(items.filter((e) => e.target === 'branch'), t.b2.id, 'W_BTASK'), 3);
  assert.equal(items.filter((e) => e.target === 'member' && e.subject_id === m3.id).length, 0);
});

test('visit_made: each member who went on a 走访 earns an entry in their own branch', async () => {
  const v = await created(await admin.post('/api/v1/visits', { org_id: t.b1.id, visited_on: today, place: '五组李奶奶家', member_ids: [m1.id, m2.id], findings: '院墙开裂' }), 'visit');
  const items = (await entries('visit_made')).filter((e) => e.source_id === v.id);
  assert.deepEqual(items.map((e) => e.subject_id).sort((x, y) => x - y), [m1.id, m2.id].sort((x, y) => x - y));
  assert.ok(items.every((e) => e.points === 0.5 && e.event_on === today && e.org_id === t.b1.id));
  const s = ok(await admin.post('/api/v1/points/sync', { org_id: t.b1.id, period: thisMonth }), 'sync');
  assert.deepEqual([s.added, s.reversed], [0, 0]);
});
