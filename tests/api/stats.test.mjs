// 党内统计 (docs/API.md "Statistics"): the tables of a subtree and year, their figures on a registry made here,
// every figure's drill-down list with that total (and no ID number or phone), a transfer across the town's
// boundary in the year's changes, the xlsx export, the year rule (422 naming year) and scope.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, makeTree, memberBody, idNumber } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const year = Number(today.slice(0, 4));

async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}

const t = await makeTree(admin);
const other = await makeTree(admin);
const tag = t.tag.toLowerCase();
// b1: two men (one of them 回族, 大专), a woman born 1940 (71+); b2: a 预备党员 who joined this year, a 研究生
const people = [
  [t.b1.id, { name: '统甲', id_number: idNumber('1970-03-15', 1), ethnicity: '03', education: '22' }],
  [t.b1.id, { name: '统乙', id_number: idNumber('1985-06-01', 1), join_date: '2010-07-01', full_date: '2011-07-01' }],
  [t.b1.id, { name: '统丙', id_number: idNumber('1940-02-02', 2), join_date: '1965-07-01', full_date: '1966-07-01' }],
  [t.b2.id, { name: '统丁', id_number: idNumber('1999-09-09', 2), category: 'probationary', join_date: `${year}-01-02`, full_date: null }],
  [t.b2.id, { name: '统戊', id_number: idNumber('1988-08-08', 1), education: '12', join_date: '2013-07-01', full_date: '2014-07-01' }],
];
const members = [];
for (const [org, over] of people) members.push(await created(await admin.post('/api/v1/members', memberBody(org, over)), over.name));

async function account(username, role, orgId, memberId) {
  const body = { username, password: 'Stats#2026', role, org_id: orgId };
  if (memberId) body.member_id = memberId;
  await created(await admin.post('/api/v1/users', body), `user ${username}`);
  return Client.login(username, 'Stats#2026');
}
const sec1 = await account(`ss${tag}`, 'secretary', t.b1.id);
const mem1 = await account(`sm${tag}`, 'member', t.b1.id, members[0].id);
const town = await account(`st${tag}`, 'org_admin', t.town.id);

const table = (s, key) => s.tables.find((x) => x.key === key);
const figure = (s, key, value) => table(s, key).rows.find((r) => r.value === value)?.count ?? 0;

