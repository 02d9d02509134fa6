// Security proofs (issue 8): the security headers on every kind of response; CSRF on every
// non-GET route of src/http/routes.c for a cookie session (bearer tokens are exempt by
// design, docs/API.md "Conventions"); login lockout after auth.max_failures and its release
// after auth.lock_minutes; idle and absolute session expiry; no plain ID number or phone in
// the server's log or the audit table. Lockout, expiry and the log run against a private
// server of ours on a fresh database (its own settings, its whole log, its whole audit table);
// time passing is simulated by moving the stored instants back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client, ADMIN, BASE, idNumber, makeTree, memberBody, raw, uniq } from './lib.mjs';
import { BACKEND, KEY, call, dj, dumpAll, newDatabase, sql, startServer, tmp } from './dbtools.mjs';
import { routeTable } from './routes.mjs';

const dir = tmp('djsec-');
test.after(() => rmSync(dir, { recursive: true, force: true }));

const admin = await Client.login(ADMIN.username, ADMIN.password);

// ---------------------------------------------------------------- headers
const REQUIRED = {
  'x-content-type-options': /^nosniff$/,
  'x-frame-options': /^DENY$/,
  'referrer-policy': /^(same-origin|no-referrer|strict-origin)/,
  'content-security-policy': /default-src 'self'.*frame-ancestors 'none'/,
};
function assertHeaders(r, what) {
  for (const [h, re] of Object.entries(REQUIRED)) assert.match(r.headers.get(h) || '', re, `${what}: ${h}`);
}

test('security headers on HTML, static, JSON, errors, the public board and file downloads', async () => {
  const bearer = { Authorization: `Bearer ${admin.token}` };
  const t = await makeTree(admin);
  let r = await admin.req('PUT', `/api/v1/orgs/${t.b1.id}/board`, { version: 0, enabled: true });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const key = r.body.key;
  const cases = [
    ['HTML page', 'GET', '/', {}, 200, /text\/html/],
    ['static script', 'GET', '/app.js', {}, 200, /javascript/],
    ['static style', 'GET', '/css/base.css', {}, 200, /text\/css/],
    ['missing page (404 HTML)', 'GET', '/no-such-page.html', {}, 404, /text\/html/],
    ['write to a page (405)', 'POST', '/', {}, 405, null],
    ['JSON', 'GET', '/api/v1/health', {}, 200, /json/],
    ['JSON with a session', 'GET', '/api/v1/session', bearer, 200, /json/],
    ['401 error', 'GET', '/api/v1/session', {}, 401, /json/],
    ['404 error', 'GET', '/api/v1/no-such-thing', bearer, 404, /json/],
    ['405 error', 'PUT', '/api/v1/health', bearer, 405, /json/],
    ['422 error', 'POST', '/api/v1/orgs', { ...bearer, 'Content-Type': 'application/json' }, 422, /json/, '{}'],
    ['400 error', 'POST', '/api/v1/orgs', { ...bearer, 'Content-Type': 'application/json' }, 400, /json/, '{not json'],
    ['413 error', 'POST', '/api/v1/orgs', { ...bearer, 'Content-Type': 'application/json' }, 413, /json/, 'x'.repeat(2 << 20)],
    ['public board', 'GET', `/api/v1/public/board?key=${key}`, {}, 200, /json/],
    ['public board PDF', 'GET', `/api/v1/public/board/pdf?key=${key}`, {}, 200, /application\/pdf/],
    ['public board, wrong key', 'GET', '/api/v1/public/board?key=nope', {}, 404, /json/],
    ['CSV download', 'GET', `/api/v1/members/export?format=csv&org=${t.b1.id}`, bearer, 200, null],
    ['XLSX download', 'GET', '/api/v1/import/template?format=xlsx', bearer, 200, null],
  ];
  for (const [what, method, path, headers, status, type, body] of cases) {
    const res = await fetch(BASE + path, { method, headers, body });
    await res.arrayBuffer();
    if (status !== null) assert.equal(res.status, status, what);
    if (type) assert.match(res.headers.get('content-type') || '', type, what);
    assertHeaders(res, `${what} (${method} ${path})`);
    if (path.startsWith('/api/')) assert.equal(res.headers.get('cache-control'), 'no-store', `${what}: API replies are not cached`);
    if (what.endsWith('download')) assert.match(res.headers.get('content-disposition') || '', /^attachment; filename=/, what);
  }
});

