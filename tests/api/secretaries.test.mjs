// 第一书记 (docs/API.md "First secretaries"): dispatch to a village branch, one term at a time per village (409
// secretary.overlap), the 3+1 team, duties and the goal per year, work days per month, funds in fen, attendance
// counted from the branch's meetings, filters, scope, the xlsx export.
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
const off = await makeTree(admin);
const fsMember = await created(await admin.post('/api/v1/members', memberBody(t.b1.id, { name: '李驻村' })), 'member');
const villager = await created(await admin.post('/api/v1/members', memberBody(t.b1.id)), 'member');

const dispatch = (over = {}) => ({
  org_id: t.b1.id, member_id: fsMember.id, level: 'city', unit: '市农业农村局', term_start: `${year - 1}-03-01`,
  term_end: `${year + 1}-02-28`, team: [{ name: '王帮扶', role: '队员' }, { name: '赵帮扶', role: '队员' }], ...over,
});

let sec;

test('a dispatch is created with its team; the name comes from the member record', async () => {
  sec = await created(await admin.post('/api/v1/first-secretaries', dispatch()), 'dispatch');
  assert.equal(sec.name, '李驻村');
  assert.equal(sec.level_name, '市级');
  assert.equal(sec.active, true);
  assert.deepEqual(sec.team.map((x) => x.name), ['王帮扶', '赵帮扶']);
  assert.deepEqual(sec.team_names, ['王帮扶（队员）', '赵帮扶（队员）']);
  assert.equal(sec.funds_total_fen, 0);
});

