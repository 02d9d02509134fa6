// 关怀帮扶 and 自行脱党 warnings (docs/API.md "关怀帮扶 (care) and 自行脱党 warnings"): the eligible-elderly list by
// band, 一键发放 once per year, 送温暖 and 困难帮扶 records with their refusals (422 naming the field, 409 naming the
// rule), totals per year, kind and branch, the lapse list at 5 and 6 unpaid months with an excuse recorded and
// removed, and scope (a secretary's branch, another town).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, makeTree, memberBody, idNumber } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const year = Number(today.slice(0, 4));
const month = Number(today.slice(5, 7));

// 'YYYY-MM-01' of the month k months before this one
function monthsAgo(k) {
  const i = year * 12 + (month - 1) - k;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`;
}

async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}

const t = await makeTree(admin);
const other = await makeTree(admin);
async function member(orgId, name, birth, over = {}) {
  return created(await admin.post('/api/v1/members', memberBody(orgId, { name, id_number: idNumber(birth, 1), ...over })), name);
}
// ages in this year: 59, 60, 70, 80 (b1: 59, 60; b2: 70, 80)
const m59 = await member(t.b1.id, '关五九', `${year - 59}-01-10`);
const m60 = await member(t.b1.id, '关六十', `${year - 60}-12-30`);
const m70 = await member(t.b2.id, '关七十', `${year - 70}-06-01`);
const m80 = await member(t.b2.id, '关八十', `${year - 80}-03-03`);
const tag = t.tag.toLowerCase();
async function account(username, role, orgId) {
  await created(await admin.post('/api/v1/users', { username, password: 'Care#2026', role, org_id: orgId }), `user ${username}`);
  return Client.login(username, 'Care#2026');
}
const sec1 = await account(`ks${tag}`, 'secretary', t.b1.id);
const town = await account(`kt${tag}`, 'org_admin', t.town.id);
const otherTown = await account(`ko${tag}`, 'org_admin', other.town.id);

test('eligible elderly by band; one issue per year; the secretary issues for their branch only', async () => {
  let r = await town.get(`/api/v1/care/elderly?org_id=${t.town.id}&year=${year}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const by = Object.fromEntries(r.body.items.map((x) => [x.member_id, x]));
  assert.equal(by[m59.id], undefined, '59 in the year is not eligible');
  assert.equal(by[m60.id].amount_fen, 30000);
  assert.equal(by[m60.id].age, 60);
  assert.equal(by[m70.id].amount_fen, 50000);
  assert.equal(by[m80.id].band_age, 80);
  assert.equal(by[m80.id].amount_fen, 80000);
  assert.deepEqual(r.body.totals, { eligible: 3, given: 0, not_given: 3, given_fen: 0, due_fen: 160000 });
  assert.deepEqual(r.body.bands.map((b) => b.age), [60, 70, 80]);

  r = await sec1.post('/api/v1/care/elderly/issue', { org_id: t.b2.id, year });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'org_id');
  r = await sec1.post('/api/v1/care/elderly/issue', { org_id: t.b1.id, year: year + 1 });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'year');
  r = await sec1.post('/api/v1/care/elderly/issue', { org_id: t.b1.id, year, given_on: `${year - 1}-12-31` });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'given_on');
  r = await sec1.post('/api/v1/care/elderly/issue', { org_id: t.b1.id, year, colour: 'red' });
  assert.equal(r.status, 400);
  r = await sec1.post('/api/v1/care/elderly/issue', { org_id: t.b1.id, year, giver: '东村党支部' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.issued, 1);
  assert.equal(r.body.amount_fen, 30000);

  r = await town.post('/api/v1/care/elderly/issue', { org_id: t.town.id, year });
  assert.equal(r.status, 200);
  assert.equal(r.body.issued, 2);
  assert.equal(r.body.amount_fen, 130000);
  assert.equal(r.body.skipped, 1);
  r = await town.post('/api/v1/care/elderly/issue', { org_id: t.town.id, year });
  assert.equal(r.body.issued, 0, 'issued once a year');
  r = await town.get(`/api/v1/care/elderly?org_id=${t.town.id}&year=${year}`);
  assert.equal(r.body.totals.given, 3);
  assert.equal(r.body.totals.given_fen, 160000);
  assert.ok(r.body.items.every((x) => x.given && x.record_id));

  r = await otherTown.get(`/api/v1/care/elderly?org_id=${t.town.id}&year=${year}`);
  assert.ok([403, 404].includes(r.status), `another town: ${r.status}`);
  r = await sec1.get(`/api/v1/care/elderly?year=${year}`);
  assert.deepEqual(r.body.items.map((x) => x.member_id), [m60.id], 'a secretary sees their branch');
});

