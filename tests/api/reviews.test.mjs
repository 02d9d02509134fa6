// 述职评议 (docs/API.md "述职评议 (reviews)"): a session over HTTP from creation to publication: fixed and
// drawn participants (the draw re-computed here from the documented algorithm with node:crypto), raters and
// their one-time codes, public ballots without login (a wrong code and a session not in scoring both 404),
// weighted scores with an absent group renormalized away, ranks with the leaders' tie-break, grades, the
// status machine, unknown fields, scope (an admin of another town sees nothing), the audit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Client, ADMIN, makeTree, raw, uniq } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const year = Number(today.slice(0, 4));

async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}

// the draw exactly as docs/API.md words it
function referenceDraw(seed, pool, k) {
  const c = [...pool].sort((a, b) => a - b);
  for (let i = 0; i < k; i++) {
    const h = createHash('sha256').update(`${seed}:${i}`, 'ascii').digest();
    const r = h.readBigUInt64BE(0);
    const j = i + Number(r % BigInt(c.length - i));
    [c[i], c[j]] = [c[j], c[i]];
  }
  return c.slice(0, k);
}

const t = await makeTree(admin);
const depts = [];
for (let i = 0; i < 4; i++) {
  depts.push(await created(await admin.post('/api/v1/orgs', { kind: 'branch', name: `县直部门${i}党支部${t.tag}`, code: `T${t.tag}D${i}`, parent_id: t.town.id, unit_kind: 'government' }), 'dept'));
}
const SEED = '00112233445566778899aabbccddeeff';

function sessionBody(over = {}) {
  return {
    org_id: t.town.id, title: `${year}年度基层党建述职评议`, year, held_on: today,
    weights: { leader: 50, member: 30, mass: 20 },
    participants: [{ org_id: t.b1.id, grp: '村' }, { org_id: t.b2.id, grp: '村' }],
    draw_pool: depts.map((d) => ({ org_id: d.id, grp: '部门' })), draw_count: 2, ...over,
  };
}

const ballotUrl = (code) => `/api/v1/review-ballot?code=${encodeURIComponent(code)}`;
const session = { id: 0, codes: [], drawn: [] };