test('overlapping terms in one village are 409 secretary.overlap; bad input is named', async () => {
  let r = await admin.post('/api/v1/first-secretaries', dispatch({ member_id: null, name: '张后任', term_start: `${year + 1}-02-28`, term_end: `${year + 3}-02-28` }));
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'secretary.overlap');
  // the day after the term ends is free
  const next = await created(await admin.post('/api/v1/first-secretaries', dispatch({ member_id: null, name: '张后任', term_start: `${year + 1}-03-01`, term_end: `${year + 3}-02-28` })), 'successor');
  // moving the successor's start into the first term is refused too
  r = await admin.patch(`/api/v1/first-secretaries/${next.id}`, { version: next.version, term_start: `${year}-01-01` });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'secretary.overlap');
  r = await admin.post('/api/v1/first-secretaries', dispatch({ org_id: t.b2.id, level: 'town' }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'level');
  r = await admin.post('/api/v1/first-secretaries', dispatch({ org_id: t.b2.id, term_end: `${year - 2}-01-01` }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'term_end');
  r = await admin.post('/api/v1/first-secretaries', dispatch({ org_id: t.town.id }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'secretary.org_kind');
  r = await admin.post('/api/v1/first-secretaries', dispatch({ org_id: t.b2.id, colour: 1 }));
  assert.equal(r.status, 400);
  r = await admin.post('/api/v1/first-secretaries', dispatch({ org_id: t.b2.id, unit: '' }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'unit');
});

test('duties per year, work days per month and funds in fen', async () => {
  let r = await admin.req('PUT', `/api/v1/first-secretaries/${sec.id}/duties`, {
    year, items: [{ duty: 'organization', plan: '每月开展主题党日', result: '已开展 6 次' }, { duty: 'goal', plan: '村集体收入过 10 万' }],
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.duties.length, 2);
  assert.equal(r.body.duties.find((d) => d.duty === 'goal').duty_name, '一个目标');
  r = await admin.req('PUT', `/api/v1/first-secretaries/${sec.id}/duties`, { year, items: [{ duty: 'wealth' }] });
  assert.equal(r.status, 422);
  r = await admin.req('PUT', `/api/v1/first-secretaries/${sec.id}/duties`, { year: year + 5, items: [] });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'secretary.year');
  r = await admin.req('PUT', `/api/v1/first-secretaries/${sec.id}/workdays`, { month: `${year - 1}-04`, days: 20 });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await admin.req('PUT', `/api/v1/first-secretaries/${sec.id}/workdays`, { month: `${year - 1}-05`, days: 18, note: '含周末值守' });
  assert.equal(r.body.workdays_total, 38);
  r = await admin.req('PUT', `/api/v1/first-secretaries/${sec.id}/workdays`, { month: `${year - 1}-04`, days: 31 });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'days');
  r = await admin.post(`/api/v1/first-secretaries/${sec.id}/funds`, { title: '村道硬化', amount_fen: 12345678, funded_on: today, source: '市交通局' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  r = await admin.post(`/api/v1/first-secretaries/${sec.id}/funds`, { title: '光伏项目', amount_fen: 1, funded_on: today });
  assert.equal(r.body.funds_total_fen, 12345679);
  const fund = r.body.funds.find((f) => f.title === '光伏项目');
  r = await admin.post(`/api/v1/first-secretaries/${sec.id}/funds`, { title: '错误', amount_fen: 12.5, funded_on: today });
  assert.equal(r.status, 400);
  r = await admin.post(`/api/v1/first-secretaries/${sec.id}/funds`, { title: '错误', amount_fen: 0, funded_on: today });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'secretary.amount');
  r = await admin.del(`/api/v1/first-secretaries/${sec.id}/funds/${fund.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.funds_total_fen, 12345678);
});

test('attendance counts the branch meetings in the term where the member was present', async () => {
  const meeting = (attendance) => ({ org_id: t.b1.id, kind: 'theme_day', held_on: today, start_time: '09:00', end_time: '10:00', topic: '学习', attendance });
  await created(await admin.post('/api/v1/meetings', meeting([{ member_id: fsMember.id, status: 'present' }, { member_id: villager.id, status: 'present' }])), 'm1');
  await created(await admin.post('/api/v1/meetings', meeting([{ member_id: fsMember.id, status: 'leave', reason: '回单位开会' }, { member_id: villager.id, status: 'present' }])), 'm2');
  const r = await admin.get(`/api/v1/first-secretaries/${sec.id}`);
  assert.deepEqual(r.body.attendance, { meetings: 2, present: 1 });
  const l = await admin.get(`/api/v1/first-secretaries?org=${t.town.id}`);
  const row = l.body.items.find((x) => x.id === sec.id);
  assert.equal(row.meetings, 2);
  assert.equal(row.meetings_present, 1);
  assert.equal(row.workdays_total, 38);
});

test('lists filter by level and active date; scope and export', async () => {
  let r = await admin.get(`/api/v1/first-secretaries?org=${t.town.id}&level=city&active_on=${today}`);
  assert.deepEqual(r.body.items.map((x) => x.id), [sec.id]);
  r = await admin.get(`/api/v1/first-secretaries?org=${t.town.id}&active_on=${year + 2}-06-01`);
  assert.deepEqual(r.body.items.map((x) => x.name), ['张后任']);
  r = await admin.get(`/api/v1/first-secretaries?org=${t.town.id}&level=county`);
  assert.equal(r.body.total, 0);
  r = await admin.get(`/api/v1/first-secretaries?org=${t.town.id}&level=bad`);
  assert.equal(r.status, 422);
  r = await admin.get(`/api/v1/first-secretaries?org=${t.town.id}&format=xlsx`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  assert.equal(r.body[0], 0x50); // PK zip
  // another town's admin sees nothing of ours
  const tag = off.tag.toLowerCase();
  assert.equal((await admin.post('/api/v1/users', { username: `fs${tag}`, password: 'Town#2026x', role: 'org_admin', org_id: off.town.id })).status, 201);
  const other = await Client.login(`fs${tag}`, 'Town#2026x');
  assert.equal((await other.get(`/api/v1/first-secretaries/${sec.id}`)).status, 404);
  r = await other.post('/api/v1/first-secretaries', dispatch({ org_id: off.b1.id }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'member_id');
  // a branch secretary reads and records work days, but does not dispatch
  assert.equal((await admin.post('/api/v1/users', { username: `fb${tag}`, password: 'Branch#2026x', role: 'secretary', org_id: t.b1.id })).status, 201);
  const bs = await Client.login(`fb${tag}`, 'Branch#2026x');
  assert.equal((await bs.get(`/api/v1/first-secretaries/${sec.id}`)).status, 200);
  assert.equal((await bs.req('PUT', `/api/v1/first-secretaries/${sec.id}/workdays`, { month: `${year - 1}-06`, days: 3 })).status, 200);
  assert.equal((await bs.post('/api/v1/first-secretaries', dispatch({ org_id: t.b2.id }))).status, 403);
});

test('updates need the current version', async () => {
  const cur = (await admin.get(`/api/v1/first-secretaries/${sec.id}`)).body;
  let r = await admin.patch(`/api/v1/first-secretaries/${sec.id}`, { version: cur.version, unit: '市委组织部', team: [{ name: '孙帮扶' }] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.unit, '市委组织部');
  assert.deepEqual(r.body.team_names, ['孙帮扶']);
  r = await admin.patch(`/api/v1/first-secretaries/${sec.id}`, { version: cur.version, unit: '旧' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'store.stale');
  // another member chosen without a name: the name follows the record
  r = await admin.patch(`/api/v1/first-secretaries/${sec.id}`, { version: cur.version + 1, member_id: villager.id });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.name, villager.name);
  assert.equal(r.body.member_name, villager.name);
});
