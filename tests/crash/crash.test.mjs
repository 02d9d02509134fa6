// Crash safety (issue 8 "Proof"): a server of our own is killed with SIGKILL at a random moment while
// concurrent writes and a member import are in flight, again and again. After every kill:
//   - the database opens cleanly (SQLite: PRAGMA integrity_check = ok) and `dangjian audit verify` exits 0;
//   - every acknowledged (2xx) write is there with its data: member creates and updates, meetings with their
//     attendance, dues payments with their months, org creates, imports;
//   - every import is all or nothing: its members are 0 or all of the file's rows, and its one `import`
//     audit entry exists exactly when they do;
//   - nothing committed without its audit entry, and every org's member counter matches its members.
// A SIGKILL proves process-crash safety (what a committed transaction survives when the process dies);
// it says nothing about power loss, which depends on fsync (SQLite: synchronous=NORMAL in WAL mode may lose
// the last transactions on power loss, never on a process kill).
// Environment (tests/run.sh phase crash): DJ_BIN, DJ_BACKEND (sqlite|postgres), DJ_CRASH_DB (an empty
// database URL), DJ_TMP (a scratch directory), DJ_CRASH_ITERATIONS (default 60 SQLite, 50 PostgreSQL);
// for debugging: DJ_CRASH_DEBUG=1 (a line per kill), DJ_CRASH_KILL_MS (a fixed kill delay).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = process.env.DJ_BIN || 'build/dangjian';
const BACKEND = process.env.DJ_BACKEND || 'sqlite';
const WORK = process.env.DJ_TMP || mkdtempSync(join(tmpdir(), 'djcrash-'));
const DB = process.env.DJ_CRASH_DB || `sqlite:${join(WORK, 'crash.db')}`;
const KEY = join(WORK, 'crash.key');
const ITER = Number(process.env.DJ_CRASH_ITERATIONS || (BACKEND === 'postgres' ? 50 : 60));
const PASS = 'Crash#2026pass';
const SQLITE_FILE = DB.startsWith('sqlite:') ? DB.slice(7) : null;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rnd = (n) => Math.floor(Math.random() * n);
const pick = (a) => a[rnd(a.length)];
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const cur = Number(today.slice(0, 4)) * 12 + Number(today.slice(5, 7)) - 1;
const ym = (d) => `${Math.floor((cur + d) / 12)}-${String(((cur + d) % 12) + 1).padStart(2, '0')}`;

// ---- valid, never repeated ID numbers (GB 11643-1999), all male ----
function idCheck(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(first17[i]) * w[i];
  return '10X98765432'[s % 11];
}
let idSeq = 0;
function idNumber() {
  const n = idSeq++;
  const birth = new Date(Date.UTC(1950, 0, 1) + Math.floor(n / 500) * 86400e3).toISOString().slice(0, 10).replaceAll('-', '');
  const body = '110105' + birth + String((n % 500) * 2 + 1).padStart(3, '0');
  return body + idCheck(body);
}
const phone = () => '139' + String(rnd(1e8)).padStart(8, '0');

