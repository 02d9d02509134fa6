// One-time sign-in codes (docs/API.md "One-time sign-in codes"): issued by a secretary for a member of their branch
// only, signing in with {code} alone, single use, the login lockout counting wrong codes, setting a password after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, raw, makeTree, memberBody } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);
async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}
const t = await makeTree(admin);
const m1 = await created(await admin.post('/api/v1/members', memberBody(t.b1.id, { name: '孙登录' })), 'member 1');
const m2 = await created(await admin.post('/api/v1/members', memberBody(t.b2.id, { name: '周西村' })), 'member 2');
const m3 = await created(await admin.post('/api/v1/members', memberBody(t.b1.id, { name: '吴锁定' })), 'member 3');
const tag = t.tag.toLowerCase();
await created(await admin.post('/api/v1/users', { username: `cs${tag}`, password: 'Code#2026', role: 'secretary', org_id: t.b1.id }), 'secretary');
const sec1 = await Client.login(`cs${tag}`, 'Code#2026');
const codeLogin = (code) => raw('POST', '/api/v1/session', { code, bearer: true });

test('a secretary issues a code for a member of the branch only; it signs in once', async () => {
  let r = await sec1.post(`/api/v1/members/${m2.id}/signin-code`);
  assert.equal(r.status, 404, 'the sibling branch is not the secretary\'s');
  const issued = await created(await sec1.post(`/api/v1/members/${m1.id}/signin-code`), 'code');
  assert.match(issued.code, /^[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}$/);
  assert.equal(issued.account_created, true);
  r = await codeLogin(issued.code.toLowerCase().replaceAll('-', ' '));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.user.member_id, m1.id);
  assert.equal(r.body.user.role, 'member');
  const member = new Client(r.body.token);
  r = await member.get('/api/v1/me');
  assert.equal(r.body.id, m1.id);
  r = await codeLogin(issued.code);
  assert.equal(r.status, 401);
  assert.equal(r.body.error.rule, 'auth.code_used');
  // a member cannot issue codes
  r = await member.post(`/api/v1/members/${m1.id}/signin-code`);
  assert.equal(r.status, 403);
  // the code's session sets a password once, then it is an ordinary account
  r = await member.req('PUT', '/api/v1/me/password', { password: 'Mine#2026x' });
  assert.equal(r.status, 204, JSON.stringify(r.body));
  r = await member.req('PUT', '/api/v1/me/password', { password: 'Mine#2026y' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'current_password');
  const again = await Client.login(issued.username, 'Mine#2026x');
  assert.equal((await again.get('/api/v1/me')).body.id, m1.id);
  r = await raw('POST', '/api/v1/session', { code: issued.code, username: issued.username });
  assert.equal(r.status, 422, 'a code goes alone');
});

test('wrong codes lock the account like wrong passwords', async () => {
  const issued = await created(await sec1.post(`/api/v1/members/${m3.id}/signin-code`), 'code');
  const last = issued.code.at(-1);
  const wrong = issued.code.slice(0, -1) + (last === '2' ? '3' : '2');
  for (let k = 0; k < 5; k++) {
    const r = await codeLogin(wrong);
    assert.equal(r.status, 401);
    assert.equal(r.body.error.rule, 'auth.code');
  }
  const r = await codeLogin(issued.code);
  assert.equal(r.status, 423);
  assert.equal(r.body.error.rule, 'auth.locked');
  const bad = await codeLogin('ZZZZZ-ZZZZZ-ZZZZZ');
  assert.equal(bad.status, 401);
});
