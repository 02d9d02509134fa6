// Import and export (docs/API.md "Import and export"): all or nothing, every bad row in the 422
// body with a downloadable XLSX report, dry runs, the template, and exports that only ever hold masks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, ADMIN, idNumber, makeTree, uniq } from './lib.mjs';

const DATA = join(dirname(fileURLToPath(import.meta.url)), '..', 'data');
const admin = await Client.login(ADMIN.username, ADMIN.password);
const tree = await makeTree(admin);

const HEADER = '姓名,性别,公民身份号码,民族,学历,人员类别,所在党支部,入党日期,转为正式党员日期,联系电话';
let births = 0;
function goodRow(branch, over = {}) {
  births++;
  const birth = `19${60 + (births % 30)}-0${1 + (births % 9)}-1${births % 9}`;
  const m = { name: '导入党员', sex: '男', id: idNumber(birth, 1), eth: '汉族', edu: '大学', cat: '正式党员', branch,
    join: '2005-07-01', full: '2006-07-01', phone: `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`, ...over };
  return { m, line: [m.name, m.sex, m.id, m.eth, m.edu, m.cat, m.branch, m.join, m.full, m.phone].join(',') };
}
const csv = (lines) => [HEADER, ...lines].join('\r\n') + '\r\n';
const upload = (c, query, body, type = 'text/csv') =>
  c.req('POST', `/api/v1/import/members${query}`, body, { 'Content-Type': type });
const isXlsx = (b) => b instanceof Uint8Array && b[0] === 0x50 && b[1] === 0x4b; // "PK"
const text = (b) => new TextDecoder().decode(b);

async function count(orgId) {
  const r = await admin.get(`/api/v1/members?org=${orgId}&per_page=1`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.total;
}

async function secretary(org) {
  const username = `im${uniq()}`.toLowerCase();
  const r = await admin.post('/api/v1/users', { username, display_name: '书记', password: 'Secretary#2026', role: 'secretary', org_id: org.id });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return Client.login(username, 'Secretary#2026');
}

test('a good file imports every row in one go (branch by code or by name)', async () => {
  const before = await count(tree.town.id);
  const rows = [goodRow(tree.b1.code), goodRow(tree.b1.name), goodRow(tree.b2.code), goodRow(tree.b2.name)];
  const r = await upload(admin, '', csv(rows.map((x) => x.line)));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body, { imported: 4 });
  assert.equal(await count(tree.town.id), before + 4);
  assert.equal(await count(tree.b2.id) >= 2, true);
  // the import is one audit entry with the count and the file's hash
  const a = await admin.get('/api/v1/audit?entity=member');
  assert.equal(a.status, 200);
  const entry = a.body.items.find((e) => e.action === 'import');
  assert.ok(entry, JSON.stringify(a.body.items.slice(0, 3)));
});

test('one bad row: 422 with every bad row, nothing written, and an XLSX report', async () => {
  const before = await count(tree.town.id);
  const dupe = goodRow(tree.b1.code);
  const lines = [goodRow(tree.b1.code).line, dupe.line,
    goodRow(tree.b1.code, { eth: '火星族' }).line,          // row 4
    goodRow(tree.b1.code).line,
    dupe.line,                                              // row 6: same ID as row 3
    goodRow('没有这个支部').line,                            // row 7
    goodRow(tree.b1.code, { cat: '预备党员' }).line];         // row 8: probationary with a 转正 date
  const r = await upload(admin, '', csv(lines));
  assert.equal(r.status, 422, JSON.stringify(r.body));
  assert.equal(r.body.error.code, 'invalid');
  assert.ok(r.body.error.message.length > 0);
  const rows = r.body.rows;
  assert.deepEqual(rows.map((x) => x.row), [4, 6, 7, 8]);
  for (const x of rows) for (const k of ['row', 'column', 'value', 'reason', 'rule']) assert.ok(k in x, k);
  assert.equal(rows[0].column, '民族');
  assert.equal(rows[0].value, '火星族');
  assert.equal(rows[0].rule, 'member.code');
  assert.equal(rows[1].column, '公民身份号码');
  assert.equal(rows[1].rule, 'member.duplicate');
  assert.match(rows[1].reason, /第3行/);
  assert.ok(!rows[1].value.includes(dupe.m.id.slice(6, 14)), 'ID numbers are shown masked');
  assert.equal(rows[2].column, '所在党支部');
  assert.equal(rows[3].rule, 'member.category.full_date');
  assert.equal(await count(tree.town.id), before);

  assert.equal(typeof r.body.report, 'string');
  const rep = await admin.get(`/api/v1/import/reports/${r.body.report}`);
  assert.equal(rep.status, 200);
  assert.ok(isXlsx(rep.body), 'the report is an XLSX file');
  assert.match(rep.headers.get('content-type'), /spreadsheetml/);
  // only the account that imported may download it
  const other = await secretary(tree.b1);
  assert.equal((await other.get(`/api/v1/import/reports/${r.body.report}`)).status, 404);
  assert.equal((await admin.get('/api/v1/import/reports/123456789')).status, 404);
});