// ---- SQL through the sqlite3 / psql clients (the server may be dead) ----
// runChecks([[query, fn(rows)], …]): every query in one client call (rows one per line, columns '|'-separated),
// then each fn with its rows, in order
const MARK = '#--next--#';
function runChecks(list) {
  const script = list.map(([q]) => `${q};\nSELECT '${MARK}';\n`).join('');
  const r = SQLITE_FILE
    ? spawnSync('sqlite3', ['-batch', SQLITE_FILE], { input: script, encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', DB, '-f', '-'], { input: script, encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, `${script}: ${r.stderr}`);
  assert.equal(r.stderr, '', r.stderr);
  const parts = [[]];
  for (const line of r.stdout.split('\n')) {
    if (line === MARK) parts.push([]);
    else if (line) parts[parts.length - 1].push(line.split('|'));
  }
  assert.equal(parts.length, list.length + 1, r.stdout);
  list.forEach(([, fn], i) => fn(parts[i]));
}
const inList = (ids) => (ids.length ? ids.join(',') : '0');

// ---- our own server ----
async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}
let server = null; // { proc, url, log }
async function start() {
  const port = await freePort();
  const proc = spawn(BIN, ['serve', '--db', DB, '--key', KEY, '--listen', `127.0.0.1:${port}`,
    '--set', `attach.dir=${join(WORK, 'attachments')}`, '--set', 'auth.pwhash=min'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const s = { proc, url: `http://127.0.0.1:${port}`, log: '', exited: new Promise((r) => proc.on('exit', r)) };
  proc.stdout.on('data', (d) => { s.log += d; });
  proc.stderr.on('data', (d) => { s.log += d; });
  for (let i = 0; i < 600; i++) {
    if (proc.exitCode !== null) break;
    try {
      if ((await fetch(s.url + '/api/v1/health')).ok) { server = s; return; }
    } catch { /* not up yet */ }
    await sleep(25);
  }
  proc.kill('SIGKILL');
  assert.fail(`the server did not come up after a kill: ${s.log}`);
}
async function kill() {
  server.proc.kill('SIGKILL');
  await server.exited;
  const { log } = server;
  server = null;
  assert.doesNotMatch(log, /==[0-9]+==(ERROR|WARNING): [A-Za-z]*Sanitizer|runtime error:/, 'a sanitizer report in the server log');
}

let token = null;
// one request; { status, body } — status 0 when the connection failed (the server was killed)
async function req(method, path, body, type) {
  if (!server) return { status: 0, body: null };
  const headers = { Authorization: `Bearer ${token}` };
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = type || 'application/json';
    init.body = type ? body : JSON.stringify(body);
  }
  try {
    const res = await fetch(server.url + path, init);
    const text = await res.text();
    let parsed = null;
    try { parsed = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, body: parsed };
  } catch {
    return { status: 0, body: null };
  }
}
async function ok(r, what, status = 201) {
  const x = await r;
  assert.equal(x.status, status, `${what}: ${JSON.stringify(x.body)}`);
  return x.body;
}

// ---- what was acknowledged (and what was only sent) ----
const acked = { orgs: [], members: [], meetings: [], payments: [] };
const imports = [];          // { branch, prefix, rows, sha, acked, sent }
const chains = new Map();    // member id -> { address, version } last verified state
const stats = { writes: 0, acked: 0, importsAcked: 0, importsApplied: 0, importsUnackedApplied: 0, importsAbsent: 0, importsInFlight: 0, importMs: [] };

test(`SIGKILL during writes and imports, ${ITER} times (${BACKEND})`, { timeout: 900000 }, async () => {
  try {
    await crashLoop();
  } finally {
    // a failed check leaves no server behind (it would keep the test process alive)
    if (server) await kill().catch(() => {});
  }
});

async function crashLoop() {
  mkdirSync(WORK, { recursive: true });
  const init = spawnSync(BIN, ['init', '--db', DB, '--key', KEY, '--admin-password', PASS, '--set', 'auth.pwhash=min'], { encoding: 'utf8' });
  assert.equal(init.status, 0, init.stdout + init.stderr);
  await start();
  const login = await fetch(server.url + '/api/v1/session', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASS, bearer: true }) });
  assert.equal(login.status, 200);
  token = (await login.json()).token;

  // the fixed part: a committee with a meeting branch (6 members), a dues branch (30 members with bases)
  // and a branch for new members
  const org = (body) => ok(req('POST', '/api/v1/orgs', body), 'org');
  const dept = await org({ kind: 'dept', name: '崩溃测试组织部', code: 'CR' });
  const town = await org({ kind: 'committee', name: '崩溃测试镇党委', code: 'CRZ', parent_id: dept.id, can_approve: true, unit_kind: 'government' });
  const branch = (code, name) => org({ kind: 'branch', name, code, parent_id: town.id, unit_kind: 'village' });
  const bMeet = await branch('CRM', '会议党支部');
  const bDues = await branch('CRD', '党费党支部');
  const bNew = await branch('CRN', '新增党支部');
  const memberBody = (orgId, name) => ({ org_id: orgId, name, id_number: idNumber(), ethnicity: '01', education: '21',
    category: 'full', join_date: '1995-07-01', full_date: '1996-07-01', person_type: 'farmer', phone: phone(), address: `${name}住址` });
  const meetPool = [];
  for (let i = 0; i < 6; i++) meetPool.push((await ok(req('POST', '/api/v1/members', memberBody(bMeet.id, `会议${i}`)), 'member')).id);
  const duesFree = []; // [member id, month offset] never sent
  const updPool = [];
  for (let i = 0; i < 40; i++) {
    const m = await ok(req('POST', '/api/v1/members', memberBody(bDues.id, `交费${i}`)), 'member');
    await ok(req('POST', `/api/v1/members/${m.id}/dues/bases`, { kind: 'farmer', from_month: ym(-6) }), 'base');
    for (let d = -5; d <= 11; d++) duesFree.push([m.id, d]);
    updPool.push(m.id);
    chains.set(m.id, { address: m.address, version: m.version });
  }
  // an import of 200-400 members into a branch of its own (acknowledged before the burst), names distinctive
  async function makeImport(it) {
    const ib = await ok(req('POST', '/api/v1/orgs', { kind: 'branch', name: `导入党支部${it}`, code: `CRI${it}`, parent_id: town.id, unit_kind: 'village' }), 'import branch');
    acked.orgs.push(ib.id);
    const prefix = `导${it}号`;
    const nrows = 200 + rnd(201);
    const lines = ['姓名,性别,公民身份号码,民族,学历,人员类别,所在党支部,入党日期,转为正式党员日期,联系电话'];
    for (let k = 0; k < nrows; k++) lines.push([`${prefix}${k}`, '男', idNumber(), '汉族', '大学', '正式党员', `CRI${it}`, '2005-07-01', '2006-07-01', phone()].join(','));
    const file = lines.join('\r\n') + '\r\n';
    const imp = { branch: ib.id, prefix, rows: nrows, sha: createHash('sha256').update(file).digest('hex'), acked: false, file };
    imports.push(imp);
    return imp;
  }
  // one import without a kill: how long an import takes on this backend and machine
  const warm = await makeImport(0);
  let importEst = Date.now();
  assert.equal((await ok(req('POST', '/api/v1/import/members', warm.file, 'text/csv'), 'warm-up import', 200)).imported, warm.rows);
  importEst = Date.now() - importEst;
  warm.acked = true;
  const t0 = Date.now();
  let newSeq = 0;

  for (let it = 1; it <= ITER; it++) {
    const sent = { updates: [] };
    const imp = await makeImport(it);
    const { file, prefix, rows: nrows } = imp;

    const ops = [];
    // When to kill: odd iterations at a random moment 0-300 ms into the burst, the import starting at a
    // random moment before that; even iterations with the import sent first and the kill at 50-200 % of
    // the time an import takes here (on PostgreSQL an import outlasts 300 ms: this is what lands kills
    // around its commit). The other writers keep writing until the kill, so every kill lands among
    // writes in flight.
    const odd = it % 2 === 1;
    const delay = process.env.DJ_CRASH_KILL_MS ? Number(process.env.DJ_CRASH_KILL_MS) : odd ? rnd(301) : Math.round(importEst * (0.5 + 1.5 * Math.random()));
    let alive = true;
    ops.push((async () => {
      if (odd) await sleep(rnd(delay + 1));
      const t = Date.now();
      imp.sent = alive;
      const r = await req('POST', '/api/v1/import/members', file, 'text/csv');
      if (r.status === 200) {
        imp.acked = true;
        stats.importMs.push(Date.now() - t);
        importEst = Math.round((importEst * 3 + Date.now() - t) / 4);
        assert.equal(r.body.imported, nrows);
      }
      else assert.ok(r.status === 0, `import refused: ${r.status} ${JSON.stringify(r.body)}`);
    })());
    // member creates
    for (let w = 0; w < 2; w++) ops.push((async () => {
      for (let k = 0; alive && k < 20; k++) {
        const name = `新${it}x${newSeq++}`;
        const body = memberBody(bNew.id, name);
        body.address = `${name}地址${rnd(1000)}`;
        stats.writes++;
        const r = await req('POST', '/api/v1/members', body);
        if (r.status !== 201) { assert.equal(r.status, 0, JSON.stringify(r.body)); return; }
        acked.members.push({ id: r.body.id, name, org: bNew.id, address: body.address });
        stats.acked++;
      }
    })());
    // chains of updates of one member each
    const chainIds = [...updPool].sort(() => Math.random() - 0.5).slice(0, 2 + rnd(3));
    for (const id of chainIds) ops.push((async () => {
      const c = { id, values: [], ackedIdx: -1, versions: [] };
      sent.updates.push(c);
      let version = chains.get(id).version;
      for (let k = 0; alive && k < 10; k++) {
        const address = `改${it}-${k}-${rnd(1e6)}`;
        c.values.push(address);
        stats.writes++;
        const r = await req('PATCH', `/api/v1/members/${id}`, { version, address });
        if (r.status !== 200) { assert.equal(r.status, 0, JSON.stringify(r.body)); return; }
        stats.acked++;
        assert.equal(r.body.address, address);
        version = r.body.version;
        c.ackedIdx = k;
        c.versions[k] = version;
      }
    })());
    // meetings with attendance
    for (let k = 0; k < 6; k++) ops.push((async () => {
      await sleep(rnd(delay + 1));
      const topic = `会${it}-${k}-${rnd(1e6)}`;
      const attendance = meetPool.map((m) => {
        const status = pick(['present', 'present', 'leave', 'absent']);
        return status === 'leave' ? { member_id: m, status, reason: '外出务工' } : { member_id: m, status };
      });
      const r = await req('POST', '/api/v1/meetings', { org_id: bMeet.id, kind: 'theme_day', held_on: today, start_time: '09:00',
        end_time: '10:30', place: '村部', topic, attendance });
      stats.writes++;
      if (r.status === 201) { stats.acked++; acked.meetings.push({ id: r.body.id, topic, attendance: attendance.map((a) => `${a.member_id}:${a.status}`).sort() }); }
      else assert.equal(r.status, 0, JSON.stringify(r.body));
    })());
    // dues payments, each member-month sent once only
    for (let k = 0; k < 6 && duesFree.length; k++) {
      const [member, d] = duesFree.splice(rnd(duesFree.length), 1)[0];
      ops.push((async () => {
        await sleep(rnd(delay + 1));
        stats.writes++;
        const r = await req('POST', '/api/v1/dues/payments', { member_id: member, kind: 'regular', first_month: ym(d), paid_on: today, method: 'cash' });
        if (r.status === 201) { stats.acked++; acked.payments.push({ id: r.body.id, member, month: ym(d), amount: r.body.amount_fen }); }
        else assert.equal(r.status, 0, JSON.stringify(r.body));
      })());
    }
    stats.writes++;

    // kill at a random moment 0-300 ms into the burst; every request then settles (refused or answered)
    await sleep(delay);
    alive = false;
    await kill();
    const results = await Promise.allSettled(ops);
    for (const x of results) if (x.status === 'rejected') throw x.reason;
    if (imp.acked) stats.acked++;

    const tk = Date.now();
    // ---- with the server dead: the audit chain is intact ----
    const av = spawnSync(BIN, ['audit', 'verify', '--db', DB, '--key', KEY], { encoding: 'utf8' });
    assert.equal(av.status, 0, `iteration ${it}: audit verify: ${av.stdout}${av.stderr}`);

    // every check below runs in one sqlite3 / psql call
    const checks = [];
    const check = (query, fn) => checks.push([query, fn]);
    // ---- SQLite: the file is sound ----
    if (SQLITE_FILE) check('PRAGMA integrity_check', (rows) => assert.deepEqual(rows, [['ok']], `iteration ${it}: integrity_check`));
    // ---- this iteration's updates: the last acknowledged value, or a later one that was only sent ----
    check(`SELECT id, address, version FROM members WHERE id IN (${inList(sent.updates.map((c) => c.id))})`, (rs) => {
      const rows = new Map(rs.map(([id, address, version]) => [Number(id), { address, version: Number(version) }]));
      for (const c of sent.updates) {
        const got = rows.get(c.id);
        const prev = chains.get(c.id);
        const allowed = c.ackedIdx >= 0 ? c.values.slice(c.ackedIdx) : [prev.address, ...c.values];
        assert.ok(allowed.includes(got.address), `iteration ${it}: member ${c.id} address ${got.address}, expected one of ${allowed}`);
        const idx = c.values.indexOf(got.address);
        assert.equal(got.version, idx < 0 ? prev.version : prev.version + idx + 1, `iteration ${it}: member ${c.id} version`);
        chains.set(c.id, got);
      }
    });
    // ---- the import: all or nothing ----
    check(`SELECT (SELECT count(*) FROM members WHERE org_id = ${imp.branch}), (SELECT count(*) FROM members WHERE name LIKE '${prefix}%'), ` +
      `(SELECT count(*) FROM audit_log WHERE action = 'import' AND after_json LIKE '%${imp.sha}%'), ` +
      `(SELECT direct_members FROM orgs WHERE id = ${imp.branch})`, ([[n, named, audited, counter]]) => {
      n = Number(n);
      assert.equal(Number(named), n, `iteration ${it}: import members by name and by branch`);
      assert.ok(n === 0 || n === nrows, `iteration ${it}: half an import: ${n} of ${nrows} rows`);
      if (imp.acked) assert.equal(n, nrows, `iteration ${it}: an acknowledged import is missing`);
      assert.equal(Number(audited), n ? 1 : 0, `iteration ${it}: the import's audit entry (${n} rows applied)`);
      assert.equal(Number(counter), n, `iteration ${it}: the branch's member counter`);
      imp.applied = n > 0;
    });
    // ---- every acknowledged write so far, and no write without its audit entry ----
    verifyAll(check, `iteration ${it}`);
    const tv = Date.now();
    runChecks(checks);
    if (imp.acked) stats.importsAcked++;
    if (imp.applied) stats.importsApplied++;
    if (imp.applied && !imp.acked) stats.importsUnackedApplied++;
    if (!imp.applied) stats.importsAbsent++;
    if (imp.sent && !imp.acked) stats.importsInFlight++;
    if (process.env.DJ_CRASH_DEBUG) console.log(`# ${it}: kill at ${delay} ms, import estimate ${importEst} ms, sent ${!!imp.sent} acked ${imp.acked} applied ${imp.applied}`);
    if (!odd && imp.sent && !imp.acked) importEst = Math.round(importEst * 1.15); // aim at about half acknowledged
    const ta = Date.now();
    await start();
    if (process.env.DJ_CRASH_DEBUG) console.log(`# ${it}: checks ${tv - tk} ms, verifyAll ${ta - tv} ms, restart ${Date.now() - ta} ms`);
  }
  const loopMs = Date.now() - t0;
  // a last clean stop: the server still shuts down normally on the survived database
  server.proc.kill('SIGTERM');
  const code = await server.exited;
  server = null;
  assert.ok(code === 0 || code === null, `shutdown status ${code}`);
  const last = [];
  verifyAll((q, fn) => last.push([q, fn]), 'after the last restart');
  runChecks(last);
  const av = spawnSync(BIN, ['audit', 'verify', '--db', DB, '--key', KEY], { encoding: 'utf8' });
  assert.equal(av.status, 0, av.stdout + av.stderr);
  console.log(`# crash ${BACKEND}: ${ITER} kills in ${(loopMs / 1000).toFixed(1)} s; ${stats.writes} writes sent, ${stats.acked} acknowledged; ` +
    `imports: ${stats.importsAcked} acknowledged, ${stats.importsInFlight} in flight at the kill, ${stats.importsApplied} applied (${stats.importsUnackedApplied} of them committed ` +
    `just before the kill, unacknowledged), ${stats.importsAbsent} absent; an import took ` +
    `${stats.importMs.length ? `${Math.min(...stats.importMs)}-${Math.max(...stats.importMs)}` : '-'} ms; ${av.stdout.trim()}`);
}

