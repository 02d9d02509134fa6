// Browser test of 合理化建议 on the demo data. The member is an account this test makes for itself (through the
// admin API) for a member of member2's branch (永安镇宏达机械有限公司党支部) — not member1, member2 or member3, whose
// pages other tests use. On a 360 px phone the member opens #/me, goes to 合理化建议, meets the required title,
// submits; the branch's secretary finds it under #/suggestions, converts it into a 民情诉求; back on the phone the
// member sees it converted. Then the yearly statistics page, and the public board's small "提建议" form on a phone.
// Needs a running server with the demo data: DJ_URL=http://127.0.0.1:PORT node --test tests/e2e/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ADMIN_PASS, ADMIN_USER, BASE, DESK, PHONE, SHOTS, login, noHorizontalScroll, useBrowser } from './helpers.mjs';

const SEC_PASS = 'Branch#2026';
const OWN_PASS = 'Suggest#2026';
const BOARD_KEY = 'DemoBoardZhangzhuang2026';

const { newPage, shot } = useBrowser();

async function apiAs(username, password) {
  const r = await fetch(`${BASE}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password, bearer: true }) });
  assert.equal(r.status, 200, `login ${username}`);
  const { token } = await r.json();
  return async (method, p, body) => {
    const res = await fetch(BASE + p, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
}

// An account of our own for a member without one in member2's branch, and that branch's secretary.
async function ownMember() {
  const admin = await apiAs(ADMIN_USER, ADMIN_PASS);
  const users = (await admin('GET', '/api/v1/users?per_page=200')).body.items;
  const m2 = users.find((u) => u.username === 'member2');
  assert.ok(m2, 'the demo has member2');
  const branch = m2.org_id;
  const sec = users.find((u) => u.role === 'secretary' && u.org_id === branch);
  assert.ok(sec, 'the branch has a secretary account');
  const taken = new Set(users.map((u) => u.member_id).filter(Boolean));
  const members = (await admin('GET', `/api/v1/members?org=${branch}&per_page=200`)).body.items;
  const m = members.find((x) => !taken.has(x.id) && x.state === 'active');
  assert.ok(m, 'a member without an account');
  const username = `sge2e${Date.now() % 1000000}`;
  const r = await admin('POST', '/api/v1/users', { username, password: OWN_PASS, role: 'member', org_id: branch, member_id: m.id });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { username, name: m.name, secretary: sec.username };
}

test('a member suggests on the phone, the secretary converts it, the member sees it converted', async () => {
  const own = await ownMember();
  const title = `建议增设党员先锋岗 ${Date.now() % 100000}`;
  const member = await newPage(PHONE);
  const sec = await newPage(DESK);
  try {
    await login(member.page, own.username, OWN_PASS, /#\/me$/);
    await member.page.getByTestId('me-name').waitFor();
    await member.page.getByTestId('me-suggestions').waitFor();
    await member.page.getByTestId('me-sg-open').click();
    await member.page.waitForURL(/#\/me\/suggestions$/);
    await member.page.getByTestId('me-sg-empty').waitFor();
    // the title is required: named next to its field
    await member.page.getByTestId('me-sg-body-input').fill('车间一线党员多，建议设立党员先锋岗，亮身份、作表率。');
    await member.page.getByTestId('me-sg-submit').click();
    await member.page.getByTestId('field-error-title').filter({ hasText: '标题' }).waitFor();
    await member.page.getByTestId('me-sg-title-input').fill(title);
    await member.page.getByTestId('me-sg-submit').click();
    const mine = member.page.getByTestId('me-sg-item').filter({ hasText: title });
    await mine.waitFor();
    assert.equal(await mine.getAttribute('data-status'), 'open');
    await noHorizontalScroll(member.page, 360);
    await shot(member.page, 'suggestions-me-sent');

    // the secretary: in the list, opened, converted
    await login(sec.page, own.secretary, SEC_PASS);
    await sec.page.goto(`${BASE}/#/suggestions?status=open`);
    const row = sec.page.getByTestId('sg-row').filter({ hasText: title });
    await row.waitFor();
    assert.ok((await row.textContent()).includes(own.name), 'the submitter is named');
    await row.getByTestId('sg-link').click();
    await sec.page.waitForURL(/#\/suggestions\/\d+$/);
    assert.equal(await sec.page.getByTestId('sg-head').textContent(), title);
    // a category is needed
    await sec.page.getByTestId('sg-convert').click();
    await sec.page.getByTestId('field-error-category').filter({ hasText: /\S/ }).waitFor();
    await sec.page.getByTestId('sg-category').selectOption('jobs');
    await sec.page.getByTestId('sg-convert').click();
    await sec.page.getByTestId('sg-request-link').waitFor();
    assert.equal(await sec.page.getByTestId('sg-status').getAttribute('data-status'), 'converted');
    assert.equal(await sec.page.getByTestId('sg-convert-form').count(), 0, 'answered once');
    await shot(sec.page, 'suggestions-converted');
    // the request it became
    await sec.page.getByTestId('sg-request-link').click();
    await sec.page.waitForURL(/#\/work\/requests\/\d+$/);
    await sec.page.getByText('合理化建议').first().waitFor();

    // the yearly statistics
    await sec.page.goto(`${BASE}/#/suggestions/stats`);
    await sec.page.getByTestId('sg-stats-table').waitFor();
    const converted = Number(await sec.page.getByTestId('sg-stats-converted').locator('a').textContent());
    assert.ok(converted >= 1);
    await shot(sec.page, 'suggestions-stats');

    // back on the phone: converted
    await member.page.reload();
    await mine.waitFor();
    assert.equal(await mine.getAttribute('data-status'), 'converted');
    await mine.getByTestId('me-sg-converted').waitFor();
    await noHorizontalScroll(member.page, 360);
    await member.page.getByTestId('me-sg-back').click();
    await member.page.waitForURL(/#\/me$/);
    await member.page.getByTestId('me-sg-count').filter({ hasText: '已答复 1 条' }).waitFor();
  } finally {
    await member.context.close();
    await sec.context.close();
  }
});

test('the public board takes a suggestion on a phone', async () => {
  const pub = await newPage(PHONE);
  try {
    await pub.page.goto(`${BASE}/#/board?key=${BOARD_KEY}`);
    await pub.page.getByTestId('board-org').waitFor();
    await pub.page.getByTestId('board-sg-title').fill('建议村口增设路灯');
    await pub.page.getByTestId('board-sg-body').fill('晚上村口太黑，老人出行不便。');
    await pub.page.getByTestId('board-sg-contact').fill('12');
    await pub.page.getByTestId('board-sg-submit').click();
    await pub.page.getByTestId('field-error-contact').filter({ hasText: /\S/ }).waitFor();
    await pub.page.getByTestId('board-sg-contact').fill('13800138000');
    await pub.page.getByTestId('board-sg-submit').click();
    await pub.page.getByTestId('board-sg-done').waitFor();
    await noHorizontalScroll(pub.page, 360);
    if (SHOTS) await pub.page.getByTestId('board-suggest').screenshot({ path: path.join(SHOTS, 'suggestions-board.png') });
  } finally {
    await pub.context.close();
  }
});