// ---------------------------------------------------------------- CSRF
async function cookieLogin(base, username, password) {
  const r = await call(base, 'POST', '/api/v1/session', { body: { username, password } });
  assert.equal(r.status, 200, r.text);
  const set = r.headers.get('set-cookie') || '';
  const m = /dj_session=([^;]+)/.exec(set);
  assert.ok(m, set);
  return { cookie: `dj_session=${m[1]}`, token: m[1], csrf: r.body.csrf, setCookie: set };
}

test('CSRF: every non-GET route refuses a cookie session without the X-CSRF-Token header', async () => {
  const routes = routeTable();
  assert.ok(routes.length > 150, `parsed ${routes.length} routes from routes.c`);
  const writes = routes.filter((r) => r.method !== 'GET' && r.method !== 'HEAD');
  // the only routes without CSRF are public ones (login, the phone ballot): no session to ride on
  for (const r of routes.filter((x) => /ROUTE_NO_CSRF/.test(x.flags)))
    assert.match(r.flags, /ROUTE_PUBLIC/, `${r.method} ${r.path} skips CSRF but is not public`);
  const guarded = writes.filter((r) => !/ROUTE_PUBLIC/.test(r.flags));
  assert.ok(guarded.length > 100, `${guarded.length} guarded write routes`);

  const s = await cookieLogin(BASE, ADMIN.username, ADMIN.password);
  assert.match(s.setCookie, /HttpOnly/);
  assert.match(s.setCookie, /SameSite=Strict/);
  const wrong = (s.csrf[0] === 'x' ? 'y' : 'x') + s.csrf.slice(1);
  const failures = [];
  for (const r of guarded) {
    const path = r.path.replace(/:\w+/g, '987654321');
    for (const [variant, extra] of [['no header', {}], ['wrong token', { 'X-CSRF-Token': wrong }]]) {
      const res = await call(BASE, r.method, path, { body: {}, headers: { Cookie: s.cookie, ...extra } });
      if (res.status !== 403 || res.body?.error?.rule !== 'auth.csrf')
        failures.push(`${r.method} ${r.path} (${variant}): ${res.status} ${res.text.slice(0, 120)}`);
    }
  }
  assert.deepEqual(failures, [], 'write routes that accepted a cookie without the CSRF token');
  // a cookie token presented as a bearer token is still a cookie session
  let res = await call(BASE, 'POST', '/api/v1/orgs', { body: {}, headers: { Authorization: `Bearer ${s.token}` } });
  assert.equal(res.status, 403);
  assert.equal(res.body.error.rule, 'auth.csrf');
  // with the right token the request goes through to validation
  res = await call(BASE, 'POST', '/api/v1/orgs', { body: {}, headers: { Cookie: s.cookie, 'X-CSRF-Token': s.csrf } });
  assert.equal(res.status, 422, res.text);
  // bearer tokens need no CSRF token (scripts; docs/API.md Conventions)
  res = await admin.post('/api/v1/orgs', {});
  assert.equal(res.status, 422);
  // the cookie session is still alive: the refused DELETE /api/v1/session logged nobody out
  res = await call(BASE, 'GET', '/api/v1/session', { headers: { Cookie: s.cookie } });
  assert.equal(res.status, 200);
});

// ---------------------------------------------------------------- a private server
const priv = newDatabase(dir, 'sec');
const privKey = join(dir, 'sec.key');
const PRIV_ADMIN = 'Admin#2026sec';
{
  const r = dj('init', '--db', priv.url, '--key', privKey, '--admin-password', PRIV_ADMIN, '--set', 'auth.pwhash=min');
  assert.equal(r.status, 0, r.stdout + r.stderr);
}
const MAX_FAILURES = 3;
const LOCK_MINUTES = 2;
const TTL_MINUTES = 7;
const MAX_HOURS = 2;
const srv = await startServer(priv.url, privKey, [`auth.max_failures=${MAX_FAILURES}`, `auth.lock_minutes=${LOCK_MINUTES}`,
  `auth.session_ttl_minutes=${TTL_MINUTES}`, `auth.session_max_hours=${MAX_HOURS}`, 'http.secure_cookie=1']);