test('creation: unknown fields 400, weights and participants checked', async () => {
  let r = await admin.post('/api/v1/reviews', sessionBody({ colour: 'red' }));
  assert.equal(r.status, 400);
  r = await admin.post('/api/v1/reviews', sessionBody({ weights: { leader: 50, member: 30, mass: 20, other: 0 } }));
  assert.equal(r.status, 400);
  r = await admin.post('/api/v1/reviews', sessionBody({ weights: { leader: 50, member: 30, mass: 30 } }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'review.weights');
  assert.equal(r.body.error.field, 'weights');
  r = await admin.post('/api/v1/reviews', sessionBody({ participants: [{ org_id: t.town.id, grp: '村' }] }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'review.participant');
  r = await admin.post('/api/v1/reviews', sessionBody({ participants: [{ org_id: t.b1.id, grp: '村' }, { org_id: t.b1.id, grp: '村' }] }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'review.duplicate');
  r = await admin.post('/api/v1/reviews', sessionBody({ draw_count: 5 }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'review.draw_count');
  r = await admin.post('/api/v1/reviews', sessionBody({ org_id: t.b1.id, participants: [] }));
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'review.org_kind');

  const s = await created(await admin.post('/api/v1/reviews', sessionBody()), 'session');
  assert.equal(s.status, 'draft');
  assert.equal(s.seed, null);
  assert.deepEqual(s.weights, { leader: 50, member: 30, mass: 20 });
  assert.equal(s.draw_count, 2);
  assert.equal(s.draw_pool.length, 4);
  assert.deepEqual(s.participants.map((p) => [p.org_id, p.how, p.grp, p.score, p.rank]),
    [[t.b1.id, 'fixed', '村', null, null], [t.b2.id, 'fixed', '村', null, null]].sort((a, b) => a[0] - b[0]));
  assert.deepEqual(s.raters, []);
  session.id = s.id;
  r = await admin.get(`/api/v1/reviews?org=${t.dept.id}&year=${year}`);
  assert.equal(r.status, 200);
  assert.ok(r.body.items.some((x) => x.id === s.id));
});

test('the draw: seeded, reproducible, verifiable; once, in draft', async () => {
  const id = session.id;
  let s = (await admin.get(`/api/v1/reviews/${id}`)).body;
  let r = await admin.post(`/api/v1/reviews/${id}/open`, { version: s.version });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'review.incomplete');
  r = await admin.post(`/api/v1/reviews/${id}/draw`, { version: s.version, seed: 'ABC' });
  assert.equal(r.status, 422);
  r = await admin.post(`/api/v1/reviews/${id}/draw`, { version: s.version, seed: SEED });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  s = r.body;
  assert.equal(s.seed, SEED);
  const expected = referenceDraw(SEED, depts.map((d) => d.id), 2);
  const drawn = s.participants.filter((p) => p.how === 'drawn');
  assert.deepEqual(drawn.map((p) => p.org_id), expected);
  assert.deepEqual(drawn.map((p) => p.draw_order), [1, 2]);
  assert.ok(drawn.every((p) => p.grp === '部门' && p.org_name));
  r = await admin.get(`/api/v1/reviews/${id}/draw/verify`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { seed: SEED, drawn: expected, matches: true });
  r = await admin.post(`/api/v1/reviews/${id}/draw`, { version: s.version });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'review.status');
  session.drawn = expected;
});

test('raters get codes once; ballots are public but only while scoring', async () => {
  const id = session.id;
  let s = (await admin.get(`/api/v1/reviews/${id}`)).body;
  let r = await admin.post(`/api/v1/reviews/${id}/open`, { version: s.version });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'review.incomplete');
  r = await admin.post(`/api/v1/reviews/${id}/raters`, { version: s.version, raters: [{ name: '书记', grp: 'boss' }] });
  assert.equal(r.status, 422);
  r = await admin.post(`/api/v1/reviews/${id}/raters`, {
    version: s.version,
    raters: [{ name: '县委书记', grp: 'leader' }, { name: '县长', grp: 'leader' }, { name: '党员代表', grp: 'member' }],
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.raters.length, 3);
  for (const x of r.body.raters) assert.match(x.code, /^[2-9A-HJKMNP-Z]{10,}$/);
  session.codes = r.body.raters.map((x) => x.code);
  s = (await admin.get(`/api/v1/reviews/${id}`)).body;
  assert.equal(s.raters.length, 3);
  assert.ok(s.raters.every((x) => x.code === undefined && x.submitted_at === null));

  // draft: the code finds nothing, and says the same as a wrong code
  const early = await raw('GET', ballotUrl(session.codes[0]));
  assert.equal(early.status, 404);
  const wrong = await raw('GET', ballotUrl('ABCDEFGHJKMN'));
  assert.equal(wrong.status, 404);
  assert.equal(early.body.error.message, wrong.body.error.message);

  r = await admin.post(`/api/v1/reviews/${id}/open`, { version: s.version - 1 });
  assert.equal(r.status, 409);
  r = await admin.post(`/api/v1/reviews/${id}/open`, { version: s.version });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'scoring');
  r = await admin.post(`/api/v1/reviews/${id}/open`, { version: r.body.version });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'review.status');
});

