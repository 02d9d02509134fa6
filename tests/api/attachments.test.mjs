// Archive attachments (一人一事一档): type sniffed from content, stored once per content,
// scoped like the record, downloadable, and the whole archive as one ZIP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, makeTree, idNumber } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);
const t = await makeTree(admin);
const rec = await admin.post('/api/v1/recruits', {
  org_id: t.b1.id, name: '赵小青', id_number: idNumber('2000-04-04', 2), ethnicity: '01', applied_on: '2025-03-01',
});
const PDF = new TextEncoder().encode('%PDF-1.4\n% 入党申请书\n');
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2, 3]);
const upload = (c, body, query) => c.req('POST', `/api/v1/recruits/${rec.body.id}/attachments?${query}`, body,
  { 'Content-Type': 'application/octet-stream' });

test('the recruit record for the attachment tests exists', () => {
  assert.equal(rec.status, 201, JSON.stringify(rec.body));
});

test('PDF and PNG are stored and listed; content decides the type, not the name', async () => {
  let r = await upload(admin, PDF, `step=1&filename=${encodeURIComponent('入党申请书.pdf')}`);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.mime, 'application/pdf');
  assert.equal(r.body.step, 1);
  assert.equal(r.body.size, PDF.length);
  r = await upload(admin, PNG, 'filename=photo.jpg');
  assert.equal(r.status, 201);
  assert.equal(r.body.mime, 'image/png');
  r = await upload(admin, new TextEncoder().encode('just text'), 'filename=notes.pdf');
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'attachment.type');
  r = await upload(admin, PDF, 'filename=../../etc/passwd');
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'attachment.filename');
  r = await upload(admin, PDF, 'step=42&filename=a.pdf');
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'attachment.step');
  const list = await admin.get(`/api/v1/recruits/${rec.body.id}/attachments`);
  assert.equal(list.body.total, 2);
  const same = list.body.items.map((a) => a.sha256);
  assert.equal(new Set(same).size, 2);
});

test('download returns the bytes; the archive is a ZIP with the timeline', async () => {
  const list = await admin.get(`/api/v1/recruits/${rec.body.id}/attachments`);
  const pdf = list.body.items.find((a) => a.mime === 'application/pdf');
  const r = await admin.get(`/api/v1/attachments/${pdf.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.deepEqual(Buffer.from(r.body), Buffer.from(PDF));
  const z = await admin.get(`/api/v1/recruits/${rec.body.id}/archive`);
  assert.equal(z.status, 200);
  const bytes = Buffer.from(z.body);
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'PK\u0003\u0004');
  assert.ok(bytes.includes(Buffer.from('timeline.html')));
  assert.ok(bytes.includes(Buffer.from('入党申请书.pdf')));
});

test('another branch cannot see or add attachments', async () => {
  const tag = t.tag.toLowerCase();
  await admin.post('/api/v1/users', { username: `att${tag}`, password: 'Branch#2026', role: 'secretary', org_id: t.b2.id });
  const other = await Client.login(`att${tag}`, 'Branch#2026');
  assert.equal((await other.get(`/api/v1/recruits/${rec.body.id}/attachments`)).status, 404);
  assert.equal((await upload(other, PDF, 'filename=x.pdf')).status, 404);
  const list = await admin.get(`/api/v1/recruits/${rec.body.id}/attachments`);
  assert.equal((await other.get(`/api/v1/attachments/${list.body.items[0].id}`)).status, 404);
});

// Byte ranges (RFC 9110 §14): a video is seekable. One range → 206 with Content-Range; past the end → 416
// with "bytes */size"; a malformed Range, several ranges or an If-Range → the whole file, 200.
test('downloads answer single byte ranges: start, middle, suffix, open end; 416 past the end; else whole', async () => {
  const MP4 = new Uint8Array(100);
  MP4.set([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d]); // size, 'ftyp', 'isom'
  for (let i = 12; i < MP4.length; i++) MP4[i] = i;
  const up = await upload(admin, MP4, 'filename=clip.mp4');
  assert.equal(up.status, 201, JSON.stringify(up.body));
  assert.equal(up.body.mime, 'video/mp4');
  const url = `/api/v1/attachments/${up.body.id}`;
  const get = (range, extra = {}) => admin.req('GET', url, undefined, range === null ? extra : { Range: range, ...extra });
  const part = (r, first, last) => {
    assert.equal(r.status, 206, `status ${r.status}`);
    assert.equal(r.headers.get('content-range'), `bytes ${first}-${last}/100`);
    assert.equal(r.headers.get('accept-ranges'), 'bytes');
    assert.equal(r.headers.get('content-type'), 'video/mp4', 'the type of the file, not of the part');
    assert.equal(Number(r.headers.get('content-length')), last - first + 1);
    assert.deepEqual(Buffer.from(r.body), Buffer.from(MP4.subarray(first, last + 1)));
  };
  const whole = (r, why) => {
    assert.equal(r.status, 200, why);
    assert.equal(r.headers.get('content-range'), null, why);
    assert.deepEqual(Buffer.from(r.body), Buffer.from(MP4), why);
  };
  let r = await get(null);
  whole(r, 'no Range');
  assert.equal(r.headers.get('accept-ranges'), 'bytes', 'the download says it takes ranges');
  part(await get('bytes=0-9'), 0, 9);
  part(await get('bytes=40-59'), 40, 59);
  part(await get('bytes=90-'), 90, 99);
  part(await get('bytes=-10'), 90, 99);
  part(await get('bytes=95-500'), 95, 99);
  part(await get('bytes=-1000'), 0, 99);
  part(await get('bytes=99-99'), 99, 99);
  for (const bad of ['bytes=100-', 'bytes=100-200', 'bytes=-0']) {
    r = await get(bad);
    assert.equal(r.status, 416, bad);
    assert.equal(r.headers.get('content-range'), 'bytes */100', bad);
    assert.equal(r.body.error.rule, 'range.unsatisfiable', bad);
  }
  for (const ignored of ['bytes=9-3', 'bytes=a-b', 'items=0-9', 'bytes=', 'bytes=-', 'bytes=0-9x', '0-9']) {
    whole(await get(ignored), `malformed ${ignored}`);
  }
  whole(await get('bytes=0-9, 20-29'), 'several ranges: the whole file');
  whole(await get('bytes=0-9', { 'If-Range': '"x"' }), 'If-Range: the whole file');
  // the range is checked after the scope: another branch still sees nothing
  const tag = t.tag.toLowerCase();
  await admin.post('/api/v1/users', { username: `rng${tag}`, password: 'Branch#2026', role: 'secretary', org_id: t.b2.id });
  const other = await Client.login(`rng${tag}`, 'Branch#2026');
  assert.equal((await other.req('GET', url, undefined, { Range: 'bytes=0-9' })).status, 404);
});
