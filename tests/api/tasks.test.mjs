// 目标任务分解 (挂图作战; docs/API.md "目标任务分解"): create with monthly milestones, the unit inside the
// assigning org's subtree, progress, completing only with every milestone done (409 task.milestones),
// reopening with a reason, the list filters and the xlsx export, the wall, overdue items, scope.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, makeTree, uniq } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);

// today in the users' calendar (Asia/Shanghai, UTC+8)
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const year = Number(today.slice(0, 4));
const month = Number(today.slice(5, 7));
const lastYear = year - 1;

const t = await makeTree(admin);
const other = await makeTree(admin);

function taskBody(over = {}) {
  return {
    org_id: t.town.id, year, title: `村级阵地建设${uniq()}`, description: '完成阵地标准化改造', unit_org_id: t.b1.id,
    person_name: '张书记', due_on: `${year}-12-31`, milestones: [{ month: 3, target: '完成方案' }, { month: 9, target: '完成改造' }], ...over,
  };
}

async function create(over) {
  const r = await admin.post('/api/v1/tasks', taskBody(over));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

test('create: milestones sorted, progress, unit must be in the subtree, bad input', async () => {
  const task = await create({ milestones: [{ month: 9, target: '完成改造' }, { month: 3, target: '完成方案' }] });
  assert.deepEqual(task.milestones.map((m) => m.month), [3, 9]);
  assert.deepEqual(task.progress, { done: 0, total: 2, percent: 0 });
  assert.equal(task.status, 'open');
  assert.equal(task.unit_name, t.b1.name);
  let r = await admin.post('/api/v1/tasks', taskBody({ unit_org_id: other.b1.id }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'task.unit');
  r = await admin.post('/api/v1/tasks', taskBody({ milestones: [{ month: 13, target: 'x' }] }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'task.milestone_month');
  r = await admin.post('/api/v1/tasks', taskBody({ milestones: [{ month: 4, target: 'a' }, { month: 4, target: 'b' }] }));
  assert.equal(r.body.error.rule, 'task.milestone_month');
  r = await admin.post('/api/v1/tasks', taskBody({ due_on: `${year}-06-30` }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'task.milestone_after_due');
  r = await admin.post('/api/v1/tasks', taskBody({ due_on: `${year - 1}-12-31`, milestones: [] }));
  assert.equal(r.body.error.rule, 'task.due_on');
  r = await admin.post('/api/v1/tasks', taskBody({ title: '' }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'title');
  r = await admin.post('/api/v1/tasks', taskBody({ due_on: '2026-02-30' }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'due_on');
  r = await admin.post('/api/v1/tasks', taskBody({ colour: 'red' }));
  assert.equal(r.status, 400);
  r = await admin.post('/api/v1/tasks', taskBody({ milestones: [{ month: 4, target: 'a', extra: 1 }] }));
  assert.equal(r.status, 400);
});

test('completing needs every milestone done; reopening needs a reason', async () => {
  let task = await create({ milestones: [{ month: 1, target: '一月' }, { month: 2, target: '二月' }] });
  let r = await admin.post(`/api/v1/tasks/${task.id}/milestones/1`, { version: task.version, status: 'done', note: '已完成' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  task = r.body;
  assert.equal(task.progress.percent, 50);
  assert.equal(task.milestones[0].done_on, today);
  r = await admin.post(`/api/v1/tasks/${task.id}/complete`, { version: task.version });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'task.milestones');
  assert.match(r.body.error.message, /2月/);
  r = await admin.post(`/api/v1/tasks/${task.id}/milestones/2`, { version: task.version - 1, status: 'done' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'store.stale');
  r = await admin.post(`/api/v1/tasks/${task.id}/milestones/5`, { version: task.version, status: 'done' });
  assert.equal(r.status, 404);
  r = await admin.post(`/api/v1/tasks/${task.id}/milestones/2`, { version: task.version, status: 'done', done_on: `${year + 1}-12-31` });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'field.future');
  task = (await admin.post(`/api/v1/tasks/${task.id}/milestones/2`, { version: task.version, status: 'done' })).body;
  r = await admin.post(`/api/v1/tasks/${task.id}/complete`, { version: task.version });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  task = r.body;
  assert.equal(task.status, 'completed');
  assert.equal(task.completed_on, today);
  r = await admin.patch(`/api/v1/tasks/${task.id}`, { version: task.version, title: '改名' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'task.status');
  r = await admin.post(`/api/v1/tasks/${task.id}/complete`, { version: task.version });
  assert.equal(r.body.error.rule, 'task.status');
  r = await admin.post(`/api/v1/tasks/${task.id}/reopen`, { version: task.version });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'task.reopen_reason');
  r = await admin.post(`/api/v1/tasks/${task.id}/reopen`, { version: task.version, reason: '督查发现台账缺页' });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'open');
  assert.equal(r.body.reopen_reason, '督查发现台账缺页');
  assert.equal(r.body.completed_on, null);
  r = await admin.del(`/api/v1/tasks/${task.id}?version=${r.body.version}`);
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'task.has_progress');
});

test('edit replaces the plan and keeps the status of months kept; delete', async () => {
  let task = await create({ milestones: [{ month: 1, target: '一月' }, { month: 2, target: '二月' }] });
  task = (await admin.post(`/api/v1/tasks/${task.id}/milestones/1`, { version: task.version, status: 'done' })).body;
  let r = await admin.patch(`/api/v1/tasks/${task.id}`, {
    version: task.version, unit_org_id: t.b2.id, milestones: [{ month: 1, target: '一月（改）' }, { month: 6, target: '六月' }],
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.unit_org_id, t.b2.id);
  assert.deepEqual(r.body.milestones.map((m) => [m.month, m.status, m.target]), [[1, 'done', '一月（改）'], [6, 'pending', '六月']]);
  const fresh = await create();
  r = await admin.del(`/api/v1/tasks/${fresh.id}?version=${fresh.version}`);
  assert.equal(r.status, 204);
  assert.equal((await admin.get(`/api/v1/tasks/${fresh.id}`)).status, 404);
});

test('overdue: last year\'s open task and milestones, latest first; filters; wall; export', async () => {
  const late = await create({ year: lastYear, title: `去年任务${uniq()}`, due_on: `${lastYear}-12-15`, milestones: [{ month: 3, target: '三月' }, { month: 11, target: '十一月' }] });
  assert.equal(late.overdue, true);
  assert.equal(late.overdue_milestones, 2);
  let r = await admin.get(`/api/v1/tasks/overdue?org=${t.town.id}`);
  assert.equal(r.status, 200);
  const mine = r.body.items.filter((x) => x.task_id === late.id);
  assert.deepEqual(mine.map((x) => [x.kind, x.month]), [['milestone', 3], ['milestone', 11], ['task', null]]);
  assert.equal(mine[0].due_on, `${lastYear}-03-31`);
  const days = r.body.items.map((x) => x.days_late);
  assert.deepEqual(days, [...days].sort((a, b) => b - a));
  r = await admin.get(`/api/v1/tasks/overdue?org=${other.town.id}`);
  assert.equal(r.body.total, 0);

  r = await admin.get(`/api/v1/tasks?org=${t.town.id}&overdue=1`);
  assert.ok(r.body.items.some((x) => x.id === late.id));
  assert.ok(r.body.items.every((x) => x.overdue || x.overdue_milestones > 0));
  r = await admin.get(`/api/v1/tasks?org=${t.town.id}&year=${lastYear}&q=${encodeURIComponent(late.title)}`);
  assert.deepEqual(r.body.items.map((x) => x.id), [late.id]);
  r = await admin.get(`/api/v1/tasks?org=${t.town.id}&unit=${t.b2.id}&status=completed`);
  assert.equal(r.status, 200);
  assert.ok(r.body.items.every((x) => x.unit_org_id === t.b2.id && x.status === 'completed'));
  r = await admin.get(`/api/v1/tasks?status=bogus`);
  assert.equal(r.status, 400);
  r = await admin.get(`/api/v1/tasks?org=${other.town.id}`);
  assert.equal(r.body.total, 0);

  r = await admin.get(`/api/v1/tasks/wall?org=${t.town.id}&year=${lastYear}`);
  assert.equal(r.status, 200);
  const row = r.body.rows.find((x) => x.id === late.id);
  assert.equal(row.cells.length, 12);
  assert.equal(row.cells[2].status, 'overdue');
  assert.equal(row.cells[10].status, 'overdue');
  assert.equal(row.cells[0].status, 'none');
  assert.ok(r.body.summary.overdue >= 2);
  r = await admin.get(`/api/v1/tasks/wall?org=${t.town.id}`);
  assert.equal(r.body.year, year);
  assert.ok(!r.body.rows.some((x) => x.id === late.id));
  // this year's March milestone: pending until March is over
  const cur = r.body.rows.find((x) => x.cells[2].status !== 'none');
  assert.equal(cur.cells[2].status, month > 3 ? 'overdue' : 'pending');

  r = await admin.get(`/api/v1/tasks?org=${t.town.id}&format=xlsx`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  assert.equal(String.fromCharCode(r.body[0], r.body[1]), 'PK');
  r = await admin.get(`/api/v1/tasks/overdue?org=${t.town.id}&format=csv`);
  assert.equal(r.status, 200);
  assert.match(new TextDecoder().decode(r.body), /逾期天数/);
});

test('a branch secretary sees the town\'s task for the branch, reports progress, cannot complete', async () => {
  const login = `sec${uniq().toLowerCase()}`;
  let r = await admin.post('/api/v1/users', { username: login, password: 'Branch#2026pass', role: 'secretary', org_id: t.b1.id });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const sec = await Client.login(login, 'Branch#2026pass');
  const task = await create({ milestones: [{ month: 1, target: '一月' }] });
  const hidden = await create({ unit_org_id: t.b2.id });
  r = await sec.get('/api/v1/tasks');
  assert.ok(r.body.items.some((x) => x.id === task.id));
  assert.ok(!r.body.items.some((x) => x.id === hidden.id));
  assert.equal((await sec.get(`/api/v1/tasks/${hidden.id}`)).status, 404);
  r = await sec.get(`/api/v1/tasks/${task.id}`);
  assert.equal(r.body.can_plan, false);
  r = await sec.post(`/api/v1/tasks/${task.id}/milestones/1`, { version: task.version, status: 'done' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await sec.post(`/api/v1/tasks/${task.id}/complete`, { version: r.body.version });
  assert.equal(r.status, 403);
  assert.equal(r.body.error.rule, 'task.assigner');
  r = await sec.post('/api/v1/tasks', taskBody());
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'org_id');
});
