// Direct database access and private servers for the proof tests (backup, security):
// a fresh database of the phase's backend, raw SQL through the sqlite3 / psql clients,
// an ordered dump of every table, and a `dangjian serve` of our own with its log.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = process.env.DJ_BIN || 'build/dangjian';
export const BACKEND = process.env.DJ_BACKEND || 'sqlite';
export const DB_URL = process.env.DJ_DB_URL || '';
export const KEY = process.env.DJ_KEY || '';

export const tmp = (prefix = 'djproof-') => mkdtempSync(join(tmpdir(), prefix));

// run the dangjian binary; never through a shell
export const dj = (...args) => spawnSync(BIN, args, { encoding: 'utf8', input: '', timeout: 300000 });

let seq = 0;
// A new empty database of the phase's backend: { url, name }
export function newDatabase(dir, tag) {
  seq += 1;
  const name = `proof_${tag}_${process.pid}_${seq}`;
  if (BACKEND !== 'postgres') return { url: `sqlite:${join(dir, name + '.db')}`, name };
  assert.ok(DB_URL.startsWith('postgres'), 'DJ_DB_URL must name the PostgreSQL test database');
  const r = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', DB_URL, '-c', `CREATE DATABASE ${name}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const u = new URL(DB_URL);
  u.pathname = '/' + name;
  return { url: u.toString(), name };
}

// Run SQL against a dangjian URL; returns stdout (rows one per line, columns '|'-separated)
export function sql(url, text) {
  const r = url.startsWith('sqlite:')
    ? spawnSync('sqlite3', ['-batch', url.slice(7), text], { encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', text], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, `${text}: ${r.stderr}`);
  return r.stdout;
}

// Every table's rows, each row as JSON, sorted; plus the schema objects and (PostgreSQL) sequence positions.
export function dumpAll(url) {
  const out = {};
  if (url.startsWith('sqlite:')) {
    const file = url.slice(7);
    out['#schema'] = sql(url, "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name");
    const tables = sql(url, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").split('\n').filter(Boolean);
    for (const t of tables) {
      const r = spawnSync('sqlite3', ['-json', file, `SELECT * FROM "${t}"`], { encoding: 'utf8', maxBuffer: 1 << 28 });
      assert.equal(r.status, 0, r.stderr);
      const rows = r.stdout.trim() ? JSON.parse(r.stdout) : [];
      out[t] = rows.map((row) => JSON.stringify(row)).sort();
    }
    return out;
  }
  out['#columns'] = sql(url, 'SELECT table_name, column_name, data_type, column_default FROM information_schema.columns ' +
    'WHERE table_schema = current_schema() ORDER BY 1, 2');
  out['#indexes'] = sql(url, 'SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1');
  out['#triggers'] = sql(url, 'SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2');
  out['#sequences'] = sql(url, 'SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema() ORDER BY 1');
  const tables = sql(url, 'SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1').split('\n').filter(Boolean);
  const script = tables.map((t) => `SELECT '#T ${t}'; SELECT row_to_json(x)::text FROM "${t}" x;`).join('\n');
  let current = null;
  for (const line of sql(url, script).split('\n')) {
    if (line.startsWith('#T ')) { current = line.slice(3); out[current] = []; continue; }
    if (line && current) out[current].push(line);
  }
  for (const t of tables) out[t] = (out[t] || []).sort();
  return out;
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// `dangjian serve` of our own: { url, log(), stop() }; its stdout and stderr are kept
export async function startServer(db, key, sets = []) {
  const port = await freePort();
  const dir = tmp('djsrv-');
  const args = ['serve', '--db', db, '--key', key, '--listen', `127.0.0.1:${port}`,
    '--set', `attach.dir=${join(dir, 'attachments')}`, '--set', 'auth.pwhash=min'];
  for (const s of sets) args.push('--set', s);
  const proc = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) break;
    try {
      const r = await fetch(url + '/api/v1/health');
      if (r.ok) break;
    } catch { /* not up yet */ }
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.equal(proc.exitCode, null, `private server exited: ${log}`);
  return {
    url,
    log: () => log,
    stop: () => new Promise((resolve) => {
      const done = (code) => { rmSync(dir, { recursive: true, force: true }); resolve(code); };
      if (proc.exitCode !== null) { done(proc.exitCode); return; }
      proc.on('exit', done);
      proc.kill('SIGTERM');
    }),
  };
}

// a request to any base URL: { status, body, headers, text }
export async function call(base, method, path, { body, headers = {} } = {}) {
  const init = { method, headers: { ...headers }, redirect: 'manual' };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    if (!init.headers['Content-Type']) init.headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(base + path, init);
  const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
  let parsed = null;
  if ((res.headers.get('content-type') || '').includes('json')) {
    try { parsed = JSON.parse(text); } catch { parsed = null; }
  }
  return { status: res.status, body: parsed, headers: res.headers, text };
}
