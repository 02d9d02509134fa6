// Large downloads are sent from a file (an export's unlinked temp file, a stored attachment) instead
// of a buffer: the bytes, Content-Length, ranges and headers must be exactly what they were.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Client, ADMIN, makeTree, idNumber, idCheck } from './lib.mjs';
import { BIN, DB_URL, KEY } from './dbtools.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);
const t = await makeTree(admin);
const N = 5000;

const HEADER = '姓名,性别,公民身份号码,民族,学历,人员类别,所在党支部,入党日期,转为正式党员日期,联系电话';
// distinct valid ID numbers of our own: area, birth day, a sequence number, the check character
function memberId(i) {
  const body = `4201${String(10 + (i % 80)).padStart(2, '0')}1970${String(1 + (i % 12)).padStart(2, '0')}` +
    `${String(1 + (i % 28)).padStart(2, '0')}${String(Math.floor(i / 80)).padStart(3, '0')}`;
  return body + idCheck(body);
}
const members = Array.from({ length: N }, (_, i) => ({
  name: `导出${String.fromCharCode(0x4e00 + (i % 400))}${String.fromCharCode(0x4e00 + Math.floor(i / 400))}`,
  id: memberId(i), sex: Number(memberId(i)[16]) % 2 ? '男' : '女',
}));

test(`a CSV export of ${N} members comes whole: Content-Length, every row once, the same bytes as the CLI`, async () => {
  assert.equal(new Set(members.map((m) => m.id)).size, N);
  const lines = members.map((m, i) => [m.name, m.sex, m.id, '汉族', '大学', '正式党员', t.b1.code, '2005-07-01', '2006-07-01',
    `139${String(i).padStart(8, '0')}`].join(','));
  const up = await admin.req('POST', '/api/v1/import/members', [HEADER, ...lines].join('\r\n') + '\r\n',
    { 'Content-Type': 'text/csv' });
  assert.equal(up.status, 200, JSON.stringify(up.body).slice(0, 500));
  assert.deepEqual(up.body, { imported: N });

  const r = await admin.get(`/api/v1/members/export?format=csv&org=${t.b1.id}`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.equal(r.headers.get('content-disposition'), 'attachment; filename="members.csv"');
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  const body = Buffer.from(r.body);
  assert.equal(Number(r.headers.get('content-length')), body.length);
  assert.ok(body.length > 256 << 10, `bigger than the writer's buffer: ${body.length} bytes`);
  assert.deepEqual([...body.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const rows = body.subarray(3).toString('utf8').split('\r\n');
  assert.equal(rows.pop(), '', 'ends with CRLF');
  assert.equal(rows.length, N + 1);
  assert.match(rows[0], /^姓名,性别,公民身份号码,民族,出生日期/);
  const byName = new Map(members.map((m) => [m.name, m]));
  const seen = new Set();
  for (const row of rows.slice(1)) {
    const c = row.split(',');
    const m = byName.get(c[0]);
    assert.ok(m, `a member we imported: ${row}`);
    assert.ok(!seen.has(c[0]), `once: ${c[0]}`);
    seen.add(c[0]);
    assert.equal(c[1], m.sex);
    assert.equal(c[2], `${m.id.slice(0, 6)}********${m.id.slice(14)}`);
    assert.equal(c[7], t.b1.name);
  }
  assert.equal(seen.size, N);

  // the same list written by `dangjian export members` (the file copied out of the temp file by the CLI)
  if (DB_URL && KEY) {
    const cli = spawnSync(BIN, ['export', 'members', '--org', String(t.b1.id), '--format', 'csv', '--db', DB_URL,
      '--key', KEY], { input: '', maxBuffer: 1 << 28, timeout: 300000 });
    assert.equal(cli.status, 0, String(cli.stderr));
    assert.equal(cli.stdout.length, body.length);
    assert.ok(cli.stdout.equals(body), 'byte for byte');
  }

  const x = await admin.get(`/api/v1/members/export?format=xlsx&org=${t.b1.id}`);
  assert.equal(x.status, 200);
  assert.equal(x.headers.get('content-disposition'), 'attachment; filename="members.xlsx"');
  const xb = Buffer.from(x.body);
  assert.equal(Number(x.headers.get('content-length')), xb.length);
  assert.equal(xb.readUInt32LE(0), 0x04034b50, 'starts as a zip');
  assert.equal(xb.readUInt32LE(xb.length - 22), 0x06054b50, 'ends with the zip directory');
});

test('a stored file bigger than any buffer: whole, and ranges byte for byte with the same headers', async () => {
  const rec = await admin.post('/api/v1/recruits', {
    org_id: t.b1.id, name: '钱大文', id_number: idNumber('2001-02-03', 1), ethnicity: '01', applied_on: '2025-03-01',
  });
  assert.equal(rec.status, 201, JSON.stringify(rec.body));
  const size = 3 * 1024 * 1024 + 17;
  const mp4 = Buffer.alloc(size);
  let x = 12345;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    mp4[i] = x >>> 24;
  }
  mp4.set([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d]); // size, 'ftyp', 'isom'
  const up = await admin.req('POST', `/api/v1/recruits/${rec.body.id}/attachments?filename=big.mp4`, mp4,
    { 'Content-Type': 'application/octet-stream' });
  assert.equal(up.status, 201, JSON.stringify(up.body));
  const url = `/api/v1/attachments/${up.body.id}`;

  let r = await admin.get(url);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'video/mp4');
  assert.equal(r.headers.get('accept-ranges'), 'bytes');
  assert.equal(r.headers.get('content-range'), null);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.equal(Number(r.headers.get('content-length')), size);
  assert.ok(Buffer.from(r.body).equals(mp4), 'the whole file');

  for (const [range, first, last] of [['bytes=0-0', 0, 0], ['bytes=1000000-2999999', 1000000, 2999999],
    ['bytes=-5', size - 5, size - 1], ['bytes=3000000-', 3000000, size - 1], [`bytes=${size - 1}-${size + 100}`, size - 1, size - 1],
    ['bytes=-99999999', 0, size - 1]]) {
    r = await admin.req('GET', url, undefined, { Range: range });
    assert.equal(r.status, 206, range);
    assert.equal(r.headers.get('content-range'), `bytes ${first}-${last}/${size}`, range);
    assert.equal(r.headers.get('content-type'), 'video/mp4', range);
    assert.equal(r.headers.get('accept-ranges'), 'bytes', range);
    assert.equal(Number(r.headers.get('content-length')), last - first + 1, range);
    assert.ok(Buffer.from(r.body).equals(mp4.subarray(first, last + 1)), range);
  }
  r = await admin.req('GET', url, undefined, { Range: `bytes=${size}-` });
  assert.equal(r.status, 416);
  assert.equal(r.headers.get('content-range'), `bytes */${size}`);
  // many downloads at once each get their own descriptor and their own bytes
  const parts = await Promise.all(Array.from({ length: 8 }, (_, i) =>
    admin.req('GET', url, undefined, { Range: `bytes=${i * 100000}-${i * 100000 + 99999}` })));
  parts.forEach((p, i) => {
    assert.equal(p.status, 206);
    assert.ok(Buffer.from(p.body).equals(mp4.subarray(i * 100000, i * 100000 + 100000)), `part ${i}`);
  });
});