let hardship;
test('a town is listed whole: per_page and after matter only past the paging limit; bad values are 400', async () => {
  const plain = await town.get(`/api/v1/care/elderly?org_id=${t.town.id}&year=${year}`);
  assert.equal(plain.status, 200);
  const r = await town.get(`/api/v1/care/elderly?org_id=${t.town.id}&year=${year}&per_page=1&after=${m70.id}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body, plain.body);
  assert.equal(r.body.paged, undefined);
  for (const [q, field] of [['per_page=0', 'per_page'], ['per_page=1001', 'per_page'], ['per_page=x', 'per_page'],
    ['after=x', 'after'], ['after=0', 'after']]) {
    const bad = await town.get(`/api/v1/care/elderly?org_id=${t.town.id}&year=${year}&${q}`);
    assert.equal(bad.status, 400, q);
    assert.equal(bad.body.error.field, field, q);
  }
});

test('送温暖 and 困难帮扶: fields named, the register required, totals per kind and branch', async () => {
  let r = await sec1.post('/api/v1/care/records', { member_id: m59.id, kind: 'festival', given_on: today, amount_fen: 20000 });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'occasion');
  r = await sec1.post('/api/v1/care/records', { member_id: m59.id, kind: 'festival', occasion: 'spring', given_on: today });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'amount_fen');
  assert.equal(r.body.error.rule, 'care.empty');
  r = await sec1.post('/api/v1/care/records', { member_id: m59.id, kind: 'festival', occasion: 'spring', given_on: '2999-01-01', amount_fen: 1 });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'given_on');
  r = await sec1.post('/api/v1/care/records', { member_id: m59.id, kind: 'gift', given_on: today, amount_fen: 1 });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'kind');
  r = await sec1.post('/api/v1/care/records', { member_id: m70.id, kind: 'festival', occasion: 'spring', given_on: today, amount_fen: 1 });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'member_id');
  const visit = await created(await sec1.post('/api/v1/care/records', {
    member_id: m59.id, kind: 'festival', occasion: 'july1', given_on: today, amount_fen: 20000, goods: '慰问品', giver: '镇党委书记',
  }), 'visit');
  assert.equal(visit.occasion_name, '七一');
  assert.equal(visit.org_id, t.b1.id);
  assert.equal(visit.year, year);

  r = await sec1.post('/api/v1/care/records', { member_id: m59.id, kind: 'hardship', given_on: today, amount_fen: 50000 });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'care.not_registered');
  r = await sec1.post('/api/v1/care/hardships', { member_id: m59.id, since: today });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'reason');
  hardship = await created(await sec1.post('/api/v1/care/hardships', { member_id: m59.id, reason: '因病致困', since: today }), 'hardship');
  assert.equal(hardship.status, 'open');
  r = await sec1.post('/api/v1/care/hardships', { member_id: m59.id, reason: '又一次', since: today });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'care.hardship_open');
  const help = await created(await sec1.post('/api/v1/care/records', { member_id: m59.id, kind: 'hardship', occasion: 'money', given_on: today, amount_fen: 50000 }), 'help');
  assert.equal(help.hardship_id, hardship.id);
  r = await sec1.get('/api/v1/care/hardships?status=open');
  assert.equal(r.body.total, 1);
  assert.equal(r.body.items[0].help_fen, 50000);

  r = await town.get(`/api/v1/care/totals?org_id=${t.town.id}&year=${year}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.total.amount_fen, 160000 + 20000 + 50000);
  assert.equal(r.body.kinds.elderly.amount_fen, 160000);
  assert.equal(r.body.kinds.festival.records, 1);
  assert.equal(r.body.kinds.hardship.amount_fen, 50000);
  assert.equal(r.body.years[0].year, year);
  const b1 = r.body.branches.find((b) => b.org_id === t.b1.id);
  const b2 = r.body.branches.find((b) => b.org_id === t.b2.id);
  assert.equal(b1.amount_fen, 30000 + 20000 + 50000);
  assert.equal(b2.elderly.amount_fen, 130000);
  assert.equal(r.body.hardships_open, 1);

  r = await sec1.get(`/api/v1/care/records?kind=festival&year=${year}`);
  assert.equal(r.body.total, 1);
  r = await town.get(`/api/v1/care/records?org_id=${t.b2.id}`);
  assert.ok(r.body.items.every((x) => x.org_id === t.b2.id));
  r = await otherTown.get(`/api/v1/care/records/${visit.id}`);
  assert.equal(r.status, 404);
  r = await sec1.del(`/api/v1/care/records/${visit.id}`);
  assert.equal(r.status, 200);
  r = await town.get(`/api/v1/care/totals?org_id=${t.town.id}&year=${year}`);
  assert.equal(r.body.kinds.festival.records, 0);

  r = await sec1.post(`/api/v1/care/hardships/${hardship.id}/close`, { version: hardship.version + 5 });
  assert.equal(r.status, 409);
  r = await sec1.post(`/api/v1/care/hardships/${hardship.id}/close`, { version: hardship.version, note: '已好转' });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'closed');
  r = await sec1.post(`/api/v1/care/hardships/${hardship.id}/close`, { version: r.body.version });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'care.hardship_closed');
});

