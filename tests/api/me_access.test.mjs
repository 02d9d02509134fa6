// Issue 9's key rule: a member can never load another member's record by changing an id. Every route of
// src/http/routes.c open to ROLE_MEMBER (parsed, like robustness.test.mjs) is called as a member with the ids of
// another member of the same branch, of another branch and of another county's tree — and with the ids of
// their objects (notices, commitment letters and items, suggestions): each answer is 403 or 404 and carries no
// personal data of the others (names, ID numbers, phones, addresses). The /me routes take no member id: a
// member id in the query is ignored and the answer stays the caller's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, makeTree, memberBody, idNumber, uniq } from './lib.mjs';
import { routeTable } from './routes.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);
const ROUTES = routeTable().filter((r) => r.role === 'ROLE_MEMBER');

async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}

const t = await makeTree(admin);
const far = await makeTree(admin);
const tag = t.tag;
const YEAR = Number(new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 4));
const TODAY = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

// me (b1), a neighbour in the same branch, a member of the sibling branch, one of another county's tree
const people = {};
for (const [key, org, name, birth] of [['me', t.b1, `访问甲${tag}`, '1971-02-03'], ['same', t.b1, `访问乙${tag}`, '1972-03-04'],
  ['sibling', t.b2, `访问丙${tag}`, '1973-04-05'], ['far', far.b1, `访问丁${tag}`, '1974-05-06']]) {
  const id = idNumber(birth, 1);
  const phone = '137' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
  const address = `${name}家的住址${uniq()}`;
  const m = await created(await admin.post('/api/v1/members', memberBody(org.id, { name, id_number: id, phone, address })), key);
  people[key] = { ...m, plain_id: id, plain_phone: phone, address };
}
async function account(key) {
  const username = `acc${key}${tag}`.toLowerCase();
  await created(await admin.post('/api/v1/users', { username, password: 'Access#2026', role: 'member', org_id: people[key].org_id, member_id: people[key].id }), `user ${key}`);
  return Client.login(username, 'Access#2026');
}
const me = await account('me');
const same = await account('same');
const others = [people.same, people.sibling, people.far];

// ---- their objects ----
const foreign = { members: others.map((m) => m.id), notices: [], letters: [], items: [], suggestions: [] };
for (const [org, title] of [[t.b2, `丙支部通知${tag}`], [far.dept, `外县通知${tag}`]]) {
  const n = await created(await admin.post('/api/v1/notices', { org_id: org.id, title, body: '内容', publish: true }), title);
  foreign.notices.push(n.id);
}
for (const m of others) {
  const l = await created(await admin.post('/api/v1/commitments/letters', {
    holder_type: 'member', member_id: m.id, year: YEAR, title: `${YEAR}年度党员承诺书`, signed_by: '支部书记', signed_on: TODAY,
    items: [{ title: `${m.name}的承诺`, category: 'duty', due_on: `${YEAR}-12-31`, public: false }],
  }), `letter of ${m.name}`);
  foreign.letters.push(l.id);
  foreign.items.push(l.items[0].id);
}
{
  const r = await same.post('/api/v1/me/suggestions', { title: `乙的建议${tag}`, body: `${people.same.name}的建议内容` });
  if (r.status === 201) foreign.suggestions.push(r.body.id);
}

// The ids to try for a route: the owners' objects where the route names an object kind, else the other
// members' ids and an id that exists nowhere.
function idsFor(path) {
  const rules = [
    [/^\/api\/v1\/(members|points\/members)\/:id/, foreign.members],
    [/^\/api\/v1\/(me\/)?notices\/:id/, foreign.notices],
    [/^\/api\/v1\/commitments\/letters\/:id/, foreign.letters],
    [/^\/api\/v1\/(me\/)?commitments(\/items)?\/:id/, foreign.items],
    [/^\/api\/v1\/me\/suggestions\/:id/, foreign.suggestions],
  ];
  for (const [re, ids] of rules) if (re.test(path)) return { strict: true, ids };
  return { strict: false, ids: [...foreign.members, 999999999] };
}
const BODIES = { '/api/v1/members/:id/reveal': { field: 'id_number' } };

// personal data of the others that must never appear in a member's answer
function leaks(text) {
  const found = [];
  for (const m of others) {
    for (const v of [m.name, m.plain_id, m.plain_phone, m.address, m.id_number, m.phone]) {
      if (v && text.includes(v)) found.push(v);
    }
  }
  return found;
}
const textOf = (r) => (r.body instanceof Uint8Array ? Buffer.from(r.body).toString('utf8') : JSON.stringify(r.body));

