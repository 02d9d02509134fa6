// Bad input never crashes the server, and docs/API.md lists every route of the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Client, raw, ADMIN } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);
const routes = [...readFileSync(new URL('../../src/http/routes.c', import.meta.url), 'utf8')
  .matchAll(/\{ "(GET|POST|PATCH|DELETE|PUT)", "([^"]+)"/g)].map((m) => [m[1], m[2]]);

test('the route table is documented in docs/API.md', () => {
  const doc = readFileSync(new URL('../../docs/API.md', import.meta.url), 'utf8');
  assert.ok(routes.length > 30);
  for (const [method, pattern] of routes) {
    const path = pattern.replaceAll(':id', '{id}');
    assert.ok(doc.includes(`${method} ${path}`), `${method} ${path} is missing from docs/API.md`);
  }
});

test('garbage bodies, paths and headers get 4xx, never a crash', async () => {
  const bodies = ['', 'null', '[]', '"x"', '{"a":', '{"name":"\\u0000x"}', '{"version":1e400}',
    '{"version":"1"}', '{"org_id":-1}', '{"org_id":99999999999999999999}', '[' .repeat(5000),
    '{"name":"' + 'é'.repeat(3000) + '"}', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])];
  for (const [method, pattern] of routes) {
    const path = pattern.replaceAll(':id', '1');
    for (const body of method === 'GET' || method === 'DELETE' ? [undefined] : bodies) {
      const r = await admin.req(method, path, body instanceof Buffer ? new Uint8Array(body) : body);
      assert.ok(r.status < 500, `${method} ${path} ${String(body).slice(0, 30)} → ${r.status}`);
    }
  }
  for (const path of ['/api/v1/members?page=-1', '/api/v1/members?per_page=abc', '/api/v1/members?org=1e9',
    '/api/v1/members?age_min=999', '/api/v1/members/0', '/api/v1/members/00000000000000000000001',
'/api/v1/members?q=' + '%E4'.repeat(40), '/api/v1/%00', '/api/v1/members/1/reveal/x']) {
    const r = await admin.get(path);
    assert.ok(r.status >= 400 && r.status < 500, `${path} → ${r.status}`);
  }
  const r = await raw('GET', '/api/v1/members', undefined, { Authorization: 'Bearer ' + 'A'.repeat(5000) });
  assert.equal(r.status, 401);
  const c = await raw('GET', '/api/v1/members', undefined, { Cookie: 'dj_session=' + '%'.repeat(300) });
  assert.equal(c.status, 401);
  assert.equal((await raw('GET', '/api/v1/health')).status, 200);
});
