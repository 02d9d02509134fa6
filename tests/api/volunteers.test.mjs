// 志愿服务 (docs/API.md "Volunteer service"): teams with members, activities with hours per participant in tenths
// (rule volunteer.hours: 0.1–24, one decimal), hours per member per year, a member's own hours, filters, export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, makeTree, memberBody } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const year = Number(today.slice(0, 4));

async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}

const t = await makeTree(admin);
const m = [];
for (let i = 0; i < 3; i++) m.push(await created(await admin.post('/api/v1/members', memberBody(t.b1.id, { name: `志愿者${i}` })), 'member'));
const tag = t.tag.toLowerCase();
assert.equal((await admin.post('/api/v1/users', { username: `vm${tag}`, password: 'Member#2026x', role: 'member', org_id: t.b1.id, member_id: m[0].id })).status, 201);
const member = await Client.login(`vm${tag}`, 'Member#2026x');

let team;

test('a team has members by id; unknown fields and people out of scope are refused', async () => {
  team = await created(await admin.post('/api/v1/volunteer-teams', { org_id: t.b1.id, name: '东村红马甲服务队', leader: '志愿者0', member_ids: [m[0].id, m[1].id, m[1].id] }), 'team');
  assert.deepEqual(team.members.map((x) => x.member_id), [m[0].id, m[1].id]);
  let r = await admin.post('/api/v1/volunteer-teams', { org_id: t.b1.id, name: '', member_ids: [] });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'name');
  r = await admin.post('/api/v1/volunteer-teams', { org_id: t.b1.id, name: '队', size: 3 });
  assert.equal(r.status, 400);
  r = await admin.post('/api/v1/volunteer-teams', { org_id: t.b1.id, name: '队', member_ids: [99999999] });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'member_ids');
  r = await admin.patch(`/api/v1/volunteer-teams/${team.id}`, { version: team.version, member_ids: [m[0].id, m[1].id, m[2].id] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.members.length, 3);
  team = r.body;
  r = await admin.patch(`/api/v1/volunteer-teams/${team.id}`, { version: 1, name: '旧' });
  assert.equal(r.status, 409);
});

test('hours are 0.1 to 24 with one decimal (volunteer.hours)', async () => {
  const act = (hours) => ({ team_id: team.id, held_on: today, title: '清理河道', place: '东村河边', hours, member_ids: [m[0].id] });
  for (const bad of [0, -1, 24.5, 2.55, 25]) {
    const r = await admin.post('/api/v1/volunteer-activities', act(bad));
    assert.equal(r.status, 422, `hours ${bad}`);
    assert.equal(r.body.error.rule, 'volunteer.hours');
  }
  let r = await admin.post('/api/v1/volunteer-activities', act('2'));
  assert.equal(r.status, 400);
  r = await admin.post('/api/v1/volunteer-activities', { ...act(2), member_ids: [] });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'member_ids');
  r = await admin.post('/api/v1/volunteer-activities', { ...act(2), held_on: `${year + 1}-01-01` });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'held_on');
  const a = await created(await admin.post('/api/v1/volunteer-activities', act(24)), '24 h');
  assert.equal(a.hours, 24);
  assert.equal(a.hours_x10, 240);
});

test('hours per member per year and a member\'s own hours', async () => {
  const a1 = await created(await admin.post('/api/v1/volunteer-activities', { team_id: team.id, held_on: today, title: '敬老院慰问', hours: 2.5, member_ids: [m[0].id, m[1].id] }), 'a1');
  await created(await admin.post('/api/v1/volunteer-activities', { team_id: team.id, held_on: `${year - 1}-12-31`, title: '去年的活动', hours: 3, member_ids: [m[1].id] }), 'last year');
  let r = await admin.get(`/api/v1/volunteer-hours?org=${t.b1.id}&year=${year}`);
  assert.equal(r.status, 200);
  const by = Object.fromEntries(r.body.items.map((x) => [x.member_id, x]));
  assert.equal(by[m[0].id].hours, 26.5);
  assert.equal(by[m[0].id].activities, 2);
  assert.equal(by[m[1].id].hours, 2.5);
  assert.equal(r.body.items[0].member_id, m[0].id); // most hours first
  r = await admin.get(`/api/v1/volunteer-hours?org=${t.b1.id}&year=${year - 1}`);
  assert.deepEqual(r.body.items.map((x) => [x.member_id, x.hours]), [[m[1].id, 3]]);
  r = await member.get('/api/v1/me/volunteer-hours');
  assert.equal(r.status, 200);
  assert.equal(r.body.hours, 26.5);
  assert.equal(r.body.items.length, 2);
  // editing the hours changes the totals at once
  r = await admin.patch(`/api/v1/volunteer-activities/${a1.id}`, { version: a1.version, hours: 1.5, member_ids: [m[0].id] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.participant_count, 1);
  r = await member.get(`/api/v1/me/volunteer-hours?year=${year}`);
  assert.equal(r.body.hours, 25.5);
  assert.equal((await member.get('/api/v1/volunteer-activities')).status, 403);
  assert.equal((await admin.del(`/api/v1/volunteer-activities/${a1.id}`)).status, 200);
  r = await member.get('/api/v1/me/volunteer-hours');
  assert.equal(r.body.hours, 24);
});

test('activity lists filter by team and dates; exports are xlsx', async () => {
  let r = await admin.get(`/api/v1/volunteer-activities?org=${t.town.id}&team=${team.id}&from=${year}-01-01`);
  assert.equal(r.status, 200);
  assert.ok(r.body.items.every((x) => x.held_on >= `${year}-01-01` && x.team_id === team.id));
  assert.ok(r.body.items.length >= 1);
  r = await admin.get(`/api/v1/volunteer-activities?org=${t.town.id}&q=去年`);
  assert.deepEqual(r.body.items.map((x) => x.title), ['去年的活动']);
  assert.deepEqual(r.body.items[0].participant_names, ['志愿者1']);
  r = await admin.get(`/api/v1/volunteer-activities?from=bad`);
  assert.equal(r.status, 422);
  for (const path of ['volunteer-activities', 'volunteer-teams', 'volunteer-hours']) {
    r = await admin.get(`/api/v1/${path}?org=${t.town.id}&format=xlsx`);
    assert.equal(r.status, 200, path);
    assert.equal(r.body[0], 0x50);
  }
  r = await admin.get(`/api/v1/volunteer-teams?org=${t.town.id}`);
  assert.equal(r.body.items[0].member_count, 3);
});