test('dry_run=1 validates only', async () => {
  const before = await count(tree.b2.id);
  const r = await upload(admin, '?dry_run=1', csv([goodRow(tree.b2.code).line, goodRow(tree.b2.code).line]));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.imported, 0);
  assert.equal(r.body.valid, 2);
  assert.equal(r.body.dry_run, true);
  assert.equal(await count(tree.b2.id), before);
  const bad = await upload(admin, '?dry_run=1', csv([goodRow(tree.b2.code, { join: '2099-01-01' }).line]));
  assert.equal(bad.status, 422);
  assert.equal(bad.body.rows[0].row, 2);
});

test('the template, and clerks\' own files (title rows, other wordings, full-width digits, GBK, no branch column)', async () => {
  // the template is an XLSX with the form's header and an example row
  const tpl = await admin.get('/api/v1/import/template?format=xlsx');
  assert.equal(tpl.status, 200);
  assert.ok(isXlsx(tpl.body));
  assert.match(tpl.headers.get('content-disposition'), /members-template\.xlsx/);
  const tcsv = await admin.get('/api/v1/import/template?format=csv');
  assert.equal(tcsv.status, 200);
  assert.match(tcsv.headers.get('content-disposition'), /members-template\.csv/);
  const t = text(tcsv.body);
  assert.match(t, /姓名,性别,公民身份号码,民族,出生日期,学历,人员类别,所在党支部,入党日期,转为正式党员日期/);
  assert.match(t, /示例党员/);
  assert.equal((await admin.get('/api/v1/import/template?format=pdf')).status, 400);

  // the CSV template with its example branch replaced imports (dry run: the example ID is fixed)
  const fixed = t.replace('第一党支部', tree.b1.code);
  const dry = await upload(admin, '?dry_run=1', fixed);
  assert.ok(dry.status === 200 || dry.body.rows.every((x) => x.rule === 'member.duplicate'), JSON.stringify(dry.body));

  // sample files: a clerk's list and a GBK one, imported into the branch given by ?org=
  for (const [file, n] of [['import-members-clerk.csv', 3], ['import-members-gbk.csv', 2]]) {
    const body = new Uint8Array(readFileSync(join(DATA, file)));
    const missing = await upload(admin, '', body);
    assert.equal(missing.status, 422, 'no branch column and no org');
    assert.equal(missing.body.error.rule, 'import.org');
    const notBranch = await upload(admin, `?org=${tree.town.id}`, body);
    assert.equal(notBranch.status, 422);
    assert.equal(notBranch.body.error.rule, 'member.org_kind');
    const r = await upload(admin, `?org=${tree.b2.id}`, body);
    if (r.status === 422 && r.body.rows && r.body.rows.every((x) => x.rule === 'member.duplicate')) continue; // an earlier run
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.imported, n);
  }
  const bad = await upload(admin, `?org=${tree.b2.id}`, new Uint8Array(readFileSync(join(DATA, 'import-members-bad.csv'))));
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.body.rows.map((x) => [x.row, x.rule]), [[3, 'member.id_number.checksum'], [4, 'member.join_age'],
    [5, 'member.duplicate'], [6, 'member.code']]);
  assert.equal(bad.body.rows[0].column, '身份证号');
});

