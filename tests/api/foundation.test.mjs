// Foundation API: session, errors, orgs, members, scope, privacy, audit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, raw, ADMIN, makeTree, memberBody, idNumber, uniq } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);

test('health is public and names the backend', async () => {
  const r = await raw('GET', '/api/v1/health');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ok');
  assert.equal(r.body.backend, process.env.DJ_BACKEND || r.body.backend);
  assert.ok(r.body.schema >= 1);
});

test('404 and 405 are told apart; 401 and 403 are kept apart', async () => {
  assert.equal((await raw('GET', '/api/v1/nothing')).status, 404);
  const r = await raw('PUT', '/api/v1/health');
  assert.equal(r.status, 405);
  assert.match(r.headers.get('allow'), /GET/);
  assert.equal((await raw('GET', '/api/v1/members')).status, 401);
  const t = await makeTree(admin);
  await admin.post('/api/v1/users', { username: `m${t.tag}`.toLowerCase(), password: 'Member#2026', role: 'secretary', org_id: t.b1.id });
  const sec = await Client.login(`m${t.tag}`.toLowerCase(), 'Member#2026');
  assert.equal((await sec.get('/api/v1/audit')).status, 403);
});

test('malformed JSON, unknown fields and wrong types are 400 naming the field', async () => {
  let r = await admin.req('POST', '/api/v1/orgs', '{"kind": "dept",');
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'malformed');
  r = await admin.post('/api/v1/orgs', { kind: 'dept', name: 'x', colour: 'red' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'colour');
  r = await admin.post('/api/v1/orgs', { kind: 'dept', name: 5 });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'name');
  r = await admin.get('/api/v1/members?per_page=5000');
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'per_page');
});

test('a body above the cap is 413 and the server keeps serving', async () => {
  const big = '{"name":"' + 'x'.repeat(1100 * 1024) + '"}';
  const r = await admin.req('POST', '/api/v1/orgs', big);
  assert.equal(r.status, 413);
  assert.equal((await raw('GET', '/api/v1/health')).status, 200);
});

test('cookie sessions need the CSRF token for writes; bearer tokens do not', async () => {
  const login = await raw('POST', '/api/v1/session', { username: ADMIN.username, password: ADMIN.password });
  assert.equal(login.status, 200);
  const cookie = login.headers.get('set-cookie');
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const jar = cookie.split(';')[0];
  const body = { kind: 'dept', name: '无令牌测试', code: `C${uniq()}` };
  let r = await raw('POST', '/api/v1/orgs', body, { Cookie: jar });
  assert.equal(r.status, 403);
  assert.equal(r.body.error.rule, 'auth.csrf');
  r = await raw('POST', '/api/v1/orgs', body, { Cookie: jar, 'X-CSRF-Token': login.body.csrf });
  assert.equal(r.status, 201);
  r = await raw('GET', '/api/v1/session', undefined, { Cookie: jar });
  assert.equal(r.body.user.username, ADMIN.username);
  r = await raw('DELETE', '/api/v1/session', undefined, { Cookie: jar, 'X-CSRF-Token': login.body.csrf });
  assert.equal(r.status, 204);
  r = await raw('GET', '/api/v1/session', undefined, { Cookie: jar });
  assert.equal(r.status, 401);
});

test('five failed logins lock the account (423), then even the right password is refused', async () => {
  const t = await makeTree(admin);
  const name = `lock${t.tag}`.toLowerCase();
  assert.equal((await admin.post('/api/v1/users', { username: name, password: 'Right#2026', role: 'org_admin', org_id: t.town.id })).status, 201);
  for (let i = 0; i < 5; i++) {
    const r = await raw('POST', '/api/v1/session', { username: name, password: 'wrong-pass-1' });
    assert.equal(r.status, 401);
  }
  const r = await raw('POST', '/api/v1/session', { username: name, password: 'Right#2026' });
  assert.equal(r.status, 423);
  assert.equal(r.body.error.rule, 'auth.locked');
  assert.match(r.body.error.message, /1[45] 分钟后再试/);
});

