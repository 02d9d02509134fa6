// 网格 (households, 联系户党员, bulk assignment, coverage) and 人才储备 (pools, status order) over HTTP
// (docs/API.md "Grid (网格)" and "Reserve talents (人才储备)"): the grid.member rule, atomic bulk
// assignment, coverage numbers, xlsx export, unknown fields, the talent.status 409, scope.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, makeTree, memberBody, idNumber } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);
const t = await makeTree(admin);

async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}

const group = await created(await admin.post('/api/v1/orgs', { kind: 'group', name: `东村第一党小组${t.tag}`, code: `T${t.tag}G1`, parent_id: t.b1.id }), 'group');
const m1 = await created(await admin.post('/api/v1/members', memberBody(t.b1.id, { group_id: group.id })), 'm1');
const m2 = await created(await admin.post('/api/v1/members', memberBody(t.b1.id)), 'm2');
const mOther = await created(await admin.post('/api/v1/members', memberBody(t.b2.id)), 'other');

const household = (over = {}) => admin.post('/api/v1/grid/households', { org_id: t.b1.id, head_name: '赵老汉', address: '东村1组5号', size: 4, ...over });

test('households: create, the grid.member and grid.group rules, edit with version, bad input', async () => {
  const h = await created(await household({ group_id: group.id, member_id: m1.id, notes: '独居老人' }), 'household');
  assert.equal(h.member_id, m1.id);
  assert.equal(h.group_name, group.name);
  assert.equal(h.assigned, true);
  let r = await household({ member_id: mOther.id });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'grid.member');
  assert.equal(r.body.error.field, 'member_id');
  r = await household({ group_id: t.b2.id });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'grid.group');
  r = await household({ colour: 'red' });
  assert.equal(r.status, 400);
  r = await household({ head_name: '' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'head_name');
  r = await household({ size: 0 });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'size');
  r = await admin.patch(`/api/v1/grid/households/${h.id}`, { version: h.version, member_id: m2.id, address: '东村1组6号' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.member_id, m2.id);
  assert.equal(r.body.address, '东村1组6号');
  r = await admin.patch(`/api/v1/grid/households/${h.id}`, { version: h.version, size: 2 });
  assert.equal(r.status, 409);
  r = await admin.del(`/api/v1/grid/households/${h.id}?version=${h.version}`);
  assert.equal(r.status, 409);
  r = await admin.del(`/api/v1/grid/households/${h.id}?version=${h.version + 1}`);
  assert.equal(r.status, 200);
  assert.equal((await admin.get(`/api/v1/grid/households/${h.id}`)).status, 404);
});