test('an XLSX upload: an exported list (masks only) is read but refused row by row', async () => {
  // the export has the template's columns, so the importer reads it; its ID numbers are masks
  const x = await admin.get(`/api/v1/members/export?format=xlsx&org=${tree.b1.id}`);
  assert.equal(x.status, 200);
  assert.ok(isXlsx(x.body));
  const r = await upload(admin, '?dry_run=1', x.body, 'application/octet-stream');
  assert.equal(r.status, 422, JSON.stringify(r.body).slice(0, 300));
  assert.ok(r.body.rows.every((e) => e.column === '公民身份号码' && e.rule.startsWith('member.id_number')));
  assert.ok(isXlsx((await admin.get(`/api/v1/import/reports/${r.body.report}`)).body));
});

test('export: the list filters, names for codes, and masks only', async () => {
  const rows = [goodRow(tree.b1.code), goodRow(tree.b1.code, { sex: '女', id: idNumber('1975-02-03', 2) })];
  const r = await upload(admin, '', csv(rows.map((x) => x.line)));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const c = await admin.get(`/api/v1/members/export?format=csv&org=${tree.b1.id}`);
  assert.equal(c.status, 200);
  assert.match(c.headers.get('content-type'), /text\/csv/);
  assert.match(c.headers.get('content-disposition'), /members\.csv/);
  const body = text(c.body);
  assert.match(body, /姓名,性别,公民身份号码,民族/);
  assert.match(body, /汉族/);
  assert.match(body, /正式党员/);
  assert.match(body, /女/);
  for (const x of rows) {
    assert.ok(!body.includes(x.m.id), 'no plaintext ID number');
    assert.ok(!body.includes(x.m.phone), 'no plaintext phone');
    assert.ok(body.includes(`${x.m.id.slice(0, 6)}********${x.m.id.slice(14)}`), 'the masked ID number');
  }
  assert.ok(!/\d{17}[\dX]/.test(body), 'no 18-character ID number at all');
  // filters: gender=2 keeps only the woman
  const f = await admin.get(`/api/v1/members/export?format=csv&org=${tree.b1.id}&gender=2`);
  const lines = text(f.body).trim().split(/\r\n/);
  assert.ok(lines.length >= 2);
  assert.ok(lines.slice(1).every((l) => l.split(',')[1] === '女'), lines.join('\n'));
  const x = await admin.get(`/api/v1/members/export?format=xlsx&org=${tree.b1.id}`);
  assert.equal(x.status, 200);
  assert.ok(isXlsx(x.body));
  assert.match(x.headers.get('content-disposition'), /members\.xlsx/);
  assert.equal((await admin.get('/api/v1/members/export?format=doc')).status, 400);
});

test('scope: a secretary imports into their own branch only', async () => {
  const sec = await secretary(tree.b2);
  const before = await count(tree.b1.id);
  const r = await upload(sec, '', csv([goodRow(tree.b2.code).line, goodRow(tree.b1.code).line]));
  assert.equal(r.status, 422, JSON.stringify(r.body));
  assert.deepEqual(r.body.rows.map((x) => [x.row, x.rule]), [[3, 'import.branch']]);
  assert.equal(await count(tree.b1.id), before);
  const ok = await upload(sec, '', csv([goodRow(tree.b2.name).line]));
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  // and exports only what they can see
  const e = await sec.get(`/api/v1/members/export?format=csv&org=${tree.b1.id}`);
  assert.equal(e.status, 404);
});

test('malformed uploads', async () => {
  assert.equal((await upload(admin, '', '')).status, 400);
  const noHeader = await upload(admin, '', 'a,b,c\r\n1,2,3\r\n');
  assert.equal(noHeader.status, 422);
  assert.equal(noHeader.body.error.rule, 'import.header');
  const cols = await upload(admin, '', '姓名,公民身份号码\r\n张三,11010519491231002X\r\n');
  assert.equal(cols.status, 422);
  assert.equal(cols.body.error.rule, 'import.columns');
  assert.equal((await upload(admin, '?dry_run=2', csv([]))).status, 400);
});
