// 督查整改 and 四议两公开 (docs/API.md "督查整改 (supervision)", "四议两公开 (decisions)"): an inspection with findings,
// the status order open → rectified → closed with 409 supervision.status, a return with its reason, overdue, the
// quarterly bulletin's counts, xlsx exports, scope for the inspected secretary; a decision's steps only in order,
// dates not going backwards, the vote majority, the timeline and list filters; PATCH of an inspection (until a
// finding is closed, its date only without findings) and of a decision (until all six steps are recorded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, makeTree } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);

// dates in the users' calendar (Asia/Shanghai, UTC+8)
const day = (offset = 0) => new Date(Date.now() + 8 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);
const today = day();

async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}

const t = await makeTree(admin);
const tag = t.tag.toLowerCase();
assert.equal((await admin.post('/api/v1/users', { username: `sv${tag}`, password: 'Branch#2026', role: 'secretary', org_id: t.b1.id })).status, 201);
assert.equal((await admin.post('/api/v1/users', { username: `sw${tag}`, password: 'Branch#2026', role: 'secretary', org_id: t.b2.id })).status, 201);
const sec1 = await Client.login(`sv${tag}`, 'Branch#2026');
const sec2 = await Client.login(`sw${tag}`, 'Branch#2026');

// held today, or (for overdue) ten days ago so a deadline can already have passed
const past = day(-10);
const insp = await created(await admin.post('/api/v1/inspections', { org_id: t.town.id, held_on: past, kind: 'monthly', inspectors: '张三、李四', title: `月度督查${tag}` }), 'inspection');

const findingBody = (over = {}) => ({ org_id: t.b1.id, problem: '三会一课记录不全', category: 'meetings', severity: 'normal', deadline: day(20), responsible: '王书记', ...over });

