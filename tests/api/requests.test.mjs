// 民情诉求, 结对帮扶 and 走访 (docs/API.md "民情诉求 (requests) and 走访 / 结对帮扶 (visits)"): the status order with
// 409 request.status, reassignment with a reason, the overdue list, statistics, exports, scope, unknown fields;
// pairings; visits with follow-ups and a request made from a visit in one transaction; PATCH until rated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ADMIN, makeTree, memberBody } from './lib.mjs';

const admin = await Client.login(ADMIN.username, ADMIN.password);
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const dayOffset = (n) => new Date(Date.parse(`${today}T00:00:00Z`) + n * 86400e3).toISOString().slice(0, 10);

async function created(r, what) {
  assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}

const t = await makeTree(admin);
const m1 = await created(await admin.post('/api/v1/members', memberBody(t.b1.id)), 'member 1');
const m2 = await created(await admin.post('/api/v1/members', memberBody(t.b1.id)), 'member 2');
const m3 = await created(await admin.post('/api/v1/members', memberBody(t.b2.id)), 'member 3');

const newRequest = (over = {}) => admin.post('/api/v1/requests', {
  org_id: t.b1.id, channel: 'roundtable', requester: '张秀兰', address: '东村3组', content: '村口路灯不亮', category: 'infrastructure', ...over,
});

async function step(id, action, body) {
  const cur = (await admin.get(`/api/v1/requests/${id}`)).body;
  return admin.post(`/api/v1/requests/${id}/${action}`, { version: cur.version, ...body });
}