test.after(async () => { await srv.stop(); });

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
const login = (username, password, bearer = true) => call(srv.url, 'POST', '/api/v1/session', { body: { username, password, bearer } });
async function privAdmin() {
  const r = await login('admin', PRIV_ADMIN);
  assert.equal(r.status, 200, r.text);
  return { Authorization: `Bearer ${r.body.token}` };
}
async function privUser(auth, role = 'sysadmin') {
  const username = `sec${uniq()}`.toLowerCase();
  const password = 'Secure#2026';
  const r = await call(srv.url, 'POST', '/api/v1/users', { headers: auth, body: { username, password, role } });
  assert.equal(r.status, 201, r.text);
  return { username, password, id: r.body.id };
}

test(`http.secure_cookie=1: the session cookie (and its removal) carries Secure; off by default for plain HTTP (${BACKEND})`, async () => {
  const on = await cookieLogin(srv.url, 'admin', PRIV_ADMIN);
  assert.match(on.setCookie, /; Secure(;|$)/, on.setCookie);
  const out = await call(srv.url, 'DELETE', '/api/v1/session', { headers: { Cookie: on.cookie, 'X-CSRF-Token': on.csrf } });
  assert.ok(out.status === 204 || out.status === 200, out.text);
  assert.match(out.headers.get('set-cookie') || '', /Max-Age=0; Secure/);
  const off = await cookieLogin(BASE, ADMIN.username, ADMIN.password);
  assert.doesNotMatch(off.setCookie, /Secure/, 'the shared test server runs with the default (0)');
});

test(`login lockout after auth.max_failures and its release after auth.lock_minutes (${BACKEND})`, async () => {
  const auth = await privAdmin();
  const u = await privUser(auth);
  for (let i = 1; i < MAX_FAILURES; i++) assert.equal((await login(u.username, 'Wrong#2026')).status, 401, `failure ${i}`);
  // a success resets the count: MAX_FAILURES - 1 more failures do not lock
  assert.equal((await login(u.username, u.password)).status, 200);
  for (let i = 1; i < MAX_FAILURES; i++) assert.equal((await login(u.username, 'Wrong#2026')).status, 401);
  assert.equal((await login(u.username, u.password)).status, 200, 'not locked before the limit');
  const before = Date.now();
  for (let i = 1; i <= MAX_FAILURES; i++) assert.equal((await login(u.username, 'Wrong#2026')).status, 401, `failure ${i}`);
  const after = Date.now();
  let r = await login(u.username, u.password);
  assert.equal(r.status, 423, 'locked: even the right password is refused');
  assert.equal(r.body.error.rule, 'auth.locked');
  assert.match(r.body.error.message, new RegExp(`${LOCK_MINUTES} 分钟`));
  // the lock lasts auth.lock_minutes from the last failure
  const until = Date.parse(sql(priv.url, `SELECT locked_until FROM users WHERE id = ${u.id}`).trim());
  assert.ok(until >= before + LOCK_MINUTES * 60000 - 2000 && until <= after + LOCK_MINUTES * 60000 + 2000,
    `locked_until ${new Date(until).toISOString()} is ${LOCK_MINUTES} minutes on`);
  // moments before the lock ends it still holds; once the lock time has passed the right password works
  sql(priv.url, `UPDATE users SET locked_until = ${q(iso(Date.now() + 5000))} WHERE id = ${u.id}`);
  assert.equal((await login(u.username, u.password)).status, 423);
  sql(priv.url, `UPDATE users SET locked_until = ${q(iso(Date.now() - 1000))} WHERE id = ${u.id}`);
  r = await login(u.username, u.password);
  assert.equal(r.status, 200, 'released after the lock time: ' + r.text);
  // the count starts again from zero
  for (let i = 1; i < MAX_FAILURES; i++) assert.equal((await login(u.username, 'Wrong#2026')).status, 401);
  assert.equal((await login(u.username, u.password)).status, 200);
});

