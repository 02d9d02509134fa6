// 党建项目化管理 (docs/API.md "党建项目化管理"): the seven stages in order (409 project.stage), who does which
// step (owner vs leading org), a return needs a reason (422 project.reason) and stays in the ledger, quarterly
// review rules, the weighted 评估 with the default weights, the list filters and the xlsx export, scope.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, makeTree, memberBody } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const year = Number(today.slice(0, 4));
const quarter = Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1;

const t = await makeTree(admin);
const sec = (await admin.post('/api/v1/members', memberBody(t.b1.id))).body;
const other = (await admin.post('/api/v1/members', memberBody(t.b2.id))).body;
const pw = 'Proj#2026ok';
assert.equal((await admin.post('/api/v1/users', { username: `ps${t.tag}`.toLowerCase(), password: pw, role: 'secretary', org_id: t.b1.id })).status, 201);
assert.equal((await admin.post('/api/v1/users', { username: `pt${t.tag}`.toLowerCase(), password: pw, role: 'org_admin', org_id: t.town.id })).status, 201);
assert.equal((await admin.post('/api/v1/users', { username: `po${t.tag}`.toLowerCase(), password: pw, role: 'secretary', org_id: t.b2.id })).status, 201);
const owner = await Client.login(`ps${t.tag}`.toLowerCase(), pw);
const lead = await Client.login(`pt${t.tag}`.toLowerCase(), pw);
const outsider = await Client.login(`po${t.tag}`.toLowerCase(), pw);

async function apply(name, over = {}) {
  const r = await owner.post('/api/v1/projects', { org_id: t.b1.id, secretary_member_id: sec.id, type: 'innovation', name, year, goal: '服务群众', ...over });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}
const cur = async (id) => (await admin.get(`/api/v1/projects/${id}`)).body;
async function step(c, id, stage, extra = {}) {
  return c.post(`/api/v1/projects/${id}/stage`, { version: (await cur(id)).version, stage, ...extra });
}
async function review(id, result, reason, q = quarter) {
  return lead.post(`/api/v1/projects/${id}/reviews`, { version: (await cur(id)).version, year, quarter: q, result, reason });
}

test('申报 by the owner: the lead org defaults to the parent; bad input named', async () => {
  const p = await apply('红色代办', { leader_led: true, budget_fen: 500000 });
  assert.equal(p.stage, 'apply');
  assert.equal(p.lead_org_id, t.town.id);
  assert.equal(p.leader_led, true);
  assert.deepEqual(p.actions, []);
  assert.equal(p.ledger.length, 1);
  let r = await owner.post('/api/v1/projects', { org_id: t.b1.id, secretary_member_id: sec.id, type: 'other', name: 'x', year });
  assert.equal(r.status, 422); assert.equal(r.body.error.rule, 'project.type');
  r = await owner.post('/api/v1/projects', { org_id: t.b1.id, secretary_member_id: other.id, type: 'promotion', name: 'x', year });
  assert.equal(r.status, 422); assert.equal(r.body.error.rule, 'project.secretary');
  r = await owner.post('/api/v1/projects', { org_id: t.b1.id, secretary_member_id: sec.id, type: 'promotion', name: 'x', year, colour: 1 });
  assert.equal(r.status, 400);
  r = await owner.post('/api/v1/projects', { org_id: t.b1.id, secretary_member_id: sec.id, type: 'promotion', year });
  assert.equal(r.status, 422); assert.equal(r.body.error.field, 'name');
  // the town admin (the reviewer) does not file for its branch
  r = await lead.post('/api/v1/projects', { org_id: t.b1.id, secretary_member_id: sec.id, type: 'promotion', name: 'x', year });
  assert.equal(r.status, 403); assert.equal(r.body.error.rule, 'project.role');
});

