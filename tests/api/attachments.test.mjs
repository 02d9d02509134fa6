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