test('the member routes are found in the route table', () => {
  assert.ok(ROUTES.length >= 20, `only ${ROUTES.length} member routes parsed`);
  for (const p of ['/api/v1/me/home', '/api/v1/me/tasks', '/api/v1/me/recruitment', '/api/v1/members/:id/hours', '/api/v1/me/notices/:id']) {
    assert.ok(ROUTES.some((r) => r.path === p), `${p} is not a member route`);
  }
});

test('the /me routes take no member id', async () => {
  for (const r of ROUTES.filter((x) => x.path === '/api/v1/me' || x.path.startsWith('/api/v1/me/'))) {
    assert.ok(!/^\/api\/v1\/me\/:id/.test(r.path), `${r.method} ${r.path} takes an id right after /me`);
    assert.ok(!/members\/:id/.test(r.path), `${r.method} ${r.path} takes a member id`);
  }
  // a member id smuggled into the query changes nothing
  for (const path of ['/api/v1/me', '/api/v1/me/home', '/api/v1/me/dues', '/api/v1/me/tasks', '/api/v1/me/points']) {
    for (const m of others) {
      const r = await me.get(`${path}?member_id=${m.id}&id=${m.id}&org=${m.org_id}`);
      assert.ok(r.status < 500, `${path} → ${r.status}`);
      assert.deepEqual(leaks(textOf(r)), [], `${path}?member_id=${m.id} shows another member's data`);
      if (r.status === 200 && path === '/api/v1/me') assert.equal(r.body.id, people.me.id);
      if (r.status === 200 && path === '/api/v1/me/home') assert.equal(r.body.member.id, people.me.id);
    }
  }
});

test('every member route with an id: another member\'s ids are 403/404 and show nothing of them', async () => {
  const withId = ROUTES.filter((r) => r.path.includes(':id') && r.method !== 'DELETE');
  assert.ok(withId.length >= 8);
  let tried = 0;
  for (const r of withId) {
    const { strict, ids } = idsFor(r.path);
    for (const id of ids) {
      const path = r.path.replace(':id', String(id)).replaceAll(':id', '1');
      const res = await me.req(r.method, path, r.method === 'GET' ? undefined : (BODIES[r.path] || { version: 1 }));
      tried++;
      const where = `${r.method} ${path} (${r.handler})`;
      assert.deepEqual(leaks(textOf(res)), [], `${where} → ${res.status} shows another member's data`);
      if (strict) assert.ok(res.status === 403 || res.status === 404, `${where} → ${res.status}: ${textOf(res).slice(0, 200)}`);
      else assert.ok(res.status !== 200 || r.method === 'GET', `${where} → 200 on a write with a foreign id`);
      if (!strict && id === 999999999) assert.ok(res.status >= 400 && res.status < 500, `${where} → ${res.status}`);
    }
  }
  assert.ok(tried >= 20);
});

test('the member routes without an id answer with the caller\'s data only', async () => {
  for (const r of ROUTES.filter((x) => !x.path.includes(':id') && x.method === 'GET')) {
    for (const q of ['', `?org=${far.dept.id}&member_id=${people.far.id}`, `?org=${t.b2.id}&member_id=${people.sibling.id}`]) {
      const res = await me.get(r.path + q);
      assert.ok(res.status < 500, `${r.path}${q} → ${res.status}`);
      // the sibling branch and the other county are outside a member's view on every such route
      const text = textOf(res);
      for (const m of [people.sibling, people.far]) {
        for (const v of [m.name, m.plain_id, m.plain_phone, m.address]) assert.ok(!text.includes(v), `${r.path}${q} shows ${v}`);
      }
    }
  }
});

test('the reveal: a member reveals their own ID number and phone, audited; nobody else\'s', async () => {
  let r = await me.post(`/api/v1/members/${people.me.id}/reveal`, { field: 'id_number' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.value, people.me.plain_id);
  r = await me.post(`/api/v1/members/${people.me.id}/reveal`, { field: 'phone' });
  assert.equal(r.status, 200);
  assert.equal(r.body.value, people.me.plain_phone);
  for (const m of others) {
    for (const field of ['id_number', 'phone']) {
      r = await me.post(`/api/v1/members/${m.id}/reveal`, { field });
      assert.equal(r.status, 404, `reveal ${field} of ${m.name}: ${r.status}`);
    }
  }
  const a = await admin.get(`/api/v1/audit?entity=member&entity_id=${people.me.id}&action=reveal`);
  if (a.status === 200 && Array.isArray(a.body.items)) {
    assert.ok(a.body.items.filter((x) => x.action === 'reveal').length >= 2, 'each reveal is in the audit log');
  }
});