test('inspections: fields, codes, scope', async () => {
  assert.equal(insp.kind_name, '月度督查');
  let r = await admin.post('/api/v1/inspections', { org_id: t.town.id, held_on: today, kind: 'weekly', inspectors: '张三' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'kind');
  r = await admin.post('/api/v1/inspections', { org_id: t.town.id, held_on: day(1), kind: 'monthly', inspectors: '张三' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'held_on');
  r = await admin.post('/api/v1/inspections', { org_id: t.town.id, held_on: today, kind: 'monthly', inspectors: '张三', colour: 1 });
  assert.equal(r.status, 400);
  r = await sec1.post('/api/v1/inspections', { org_id: t.b1.id, held_on: today, kind: 'monthly', inspectors: '张三' });
  assert.equal(r.status, 403);
  r = await admin.post(`/api/v1/inspections/${insp.id}/findings`, findingBody({ org_id: t.dept.id }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'supervision.scope');
  r = await admin.post(`/api/v1/inspections/${insp.id}/findings`, findingBody({ deadline: day(-11) }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'supervision.deadline');
  r = await admin.get(`/api/v1/inspections?org=${t.town.id}&kind=monthly`);
  assert.equal(r.status, 200);
  assert.ok(r.body.items.some((x) => x.id === insp.id));
  assert.equal((await admin.get('/api/v1/inspections?kind=weekly')).status, 400);
  for (const p of ['/api/v1/inspections', '/api/v1/inspection-findings', '/api/v1/decisions']) {
    assert.equal((await admin.get(`${p}?q=${'%E4'.repeat(5)}`)).status, 400, p);
    assert.equal((await admin.get(`${p}?from=2026-13-01`)).status, 400, p);
  }
});

test('a finding: open → rectified → returned → rectified → closed; out of order is 409 supervision.status', async () => {
  const f = await created(await admin.post(`/api/v1/inspections/${insp.id}/findings`, findingBody()), 'finding');
  assert.equal(f.status, 'open');
  assert.equal(f.overdue, false);
  let r = await admin.post(`/api/v1/inspection-findings/${f.id}/close`, { version: f.version });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'supervision.status');
  // the other branch's secretary sees nothing of it
  assert.equal((await sec2.get(`/api/v1/inspection-findings/${f.id}`)).status, 404);
  assert.equal((await sec2.get('/api/v1/inspection-findings')).body.total, 0);
  // the inspected branch's secretary reports, and may not verify
  r = await sec1.get(`/api/v1/inspection-findings/${f.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.can_verify, false);
  r = await sec1.post(`/api/v1/inspection-findings/${f.id}/rectify`, { version: f.version, rectification: '已补齐会议记录', evidence: '记录本照片' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'rectified');
  assert.equal(r.body.rectified_on, today);
  const v = r.body.version;
  r = await sec1.post(`/api/v1/inspection-findings/${f.id}/rectify`, { version: v, rectification: '再报' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'supervision.status');
  assert.equal((await sec1.post(`/api/v1/inspection-findings/${f.id}/close`, { version: v })).status, 403);
  r = await admin.post(`/api/v1/inspection-findings/${f.id}/return`, { version: v });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'reason');
  r = await admin.post(`/api/v1/inspection-findings/${f.id}/return`, { version: v, reason: '缺少签到表' });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'open');
  assert.equal(r.body.returns, 1);
  assert.equal(r.body.return_reason, '缺少签到表');
  r = await sec1.post(`/api/v1/inspection-findings/${f.id}/rectify`, { version: r.body.version, rectification: '已补签到表', rectified_on: day(-1) });
  assert.equal(r.status, 200);
  r = await admin.post(`/api/v1/inspection-findings/${f.id}/close`, { version: r.body.version, closed_on: day(-2) });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'supervision.date');
  const cur = (await admin.get(`/api/v1/inspection-findings/${f.id}`)).body;
  r = await admin.post(`/api/v1/inspection-findings/${f.id}/close`, { version: cur.version });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'closed');
  assert.deepEqual(r.body.events.map((e) => e.action), ['create', 'rectify', 'return', 'rectify', 'close']);
  assert.equal(r.body.events[2].note, '缺少签到表');
  r = await admin.post(`/api/v1/inspection-findings/${f.id}/return`, { version: r.body.version, reason: '复查' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'supervision.status');
  r = await admin.get(`/api/v1/audit?entity=inspection_finding&entity_id=${f.id}`);
  assert.equal(r.status, 200);
  assert.ok(r.body.items.some((a) => a.action === 'return'));
});

test('overdue findings, the quarterly bulletin and the xlsx export', async () => {
  const late = await created(await admin.post(`/api/v1/inspections/${insp.id}/findings`, findingBody({ org_id: t.b2.id, category: 'dues', deadline: day(-3), problem: '党费未按月收缴' })), 'overdue finding');
  assert.equal(late.overdue, true);
  let r = await admin.get(`/api/v1/inspection-findings?org=${t.town.id}&overdue=1`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.items.map((x) => x.id), [late.id]);
  r = await sec2.get('/api/v1/inspection-findings?overdue=1');
  assert.equal(r.body.total, 1);
  const y = Number(past.slice(0, 4));
  const q = Math.floor((Number(past.slice(5, 7)) - 1) / 3) + 1;
  r = await admin.get(`/api/v1/inspection-bulletin?org=${t.town.id}&year=${y}&quarter=${q}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const b = r.body;
  assert.equal(b.totals.total, 2);
  assert.equal(b.totals.on_time, 1);
  assert.equal(b.totals.open, 1);
  assert.equal(b.totals.overdue, 1);
  assert.equal(b.overdue.length, 1);
  assert.equal(b.overdue[0].id, late.id);
  const dues = b.by_category.find((g) => g.category === 'dues');
  assert.equal(dues.name, '党费收缴');
  assert.equal(dues.overdue, 1);
  assert.equal(b.by_org.find((g) => g.org_id === t.b1.id).closed, 1);
  assert.equal((await admin.get(`/api/v1/inspection-bulletin?quarter=5`)).status, 400);
  // the late rectification counts as late
  r = await sec2.post(`/api/v1/inspection-findings/${late.id}/rectify`, { version: late.version, rectification: '已补缴' });
  assert.equal(r.status, 200);
  assert.equal(r.body.late, true);
  r = await admin.get(`/api/v1/inspection-bulletin?org=${t.town.id}&year=${y}&quarter=${q}`);
  assert.equal(r.body.totals.late, 1);
  assert.equal(r.body.totals.overdue, 0);
  r = await admin.get(`/api/v1/inspection-findings?org=${t.town.id}&format=xlsx`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  assert.equal(Buffer.from(r.body.slice(0, 2)).toString(), 'PK');
  r = await admin.get(`/api/v1/inspections?org=${t.town.id}&format=csv`);
  assert.equal(r.status, 200);
  assert.match(Buffer.from(r.body).toString(), /督查日期/);
});

const meet = { participants: 7 };
const vote = (over = {}) => ({ participants: 40, present: 30, votes_for: 25, votes_against: 3, votes_abstain: 2, ...over });

async function step(c, d, body) {
  const cur = (await c.get(`/api/v1/decisions/${d.id}`)).body;
  return c.post(`/api/v1/decisions/${d.id}/steps`, { version: cur.version, ...body });
}

test('四议两公开: steps in order, dates forward, vote majority, timeline, list and export', async () => {
  let r = await sec1.post('/api/v1/decisions', { org_id: t.town.id, title: '修建村道' });
  assert.equal(r.status, 422); // outside the secretary's scope
  assert.equal(r.body.error.field, 'org_id');
  r = await admin.post('/api/v1/decisions', { org_id: t.town.id, title: '修建村道' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'decision.org_kind');
  const d = await created(await sec1.post('/api/v1/decisions', { org_id: t.b1.id, title: `修建村道${tag}`, content: '硬化 2 公里' }), 'decision');
  assert.equal(d.steps.length, 6);
  assert.equal(d.next_step, 'propose');
  r = await step(sec1, d, { step: 'consult', held_on: day(-9), ...meet });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'decision.step');
  assert.equal((await step(sec1, d, { step: 'propose', held_on: day(-9), ...meet, note: '支委会提出' })).status, 200);
  r = await step(sec1, d, { step: 'consult', held_on: day(-10), ...meet });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'decision.date');
  assert.equal((await step(sec1, d, { step: 'consult', held_on: day(-8), ...meet })).status, 200);
  r = await step(sec1, d, { step: 'review', held_on: day(-7), ...vote({ votes_for: 15, votes_against: 15, votes_abstain: 0 }) });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'decision.vote');
  r = await step(sec1, d, { step: 'review', held_on: day(-7), ...vote({ present: 20, votes_for: 15 }) });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'decision.quorum');
  assert.equal((await step(sec1, d, { step: 'review', held_on: day(-7), ...vote() })).status, 200);
  r = await sec1.post(`/api/v1/decisions/${d.id}/steps`, { version: 1, step: 'resolve', held_on: day(-6), ...vote() });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'store.stale');
  assert.equal((await step(sec1, d, { step: 'resolve', held_on: day(-6), ...vote({ participants: 30, present: 25, votes_for: 20 }) })).status, 200);
  r = await step(sec1, d, { step: 'publish_decision', held_on: day(-5) });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'place');
  r = await step(sec1, d, { step: 'publish_decision', held_on: day(-5), place: '村务公开栏', extra: 1 });
  assert.equal(r.status, 400);
  assert.equal((await step(sec1, d, { step: 'publish_decision', held_on: day(-5), place: '村务公开栏' })).status, 200);
  r = await admin.get(`/api/v1/decisions?org=${t.town.id}&status=running`);
  assert.equal(r.body.items.find((x) => x.id === d.id).current_step_name, '决议公开');
  r = await step(sec1, d, { step: 'publish_result', held_on: day(1), place: '村民微信群' });
  assert.equal(r.status, 422);
  r = await step(sec1, d, { step: 'publish_result', held_on: today, place: '村民微信群' });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'done');
  assert.deepEqual(r.body.steps.map((s) => s.done), [true, true, true, true, true, true]);
  assert.equal(r.body.steps[2].votes_for, 25);
  assert.equal(r.body.steps[0].note, '支委会提出');
  assert.equal(r.body.started_on, day(-9));
  r = await admin.get(`/api/v1/decisions?org=${t.town.id}&status=done&q=${encodeURIComponent('修建村道')}`);
  assert.deepEqual(r.body.items.map((x) => x.id), [d.id]);
  assert.equal((await sec2.get(`/api/v1/decisions/${d.id}`)).status, 404);
  assert.equal((await admin.get('/api/v1/decisions?step=vote')).status, 400);
  r = await admin.get(`/api/v1/decisions?org=${t.town.id}&format=xlsx`);
  assert.equal(r.status, 200);
  assert.equal(Buffer.from(r.body.slice(0, 2)).toString(), 'PK');
});