test('bulk assignment is all or nothing; coverage per branch and 党小组; unassigned list and export', async () => {
  const a = await created(await household({ head_name: '钱一', group_id: group.id }), 'a');
  const b = await created(await household({ head_name: '孙二', group_id: group.id }), 'b');
  const c = await created(await household({ head_name: '李三' }), 'c');
  const other = await created(await admin.post('/api/v1/grid/households', { org_id: t.b2.id, head_name: '周四', address: '西村2组' }), 'other');
  let r = await admin.post('/api/v1/grid/assign', { member_id: m1.id, household_ids: [a.id, b.id, other.id] });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'grid.member');
  assert.equal((await admin.get(`/api/v1/grid/households/${a.id}`)).body.member_id, null);
  r = await admin.post('/api/v1/grid/assign', { member_id: m1.id, household_ids: [a.id, b.id] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.changed, 2);
  r = await admin.post('/api/v1/grid/assign', { member_id: m1.id, household_ids: [] });
  assert.equal(r.status, 422);

  r = await admin.get(`/api/v1/grid/coverage?org=${t.town.id}`);
  assert.equal(r.status, 200);
  // b1: a, b assigned, c not → 66.7 %; b2: one unassigned household
  const b1 = r.body.branches.find((x) => x.org_id === t.b1.id);
  assert.deepEqual({ h: b1.households, a: b1.assigned, u: b1.unassigned, c: b1.coverage, m: b1.members, w: b1.members_with_households },
    { h: 3, a: 2, u: 1, c: 66.7, m: 2, w: 1 });
  const g = r.body.groups.find((x) => x.group_id === group.id);
  assert.deepEqual({ h: g.households, a: g.assigned, c: g.coverage }, { h: 2, a: 2, c: 100 });
  assert.deepEqual({ h: r.body.total.households, a: r.body.total.assigned, c: r.body.total.coverage }, { h: 4, a: 2, c: 50 });

  r = await admin.get(`/api/v1/grid/households?org=${t.town.id}&assigned=0`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.items.map((x) => x.id).sort(), [c.id, other.id].sort());
  r = await admin.get(`/api/v1/grid/households?org=${t.town.id}&q=${encodeURIComponent('孙')}`);
  assert.equal(r.body.total, 1);
  r = await admin.get(`/api/v1/grid/households?org=${t.town.id}&format=xlsx`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  r = await admin.get(`/api/v1/grid/coverage?org=${t.town.id}&format=csv`);
  assert.equal(r.status, 200);
  assert.match(new TextDecoder().decode(r.body), /覆盖率/);
});

test('a secretary of another branch sees none of these households', async () => {
  const tag = t.tag.toLowerCase();
  assert.equal((await admin.post('/api/v1/users', { username: `gr${tag}`, password: 'Branch#2026', role: 'secretary', org_id: t.b2.id })).status, 201);
  const sec = await Client.login(`gr${tag}`, 'Branch#2026');
  const r = await sec.get('/api/v1/grid/households');
  assert.equal(r.status, 200);
  assert.ok(r.body.items.every((x) => x.org_id === t.b2.id));
  const mine = (await admin.get(`/api/v1/grid/households?org=${t.b1.id}`)).body.items[0];
  assert.equal((await sec.get(`/api/v1/grid/households/${mine.id}`)).status, 404);
  assert.equal((await sec.post('/api/v1/grid/households', { org_id: t.b1.id, head_name: '吴五', address: '东村' })).status, 422);
});

test('talents: pools, the status order (409 talent.status), withdrawal reasons, counts and export', async () => {
  const p = await created(await admin.post('/api/v1/talents', { org_id: t.b1.id, pool: 'youth', name: '陈青', gender: '1', birth_year: 1999, education: '大学本科', occupation: '电商', recommended_by: '村委会' }), 'talent');
  assert.equal(p.status, 'reserve');
  assert.equal(p.pool_name, '优秀青年');
  let r = await admin.post('/api/v1/talents', { org_id: t.b1.id, pool: 'youth', name: '陈青', gender: '1', id_number: '110105199901010011' });
  assert.equal(r.status, 400);
  r = await admin.post(`/api/v1/talents/${p.id}/status`, { version: p.version, status: 'developed' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'talent.status');
  r = await admin.post(`/api/v1/talents/${p.id}/status`, { version: p.version, status: 'recommended', note: '支委会推荐' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'recommended');
  assert.ok(r.body.recommended_on);
  assert.equal(r.body.recommend_note, '支委会推荐');
  r = await admin.post(`/api/v1/talents/${p.id}/status`, { version: r.body.version, status: 'withdrawn' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'reason');
  const w = await created(await admin.post('/api/v1/talents', { org_id: t.b2.id, pool: 'women', name: '林芳', gender: '女' }), 'women');
  r = await admin.post(`/api/v1/talents/${w.id}/status`, { version: w.version, status: 'withdrawn', reason: '外出务工' });
  assert.equal(r.status, 200);
  r = await admin.patch(`/api/v1/talents/${w.id}`, { version: r.body.version, occupation: '教师' });
  assert.equal(r.status, 200);
  assert.equal(r.body.occupation, '教师');

  r = await admin.get(`/api/v1/talents/summary?org=${t.town.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.total.total, 2);
  assert.equal(r.body.pools.find((x) => x.pool === 'youth').recommended, 1);
  assert.equal(r.body.orgs.find((x) => x.org_id === t.b2.id).withdrawn, 1);
  r = await admin.get(`/api/v1/talents?org=${t.town.id}&status=recommended`);
  assert.deepEqual(r.body.items.map((x) => x.id), [p.id]);
  r = await admin.get(`/api/v1/talents?org=${t.town.id}&format=xlsx`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
});

test('household import from CSV: all or nothing, bad rows named, dry run, then imported', async () => {
  const post = (csv, q = '') => admin.req('POST', `/api/v1/grid/households/import?org=${t.b2.id}${q}`, csv, { 'Content-Type': 'text/csv' });
  const before = (await admin.get(`/api/v1/grid/households?org=${t.b2.id}`)).body.total;
  const bad = '户主,住址,户人口,联系户党员,备注\n郑一,西村3组,4,,\n王二,西村3组,abc,,\n冯三,西村4组,2,不存在的人,\n';
  let r = await post(bad);
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'grid.import');
  assert.deepEqual(r.body.rows.map((x) => [x.row, x.field]), [[3, 'size'], [4, 'member_id']]);
  assert.equal((await admin.get(`/api/v1/grid/households?org=${t.b2.id}`)).body.total, before);
  const good = `户主,住址,户人口,联系户党员,备注\n郑一,西村3组,4,${mOther.name},留守老人\n王二,西村3组,2,,\n`;
  r = await post(good, '&dry_run=1');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body, { imported: 2, dry_run: true });
  assert.equal((await admin.get(`/api/v1/grid/households?org=${t.b2.id}`)).body.total, before);
  r = await post(good);
  assert.equal(r.status, 200);
  r = await admin.get(`/api/v1/grid/households?org=${t.b2.id}&q=${encodeURIComponent('郑一')}`);
  assert.equal(r.body.items[0].member_id, mOther.id);
  assert.equal(r.body.items[0].size, 4);
  r = await post('姓名,电话\n张三,139\n');
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'grid.import_header');
  r = await admin.req('POST', `/api/v1/grid/households/import?org=${t.town.id}`, good, { 'Content-Type': 'text/csv' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'grid.org');
});

test('发起发展: a recruit created with a recommended talent_id moves the talent to developed; a reserve talent is refused', async () => {
  const body = (talent, name) => ({ org_id: t.b1.id, name, id_number: idNumber('1998-03-03', 1), ethnicity: '01', applied_on: '2026-01-05', talent_id: talent.id });
  const p = await created(await admin.post('/api/v1/talents', { org_id: t.b1.id, pool: 'returnee', name: '周返乡', gender: '1', birth_year: 1998 }), 'talent');
  const q = await created(await admin.post('/api/v1/talents', { org_id: t.b1.id, pool: 'skilled', name: '吴储备', gender: '1' }), 'reserve talent');
  // still 储备: 409, and neither the recruit nor the talent is written
  let r = await admin.post('/api/v1/recruits', body(q, '吴储备'));
  assert.equal(r.status, 409, JSON.stringify(r.body));
  assert.equal(r.body.error.rule, 'talent.status');
  assert.equal((await admin.get(`/api/v1/recruits?org=${t.b1.id}&q=${encodeURIComponent('吴储备')}`)).body.total, 0);
  assert.equal((await admin.get(`/api/v1/talents/${q.id}`)).body.version, q.version);
  r = await admin.post('/api/v1/recruits', { ...body(q, '吴储备'), talent_id: 'x' });
  assert.equal(r.status, 400);

  r = await admin.post(`/api/v1/talents/${p.id}/status`, { version: p.version, status: 'recommended', note: '支委会推荐' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const rec = await created(await admin.post('/api/v1/recruits', body(p, '周返乡')), 'recruit');
  r = await admin.get(`/api/v1/talents/${p.id}`);
  assert.equal(r.body.status, 'developed');
  assert.equal(r.body.recruit_id, rec.id);
  assert.ok(r.body.developed_on);
  // one talent feeds one recruit
  r = await admin.post('/api/v1/recruits', body(p, '周再发'));
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'talent.status');
});