function verifyAll(check, where) {
  check(`SELECT id FROM orgs WHERE id IN (${inList(acked.orgs)})`, (rs) => {
    const orgs = new Set(rs.map(([id]) => Number(id)));
    for (const id of acked.orgs) assert.ok(orgs.has(id), `${where}: acknowledged org ${id} missing`);
  });
  check(`SELECT id, name, org_id, address FROM members WHERE id IN (${inList(acked.members.map((m) => m.id))})`, (rs) => {
    const members = new Map(rs.map(([id, name, org, address]) => [Number(id), { name, org: Number(org), address }]));
    for (const m of acked.members) {
      assert.deepEqual(members.get(m.id), { name: m.name, org: m.org, address: m.address }, `${where}: acknowledged member ${m.id}`);
    }
  });
  const ids = acked.meetings.map((m) => m.id);
  const topics = new Map();
  check(`SELECT id, topic FROM meetings WHERE id IN (${inList(ids)})`, (rs) => { for (const [id, t] of rs) topics.set(Number(id), t); });
  check(`SELECT meeting_id, member_id, status FROM meeting_attendance WHERE meeting_id IN (${inList(ids)})`, (rs) => {
    const att = new Map();
    for (const [mid, member, status] of rs) {
      if (!att.has(Number(mid))) att.set(Number(mid), []);
      att.get(Number(mid)).push(`${member}:${status}`);
    }
    for (const m of acked.meetings) {
      assert.equal(topics.get(m.id), m.topic, `${where}: acknowledged meeting ${m.id}`);
      assert.deepEqual((att.get(m.id) || []).sort(), m.attendance, `${where}: meeting ${m.id} attendance`);
    }
  });
  check(`SELECT p.id, p.member_id, p.first_month, p.amount_fen, d.payment_id FROM dues_payments p ` +
    `LEFT JOIN dues_months d ON d.member_id = p.member_id AND d.month = p.first_month WHERE p.id IN (${inList(acked.payments.map((p) => p.id))})`, (rs) => {
    const pays = new Map(rs.map(([id, member, month, amount, pid]) => [Number(id), { member: Number(member), month, amount: Number(amount), pid: Number(pid) }]));
    for (const p of acked.payments) {
      assert.deepEqual(pays.get(p.id), { member: p.member, month: p.month, amount: p.amount, pid: p.id }, `${where}: acknowledged payment ${p.id}`);
    }
  });
  const done = imports.filter((imp) => imp.acked);
  check(`SELECT org_id, count(*) FROM members WHERE org_id IN (${inList(done.map((imp) => imp.branch))}) GROUP BY org_id`, (rs) => {
    const n = new Map(rs.map(([org, c]) => [Number(org), Number(c)]));
    for (const imp of done) assert.equal(n.get(imp.branch), imp.rows, `${where}: acknowledged import into ${imp.branch}`);
  });
  // committed rows (acknowledged or not) all carry their audit entry; counters match the members
  check("SELECT (SELECT count(*) FROM meetings x WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'meeting' AND a.entity_id = x.id AND a.action = 'create'))" +
    " + (SELECT count(*) FROM dues_payments x WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'dues_payment' AND a.entity_id = x.id AND a.action = 'create'))" +
    " + (SELECT count(*) FROM orgs x WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'org' AND a.entity_id = x.id AND a.action = 'create'))" +
    " + (SELECT count(*) FROM members x WHERE x.name NOT LIKE '导%' AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'member' AND a.entity_id = x.id AND a.action = 'create'))",
  ([[noAudit]]) => assert.equal(Number(noAudit), 0, `${where}: committed rows without their audit entry`));
  check("SELECT o.id, o.direct_members, (SELECT count(*) FROM members m WHERE m.org_id = o.id AND m.state IN ('active', 'transferring')) AS n " +
    'FROM orgs o', (rs) => assert.deepEqual(rs.filter(([, a, b]) => a !== b), [], `${where}: org member counters`));
  // updates: whatever last verified state of each chained member is still there (no later write lost)
  check(`SELECT id, address, version FROM members WHERE id IN (${inList([...chains.keys()])})`, (rs) => {
    const rows = new Map(rs.map(([id, address, version]) => [Number(id), { address, version: Number(version) }]));
    for (const [id, st] of chains) assert.deepEqual(rows.get(id), st, `${where}: member ${id} after its updates`);
  });
}