test('自行脱党 warnings: 6 unpaid months flagged, 5 not; an excuse lists the member apart', async () => {
  // dues from join_date's month: 6 and 5 whole months before this one, never paid
  const six = await member(other.b1.id, '欠六月', '1985-01-01', { category: 'probationary', join_date: monthsAgo(6), full_date: undefined });
  const five = await member(other.b1.id, '欠五月', '1985-02-01', { category: 'probationary', join_date: monthsAgo(5), full_date: undefined });
  assert.equal(six.dues_from, monthsAgo(6).slice(0, 7));
  // a third never paid for 7 months but never assessed (no dues base): 未核定, not in arrears
  const unassessed = await member(other.b1.id, '未核定', '1985-03-01', { category: 'probationary', join_date: monthsAgo(7), full_date: undefined });
  for (const m of [six, five]) {
    const b = await otherTown.post(`/api/v1/members/${m.id}/dues/bases`, { kind: 'farmer', base_fen: 0, from_month: m.dues_from });
    assert.equal(b.status, 201, JSON.stringify(b.body));
  }
  let r = await otherTown.get(`/api/v1/lapse-warnings?org_id=${other.town.id}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const hit = r.body.items.find((x) => x.member_id === six.id);
  assert.ok(hit, 'six months unpaid is flagged');
  assert.deepEqual(hit.reasons, ['no_dues']);
  assert.equal(hit.dues_months, 6);
  assert.equal(r.body.items.find((x) => x.member_id === five.id), undefined, 'five months is not');
  assert.equal(r.body.items.find((x) => x.member_id === unassessed.id), undefined, 'no dues base: no dues warning');
  assert.equal(hit.reason_text, '连续6个月未交党费');
  // a town is far below compliance.list_max: paging is accepted and every item answers, without page keys
  const paged = await otherTown.get(`/api/v1/lapse-warnings?org_id=${other.town.id}&page=3&per_page=1`);
  assert.equal(paged.status, 200);
  assert.deepEqual(paged.body.items, r.body.items);
  assert.equal(paged.body.page, undefined);
  assert.equal((await otherTown.get(`/api/v1/lapse-warnings?org_id=${other.town.id}&page=0`)).status, 400);
  const xlsx = await otherTown.get(`/api/v1/lapse-warnings?org_id=${other.town.id}&format=xlsx`);
  assert.equal(xlsx.status, 200);
  assert.equal(String.fromCharCode(xlsx.body[0], xlsx.body[1]), 'PK');
  const br = r.body.branches.find((b) => b.org_id === other.b1.id);
  assert.ok(br.warnings >= 1 && br.no_dues >= 1);
  r = await sec1.get(`/api/v1/lapse-warnings?org_id=${other.town.id}`);
  assert.ok([403, 404].includes(r.status), 'another town is out of the secretary\'s scope');

  r = await otherTown.post('/api/v1/lapse-warnings/excuses', { member_id: six.id, reason: '外出务工，书面请假', until_month: '2000-01' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'until_month');
  r = await otherTown.post('/api/v1/lapse-warnings/excuses', { member_id: six.id, until_month: monthsAgo(-2).slice(0, 7) });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'reason');
  r = await sec1.post('/api/v1/lapse-warnings/excuses', { member_id: six.id, reason: 'x', until_month: monthsAgo(-2).slice(0, 7) });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'member_id');
  const ex = await created(await otherTown.post('/api/v1/lapse-warnings/excuses', {
    member_id: six.id, reason: '外出务工，书面请假', until_month: monthsAgo(-2).slice(0, 7),
  }), 'excuse');
  r = await otherTown.get(`/api/v1/lapse-warnings?org_id=${other.town.id}`);
  assert.equal(r.body.items.find((x) => x.member_id === six.id), undefined);
  const apart = r.body.excused.find((x) => x.member_id === six.id);
  assert.equal(apart.excuse.reason, '外出务工，书面请假');
  assert.equal(apart.dues_months, 6);
  r = await sec1.del(`/api/v1/lapse-warnings/excuses/${ex.id}`);
  assert.equal(r.status, 404);
  r = await otherTown.del(`/api/v1/lapse-warnings/excuses/${ex.id}`);
  assert.equal(r.status, 200);
  r = await otherTown.get(`/api/v1/lapse-warnings?org_id=${other.town.id}`);
  assert.ok(r.body.items.find((x) => x.member_id === six.id));
  const audit = await admin.get(`/api/v1/audit?entity=lapse_excuse&entity_id=${ex.id}`);
  assert.equal(audit.status, 200);
  assert.equal(audit.body.items.length, 2, 'excuse writes audited');
});
