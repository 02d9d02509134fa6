// Slow clients (issue 8 "Proof"): a slowloris — many connections that send their request
// headers one byte at a time and never finish — cannot starve the others. Normal requests
// keep answering quickly while 200 such connections are open, and the server closes each
// of them once http.timeout_seconds have passed without the headers in full, although
// every one of them keeps sending (libmicrohttpd's own timeout counts only inactivity:
// src/http/conn_guard.c adds the header deadline). An idle keep-alive connection is closed
// after the same timeout, and http.per_ip_connections refuses connections over the limit
// from one address. Runs against private servers of ours with a 2-second timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BACKEND, call, dj, newDatabase, startServer, tmp } from './dbtools.mjs';

const dir = tmp('djslow-');
test.after(() => rmSync(dir, { recursive: true, force: true }));
const priv = newDatabase(dir, 'slow');
const privKey = join(dir, 'slow.key');
const PASS = 'Admin#2026slow';
{
  const r = dj('init', '--db', priv.url, '--key', privKey, '--admin-password', PASS, '--set', 'auth.pwhash=min');
  assert.equal(r.status, 0, r.stdout + r.stderr);
}
const TIMEOUT_S = 2;
const SLOW = 200;
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

// A raw connection: { sock, opened, closed (ms or null), data, done (a promise of the close) }
function open(url, onConnect) {
  const u = new URL(url);
  const c = { opened: 0, closed: null, data: '' };
  c.done = new Promise((resolve) => {
    c.sock = connect(Number(u.port), u.hostname);
    c.sock.on('connect', () => { c.opened = Date.now(); if (onConnect) onConnect(c); });
    c.sock.on('data', (d) => { c.data += d; });
    c.sock.on('error', () => { /* a reset or a write after the close: the close below counts */ });
    c.sock.on('close', () => { c.closed = Date.now(); clearInterval(c.timer); resolve(); });
  });
  return c;
}
const connected = (c) => new Promise((resolve) => {
  if (c.opened || c.closed) resolve();
  else { c.sock.once('connect', resolve); c.sock.once('close', resolve); }
});

// headers one byte a second: more often than the timeout, so inactivity alone never fires
function slowloris(url) {
  return open(url, (c) => {
    c.sock.write('GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    c.timer = setInterval(() => { if (!c.sock.destroyed) c.sock.write('a'); }, 1000);
  });
}

test(`200 slow clients: normal requests stay fast, the slow ones are closed after http.timeout_seconds (${BACKEND})`, async () => {
  const srv = await startServer(priv.url, privKey, [`http.timeout_seconds=${TIMEOUT_S}`, 'http.threads=2']);
  try {
    const login = await call(srv.url, 'POST', '/api/v1/session', { body: { username: 'admin', password: PASS, bearer: true } });
    assert.equal(login.status, 200, login.text);
    const auth = { Authorization: `Bearer ${login.body.token}` };

    const slow = [];
    for (let i = 0; i < SLOW; i++) slow.push(slowloris(srv.url));
    await Promise.all(slow.map(connected));
    assert.equal(slow.filter((c) => c.closed).length, 0, 'every slow connection was accepted');
    const start = Date.now();

    // an idle keep-alive connection after one full exchange
    const idle = open(srv.url, (c) => c.sock.write('GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));

    // normal traffic throughout the slow clients' life and past it
    let worst = 0;
    let n = 0;
    while (Date.now() - start < (TIMEOUT_S + 1) * 1000) {
      for (const [path, headers] of [['/api/v1/health', {}], ['/api/v1/members?per_page=20', auth], ['/api/v1/users', auth]]) {
        const t0 = Date.now();
        const r = await call(srv.url, 'GET', path, { headers });
        const ms = Date.now() - t0;
        assert.equal(r.status, 200, `${path}: ${r.text}`);
        worst = Math.max(worst, ms);
        n += 1;
      }
      await sleep(50);
    }
    assert.ok(n >= 20, `only ${n} normal requests ran`);
    assert.ok(worst < 1000, `a normal request took ${worst} ms with ${SLOW} slow clients open`);

    // every slow connection closed by the server: not before the timeout, and not long after it
    await Promise.race([Promise.all(slow.map((c) => c.done)), sleep((TIMEOUT_S + 4) * 1000)]);
    const open_ = slow.filter((c) => !c.closed).length;
    assert.equal(open_, 0, `${open_} of ${SLOW} slow connections still open ${TIMEOUT_S + 4} s after opening`);
    const lives = slow.map((c) => c.closed - c.opened);
    assert.ok(Math.min(...lives) >= TIMEOUT_S * 1000 - 300, `a slow connection was closed after ${Math.min(...lives)} ms, before the timeout`);
    assert.ok(Math.max(...lives) <= (TIMEOUT_S + 3) * 1000, `a slow connection lived ${Math.max(...lives)} ms`);
    assert.ok(slow.every((c) => c.data === ''), 'a slow connection got a reply');

    await Promise.race([idle.done, sleep((TIMEOUT_S + 4) * 1000)]);
    assert.match(idle.data, /^HTTP\/1\.1 200/, 'the keep-alive exchange was answered');
    assert.ok(idle.closed, 'the idle keep-alive connection is closed after the timeout');
    assert.ok(idle.closed - idle.opened >= TIMEOUT_S * 1000 - 300, 'not before the timeout');

    // and the server is as good as new
    assert.equal((await call(srv.url, 'GET', '/api/v1/users', { headers: auth })).status, 200);
  } finally {
    await srv.stop();
  }
});

test(`http.per_ip_connections refuses connections over the limit from one address (${BACKEND})`, async () => {
  const LIMIT = 4;
  const srv = await startServer(priv.url, privKey, [`http.per_ip_connections=${LIMIT}`, `http.timeout_seconds=${TIMEOUT_S}`]);
  try {
    // the start-up check's keep-alive connection (fetch's pool) counts too: let the timeout close it
    await sleep(TIMEOUT_S * 1000 + 800);
    const ask = (c) => c.sock.write('GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const held = [];
    for (let i = 0; i < LIMIT; i++) held.push(open(srv.url, ask));
    for (let i = 0; i < 100 && !held.every((c) => c.data || c.closed); i++) await sleep(20);
    assert.ok(held.every((c) => /^HTTP\/1\.1 200/.test(c.data) && !c.closed), 'the connections within the limit are served and kept');
    const extra = open(srv.url, ask);
    await Promise.race([extra.done, sleep(1000)]);
    assert.ok(extra.closed, 'the connection over the limit is closed at once');
    assert.equal(extra.data, '', 'and not served');
    assert.equal(held.filter((c) => c.closed).length, 0, 'the connections within the limit stay open');
    for (const c of held) c.sock.destroy();
    await Promise.all(held.map((c) => c.done));
    await sleep(200);
    assert.equal((await call(srv.url, 'GET', '/api/v1/health')).status, 200, 'served again once they are gone');
  } finally {
    await srv.stop();
  }
});
