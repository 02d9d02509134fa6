// 党务公开栏 (docs/API.md "Public board"): the public routes need no session and answer 404 to a wrong, old or
// disabled key; a member's photo only for a member on that board; the settings only for the branch's secretary
// or an admin over it; the board never carries ID numbers, phones, their masks or addresses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { Client, ADMIN, raw, makeTree, memberBody } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);

async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}

// a tiny valid PNG (w × h, one colour)
function png(w = 8, h = 10) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3, 0xc8)]);
  const rawData = Buffer.concat(Array.from({ length: h }, () => row));
  return new Uint8Array(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rawData)), chunk('IEND', Buffer.alloc(0))]));
}

const t = await makeTree(admin);
const other = await makeTree(admin);
const body1 = memberBody(t.b1.id, { name: '张公开', address: '东村五组八号' });
const m1 = await created(await admin.post('/api/v1/members', body1), 'member');
const m2 = await created(await admin.post('/api/v1/members', memberBody(t.b2.id, { name: '李西村' })), 'member');
const m1Full = (await admin.get(`/api/v1/members/${m1.id}`)).body;
const tag = t.tag.toLowerCase();
async function account(username, role, orgId, memberId) {
  const body = { username, password: 'Board#2026', role, org_id: orgId };
  if (memberId) body.member_id = memberId;
  await created(await admin.post('/api/v1/users', body), `user ${username}`);
  return Client.login(username, 'Board#2026');
}
const sec1 = await account(`bs1${tag}`, 'secretary', t.b1.id);
const sec2 = await account(`bs2${tag}`, 'secretary', t.b2.id);
const mem1 = await account(`bm1${tag}`, 'member', t.b1.id, m1.id);
const otherTown = await account(`bo${tag}`, 'org_admin', other.town.id);

const pub = (path) => raw('GET', path); // no Authorization, no cookie
let key;