test('ballots without login: every participant 0–100, resubmission replaces', async () => {
  const [c0, c1, c2] = session.codes;
  let r = await raw('GET', ballotUrl(c0.toLowerCase()));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(Object.keys(r.body).sort(), ['participants', 'rater', 'review', 'scores', 'submitted_at']);
  assert.deepEqual(r.body.rater, { name: '县委书记', grp: 'leader' });
  assert.equal(r.body.review.held_on, today);
  assert.equal(r.body.participants.length, 4);
  assert.deepEqual(r.body.scores, {});
  assert.equal(r.body.submitted_at, null);
  assert.equal((await raw('GET', ballotUrl('WRONGCODE222'))).status, 404);

  const [d0, d1] = session.drawn;
  const sc = (b1, b2, x, y) => ({ [t.b1.id]: b1, [t.b2.id]: b2, [d0]: x, [d1]: y });
  r = await raw('POST', '/api/v1/review-ballot', { code: c0, scores: { [t.b1.id]: 90 } });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'scores');
  assert.equal(r.body.error.rule, 'review.scores');
  r = await raw('POST', '/api/v1/review-ballot', { code: c0, scores: sc(90, 88, 60, 101) });
  assert.equal(r.status, 422);
  r = await raw('POST', '/api/v1/review-ballot', { code: c0, scores: { ...sc(90, 88, 60, 60), [t.dept.id]: 50 } });
  assert.equal(r.status, 422);
  r = await raw('POST', '/api/v1/review-ballot', { code: c0, scores: sc(90, 88, 60, 60), extra: 1 });
  assert.equal(r.status, 400);
  r = await raw('POST', '/api/v1/review-ballot', { code: 'ABCDEFGHJKMN', scores: sc(90, 88, 60, 60) });
  assert.equal(r.status, 404);

  // 50/30/20, no 群众代表 (renormalized over 80): 东村 (90+80)/2 = 85 and 70 → 79.375 → 79.4;
  // 西村 88 and 65 → 79.375 → 79.4 too, first on the leaders' mean; both departments 60 share rank 1
  r = await raw('POST', '/api/v1/review-ballot', { code: c0, scores: sc(10, 10, 10, 10) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.ok(r.body.submitted_at);
  r = await raw('POST', '/api/v1/review-ballot', { code: c0, scores: sc(90, 88, 60, 60) });
  assert.equal(r.status, 200);
  assert.equal(r.body.scores[String(t.b1.id)], 90);
  assert.equal((await raw('POST', '/api/v1/review-ballot', { code: c1, scores: sc(80, 88, 60, 60) })).status, 200);
  assert.equal((await raw('POST', '/api/v1/review-ballot', { code: c2, scores: sc(70, 65, 60, 60) })).status, 200);

  const s = (await admin.get(`/api/v1/reviews/${session.id}`)).body;
  assert.ok(s.participants.every((p) => p.score === null && p.rank === null && p.grade === null));
  assert.ok(s.raters.every((x) => x.submitted_at));
});

test('publication: weighted scores, ranks within each group, grades; then closed', async () => {
  const id = session.id;
  let s = (await admin.get(`/api/v1/reviews/${id}`)).body;
  let r = await admin.post(`/api/v1/reviews/${id}/publish`, { version: s.version, note: 'x' });
  assert.equal(r.status, 400);
  r = await admin.post(`/api/v1/reviews/${id}/publish`, { version: s.version });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  s = r.body;
  assert.equal(s.status, 'published');
  const p = (org) => s.participants.find((x) => x.org_id === org);
  assert.deepEqual([p(t.b1.id).score, p(t.b1.id).rank, p(t.b1.id).grade], [79.4, 2, '一般']);
  assert.deepEqual([p(t.b2.id).score, p(t.b2.id).rank], [79.4, 1]);
  assert.deepEqual(p(t.b1.id).by_group, { leader: 85, member: 70, mass: null });
  for (const d of session.drawn) assert.deepEqual([p(d).score, p(d).rank, p(d).grade], [60, 1, '一般']);

  r = await raw('GET', ballotUrl(session.codes[0]));
  assert.equal(r.status, 404);
  r = await raw('POST', '/api/v1/review-ballot', { code: session.codes[0], scores: {} });
  assert.equal(r.status, 404);
  r = await admin.post(`/api/v1/reviews/${id}/raters`, { version: s.version, raters: [{ name: '迟到', grp: 'mass' }] });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'review.status');
  r = await admin.post(`/api/v1/reviews/${id}/publish`, { version: s.version });
  assert.equal(r.status, 409);

  r = await admin.get(`/api/v1/audit?entity=review&entity_id=${id}`);
  assert.equal(r.status, 200);
  const actions = r.body.items.map((a) => a.action);
  for (const a of ['create', 'draw', 'raters', 'open', 'ballot', 'publish']) assert.ok(actions.includes(a), a);
  // the codes are never in the audit
  assert.ok(!JSON.stringify(r.body).includes(session.codes[1]));
});

test('scope: an admin of another town sees nothing; a secretary may not', async () => {
  const other = await makeTree(admin);
  const tag = uniq().toLowerCase();
  assert.equal((await admin.post('/api/v1/users', { username: `rv${tag}`, password: 'Town#2026pass', role: 'org_admin', org_id: other.town.id })).status, 201);
  const them = await Client.login(`rv${tag}`, 'Town#2026pass');
  const s = (await admin.get(`/api/v1/reviews/${session.id}`)).body;
  assert.equal((await them.get(`/api/v1/reviews/${session.id}`)).status, 404);
  assert.equal((await them.get(`/api/v1/reviews/${session.id}/draw/verify`)).status, 404);
  assert.equal((await them.post(`/api/v1/reviews/${session.id}/publish`, { version: s.version })).status, 404);
  const list = await them.get('/api/v1/reviews');
  assert.equal(list.status, 200);
  assert.ok(!list.body.items.some((x) => x.id === session.id));
  const r = await them.post('/api/v1/reviews', sessionBody());
  assert.ok([403, 404, 422].includes(r.status), String(r.status));
  assert.equal((await admin.post('/api/v1/users', { username: `rs${tag}`, password: 'Branch#2026', role: 'secretary', org_id: t.b1.id })).status, 201);
  const sec = await Client.login(`rs${tag}`, 'Branch#2026');
  assert.equal((await sec.get('/api/v1/reviews')).status, 403);
  assert.equal((await sec.get(`/api/v1/reviews/${session.id}`)).status, 403);
});
