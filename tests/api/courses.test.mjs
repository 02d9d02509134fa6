// 党建课程 (docs/API.md "Course library"): a course reaches the subtrees it is assigned to and a publisher assigns
// only within its own (422 course.assign_scope); a member cannot open another org's course by id (404, also its
// file and finish); finish before open is 409 course.not_opened, a second finish credits nothing more; the
// credited 学时 appear in the member's study hours; PDF files are checked and served only to the assigned; a
// withdrawn course leaves the lists but keeps the hours earned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, makeTree, memberBody } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 7, 7, 7]);

async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}

const t = await makeTree(admin);
const other = await makeTree(admin);
const m1 = await created(await admin.post('/api/v1/members', memberBody(t.b1.id, { name: '李课程' })), 'member 1');
const m2 = await created(await admin.post('/api/v1/members', memberBody(t.b2.id, { name: '赵学习' })), 'member 2');
const m3 = await created(await admin.post('/api/v1/members', memberBody(other.b1.id, { name: '钱外乡' })), 'member 3');
const tag = t.tag.toLowerCase();
async function account(username, role, orgId, memberId) {
  const body = { username, password: 'Course#2026', role, org_id: orgId };
  if (memberId) body.member_id = memberId;
  await created(await admin.post('/api/v1/users', body), `user ${username}`);
  return Client.login(username, 'Course#2026');
}
const townAdmin = await account(`ca${tag}`, 'org_admin', t.town.id);
const sec1 = await account(`cs${tag}`, 'secretary', t.b1.id);
const mem1 = await account(`c1${tag}`, 'member', t.b1.id, m1.id);
const mem2 = await account(`c2${tag}`, 'member', t.b2.id, m2.id);
const mem3 = await account(`c3${tag}`, 'member', other.b1.id, m3.id);
const put = (c, path, body) => c.req('PUT', path, body);

let townCourse, branchCourse;

test('creating and assigning: within the publisher\'s subtree; bad input named', async () => {
  townCourse = await created(await townAdmin.post('/api/v1/courses', {
    title: '学习党章总纲', kind: 'text', body: '党章总纲学习要点……', duration_minutes: 45, publish: true,
  }), 'town course');
  assert.equal(townCourse.org_id, t.town.id);
  assert.equal(townCourse.status, 'published');
  assert.equal(townCourse.hours, 1, '45 minutes = 1 学时');
  let r = await put(townAdmin, `/api/v1/courses/${townCourse.id}/assignments`, { org_ids: [t.town.id] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.assignments.map((a) => a.org_id), [t.town.id]);
  r = await put(townAdmin, `/api/v1/courses/${townCourse.id}/assignments`, { org_ids: [other.b1.id] });
  assert.equal(r.status, 422, 'not in the town admin\'s scope');
  assert.equal(r.body.error.field, 'org_ids');
  r = await put(admin, `/api/v1/courses/${townCourse.id}/assignments`, { org_ids: [other.b1.id] });
  assert.equal(r.status, 422, 'even the admin assigns a town course only within the town');
  assert.equal(r.body.error.rule, 'course.assign_scope');
  r = await put(townAdmin, `/api/v1/courses/${townCourse.id}/assignments`, { org_ids: 'all' });
  assert.equal(r.status, 400);

  branchCourse = await created(await sec1.post('/api/v1/courses', {
    title: '东村支部学习课', kind: 'text', body: '支部工作条例', duration_minutes: 90, publish: true,
  }), 'branch course');
  assert.equal(branchCourse.hours, 2);
  r = await put(sec1, `/api/v1/courses/${branchCourse.id}/assignments`, { org_ids: [t.b1.id] });
  assert.equal(r.status, 200);
  r = await put(sec1, `/api/v1/courses/${branchCourse.id}/assignments`, { org_ids: [t.b2.id] });
  assert.equal(r.status, 422, 'a secretary assigns only within the branch');

  r = await sec1.post('/api/v1/courses', { title: 'x', kind: 'audio', duration_minutes: 30 });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'kind');
  r = await sec1.post('/api/v1/courses', { title: 'x', kind: 'text' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'duration_minutes');
  r = await sec1.post('/api/v1/courses', { title: 'x', kind: 'text', duration_minutes: 30, hours: 0.3 });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'hours');
  r = await sec1.post('/api/v1/courses', { title: 'x', kind: 'text', duration_minutes: 30, publish: true });
  assert.equal(r.status, 409, 'a text course without text is not published');
  assert.equal(r.body.error.rule, 'course.no_body');
  r = await sec1.post('/api/v1/courses', { title: 'x', kind: 'text', duration_minutes: 30, timer: 60 });
  assert.equal(r.status, 400);
  r = await mem1.post('/api/v1/courses', { title: 'x', kind: 'text', duration_minutes: 30 });
  assert.equal(r.status, 403);
  r = await townAdmin.get('/api/v1/courses?status=published');
  assert.equal(r.status, 200);
  assert.ok(r.body.items.some((x) => x.id === branchCourse.id), 'the town sees its branches\' courses');
});