test(`sessions expire after auth.session_ttl_minutes idle and auth.session_max_hours in all (${BACKEND})`, async () => {
  const auth = await privAdmin();
  const u = await privUser(auth);
  const hash = (tok) => createHash('sha256').update(tok).digest('hex');
  const get = (headers) => call(srv.url, 'GET', '/api/v1/session', { headers });

  // idle: the session's end is TTL minutes on, slides with use, and is refused once passed
  let r = await login(u.username, u.password);
  const tok = r.body.token;
  const a = { Authorization: `Bearer ${tok}` };
  const exp = Date.parse(sql(priv.url, `SELECT expires_at FROM sessions WHERE token_hash = ${q(hash(tok))}`).trim());
  assert.ok(Math.abs(exp - (Date.now() + TTL_MINUTES * 60000)) < 5000, 'expires_at = now + auth.session_ttl_minutes');
  sql(priv.url, `UPDATE sessions SET expires_at = ${q(iso(Date.now() + 60000))} WHERE token_hash = ${q(hash(tok))}`);
  assert.equal((await get(a)).status, 200);
  const slid = Date.parse(sql(priv.url, `SELECT expires_at FROM sessions WHERE token_hash = ${q(hash(tok))}`).trim());
  assert.ok(slid > Date.now() + (TTL_MINUTES - 1) * 60000, 'use slides the idle expiry');
  sql(priv.url, `UPDATE sessions SET expires_at = ${q(iso(Date.now() - 1000))} WHERE token_hash = ${q(hash(tok))}`);
  r = await get(a);
  assert.equal(r.status, 401, 'idle too long');
  assert.equal(r.body.error.rule, 'auth.session');

  // absolute: a session in constant use still ends MAX_HOURS after the login
  const c = await cookieLogin(srv.url, u.username, u.password);
  const ch = { Cookie: c.cookie };
  assert.equal((await get(ch)).status, 200);
  sql(priv.url, `UPDATE sessions SET created_at = ${q(iso(Date.now() - MAX_HOURS * 3600000 + 60000))} WHERE token_hash = ${q(hash(c.token))}`);
  assert.equal((await get(ch)).status, 200, 'a minute before the absolute end');
  sql(priv.url, `UPDATE sessions SET created_at = ${q(iso(Date.now() - MAX_HOURS * 3600000 - 1000))} WHERE token_hash = ${q(hash(c.token))}`);
  r = await get(ch);
  assert.equal(r.status, 401, 'older than auth.session_max_hours, however recently used');
  assert.equal(r.body.error.rule, 'auth.session');
  // a bad setting stops start-up
  r = dj('serve', '--db', priv.url, '--key', privKey, '--set', 'auth.session_max_hours=0');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /auth\.session_max_hours/);
});

