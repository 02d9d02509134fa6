// Backup and restore (`dangjian backup FILE`, `dangjian restore FILE`) on the phase's backend:
// a demo county is backed up while its server runs, then changed; restore refuses a
// non-empty database without --force, leaves it untouched when the file is bad, and
// otherwise brings back every table row for row (and the schema, and PostgreSQL's
// sequence positions); the audit chain verifies afterwards, and a restore whose audit
// chain is broken says so with exit 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { BACKEND, call, dj, dumpAll, newDatabase, sql, startServer, tmp } from './dbtools.mjs';

const dir = tmp('djbackup-');
const key = join(dir, 'demo.key');
test.after(() => rmSync(dir, { recursive: true, force: true }));

function assertSameDump(actual, expected, what) {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${what}: the same tables`);
  for (const t of Object.keys(expected)) assert.deepEqual(actual[t], expected[t], `${what}: table ${t}`);
}

test(`backup while serving, change, restore: every table identical (${BACKEND})`, async () => {
  const a = newDatabase(dir, 'a');
  let r = dj('demo', '--db', a.url, '--key', key, '--members', '200', '--set', 'auth.pwhash=min');
  assert.equal(r.status, 0, r.stdout + r.stderr);

  // the server runs (and holds its connections) while the backup is taken
  const srv = await startServer(a.url, key);
  const bak = join(dir, 'a.bak');
  let original;
  try {
    const login = await call(srv.url, 'POST', '/api/v1/session', { body: { username: 'admin', password: 'Admin#2026', bearer: true } });
    assert.equal(login.status, 200, login.text);
    const auth = { Authorization: `Bearer ${login.body.token}` };
    original = dumpAll(a.url);
    const reads = Promise.all([...Array(20)].map(() => call(srv.url, 'GET', '/api/v1/members?per_page=50', { headers: auth })));
    r = dj('backup', bak, '--db', a.url);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /backup written/);
    for (const x of await reads) assert.equal(x.status, 200);
  } finally {
    assert.equal(await srv.stop(), 0, srv.log());
  }
  assert.equal(statSync(bak).mode & 0o777, 0o600, 'the backup is readable by its owner only');
  assert.ok(!existsSync(bak + '.partial'));
  assert.ok(original.members.length >= 200 && original.audit_log.length > 0 && original.users.length > 0);

  // change and delete data: an account, audited; names; sessions and a whole table's rows
  r = dj('user', 'add', 'after_backup', '--role', 'sysadmin', '--password', 'After#2026x', '--db', a.url, '--key', key, '--set', 'auth.pwhash=min');
  assert.equal(r.status, 0, r.stderr);
  sql(a.url, "UPDATE members SET name = name || '改' WHERE id IN (SELECT id FROM members ORDER BY id LIMIT 7)");
  sql(a.url, 'DELETE FROM sessions');
  sql(a.url, 'DELETE FROM notice_reads');
  const changed = dumpAll(a.url);
  assert.notDeepEqual(changed.members, original.members);
  assert.notDeepEqual(changed.users, original.users);

  // a database that holds tables is not overwritten without --force
  r = dj('restore', bak, '--db', a.url, '--key', key);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /not empty.*--force/);
  assertSameDump(dumpAll(a.url), changed, 'refused restore');

  // a bad backup file changes nothing
  const bad = join(dir, 'bad.bak');
  writeFileSync(bad, 'this is not a backup\n'.repeat(100));
  r = dj('restore', bad, '--db', a.url, '--key', key, '--force');
  assert.equal(r.status, 3, r.stdout + r.stderr);
  assertSameDump(dumpAll(a.url), changed, 'failed restore');
  r = dj('restore', join(dir, 'missing.bak'), '--db', a.url, '--key', key, '--force');
  assert.equal(r.status, 3);

  // --force restores; the migration check and audit verify run and pass
  r = dj('restore', bak, '--db', a.url, '--key', key, '--force');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /audit log intact: [1-9]\d* entries/);
  assertSameDump(dumpAll(a.url), original, 'restore --force');
  r = dj('audit', 'verify', '--db', a.url, '--key', key);
  assert.equal(r.status, 0, r.stdout + r.stderr);

  // an empty database takes the restore without --force
  const b = newDatabase(dir, 'b');
  r = dj('restore', bak, '--db', b.url, '--key', key);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assertSameDump(dumpAll(b.url), original, 'restore into an empty database');
  r = dj('audit', 'verify', '--db', b.url, '--key', key);
  assert.equal(r.status, 0, r.stdout + r.stderr);

  // the restored database is usable: the server starts, the admin logs in, the ids go on
  const srv2 = await startServer(b.url, key);
  try {
    const login = await call(srv2.url, 'POST', '/api/v1/session', { body: { username: 'admin', password: 'Admin#2026', bearer: true } });
    assert.equal(login.status, 200, login.text);
    const auth = { Authorization: `Bearer ${login.body.token}` };
    const list = await call(srv2.url, 'GET', '/api/v1/members?per_page=1', { headers: auth });
    assert.equal(list.status, 200);
    const id = list.body.items[0].id;
    const rev = await call(srv2.url, 'POST', `/api/v1/members/${id}/reveal`, { headers: auth, body: { field: 'id_number' } });
    assert.equal(rev.status, 200, 'the encrypted fields read with the same key: ' + rev.text);
    assert.match(rev.body.value, /^\d{17}[\dX]$/);
    const o = await call(srv2.url, 'POST', '/api/v1/orgs', { headers: auth, body: { kind: 'dept', name: '恢复后新建组织部', code: 'RESTORED1' } });
    assert.equal(o.status, 201, 'new rows get fresh ids after a restore: ' + o.text);
  } finally {
    assert.equal(await srv2.stop(), 0, srv2.log());
  }
});

test(`restore runs audit verify: a backup with an edited audit entry is reported (${BACKEND})`, () => {
  const c = newDatabase(dir, 'c');
  const ckey = join(dir, 'c.key');
  let r = dj('init', '--db', c.url, '--key', ckey, '--admin-password', 'Admin#2026c', '--set', 'auth.pwhash=min');
  assert.equal(r.status, 0, r.stderr);
  r = dj('user', 'add', 'clerk_c', '--role', 'sysadmin', '--password', 'Clerk#2026c', '--db', c.url, '--key', ckey, '--set', 'auth.pwhash=min');
  assert.equal(r.status, 0, r.stderr);
  if (BACKEND === 'postgres') sql(c.url, 'ALTER TABLE audit_log DISABLE TRIGGER USER');
  sql(c.url, "UPDATE audit_log SET actor = 'mallory' WHERE id = (SELECT max(id) FROM audit_log)");
  if (BACKEND === 'postgres') sql(c.url, 'ALTER TABLE audit_log ENABLE TRIGGER USER');
  const bak = join(dir, 'c.bak');
  r = dj('backup', bak, '--db', c.url);
  assert.equal(r.status, 0, r.stderr);
  const d = newDatabase(dir, 'd');
  copyFileSync(ckey, join(dir, 'd.key'));
  r = dj('restore', bak, '--db', d.url, '--key', join(dir, 'd.key'));
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /audit log BROKEN at entry/);
});

test('backup and restore: usage and environment errors', () => {
  assert.equal(dj('backup').status, 2);
  assert.equal(dj('restore').status, 2);
  for (const cmd of ['backup', 'restore']) {
    const r = dj(cmd, '--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, new RegExp(`usage: dangjian ${cmd} FILE`));
  }
  const e = newDatabase(dir, 'e');
  const r = dj('backup', join(dir, 'no', 'such', 'dir', 'x.bak'), '--db', e.url);
  assert.equal(r.status, 3, r.stdout + r.stderr);
});