test('a member sees only courses assigned to them, whatever the id', async () => {
  let r = await mem1.get('/api/v1/me/courses');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.items.map((x) => x.id).sort(), [townCourse.id, branchCourse.id].sort());
  assert.equal(r.body.summary.assigned, 2);
  assert.equal(r.body.summary.finished, 0);
  assert.equal(r.body.summary.cap_hours, 16);
  r = await mem2.get('/api/v1/me/courses');
  assert.deepEqual(r.body.items.map((x) => x.id), [townCourse.id]);
  // another branch's course by id: 404, never the course
  r = await mem2.get(`/api/v1/me/courses/${branchCourse.id}`);
  assert.equal(r.status, 404);
  assert.equal(r.body.title, undefined);
  r = await mem3.get(`/api/v1/me/courses/${townCourse.id}`);
  assert.equal(r.status, 404);
  r = await mem3.post(`/api/v1/me/courses/${townCourse.id}/finish`);
  assert.equal(r.status, 404);
  r = await mem3.get(`/api/v1/me/courses/${townCourse.id}/file`);
  assert.equal(r.status, 404);
  r = await mem3.get('/api/v1/me/courses');
  assert.equal(r.body.total, 0);
  // the manager's side is not a member's, nor another town's
  r = await mem1.get(`/api/v1/courses/${townCourse.id}`);
  assert.equal(r.status, 403);
  r = await sec1.get(`/api/v1/courses/${townCourse.id}`);
  assert.equal(r.status, 404);
});

test('opened, then finished once; the hours count', async () => {
  let r = await mem1.post(`/api/v1/me/courses/${townCourse.id}/finish`);
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'course.not_opened');
  r = await mem1.get(`/api/v1/me/courses/${townCourse.id}`);
  assert.equal(r.status, 200);
  assert.match(r.body.body, /党章/);
  assert.ok(r.body.opened_at);
  assert.equal(r.body.finished, false);
  const opened = r.body.opened_at;
  r = await mem1.get(`/api/v1/me/courses/${townCourse.id}`);
  assert.equal(r.body.opened_at, opened, 'the first opening is kept');
  r = await mem1.post(`/api/v1/me/courses/${townCourse.id}/finish`);
  assert.equal(r.status, 200);
  assert.equal(r.body.finished, true);
  assert.equal(r.body.my_year.credited_hours, 1);
  const finishedAt = r.body.finished_at;
  r = await mem1.post(`/api/v1/me/courses/${townCourse.id}/finish`);
  assert.equal(r.status, 200);
  assert.equal(r.body.finished_at, finishedAt);
  assert.equal(r.body.my_year.credited_hours, 1, 'credited once');
  const year = r.body.my_year.year;

  r = await mem1.get(`/api/v1/members/${m1.id}/hours?year=${year}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.course_hours, 1);
  assert.equal(r.body.meeting_hours, 0);
  assert.equal(r.body.hours, 1);
  assert.deepEqual(r.body.courses.map((c) => [c.course_id, c.hours, c.counted]), [[townCourse.id, 1, 1]]);
  assert.ok(Array.isArray(r.body.meetings), 'the existing keys stay');
  r = await townAdmin.get(`/api/v1/compliance/hours?org=${t.b1.id}&year=${year}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.items.find((x) => x.member_id === m1.id).hours, 1);
  assert.equal(r.body.items.find((x) => x.member_id === m1.id).course_hours, 1);

  r = await townAdmin.get(`/api/v1/courses/${townCourse.id}/completions`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.totals, { assigned: 2, opened: 1, finished: 1 });
  assert.deepEqual(r.body.branches.map((b) => [b.org_id, b.finished]), [[t.b1.id, 1], [t.b2.id, 0]]);
  r = await townAdmin.get(`/api/v1/courses/${townCourse.id}/completions?state=unopened`);
  assert.deepEqual(r.body.items.map((x) => x.name), ['赵学习']);
  r = await townAdmin.get(`/api/v1/courses/${townCourse.id}/completions?state=maybe`);
  assert.equal(r.status, 400);
});