test('org kinds must fit their parent; codes are unique', async () => {
  const t = await makeTree(admin);
  let r = await admin.post('/api/v1/orgs', { kind: 'group', name: '第一党小组', parent_id: t.town.id });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'org.parent_kind');
  r = await admin.post('/api/v1/orgs', { kind: 'group', name: '第一党小组', parent_id: t.b1.id });
  assert.equal(r.status, 201);
  r = await admin.post('/api/v1/orgs', { kind: 'branch', name: '重复代码', code: t.b1.code, parent_id: t.town.id });
  assert.equal(r.status, 409);
  r = await admin.post('/api/v1/orgs', { kind: 'general_branch', name: '总支', parent_id: t.town.id, can_approve: true });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'recruit.approver_kind');
});

test('member validation names the field and the rule', async () => {
  const t = await makeTree(admin);
  const cases = [
    [{ id_number: '110105194912310021' }, 'id_number', 'member.id_number.checksum'],
    [{ id_number: '11010519491331002X' }, 'id_number', 'member.id_number.birth_date'],
    [{ id_number: '1101051949' }, 'id_number', 'member.id_number.format'],
    [{ id_number: idNumber('2000-01-01', 1), join_date: '2017-06-01', full_date: '2018-06-01' }, 'join_date', 'member.join_age'],
    [{ full_date: '1994-07-01' }, 'full_date', 'member.full_date.order'],
    [{ full_date: null }, 'full_date', 'member.category.full_date'],
    [{ category: 'probationary' }, 'full_date', 'member.category.full_date'],
    [{ birth_date: '1971-01-01' }, 'birth_date', 'member.birth_date.mismatch'],
    [{ gender: '2' }, 'gender', 'member.gender.mismatch'],
    [{ ethnicity: '99' }, 'ethnicity', 'member.code'],
    [{ education: 'ZZ' }, 'education', 'member.code'],
    [{ phone: '12345' }, 'phone', 'member.phone.format'],
    [{ org_id: t.town.id }, 'org_id', 'member.org_kind'],
  ];
  for (const [over, field, rule] of cases) {
    const r = await admin.post('/api/v1/members', memberBody(t.b1.id, over));
    assert.equal(r.status, 422, `${JSON.stringify(over)} → ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.field, field, JSON.stringify(r.body));
    assert.equal(r.body.error.rule, rule, JSON.stringify(r.body));
  }
  const list = await admin.get(`/api/v1/members?org=${t.b1.id}`);
  assert.equal(list.body.total, 0, 'nothing was half-written');
});

test('members are masked in lists, searchable by name, ID tail, phone tail and full ID', async () => {
  const t = await makeTree(admin);
  const id = idNumber('1968-09-09', 2);
  const r = await admin.post('/api/v1/members', memberBody(t.b1.id, { name: '刘桂兰', id_number: id, phone: '13912348765', gender: '女', ethnicity: '汉族' }));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.id_number, id.slice(0, 6) + '********' + id.slice(14));
  assert.equal(r.body.phone, '139****8765');
  assert.equal(r.body.gender, '2');
  assert.equal(r.body.ethnicity, '01');
  assert.equal(r.body.birth_date, '1968-09-09');
  const dup = await admin.post('/api/v1/members', memberBody(t.b2.id, { id_number: id.toLowerCase() }));
  assert.equal(dup.status, 409);
  assert.equal(dup.body.error.rule, 'member.duplicate');
  for (const q of ['刘桂', id.slice(14), '8765', id]) {
    const s = await admin.get(`/api/v1/members?org=${t.dept.id}&q=${encodeURIComponent(q)}`);
    assert.equal(s.status, 200);
    assert.equal(s.body.total, 1, `q=${q}`);
    assert.ok(!JSON.stringify(s.body).includes(id), 'full ID never in a list');
  }
});

test('filters, paging and sorting', async () => {
  const t = await makeTree(admin);
  const births = ['1950-01-01', '1960-01-01', '1975-01-01', '1990-01-01', '1996-01-01'];
  for (const [i, b] of births.entries()) {
    const join = `${Number(b.slice(0, 4)) + 20}-07-01`;
    const over = { name: `成员${'甲乙丙丁戊'[i]}`, id_number: idNumber(b, 1), join_date: join, full_date: `${Number(join.slice(0, 4)) + 1}-07-01` };
    if (i === 4) { over.category = 'probationary'; over.full_date = null; over.join_date = '2026-01-10'; }
    const r = await admin.post('/api/v1/members', memberBody(t.b1.id, over));
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  let r = await admin.get(`/api/v1/members?org=${t.b1.id}&category=probationary`);
  assert.equal(r.body.total, 1);
  r = await admin.get(`/api/v1/members?org=${t.b1.id}&age_min=60`);
  assert.equal(r.body.total, 2);
  r = await admin.get(`/api/v1/members?org=${t.b1.id}&age_max=36`);
  assert.equal(r.body.total, 2);
  r = await admin.get(`/api/v1/members?org=${t.b1.id}&age_max=35`);
  assert.equal(r.body.total, 1);
  r = await admin.get(`/api/v1/members?org=${t.b1.id}&per_page=2&page=2&sort=-birth_date`);
  assert.equal(r.body.total, 5);
  assert.equal(r.body.items.length, 2);
  assert.equal(r.body.items[0].birth_date, '1975-01-01');
  r = await admin.get(`/api/v1/members?org=${t.b1.id}&sort=colour`);
  assert.equal(r.status, 400);
});

test('keyset paging: after=next walks every order to the same rows as page numbers', async () => {
  const t = await makeTree(admin);
  // ties on every sort key (names, join and birth dates repeat), over two branches
  const rows = [
    ['李明', '1970-03-15', '1995-07-01', t.b1.id], ['李明', '1970-03-15', '1995-07-01', t.b1.id],
    ['王芳', '1980-05-12', '2001-07-01', t.b1.id], ['李明', '1962-01-01', '1995-07-01', t.b2.id],
    ['张伟', '1980-05-12', '2001-07-01', t.b2.id], ['王芳', '1991-09-09', '2015-07-01', t.b2.id],
    ['赵强', '1970-03-15', '1990-07-01', t.b1.id],
  ];
  for (const [name, birth, join, org] of rows) {
    const full = `${Number(join.slice(0, 4)) + 1}-07-01`;
    const r = await admin.post('/api/v1/members', memberBody(org, { name, id_number: idNumber(birth, 1), join_date: join, full_date: full }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  for (const sort of ['', 'name', '-name', 'join_date', '-join_date', 'birth_date', '-birth_date', 'id']) {
    const base = `/api/v1/members?org=${t.town.id}&per_page=2${sort ? `&sort=${sort}` : ''}`;
    const byPage = [];
    for (let page = 1; page <= 4; page++) {
      const r = await admin.get(`${base}&page=${page}`);
      assert.equal(r.status, 200);
      assert.equal(r.body.total, 7);
      byPage.push(...r.body.items.map((m) => m.id));
      // a full page names its last row as the next cursor; the last page has none
      assert.equal(r.body.next, r.body.items.length === 2 ? r.body.items[1].id : null, `${sort} page ${page}`);
    }
    const byCursor = [];
    let r = await admin.get(base);
    for (;;) {
      byCursor.push(...r.body.items.map((m) => m.id));
      assert.equal(r.body.total, 7, 'the total is the whole list');
      if (r.body.next === null) break;
      r = await admin.get(`${base}&after=${r.body.next}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    assert.deepEqual(byCursor, byPage, `sort ${sort || '(default)'}`);
    assert.equal(new Set(byPage).size, 7);
  }
  // the cursor must be a member of the listed subtree, and an integer
  const b2 = await admin.get(`/api/v1/members?org=${t.b2.id}`);
  const other = await admin.get(`/api/v1/members?org=${t.b1.id}&after=${b2.body.items[0].id}`);
  assert.equal(other.status, 400);
  assert.equal(other.body.error.field, 'after', JSON.stringify(other.body));
  const junk = await admin.get(`/api/v1/members?org=${t.b1.id}&after=abc`);
  assert.equal(junk.status, 400);
  assert.equal(junk.body.error.field, 'after');
  // a filter still applies after the cursor
  const full = await admin.get(`/api/v1/members?org=${t.town.id}&sort=id&q=${encodeURIComponent('李明')}`);
  assert.equal(full.body.total, 3);
  const rest = await admin.get(`/api/v1/members?org=${t.town.id}&sort=id&q=${encodeURIComponent('李明')}&after=${full.body.items[0].id}`);
  assert.deepEqual(rest.body.items.map((m) => m.id), full.body.items.slice(1).map((m) => m.id));
});

test('three-level scope: a town admin sees only the town, a secretary only the branch, a member only self', async () => {
  const a = await makeTree(admin);
  const b = await makeTree(admin);
  const ma = await admin.post('/api/v1/members', memberBody(a.b1.id));
  const mb = await admin.post('/api/v1/members', memberBody(b.b1.id));
  const mb2 = await admin.post('/api/v1/members', memberBody(b.b2.id));
  const tag = a.tag.toLowerCase();
  await admin.post('/api/v1/users', { username: `town${tag}`, password: 'Town#2026', role: 'org_admin', org_id: a.town.id });
  await admin.post('/api/v1/users', { username: `sec${tag}`, password: 'Branch#2026', role: 'secretary', org_id: b.b1.id });
  await admin.post('/api/v1/users', { username: `mem${tag}`, password: 'Member#2026', role: 'member', org_id: b.b2.id, member_id: mb2.body.id });
  const town = await Client.login(`town${tag}`, 'Town#2026');
  const sec = await Client.login(`sec${tag}`, 'Branch#2026');
  const mem = await Client.login(`mem${tag}`, 'Member#2026');

  assert.equal((await town.get(`/api/v1/members/${ma.body.id}`)).status, 200);
  assert.equal((await town.get(`/api/v1/members/${mb.body.id}`)).status, 404);
  assert.equal((await town.get(`/api/v1/members?org=${b.town.id}`)).status, 404);
  const tl = await town.get('/api/v1/members');
  assert.ok(tl.body.items.every((m) => m.org_id === a.b1.id || m.org_id === a.b2.id));
  assert.equal((await town.patch(`/api/v1/members/${mb.body.id}`, { version: 1, address: 'x' })).status, 404);
  assert.equal((await town.post('/api/v1/members', memberBody(b.b1.id))).status, 422);

  const sl = await sec.get('/api/v1/members');
  assert.equal(sl.body.total, 1);
  assert.equal(sl.body.items[0].id, mb.body.id);
  assert.equal((await sec.get(`/api/v1/members/${mb2.body.id}`)).status, 404);
  assert.equal((await sec.post('/api/v1/orgs', { kind: 'group', name: '小组', parent_id: b.b1.id })).status, 403);

  assert.equal((await mem.get('/api/v1/members')).status, 403);
  const me = await mem.get('/api/v1/me');
  assert.equal(me.status, 200);
  assert.equal(me.body.id, mb2.body.id);
  let r = await mem.patch('/api/v1/me', { version: me.body.version, name: '改名' });
  assert.equal(r.status, 400);
  r = await mem.patch('/api/v1/me', { version: me.body.version, phone: '13700001111', address: '新地址' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.phone, '137****1111');
  assert.equal(r.body.address, '新地址');
});

test('revealing an ID number is for admins and is audited', async () => {
  const t = await makeTree(admin);
  const id = idNumber('1972-02-02', 1);
  const m = await admin.post('/api/v1/members', memberBody(t.b1.id, { id_number: id }));
  const tag = t.tag.toLowerCase();
  await admin.post('/api/v1/users', { username: `rv${tag}`, password: 'Branch#2026', role: 'secretary', org_id: t.b1.id });
  const sec = await Client.login(`rv${tag}`, 'Branch#2026');
  let r = await sec.post(`/api/v1/members/${m.body.id}/reveal`, { field: 'id_number' });
  assert.equal(r.status, 403);
  r = await admin.post(`/api/v1/members/${m.body.id}/reveal`, { field: 'id_number' });
  assert.equal(r.status, 200);
  assert.equal(r.body.value, id);
  r = await admin.get(`/api/v1/audit?entity=member&entity_id=${m.body.id}`);
  const reveal = r.body.items.find((e) => e.action === 'reveal');
  assert.ok(reveal, 'reveal is in the audit log');
  assert.equal(reveal.actor, ADMIN.username);
  assert.ok(!JSON.stringify(r.body).includes(id), 'the audit log never holds the plaintext');
});

test('stale version is 409; status changes are kept in the history', async () => {
  const t = await makeTree(admin);
  const m = await admin.post('/api/v1/members', memberBody(t.b1.id));
  let r = await admin.patch(`/api/v1/members/${m.body.id}`, { version: m.body.version, party_status: 'suspended', lost_contact: true, lost_since: '2026-01-05' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await admin.patch(`/api/v1/members/${m.body.id}`, { version: m.body.version, address: 'x' });
  assert.equal(r.status, 409);
  r = await admin.get(`/api/v1/members/${m.body.id}/history`);
  const fields = r.body.items.map((h) => h.field).sort();
  assert.deepEqual(fields, ['lost_contact', 'party_status']);
});

test('moving a subtree carries its members; dissolving needs an empty org', async () => {
  const a = await makeTree(admin);
  const m = await admin.post('/api/v1/members', memberBody(a.b1.id));
  let r = await admin.del(`/api/v1/orgs/${a.b1.id}?version=${a.b1.version}`);
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'org.dissolve_not_empty');
  const other = await admin.post('/api/v1/orgs', { kind: 'committee', name: `另一镇党委${a.tag}`, parent_id: a.dept.id });
  r = await admin.post(`/api/v1/orgs/${a.b1.id}/move`, { version: a.b1.version, parent_id: other.body.id });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.path, `${other.body.path}${a.b1.id}/`);
  r = await admin.get(`/api/v1/members?org=${other.body.id}`);
  assert.equal(r.body.total, 1);
  assert.equal(r.body.items[0].id, m.body.id);
  r = await admin.get(`/api/v1/members?org=${a.town.id}`);
  assert.equal(r.body.total, 0);
  r = await admin.post(`/api/v1/orgs/${other.body.id}/move`, { version: other.body.version, parent_id: a.b1.id });
  assert.equal(r.status, 422);
  r = await admin.del(`/api/v1/orgs/${a.b2.id}?version=${a.b2.version}`);
  assert.equal(r.status, 204);
  r = await admin.get(`/api/v1/orgs/${a.town.id}/children`);
  assert.ok(!r.body.items.some((o) => o.id === a.b2.id));
});

test('branch-structure warnings follow RULES.md §2', async () => {
  const t = await makeTree(admin);
  let r = await admin.get(`/api/v1/orgs/${t.b1.id}`);
  assert.ok(r.body.warnings.some((w) => w.rule === 'org.branch_min_full_members'));
  for (let i = 0; i < 7; i++) await admin.post('/api/v1/members', memberBody(t.b1.id));
  r = await admin.get(`/api/v1/orgs/${t.b1.id}`);
  const rules = r.body.warnings.map((w) => w.rule);
  assert.ok(!rules.includes('org.branch_min_full_members'));
  assert.ok(rules.includes('org.branch_needs_committee'));
  r = await admin.patch(`/api/v1/orgs/${t.b1.id}`, { version: r.body.version, committee_size: 3, term_start: '2024-01-01', term_end: '2029-01-01' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await admin.get(`/api/v1/orgs/${t.b1.id}`);
  assert.deepEqual(r.body.warnings, []);
  assert.equal(r.body.member_count, 7);
});

test('the audit chain verifies', async () => {
  const r = await admin.get('/api/v1/audit/verify');
  assert.equal(r.status, 200);
  assert.equal(r.body.ok, true, JSON.stringify(r.body));
  assert.ok(r.body.count > 10);
});

test('a 党小组 lists its own members; moving a member to another branch leaves the group', async () => {
  const t = await makeTree(admin);
  const g = await admin.post('/api/v1/orgs', { kind: 'group', name: '第一党小组', parent_id: t.b1.id });
  const inGroup = await admin.post('/api/v1/members', memberBody(t.b1.id, { group_id: g.body.id }));
  assert.equal(inGroup.status, 201, JSON.stringify(inGroup.body));
  await admin.post('/api/v1/members', memberBody(t.b1.id));
  let r = await admin.get(`/api/v1/members?org=${g.body.id}`);
  assert.equal(r.body.total, 1);
  assert.equal(r.body.items[0].id, inGroup.body.id);
  r = await admin.post('/api/v1/members', memberBody(t.b2.id, { group_id: g.body.id }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'member.group');
  r = await admin.patch(`/api/v1/members/${inGroup.body.id}`, { version: inGroup.body.version, org_id: t.b2.id });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.group_id, null);
  assert.equal(r.body.org_id, t.b2.id);
});

test('receiving branches can be looked up across the system by name, with public facts only', async () => {
  const a = await makeTree(admin);
  const b = await makeTree(admin);
  const tag = a.tag.toLowerCase();
  await admin.post('/api/v1/users', { username: `lk${tag}`, password: 'Branch#2026', role: 'secretary', org_id: a.b1.id });
  const sec = await Client.login(`lk${tag}`, 'Branch#2026');
  let r = await sec.get(`/api/v1/orgs/lookup?q=${encodeURIComponent(b.b2.name)}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.items.length, 1);
  assert.deepEqual(Object.keys(r.body.items[0]).sort(), ['code', 'id', 'kind', 'name', 'parent_name']);
  assert.equal(r.body.items[0].parent_name, b.town.name);
  r = await sec.get('/api/v1/orgs/lookup?q=x');
  assert.equal(r.status, 400);
});

test('export masks personal data unless an administrator asks to reveal it, which is audited', async () => {
  const t = await makeTree(admin);
  const id = idNumber('1970-07-07', 1);
  const m = await admin.post('/api/v1/members', memberBody(t.b1.id, { id_number: id, phone: '13655556666' }));
  assert.equal(m.status, 201, JSON.stringify(m.body));
  let r = await admin.get(`/api/v1/members/export?format=csv&org=${t.b1.id}`);
  assert.equal(r.status, 200);
  let csv = Buffer.from(r.body).toString('utf8');
  assert.ok(!csv.includes(id) && csv.includes(id.slice(14)), 'masked by default');
  r = await admin.get(`/api/v1/members/export?format=csv&org=${t.b1.id}&reveal=1`);
  assert.equal(r.status, 200);
  csv = Buffer.from(r.body).toString('utf8');
  assert.ok(csv.includes(id) && csv.includes('13655556666'), 'revealed for the admin');
  const audit = await admin.get('/api/v1/audit?entity=member&entity_id=0');
  assert.ok(audit.body.items.some((e) => e.action === 'reveal_export' && e.after.rows === 1));
  const tag = t.tag.toLowerCase();
  await admin.post('/api/v1/users', { username: `ex${tag}`, password: 'Branch#2026', role: 'secretary', org_id: t.b1.id });
  const sec = await Client.login(`ex${tag}`, 'Branch#2026');
  r = await sec.get(`/api/v1/members/export?format=csv&reveal=1`);
  assert.equal(r.status, 403);
  assert.equal(r.body.error.rule, 'member.reveal_role');
});