test('settings: only the branch secretary or an admin over it; a first save makes the key', async () => {
  let r = await sec1.get(`/api/v1/orgs/${t.b1.id}/board`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.version, 0);
  assert.equal(r.body.key, null);
  assert.equal(r.body.enabled, false);
  assert.equal((await sec2.get(`/api/v1/orgs/${t.b1.id}/board`)).status, 404);
  assert.equal((await otherTown.get(`/api/v1/orgs/${t.b1.id}/board`)).status, 404);
  assert.equal((await otherTown.req('PUT', `/api/v1/orgs/${t.b1.id}/board`, { version: 0, enabled: true })).status, 404);
  assert.equal((await mem1.get(`/api/v1/orgs/${t.b1.id}/board`)).status, 403);
  r = await admin.get(`/api/v1/orgs/${t.town.id}/board`);
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'board.branch');
  r = await sec1.req('PUT', `/api/v1/orgs/${t.b1.id}/board`, { version: 0, enabled: true, colour: 'red' });
  assert.equal(r.status, 400);
  r = await sec1.req('PUT', `/api/v1/orgs/${t.b1.id}/board`, { version: 0, notice: 'x'.repeat(501) });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'board.notice');
  r = await sec1.req('PUT', `/api/v1/orgs/${t.b1.id}/board`, { version: 0, enabled: true, notice: '欢迎监督\n第二行' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.version, 1);
  assert.equal(r.body.enabled, true);
  assert.match(r.body.key, /^[A-Za-z0-9_-]{20,}$/);
  assert.ok(r.body.url.endsWith(`/#/board?key=${r.body.key}`), r.body.url);
  key = r.body.key;
  const qr = await sec1.get(`/api/v1/orgs/${t.b1.id}/board/qr`);
  assert.equal(qr.status, 200);
  assert.equal(qr.headers.get('content-type'), 'image/png');
  assert.deepEqual([...qr.body.slice(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  assert.equal((await sec2.get(`/api/v1/orgs/${t.b1.id}/board/qr`)).status, 404);
  assert.equal((await sec2.get(`/api/v1/orgs/${t.b2.id}/board/qr`)).status, 404, 'no board yet');
  r = await sec1.req('PUT', `/api/v1/orgs/${t.b1.id}/board`, { version: 0, enabled: false });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'store.stale');
  // the key is the credential: it does not go into the audit log
  const audit = await admin.get(`/api/v1/audit?entity=board&entity_id=${t.b1.id}`);
  if (audit.status === 200) assert.ok(!JSON.stringify(audit.body).includes(key));
});

test('the public board needs no session; a wrong key is 404', async () => {
  let r = await pub(`/api/v1/public/board?key=${key}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.org.name, t.b1.name);
  assert.equal(r.body.notice, '欢迎监督\n第二行');
  assert.deepEqual(r.body.members.map((m) => m.name), ['张公开']);
  assert.equal(r.body.members[0].dues.length, 12);
  assert.equal(r.body.plan.length, 12);
  const text = JSON.stringify(r.body);
  const secrets = [body1.id_number, body1.phone, m1Full.id_number, m1Full.phone, '东村五组八号', m1Full.birth_date,
    body1.id_number.slice(-4), body1.phone.slice(-4)];
  for (const secret of secrets) assert.ok(!text.includes(secret), `the board holds ${secret}`);
  assert.ok(!/\d{6}\*{8}/.test(text), 'no ID mask');
  assert.equal((await pub('/api/v1/public/board?key=WrongKeyWrongKeyWrongKey')).status, 404);
  assert.equal((await pub('/api/v1/public/board')).status, 404);
  assert.equal((await pub(`/api/v1/public/board?key=${t.b1.id}`)).status, 404);
  r = await pub(`/api/v1/public/board/pdf?key=${key}`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/pdf/);
  assert.equal(Buffer.from(r.body.slice(0, 5)).toString('latin1'), '%PDF-');
  for (const secret of [body1.id_number, body1.phone, m1Full.id_number, m1Full.phone]) {
    assert.ok(!Buffer.from(r.body).includes(Buffer.from(secret)), `the PDF holds ${secret}`);
  }
  assert.equal((await pub('/api/v1/public/board/pdf?key=WrongKeyWrongKeyWrongKey')).status, 404);
});

test('photos: uploaded by the member\'s manager, public only for a member of that board', async () => {
  const image = png();
  let r = await sec1.req('PUT', `/api/v1/members/${m1.id}/photo`, image, { 'Content-Type': 'image/png' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.mime, 'image/png');
  r = await sec1.req('PUT', `/api/v1/members/${m1.id}/photo`, new TextEncoder().encode('not an image'), { 'Content-Type': 'image/png' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'photo.type');
  assert.equal((await sec2.req('PUT', `/api/v1/members/${m1.id}/photo`, image, { 'Content-Type': 'image/png' })).status, 404);
  r = await sec2.req('PUT', `/api/v1/members/${m2.id}/photo`, image, { 'Content-Type': 'image/png' });
  assert.equal(r.status, 200);
  r = await sec1.get(`/api/v1/members/${m1.id}/photo`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'image/png');

  r = await pub(`/api/v1/public/board/photo?key=${key}&member_id=${m1.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'image/png');
  assert.deepEqual(new Uint8Array(r.body), image);
  // a member of another branch has a photo, but is not on this board
  assert.equal((await pub(`/api/v1/public/board/photo?key=${key}&member_id=${m2.id}`)).status, 404);
  assert.equal((await pub(`/api/v1/public/board/photo?key=WrongKeyWrongKeyWrongKey&member_id=${m1.id}`)).status, 404);
  r = await pub(`/api/v1/public/board?key=${key}`);
  assert.equal(r.body.members[0].photo, true);
  r = await pub(`/api/v1/public/board/pdf?key=${key}`);
  assert.equal(r.status, 200);

  r = await sec1.del(`/api/v1/members/${m1.id}/photo`);
  assert.equal(r.status, 200);
  assert.equal((await pub(`/api/v1/public/board/photo?key=${key}&member_id=${m1.id}`)).status, 404);
  assert.equal((await sec1.del(`/api/v1/members/${m1.id}/photo`)).status, 404);
});

test('a new key retires the old one; a disabled board is 404', async () => {
  let r = await sec1.post(`/api/v1/orgs/${t.b1.id}/board/key`, {});
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.notEqual(r.body.key, key);
  const old = key;
  key = r.body.key;
  assert.equal((await pub(`/api/v1/public/board?key=${old}`)).status, 404);
  assert.equal((await pub(`/api/v1/public/board/pdf?key=${old}`)).status, 404);
  assert.equal((await pub(`/api/v1/public/board?key=${key}`)).status, 200);
  assert.equal((await sec2.post(`/api/v1/orgs/${t.b1.id}/board/key`, {})).status, 404);
  r = await sec1.req('PUT', `/api/v1/orgs/${t.b1.id}/board`, { version: r.body.version, enabled: false });
  assert.equal(r.status, 200);
  assert.equal((await pub(`/api/v1/public/board?key=${key}`)).status, 404);
  assert.equal((await pub(`/api/v1/public/board/pdf?key=${key}`)).status, 404);
  // the admin over the branch may turn it back on
  r = await admin.req('PUT', `/api/v1/orgs/${t.b1.id}/board`, { version: r.body.version, enabled: true, show_dues: false });
  assert.equal(r.status, 200);
  r = await pub(`/api/v1/public/board?key=${key}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.members[0].dues, undefined);
});