test('a PDF course: its file checked, served to the assigned only; withdrawn keeps the hours', async () => {
  const draft = await created(await sec1.post('/api/v1/courses', { title: 'PDF 学习材料', kind: 'pdf', duration_minutes: 45 }), 'pdf');
  let r = await sec1.post(`/api/v1/courses/${draft.id}/publish`, { version: draft.version });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'course.no_file');
  r = await sec1.req('POST', `/api/v1/courses/${draft.id}/file?filename=x.png`, PNG, { 'Content-Type': 'application/octet-stream' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'course.file_type');
  r = await sec1.req('POST', `/api/v1/courses/${draft.id}/file?filename=${encodeURIComponent('材料.pdf')}`, PDF,
    { 'Content-Type': 'application/octet-stream' });
  const withFile = await created(r, 'file');
  assert.equal(withFile.file.mime, 'application/pdf');
  r = await put(sec1, `/api/v1/courses/${draft.id}/assignments`, { org_ids: [t.b1.id] });
  assert.equal(r.status, 200);
  r = await mem1.get(`/api/v1/me/courses/${draft.id}/file`);
  assert.equal(r.status, 404, 'a draft reaches nobody');
  const ver = (await sec1.get(`/api/v1/courses/${draft.id}`)).body.version;
  r = await sec1.post(`/api/v1/courses/${draft.id}/publish`, { version: ver });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await sec1.req('POST', `/api/v1/courses/${draft.id}/file?filename=y.pdf`, PDF, { 'Content-Type': 'application/octet-stream' });
  assert.equal(r.status, 409, 'the file is fixed once published');
  r = await mem1.get(`/api/v1/me/courses/${draft.id}/file`);
  assert.equal(r.status, 200);
  assert.equal(new TextDecoder().decode(r.body.slice(0, 5)), '%PDF-');
  r = await mem2.get(`/api/v1/me/courses/${draft.id}/file`);
  assert.equal(r.status, 404);
  r = await sec1.get(`/api/v1/courses/${draft.id}/file`);
  assert.equal(r.status, 200);

  // withdrawn: gone from the list, the hours earned stay
  r = await mem1.get(`/api/v1/me/courses/${branchCourse.id}`);
  r = await mem1.post(`/api/v1/me/courses/${branchCourse.id}/finish`);
  assert.equal(r.status, 200);
  const year = r.body.my_year.year;
  const cur = (await sec1.get(`/api/v1/courses/${branchCourse.id}`)).body;
  r = await sec1.post(`/api/v1/courses/${branchCourse.id}/withdraw`, { version: cur.version });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'withdrawn');
  r = await mem1.get(`/api/v1/me/courses/${branchCourse.id}`);
  assert.equal(r.status, 404);
  r = await mem1.get('/api/v1/me/courses');
  assert.ok(!r.body.items.some((x) => x.id === branchCourse.id));
  r = await mem1.get(`/api/v1/members/${m1.id}/hours?year=${year}`);
  assert.equal(r.body.course_hours, 3, '1 + 2 学时, the withdrawn course\'s kept');
  r = await sec1.post(`/api/v1/courses/${branchCourse.id}/withdraw`, { version: cur.version + 1 });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'course.status');
});