test('a return needs a reason, is kept in the ledger, and the owner files again', async () => {
  const p = await apply('党员中心户');
  let r = await lead.post(`/api/v1/projects/${p.id}/return`, { version: p.version });
  assert.equal(r.status, 422); assert.equal(r.body.error.rule, 'project.reason');
  r = await lead.post(`/api/v1/projects/${p.id}/return`, { version: p.version, reason: '' });
  assert.equal(r.status, 422); assert.equal(r.body.error.rule, 'project.reason');
  r = await owner.post(`/api/v1/projects/${p.id}/return`, { version: p.version, reason: '自己退' });
  assert.equal(r.status, 403);
  r = await lead.post(`/api/v1/projects/${p.id}/return`, { version: p.version, reason: '目标不具体' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.returned, true);
  assert.equal(r.body.return_reason, '目标不具体');
  r = await step(lead, p.id, 'file');
  assert.equal(r.status, 409); assert.equal(r.body.error.rule, 'project.stage');
  assert.deepEqual((await owner.get(`/api/v1/projects/${p.id}`)).body.actions, ['resubmit']);
  r = await step(owner, p.id, 'apply', { note: '已细化' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual((await lead.get(`/api/v1/projects/${p.id}`)).body.actions, ['file', 'return']);
  r = await step(lead, p.id, 'file');
  assert.equal(r.status, 200);
  const ledger = (await owner.get(`/api/v1/projects/${p.id}/ledger`)).body.items;
  assert.deepEqual(ledger.map((l) => l.action), ['apply', 'return', 'resubmit', 'file']);
  assert.equal(ledger[1].note, '目标不具体');
});

test('stages strictly in order, quarterly reviews, weighted 评估, 激励', async () => {
  const p = await apply('乡村振兴示范片', { type: 'demonstration' });
  let r = await step(lead, p.id, 'implement');
  assert.equal(r.status, 403); // 实施 is the owner's step
  r = await step(owner, p.id, 'implement');
  assert.equal(r.status, 409); assert.equal(r.body.error.rule, 'project.stage');
  assert.equal((await step(lead, p.id, 'file')).status, 200);
  r = await review(p.id, 'approved');
  assert.equal(r.status, 409); assert.equal(r.body.error.rule, 'project.stage');
  assert.equal((await step(owner, p.id, 'implement')).status, 200);
  r = await step(owner, p.id, 'conclude', { note: '完成' });
  assert.equal(r.status, 409); assert.equal(r.body.error.rule, 'project.review');
  r = await review(p.id, 'returned');
  assert.equal(r.status, 422); assert.equal(r.body.error.rule, 'project.reason');
  r = await review(p.id, 'returned', '进度滞后');
  assert.equal(r.status, 201, JSON.stringify(r.body));
  r = await step(owner, p.id, 'conclude', { note: '完成' });
  assert.equal(r.status, 409); assert.equal(r.body.error.rule, 'project.review');
  if (quarter > 1) {
    r = await review(p.id, 'approved', null, quarter - 1);
    assert.equal(r.status, 409); assert.equal(r.body.error.rule, 'project.review');
  }
  assert.equal((await review(p.id, 'approved')).status, 201);
  r = await review(p.id, 'approved');
  assert.equal(r.status, 409); assert.equal(r.body.error.rule, 'project.review');
  r = await step(owner, p.id, 'accept', { onsite: 'x', expert_score: 90, satisfaction: 90 });
  assert.equal(r.status, 403); assert.equal(r.body.error.rule, 'project.role'); // 验收 is the lead org's
  assert.equal((await step(owner, p.id, 'conclude', { note: '按期完成' })).status, 200);
  r = await step(lead, p.id, 'evaluate', { goal_rate: 90, mass_rate: 80, benefit: 70, promotion: 60 });
  assert.equal(r.status, 409); assert.equal(r.body.error.rule, 'project.stage');
  r = await step(lead, p.id, 'accept', { expert_score: 90, satisfaction: 90 });
  assert.equal(r.status, 422); assert.equal(r.body.error.field, 'onsite');
  r = await step(lead, p.id, 'accept', { onsite: '现场查看', expert_score: 90, satisfaction: 101 });
  assert.equal(r.status, 422); assert.equal(r.body.error.field, 'satisfaction');
  assert.equal((await step(lead, p.id, 'accept', { onsite: '现场查看', expert_score: 90, satisfaction: 96 })).status, 200);
  r = await step(lead, p.id, 'evaluate', { goal_rate: 90, mass_rate: 80, benefit: 70, promotion: 60 });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  // default weights 40/30/20/10
  assert.equal(r.body.score, 80);
  assert.equal(r.body.grade, '良好');
  assert.deepEqual(r.body.evaluation.weights, { goal_rate: 40, mass_rate: 30, benefit: 20, promotion: 10 });
  r = await step(lead, p.id, 'reward', { reward: '评为优秀项目', reward_fen: 100000 });
  assert.equal(r.status, 200);
  assert.equal(r.body.stage, 'reward');
  assert.deepEqual(r.body.actions, []);
  r = await step(lead, p.id, 'reward', { reward: '再来' });
  assert.equal(r.status, 409); assert.equal(r.body.error.rule, 'project.stage');
  // a stale version
  r = await lead.post(`/api/v1/projects/${p.id}/stage`, { version: 1, stage: 'reward', reward: 'x' });
  assert.equal(r.status, 409);
  const ledger = (await cur(p.id)).ledger.map((l) => l.action);
  assert.deepEqual(ledger, ['apply', 'file', 'implement', 'review_returned', 'review_approved', 'conclude', 'accept', 'evaluate', 'reward']);
});

test('list filters, export and scope', async () => {
  let r = await lead.get(`/api/v1/projects?org=${t.town.id}&type=demonstration&stage=reward&year=${year}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.total, 1);
  assert.equal(r.body.items[0].name, '乡村振兴示范片');
  r = await lead.get(`/api/v1/projects?org=${t.town.id}&q=${encodeURIComponent('红色')}&leader_led=1`);
  assert.equal(r.body.total, 1);
  r = await lead.get(`/api/v1/projects?stage=nope`);
  assert.equal(r.status, 422);
  r = await lead.get(`/api/v1/projects?org=${t.town.id}&format=xlsx`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheet/);
  assert.equal(r.body[0], 0x50);
  r = await lead.get(`/api/v1/projects?org=${t.town.id}&format=csv`);
  assert.equal(r.status, 200);
  assert.match(new TextDecoder().decode(r.body), /项目名称/);
  // the neighbouring branch sees none of them
  r = await outsider.get('/api/v1/projects');
  assert.equal(r.body.total, 0);
  const id = (await lead.get(`/api/v1/projects?org=${t.town.id}`)).body.items[0].id;
  assert.equal((await outsider.get(`/api/v1/projects/${id}`)).status, 404);
  assert.equal((await outsider.get(`/api/v1/projects/${id}/ledger`)).status, 404);
  r = await outsider.post(`/api/v1/projects/${id}/stage`, { version: 1, stage: 'file' });
  assert.equal(r.status, 404);
});

test('the 评估 weights must sum to 100 or the program does not start', async () => {
  const { spawnSync } = await import('node:child_process');
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const bin = process.env.DJ_BIN || 'build/dangjian';
  if (!fs.existsSync(bin)) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dj-proj-'));
  try {
    const db = `sqlite:${path.join(dir, 'x.db')}`;
    let r = spawnSync(bin, ['serve', '--db', db, '--listen', '127.0.0.1:1', '--set', 'project.weight_goal=50'], { encoding: 'utf8', timeout: 10000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr + r.stdout, /project\.weight/);
    r = spawnSync(bin, ['serve', '--db', db, '--set', 'project.weight_goal=101'], { encoding: 'utf8', timeout: 10000 });
    assert.notEqual(r.status, 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('GET /me/projects: a member sees the filed projects of their branch and the orgs above it, public fields only', async () => {
  const m = (await admin.post('/api/v1/members', memberBody(t.b1.id))).body;
  const mpw = 'Member#2026me';
  assert.equal((await admin.post('/api/v1/users', { username: `pm${t.tag}`.toLowerCase(), password: mpw, role: 'member', org_id: t.b1.id, member_id: m.id })).status, 201);
  const member = await Client.login(`pm${t.tag}`.toLowerCase(), mpw);
  const mine = await apply(`书记领衔红色物业${t.tag}`, { leader_led: true, budget_fen: 880000 });
  assert.equal((await step(lead, mine.id, 'file')).status, 200);
  assert.equal((await step(owner, mine.id, 'implement', { note: '启动' })).status, 200);
  const unfiled = await apply(`未备案项目${t.tag}`);
  const otherBranch = (await outsider.post('/api/v1/projects', { org_id: t.b2.id, secretary_member_id: other.id, type: 'promotion', name: `西村项目${t.tag}`, year })).body;
  assert.ok(otherBranch.id);
  assert.equal((await step(lead, otherBranch.id, 'file')).status, 200);
  const townProj = (await lead.post('/api/v1/projects', { org_id: t.town.id, secretary_member_id: sec.id, type: 'demonstration', name: `全镇示范${t.tag}`, year })).body;
  assert.ok(townProj.id, JSON.stringify(townProj));
  assert.equal((await step(admin, townProj.id, 'file')).status, 200);

  const r = await member.get('/api/v1/me/projects');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.org_id, t.b1.id);
  const ids = r.body.items.map((x) => x.id);
  assert.ok(ids.includes(mine.id), 'own branch');
  assert.ok(ids.includes(townProj.id), 'the town above');
  assert.ok(!ids.includes(otherBranch.id), 'not another branch');
  assert.ok(!ids.includes(unfiled.id), 'not an unfiled 申报');
  assert.equal(r.body.items[0].leader_led, true, '书记领衔 first');
  const p = r.body.items.find((x) => x.id === mine.id);
  assert.equal(p.stage, 'implement');
  assert.equal(p.secretary_name, sec.name);
  assert.deepEqual(p.ledger.map((e) => e.action), ['apply', 'file', 'implement']);
  for (const k of ['budget_fen', 'reward', 'reward_fen', 'version', 'return_reason', 'acceptance', 'evaluation', 'reviews', 'actions', 'secretary_member_id', 'conclude_report']) {
    assert.ok(!(k in p), `private field ${k}`);
  }
  for (const e of p.ledger) assert.ok(!('actor' in e) && !('at' in e), 'who acted is not public');
  // a member of the other branch sees theirs, not ours; an account without a member record gets 404
  const om = (await admin.post('/api/v1/members', memberBody(t.b2.id))).body;
  assert.equal((await admin.post('/api/v1/users', { username: `pn${t.tag}`.toLowerCase(), password: mpw, role: 'member', org_id: t.b2.id, member_id: om.id })).status, 201);
  const otherMember = await Client.login(`pn${t.tag}`.toLowerCase(), mpw);
  const ids2 = (await otherMember.get('/api/v1/me/projects')).body.items.map((x) => x.id);
  assert.ok(ids2.includes(otherBranch.id) && ids2.includes(townProj.id) && !ids2.includes(mine.id));
  assert.equal((await admin.get('/api/v1/me/projects')).status, 404);
});
