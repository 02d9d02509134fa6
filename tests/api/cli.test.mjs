// The command line: exit codes scripts rely on, init's key file, accounts, audit verify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = process.env.DJ_BIN || 'build/dangjian';
const dir = mkdtempSync(join(tmpdir(), 'djcli-'));
const db = join(dir, 'cli.db');
const url = `sqlite:${db}`;
const common = ['--db', url, '--set', 'auth.pwhash=min'];
const run = (...args) => spawnSync(BIN, args, { encoding: 'utf8', input: '' });

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('help and usage errors have stable exit codes', () => {
  let r = run('--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /usage: dangjian COMMAND/);
  for (const cmd of ['serve', 'init', 'demo', 'user', 'import', 'export', 'audit']) {
    r = run(cmd, '--help');
    assert.equal(r.status, 0, cmd);
    assert.match(r.stdout, /usage: dangjian/);
  }
  assert.equal(run('frobnicate').status, 2);
  assert.equal(run('serve', '--bogus').status, 2);
  r = run('serve', '--set', 'auth.max_failures=0');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /auth\.max_failures/);
  assert.equal(run('user').status, 2);
});

test('init creates the key file with mode 0600 and the admin account; a missing key is an environment error', () => {
  let r = run('init', ...common, '--admin-password', 'Admin#2026cli');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(statSync(`${db}.key`).mode & 0o777, 0o600);
  r = run('init', ...common);
  assert.equal(r.status, 0, 'init is idempotent');
  r = run('audit', 'verify', '--db', url, '--key', join(dir, 'missing.key'));
  assert.equal(r.status, 3);
});

test('user add, list and passwd', () => {
  let r = run('user', 'add', 'clerk1', '--role', 'sysadmin', '--password', 'Clerk#2026', ...common);
  assert.equal(r.status, 0, r.stderr);
  r = run('user', 'add', 'clerk1', '--role', 'sysadmin', '--password', 'Clerk#2026', ...common);
  assert.equal(r.status, 1, 'duplicate name is refused');
  r = run('user', 'add', 'weak', '--role', 'sysadmin', '--password', 'short', ...common);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /password/);
  r = run('user', 'list', ...common);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /clerk1/);
  assert.match(r.stdout, /admin/);
  r = run('user', 'passwd', 'clerk1', '--password', 'Clerk#2027', ...common);
  assert.equal(r.status, 0, r.stderr);
});

test('audit verify exits 1 and names the first edited entry', () => {
  let r = run('audit', 'verify', ...common);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /intact: \d+ entries/);
  const tamper = spawnSync('sqlite3', [db, "UPDATE audit_log SET actor = 'mallory' WHERE id = 2"], { encoding: 'utf8' });
  assert.equal(tamper.status, 0, tamper.stderr);
  r = run('audit', 'verify', ...common);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /entry 2\b/);
});