test('editing: a draft\'s duration recomputes its hours; kind, duration and hours fixed once published', async () => {
  const d = await created(await sec1.post('/api/v1/courses', { title: '草稿课程', kind: 'pdf', duration_minutes: 30 }), 'draft');
  assert.equal(d.hours, 0.5);
  let r = await sec1.req('POST', `/api/v1/courses/${d.id}/file?filename=a.pdf`, PDF, { 'Content-Type': 'application/octet-stream' });
  assert.equal(r.status, 201);
  r = await sec1.patch(`/api/v1/courses/${d.id}`, { version: r.body.version, duration_minutes: 60 });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.hours, 1.5);
  assert.equal(r.body.file.mime, 'application/pdf', 'the same kind keeps its file');
  r = await sec1.patch(`/api/v1/courses/${d.id}`, { version: r.body.version, kind: 'text', body: '改为图文' });
  assert.equal(r.status, 200);
  assert.equal(r.body.file, null, 'a text course keeps no file');
  r = await sec1.patch(`/api/v1/courses/${d.id}`, { version: r.body.version - 1, title: '旧版本' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'store.stale');
  const cur = (await sec1.get(`/api/v1/courses/${d.id}`)).body;
  r = await sec1.post(`/api/v1/courses/${d.id}/publish`, { version: cur.version });
  assert.equal(r.status, 200);
  r = await sec1.patch(`/api/v1/courses/${d.id}`, { version: r.body.version, hours: 3 });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'course.published');
  r = await sec1.patch(`/api/v1/courses/${d.id}`, { version: cur.version + 1, title: '改正错字' });
  assert.equal(r.status, 200);
  assert.equal(r.body.title, '改正错字');
});

test('a video course seeks: its file answers byte ranges for the learner and the manager', async () => {
  const MP4 = new Uint8Array(64);
  MP4.set([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d]); // size, 'ftyp', 'isom'
  for (let i = 12; i < MP4.length; i++) MP4[i] = 200 - i;
  const d = await created(await sec1.post('/api/v1/courses', { title: '视频微党课', kind: 'video', duration_minutes: 20 }), 'video');
  let r = await sec1.req('POST', `/api/v1/courses/${d.id}/file?filename=v.mp4`, MP4, { 'Content-Type': 'application/octet-stream' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  r = await put(sec1, `/api/v1/courses/${d.id}/assignments`, { org_ids: [t.b1.id] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await sec1.post(`/api/v1/courses/${d.id}/publish`, { version: r.body.version });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await mem1.req('GET', `/api/v1/me/courses/${d.id}/file`, undefined, { Range: 'bytes=32-47' });
  assert.equal(r.status, 206);
  assert.equal(r.headers.get('content-range'), 'bytes 32-47/64');
  assert.equal(r.headers.get('content-type'), 'video/mp4');
  assert.deepEqual(Buffer.from(r.body), Buffer.from(MP4.subarray(32, 48)));
  r = await mem1.req('GET', `/api/v1/me/courses/${d.id}/file`, undefined, { Range: 'bytes=64-' });
  assert.equal(r.status, 416);
  assert.equal(r.headers.get('content-range'), 'bytes */64');
  r = await sec1.req('GET', `/api/v1/courses/${d.id}/file`, undefined, { Range: 'bytes=-4' });
  assert.equal(r.status, 206);
  assert.deepEqual(Buffer.from(r.body), Buffer.from(MP4.subarray(60)));
  r = await mem2.req('GET', `/api/v1/me/courses/${d.id}/file`, undefined, { Range: 'bytes=0-3' });
  assert.equal(r.status, 404, 'a range does not open a course that is not theirs');
});