test('a request goes received → assigned → handled → replied → rated, out of order is 409 request.status', async () => {
  const r0 = await created(await newRequest({ received_on: dayOffset(-3) }), 'request');
  assert.equal(r0.status, 'received');
  assert.equal(r0.channel_name, '圆桌夜谈');
  assert.equal(r0.category_name, '基础设施');
  let r = await step(r0.id, 'handle', { handling: '已修' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'request.status');
  assert.equal((await step(r0.id, 'reply', { reply: '好' })).body.error.rule, 'request.status');
  assert.equal((await step(r0.id, 'rate', { satisfaction: 'satisfied' })).body.error.rule, 'request.status');
  r = await step(r0.id, 'assign', { member_id: m1.id, due_on: dayOffset(7) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.assignee_name, m1.name);
  // reassigning needs a reason; the reason is kept
  r = await step(r0.id, 'assign', { member_id: m2.id, due_on: dayOffset(7) });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'reason');
  r = await step(r0.id, 'assign', { org_id: t.b1.id, due_on: dayOffset(9), reason: '需支部统一协调' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.assignments.length, 2);
  assert.equal(r.body.assignments[1].reason, '需支部统一协调');
  assert.equal(r.body.assignee_org_id, t.b1.id);
  r = await step(r0.id, 'handle', { handling: '已联系电工更换灯泡', rectified: true });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await step(r0.id, 'assign', { member_id: m1.id, due_on: dayOffset(9), reason: '换人' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'request.status');
  assert.equal((await step(r0.id, 'reply', { reply: '路灯已修好', replied_on: dayOffset(-5) })).body.error.rule, 'request.date_order');
  assert.equal((await step(r0.id, 'reply', { reply: '路灯已修好' })).status, 200);
  assert.equal((await step(r0.id, 'rate', { satisfaction: 'great' })).status, 422);
  r = await step(r0.id, 'rate', { satisfaction: 'basic' });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'rated');
  assert.equal(r.body.satisfaction_name, '基本满意');
  assert.equal(r.body.days_to_reply, 3);
  // stale version and unknown fields
  r = await admin.post(`/api/v1/requests/${r0.id}/rate`, { version: 1, satisfaction: 'basic' });
  assert.equal(r.status, 409);
  assert.equal((await newRequest({ phone: '13900000000' })).status, 400);
  assert.equal((await newRequest({ requester: '' })).status, 422);
  assert.equal((await newRequest({ category: 'roads' })).body.error.field, 'category');
  assert.equal((await newRequest({ received_on: dayOffset(2) })).body.error.field, 'received_on');
});

test('overdue list, filters, statistics and exports', async () => {
  const late = await created(await newRequest({ org_id: t.b2.id, received_on: dayOffset(-20), category: 'jobs', channel: 'call' }), 'late');
  let r = await step(late.id, 'assign', { member_id: m3.id, assigned_on: dayOffset(-19), due_on: dayOffset(-1) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.overdue, true);
  const onTime = await created(await newRequest({ org_id: t.b2.id, category: 'jobs' }), 'on time');
  assert.equal((await step(onTime.id, 'assign', { member_id: m3.id, due_on: today })).status, 200);
  r = await admin.get(`/api/v1/requests/overdue?org=${t.town.id}`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.items.map((x) => x.id), [late.id]);
  r = await admin.get(`/api/v1/requests?org=${t.b2.id}&overdue=1`);
  assert.equal(r.body.total, 1);
  r = await admin.get(`/api/v1/requests?org=${t.town.id}&category=jobs&q=${encodeURIComponent('路灯')}`);
  assert.equal(r.body.total, 2);
  assert.equal((await admin.get(`/api/v1/requests?org=${t.town.id}&from=2026-13-01`)).status, 400);
  assert.equal((await admin.get('/api/v1/requests?status=done')).status, 400);

  // the late one handled (not rectified), replied, rated 不满意
  assert.equal((await step(late.id, 'handle', { handling: '已解释政策', rectified: false, handled_on: dayOffset(-10) })).status, 200);
  assert.equal((await step(late.id, 'reply', { reply: '已答复', replied_on: dayOffset(-8) })).status, 200);
  assert.equal((await step(late.id, 'rate', { satisfaction: 'dissatisfied' })).status, 200);
  r = await admin.get(`/api/v1/requests/stats?org=${t.town.id}`);
  assert.equal(r.status, 200);
  const s = r.body;
  assert.equal(s.received, 3);
  assert.equal(s.handled, 2);
  assert.equal(s.rectified, 1);
  assert.equal(s.rated, 2);
  assert.equal(s.satisfaction_rate, 50);
  assert.equal(s.avg_reply_days, 7.5); // 3 and 12 days
  assert.equal(s.by_category.find((g) => g.code === 'jobs').received, 2);
  assert.equal(s.by_channel.find((g) => g.code === 'call').rated, 1);
  r = await admin.get(`/api/v1/requests/stats?org=${t.town.id}&from=${dayOffset(-5)}&to=${today}`);
  assert.equal(r.body.received, 2);

  r = await admin.get(`/api/v1/requests?org=${t.town.id}&format=xlsx`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  r = await admin.get(`/api/v1/requests?org=${t.town.id}&format=csv`);
  assert.equal(r.status, 200);
  const csv = new TextDecoder().decode(r.body);
  assert.match(csv, /诉求人/);
  assert.match(csv, /张秀兰/);
});

test('pairings and visits; a visit makes a request in one transaction', async () => {
  let r = await admin.post('/api/v1/pairings', { org_id: t.b1.id, member_id: m1.id, target_kind: 'household', household_name: '李德福', household_address: '东村5组' });
  const p = await created(r, 'pairing');
  assert.equal(p.target_name, '李德福');
  assert.equal(p.active, true);
  r = await admin.post('/api/v1/pairings', { org_id: t.b1.id, member_id: m1.id, target_kind: 'member', target_member_id: m2.id, start_on: dayOffset(-30) });
  const p2 = await created(r, 'pairing with a member');
  assert.equal(p2.target_name, m2.name);
  assert.equal((await admin.post('/api/v1/pairings', { org_id: t.b1.id, member_id: m1.id, target_kind: 'member', target_member_id: m1.id })).body.error.rule, 'pairing.self');
  assert.equal((await admin.post('/api/v1/pairings', { org_id: t.b1.id, member_id: m1.id, target_kind: 'household', household_name: '王', id_number: 'x' })).status, 400);
  r = await admin.post(`/api/v1/pairings/${p2.id}/end`, { version: p2.version, end_on: dayOffset(-1) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.active, false);
  r = await admin.get(`/api/v1/pairings?org=${t.b1.id}&active=1`);
  assert.deepEqual(r.body.items.map((x) => x.id), [p.id]);
  assert.equal((await admin.get(`/api/v1/pairings?org=${t.b1.id}&format=xlsx`)).status, 200);

  // a bad request inside the visit: nothing written
  const before = (await admin.get(`/api/v1/visits?org=${t.b1.id}`)).body.total;
  const visit = {
    org_id: t.b1.id, visited_on: dayOffset(-2), place: '李德福家', member_ids: [m1.id, m2.id], pairing_id: p.id,
    findings: '屋顶漏雨', followup: '联系施工队修缮', followup_due: dayOffset(-1),
  };
  r = await admin.post('/api/v1/visits', { ...visit, request: { requester: '李德福', category: 'roof' } });
  assert.equal(r.status, 422);
  assert.equal((await admin.get(`/api/v1/visits?org=${t.b1.id}`)).body.total, before);
  r = await admin.post('/api/v1/visits', { ...visit, request: { requester: '李德福', category: 'infrastructure' } });
  const v = await created(r, 'visit');
  assert.equal(v.member_names.length, 2);
  assert.ok(v.request_id);
  assert.equal(v.followup_status, 'overdue');
  const req = (await admin.get(`/api/v1/requests/${v.request_id}`)).body;
  assert.equal(req.visit_id, v.id);
  assert.equal(req.content, '屋顶漏雨');
  assert.equal(req.channel, 'visit');
  r = await admin.post(`/api/v1/visits/${v.id}/request`, { version: v.version, requester: '李德福', category: 'other' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'visit.request_exists');
  r = await admin.get(`/api/v1/visits?org=${t.town.id}&followup=overdue`);
  assert.ok(r.body.items.some((x) => x.id === v.id));
  r = await admin.post(`/api/v1/visits/${v.id}/followup`, { version: v.version, result: '已修缮' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.followup_status, 'closed');
  assert.equal((await admin.post(`/api/v1/visits/${v.id}/followup`, { version: r.body.version, result: '再次' })).body.error.rule, 'visit.followup');

  // a visit without a request, then one from it
  const v2 = await created(await admin.post('/api/v1/visits', { org_id: t.b1.id, place: '村委会', member_ids: [m2.id], findings: '群众希望开设技能培训' }), 'visit 2');
  assert.equal(v2.followup_status, 'none');
  r = await admin.post(`/api/v1/visits/${v2.id}/request`, { version: v2.version, requester: '王桂英', category: 'jobs' });
  const made = await created(r, 'request from visit');
  assert.equal(made.visit_id, v2.id);
  assert.equal(made.content, '群众希望开设技能培训');
  assert.equal((await admin.get(`/api/v1/visits/${v2.id}`)).body.request_id, made.id);
  assert.equal((await admin.post('/api/v1/visits', { org_id: t.b1.id, place: '村委会', member_ids: [], findings: 'x' })).body.error.field, 'member_ids');
  assert.equal((await admin.post('/api/v1/visits', { org_id: t.b1.id, place: '村委会', member_ids: [m1.id], findings: 'x', followup: '跟进' })).body.error.field, 'followup_due');
  r = await admin.get(`/api/v1/visits?org=${t.town.id}&member=${m2.id}&format=csv`);
  assert.equal(r.status, 200);
  assert.match(new TextDecoder().decode(r.body), /走访党员/);
  assert.equal((await admin.get(`/api/v1/visits?followup=late`)).status, 400);
});

test('another branch secretary sees none of it and cannot assign into it', async () => {
  const tag = t.tag.toLowerCase();
  assert.equal((await admin.post('/api/v1/users', { username: `rq${tag}`, password: 'Branch#2026', role: 'secretary', org_id: t.b2.id })).status, 201);
  const sec = await Client.login(`rq${tag}`, 'Branch#2026');
  const mine = (await admin.get(`/api/v1/requests?org=${t.b1.id}`)).body.items[0];
  assert.equal((await sec.get(`/api/v1/requests/${mine.id}`)).status, 404);
  const list = (await sec.get('/api/v1/requests')).body.items;
  assert.ok(list.every((x) => x.org_id === t.b2.id));
  const own = await created(await sec.post('/api/v1/requests', { org_id: t.b2.id, channel: 'talk', requester: '陈玉梅', content: '水渠堵塞', category: 'infrastructure' }), 'own');
  const r = await sec.post(`/api/v1/requests/${own.id}/assign`, { version: own.version, member_id: m1.id, due_on: dayOffset(3) });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'member.scope');
  assert.equal((await sec.post('/api/v1/requests', { org_id: t.b1.id, channel: 'talk', requester: '陈玉梅', content: 'x', category: 'other' })).status, 422);
  assert.equal((await sec.get(`/api/v1/visits?org=${t.b1.id}`)).status === 200 ? 'leak' : 'ok', 'ok');
});

test('PATCH /requests/{id}: corrects what was received until rated (409 request.closed), versioned and audited', async () => {
  const r0 = await created(await newRequest({ received_on: dayOffset(-4), requester: '张秀兰' }), 'request');
  const patch = async (body) => {
    const cur = (await admin.get(`/api/v1/requests/${r0.id}`)).body;
    return admin.patch(`/api/v1/requests/${r0.id}`, { version: cur.version, ...body });
  };
  let r = await patch({ requester: '张秀英', category: 'medical', channel: 'call' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.requester, '张秀英');
  assert.equal(r.body.category_name, '医疗');
  assert.equal(r.body.channel_name, '来电来访');
  assert.equal(r.body.content, '村口路灯不亮');
  assert.equal(r.body.version, 2);
  // bad input names the field; unknown fields (the org, the status) are refused; a stale version is 409
  assert.equal((await patch({ category: 'roads' })).body.error.field, 'category');
  assert.equal((await patch({ received_on: dayOffset(3) })).body.error.field, 'received_on');
  assert.equal((await patch({ org_id: t.b2.id })).status, 400);
  assert.equal((await patch({ status: 'rated' })).status, 400);
  r = await admin.patch(`/api/v1/requests/${r0.id}`, { version: 1, content: '旧版本' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'store.stale');
  // through the steps, still correctable; the received date keeps the step order
  assert.equal((await step(r0.id, 'assign', { member_id: m1.id, due_on: dayOffset(5), assigned_on: dayOffset(-2) })).status, 200);
  r = await patch({ received_on: dayOffset(-1) });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.rule, 'request.date_order');
  assert.equal((await step(r0.id, 'handle', { handling: '已修' })).status, 200);
  assert.equal((await step(r0.id, 'reply', { reply: '已修好' })).status, 200);
  r = await patch({ content: '村口两盏路灯不亮', address: null });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.address, null);
  assert.equal(r.body.status, 'replied');
  assert.equal((await step(r0.id, 'rate', { satisfaction: 'satisfied' })).status, 200);
  r = await patch({ content: '评价后再改' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.rule, 'request.closed');
  assert.equal((await admin.get(`/api/v1/requests/${r0.id}`)).body.content, '村口两盏路灯不亮');
  const audit = (await admin.get(`/api/v1/audit?entity=mass_request&entity_id=${r0.id}`)).body.items;
  assert.equal(audit.filter((a) => a.action === 'update').length, 2);
  // another branch's secretary cannot reach it
  const tag = t.tag.toLowerCase();
  assert.equal((await admin.post('/api/v1/users', { username: `rqp${tag}`, password: 'Branch#2026', role: 'secretary', org_id: t.b2.id })).status, 201);
  const sec = await Client.login(`rqp${tag}`, 'Branch#2026');
  assert.equal((await sec.patch(`/api/v1/requests/${r0.id}`, { version: 1, content: 'x' })).status, 404);
});