// ---------------------------------------------------------------- no PII in logs
test(`no plain ID number or phone in the server log or the audit table (${BACKEND})`, async () => {
  const auth = await privAdmin();
  const post = (path, body, headers = {}) => call(srv.url, 'POST', path, { headers: { ...auth, ...headers }, body });
  const ids = [];
  const phones = [];
  const pii = (m) => { ids.push(m.id_number); phones.push(m.phone); return m; };

  // a tree and a member
  const tag = uniq();
  let r = await post('/api/v1/orgs', { kind: 'dept', name: `县委组织部${tag}`, code: `S${tag}` });
  assert.equal(r.status, 201, r.text);
  r = await post('/api/v1/orgs', { kind: 'committee', name: `镇党委${tag}`, code: `S${tag}Z`, parent_id: r.body.id, can_approve: true, unit_kind: 'government' });
  assert.equal(r.status, 201, r.text);
  r = await post('/api/v1/orgs', { kind: 'branch', name: `村党支部${tag}`, code: `S${tag}B`, parent_id: r.body.id, unit_kind: 'village' });
  assert.equal(r.status, 201, r.text);
  const branch = r.body;
  const m = pii(memberBody(branch.id));
  r = await post('/api/v1/members', m);
  assert.equal(r.status, 201, r.text);
  const memberId = r.body.id;
  // a refused create (the same ID number again) and a bad one
  r = await post('/api/v1/members', memberBody(branch.id, { id_number: m.id_number, phone: m.phone }));
  assert.equal(r.status, 409, r.text);
  const badId = m.id_number.slice(0, 17) + (m.id_number[17] === '0' ? '1' : '0');
  ids.push(badId);
  r = await post('/api/v1/members', memberBody(branch.id, { id_number: badId }));
  assert.equal(r.status, 422, r.text);
  // an update of the phone (audited with before and after)
  r = await call(srv.url, 'GET', `/api/v1/members/${memberId}`, { headers: auth });
  const newPhone = '135' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
  phones.push(newPhone);
  r = await call(srv.url, 'PATCH', `/api/v1/members/${memberId}`, { headers: auth, body: { version: r.body.version, phone: newPhone } });
  assert.equal(r.status, 200, r.text);
  // reveals (audited)
  for (const field of ['id_number', 'phone']) {
    r = await post(`/api/v1/members/${memberId}/reveal`, { field });
    assert.equal(r.status, 200, r.text);
  }
  assert.equal(r.body.value, newPhone);
  // an import that succeeds and one that is refused (a bad row)
  const HEADER = '姓名,性别,公民身份号码,民族,学历,人员类别,所在党支部,入党日期,转为正式党员日期,联系电话';
  const row = (id, phone) => ['导入党员', '男', id, '汉族', '大学', '正式党员', branch.code, '2005-07-01', '2006-07-01', phone].join(',');
  const imp = [pii({ id_number: idNumber('1971-02-03', 1), phone: '137' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0') }),
    pii({ id_number: idNumber('1972-04-05', 1), phone: '138' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0') })];
  const csv = (lines) => [HEADER, ...lines].join('\r\n') + '\r\n';
  r = await call(srv.url, 'POST', '/api/v1/import/members', { headers: { ...auth, 'Content-Type': 'text/csv' }, body: csv(imp.map((x) => row(x.id_number, x.phone))) });
  assert.equal(r.status, 200, r.text);
  const refused = pii({ id_number: idNumber('1973-06-07', 2), phone: '136' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0') });
  r = await call(srv.url, 'POST', '/api/v1/import/members', { headers: { ...auth, 'Content-Type': 'text/csv' },
    body: csv([row(refused.id_number, refused.phone), row(imp[0].id_number, imp[0].phone)]) });
  assert.equal(r.status, 422, r.text);
  // an export with the numbers revealed (audited as one entry)
  r = await call(srv.url, 'GET', `/api/v1/members/export?format=csv&reveal=1&org=${branch.id}`, { headers: auth });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.text.includes(m.id_number), 'the revealed export carries the number: the scan below would see a leak');
  // searches by ID number and by phone, and an export filtered by one
  for (const v of [m.id_number, newPhone]) {
    r = await call(srv.url, 'GET', `/api/v1/members?q=${v}&org=${branch.id}`, { headers: auth });
    assert.equal(r.status, 200, r.text);
  }
  r = await call(srv.url, 'GET', `/api/v1/members/export?format=xlsx&reveal=1&q=${imp[1].id_number}`, { headers: auth });
  assert.equal(r.status, 200, r.text);
  // failed logins whose user names are an ID number and a phone
  for (const name of [m.id_number, newPhone, imp[0].id_number]) assert.equal((await login(name, 'Wrong#2026')).status, 401);

  const everything = JSON.stringify(dumpAll(priv.url));
  const leaks = [...ids, ...phones].filter((v) => everything.includes(v));
  assert.deepEqual(leaks, [], 'no table holds a plain ID number or phone (they are stored encrypted and hashed)');
  const audit = sql(priv.url, 'SELECT * FROM audit_log');
  assert.ok(audit.includes('reveal'), 'the reveals are in the audit table');
  await new Promise((res) => setTimeout(res, 200));
  const logs = [['private server log', srv.log()], ['audit table', audit]];
  for (const [what, text] of logs) {
    for (const v of [...ids, ...phones]) assert.ok(!text.includes(v), `${what} holds a plain ${v.length === 18 ? 'ID number' : 'phone'}`);
    assert.doesNotMatch(text, /(?<![0-9A-Fa-f])\d{17}[\dX](?![0-9A-Fa-f])/, `${what}: nothing shaped like an ID number`);
    assert.doesNotMatch(text, /(?<![0-9A-Fa-f])1[3-9]\d{9}(?![0-9A-Fa-f])/, `${what}: nothing shaped like a mobile number`);
  }
});

test('no plain ID number or phone in the test server\'s own log (tests/run.sh)', async () => {
  const m = memberBody((await makeTree(admin)).b1.id);
  const r = await admin.post('/api/v1/members', m);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal((await admin.post(`/api/v1/members/${r.body.id}/reveal`, { field: 'phone' })).body.value, m.phone);
  assert.equal((await raw('POST', '/api/v1/session', { username: m.id_number, password: 'Wrong#2026' })).status, 401);
  const log = process.env.DJ_SERVER_LOG || (KEY ? join(dirname(KEY), 'server.log') : '');
  if (!log || !existsSync(log)) return; // run outside tests/run.sh: the private server's log above is the proof
  const text = readFileSync(log, 'utf8');
  assert.ok(!text.includes(m.id_number), 'server log holds an ID number');
  assert.ok(!text.includes(m.phone), 'server log holds a phone');
});