async function stats(c, org, y = year) {
  const r = await c.get(`/api/v1/stats?org_id=${org}&year=${y}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

test('the tables count the registry', async () => {
  const s = await stats(admin, t.town.id);
  assert.equal(s.org.id, t.town.id);
  assert.equal(s.year, year);
  assert.equal(s.as_of, today);
  assert.equal(s.as_of_kind, 'today');
  assert.equal(s.total, 5);
  assert.equal(figure(s, 'gender', 'male'), 3);
  assert.equal(figure(s, 'gender', 'female'), 2);
  assert.equal(figure(s, 'nation', 'minority'), 1);
  assert.equal(figure(s, 'ethnicity', '03'), 1);
  assert.equal(figure(s, 'age', 'ge71'), 1);
  assert.equal(figure(s, 'education', 'college'), 1);
  assert.equal(figure(s, 'education', 'postgrad'), 1);
  assert.equal(figure(s, 'education', 'bachelor'), 3);
  assert.equal(figure(s, 'join_period', '1949_1966'), 1);
  assert.equal(figure(s, 'category', 'probationary'), 1);
  assert.equal(figure(s, 'change', 'joined'), 1);
  assert.equal(figure(s, 'org_kind', 'committee'), 1);
  assert.equal(figure(s, 'org_kind', 'branch'), 2);
  // b1 has 3 members (2 full… all 3 full), b2 has 2: below 3 → 不足3人, and fewer than 3 full members
  assert.equal(figure(s, 'branch_size', 'lt3'), 1);
  assert.equal(figure(s, 'branch_size', '3_6'), 1);
  assert.equal(figure(s, 'branch_problem', 'few_full'), 1);
  assert.equal(figure(s, 'branch_problem', 'no_secretary'), 2);
  for (const tb of s.tables) {
    if (tb.exclusive && tb.kind === 'members') assert.equal(tb.total, s.total, tb.key);
  }
  // a past year: the year's end, and the member who joined this year is not yet counted
  const last = await stats(admin, t.town.id, year - 1);
  assert.equal(last.as_of, `${year - 1}-12-31`);
  assert.equal(last.as_of_kind, 'year_end');
  assert.equal(last.total, 4);
  assert.equal(figure(last, 'change', 'joined'), 0);
});

test('every figure drills down to a list of that many', async () => {
  const s = await stats(admin, t.town.id);
  let checked = 0;
  for (const tb of s.tables) {
    for (const row of tb.rows) {
      const kind = tb.kind === 'orgs' ? 'orgs' : 'members';
      const r = await admin.get(`/api/v1/stats/${kind}?org_id=${t.town.id}&year=${year}&dim=${tb.key}&value=${row.value}&per_page=200`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.total, row.count, `${tb.key}=${row.value}`);
      assert.equal(r.body.items.length, row.count, `${tb.key}=${row.value}`);
      for (const it of r.body.items) {
        assert.equal(it.id_number, undefined);
        assert.equal(it.phone, undefined);
      }
      checked++;
    }
  }
  assert.ok(checked > 40);
  const all = await admin.get(`/api/v1/stats/members?org_id=${t.town.id}&year=${year}&dim=total&value=all`);
  assert.equal(all.body.total, 5);
  assert.deepEqual(all.body.items.map((x) => x.name).sort(), people.map((p) => p[1].name).sort());
  const old = await admin.get(`/api/v1/stats/members?org_id=${t.town.id}&year=${year}&dim=age&value=ge71`);
  assert.deepEqual(old.body.items.map((x) => x.name), ['统丙']);
  assert.equal(old.body.items[0].gender_name, '女');
  // paging: one per page
  const p2 = await admin.get(`/api/v1/stats/members?org_id=${t.town.id}&year=${year}&dim=gender&value=male&page=2&per_page=1`);
  assert.equal(p2.body.total, 3);
  assert.equal(p2.body.items.length, 1);
  // unknown dim / value name the field
  for (const [q, field] of [['dim=shoe&value=1', 'dim'], ['dim=age&value=old', 'value'], ['value=male', 'dim']]) {
    const r = await admin.get(`/api/v1/stats/members?org_id=${t.town.id}&${q}`);
    assert.equal(r.status, 422, q);
    assert.equal(r.body.error.field, field, q);
  }
  const wrongKind = await admin.get(`/api/v1/stats/orgs?org_id=${t.town.id}&dim=gender&value=male`);
  assert.equal(wrongKind.status, 422);
});

test('a transfer out of the town this year is a change; within the town it is not', async () => {
  const m = members[1];
  const month = today.slice(0, 7);
  const within = await created(await admin.post('/api/v1/transfers', {
    member_id: members[4].id, kind: 'internal', to_org_id: t.b1.id, reason: '工作调动', dues_paid_to: month,
  }), 'letter within');
  assert.equal((await admin.post(`/api/v1/transfers/${within.id}/confirm`, { version: within.version })).status, 200);
  const out = await created(await admin.post('/api/v1/transfers', {
    member_id: m.id, kind: 'internal', to_org_id: other.b1.id, reason: '工作调动', dues_paid_to: month,
  }), 'letter out');
  assert.equal((await admin.post(`/api/v1/transfers/${out.id}/confirm`, { version: out.version })).status, 200);
  const s = await stats(admin, t.town.id);
  assert.equal(s.total, 4);
  assert.equal(figure(s, 'change', 'transfer_out'), 1);
  assert.equal(figure(s, 'change', 'transfer_in'), 0);
  const list = await admin.get(`/api/v1/stats/members?org_id=${t.town.id}&year=${year}&dim=change&value=transfer_out`);
  assert.equal(list.body.total, 1);
  assert.equal(list.body.items[0].name, '统乙');
  assert.equal(list.body.items[0].event_date, today);
  assert.equal(list.body.items[0].serial, out.serial);
  // b1's view: the member from b2 came in, 统乙 went out
  const b1 = await stats(admin, t.b1.id);
  assert.equal(figure(b1, 'change', 'transfer_in'), 1);
  assert.equal(figure(b1, 'change', 'transfer_out'), 1);
  const o = await stats(admin, other.town.id);
  assert.equal(figure(o, 'change', 'transfer_in'), 1);
});

test('the export is an xlsx workbook', async () => {
  const r = await admin.get(`/api/v1/stats/export?org_id=${t.town.id}&year=${year}`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.match(r.headers.get('content-disposition') || '', /stats-\d{4}\.xlsx/);
  assert.equal(String.fromCharCode(r.body[0], r.body[1]), 'PK');
  assert.ok(r.body.length > 3000);
});

test('a bad year is 422 naming year', async () => {
  for (const y of ['1900', String(year + 1), 'abc', '20x6', '99999']) {
    for (const path of ['/api/v1/stats', '/api/v1/stats/export', '/api/v1/stats/members', '/api/v1/stats/orgs']) {
      const r = await admin.get(`${path}?org_id=${t.town.id}&year=${y}&dim=total&value=all`);
      assert.equal(r.status, 422, `${path} ${y}`);
      assert.equal(r.body.error.field, 'year', `${path} ${y}`);
    }
  }
});

test('scope: a secretary their branch, an administrator their subtree, a member none', async () => {
  const mine = await sec1.get('/api/v1/stats');
  assert.equal(mine.status, 200);
  assert.equal(mine.body.org.id, t.b1.id);
  assert.equal((await sec1.get(`/api/v1/stats?org_id=${t.town.id}`)).status, 404);
  assert.equal((await sec1.get(`/api/v1/stats/members?org_id=${t.town.id}&dim=total&value=all`)).status, 404);
  assert.equal((await sec1.get(`/api/v1/stats/export?org_id=${t.b2.id}`)).status, 404);
  assert.equal((await town.get(`/api/v1/stats?org_id=${t.b2.id}`)).status, 200);
  assert.equal((await town.get(`/api/v1/stats?org_id=${other.town.id}`)).status, 404);
  assert.equal((await town.get(`/api/v1/stats/orgs?org_id=${other.town.id}&dim=org_kind&value=branch`)).status, 404);
  assert.equal((await mem1.get('/api/v1/stats')).status, 403);
  assert.equal((await mem1.get(`/api/v1/stats/members?org_id=${t.b1.id}&dim=total&value=all`)).status, 403);
});