test('PATCH /inspections/{id}: corrected until a finding is closed; its date only while it has no findings', async () => {
  const i = await created(await admin.post('/api/v1/inspections', { org_id: t.town.id, held_on: day(-3), kind: 'monthly', inspectors: '张三' }), 'inspection');
  const patch = async (c, body) => {
    const cur = (await admin.get(`/api/v1/inspections/${i.id}`)).body;
    return c.patch(`/api/v1/inspections/${i.id}`, { version: cur.version, ...body });
  };
  let r = await patch(admin, { held_on: day(-2), kind: 'special', title: `党费专项督查${tag}`, note: '抽查三个支部' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.kind_name, '专项督查');
  assert.equal(r.body.held_on, day(-2));
  assert.equal(r.body.inspectors, '张三');
  assert.equal((await patch(admin, { kind: 'weekly' })).body.error.field, 'kind');
  assert.equal((await patch(admin, { held_on: day(1) })).body.error.field, 'held_on');
  assert.equal((await patch(admin, { org_id: t.b1.id })).status, 400);
  assert.equal((await patch(sec1, { note: '书记改' })).status, 403);
  r = await admin.patch(`/api/v1/inspections/${i.id}`, { version: 1, note: 'x' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'store.stale');
  const f = await created(await admin.post(`/api/v1/inspections/${i.id}/findings`, findingBody({ category: 'dues', deadline: day(10) })), 'finding');
  r = await patch(admin, { held_on: day(-1) });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'supervision.has_findings');
  assert.equal((await patch(admin, { inspectors: '张三、王五' })).status, 200);
  r = await sec1.post(`/api/v1/inspection-findings/${f.id}/rectify`, { version: f.version, rectification: '已补缴' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal((await admin.post(`/api/v1/inspection-findings/${f.id}/close`, { version: r.body.version })).status, 200);
  r = await patch(admin, { note: '销号后再改' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'supervision.closed');
  const audit = (await admin.get(`/api/v1/audit?entity=inspection&entity_id=${i.id}`)).body.items;
  assert.equal(audit.filter((a) => a.action === 'update').length, 2);
});

test('PATCH /decisions/{id}: title and content until all six steps are recorded (409 decision.done)', async () => {
  const d = await created(await sec1.post('/api/v1/decisions', { org_id: t.b1.id, title: `村道亮化${tag}`, content: '安装路灯' }), 'decision');
  const patch = async (c, body) => {
    const cur = (await admin.get(`/api/v1/decisions/${d.id}`)).body;
    return c.patch(`/api/v1/decisions/${d.id}`, { version: cur.version, ...body });
  };
  let r = await patch(sec1, { title: `村道亮化工程${tag}` });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.title, `村道亮化工程${tag}`);
  assert.equal(r.body.content, '安装路灯');
  assert.equal(r.body.steps.length, 6);
  assert.equal((await patch(sec1, { title: '' })).body.error.field, 'title');
  assert.equal((await patch(sec1, { step: 'propose' })).status, 400);
  assert.equal((await patch(sec2, { title: '邻村改' })).status, 404);
  assert.equal((await step(sec1, d, { step: 'propose', held_on: day(-9), ...meet })).status, 200);
  assert.equal((await step(sec1, d, { step: 'consult', held_on: day(-8), ...meet })).status, 200);
  assert.equal((await step(sec1, d, { step: 'review', held_on: day(-7), ...vote() })).status, 200);
  assert.equal((await step(sec1, d, { step: 'resolve', held_on: day(-6), ...vote() })).status, 200);
  assert.equal((await step(sec1, d, { step: 'publish_decision', held_on: day(-5), place: '村务公开栏' })).status, 200);
  r = await patch(sec1, { content: '安装路灯 40 盏' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal((await step(sec1, d, { step: 'publish_result', held_on: today, place: '村民微信群' })).status, 200);
  r = await patch(sec1, { content: '完成后再改' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'decision.done');
  assert.equal((await admin.get(`/api/v1/decisions/${d.id}`)).body.content, '安装路灯 40 盏');
});
