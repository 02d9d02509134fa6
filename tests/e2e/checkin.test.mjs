// Browser test of 扫码签到 on the demo data (check-in is on for 孟庄镇刘集村党支部, secretary secmz05): the secretary
// records today's 主题党日 with 扫码签到 through the form and gets the QR panel; issues a one-time sign-in code for a
// member of the branch (not member1..member3: a member without an account, taken from the end of the roster); the
// member's phone (360x740) opens the check-in link before signing in, signs in with the code, comes back to the
// link and sees 签到成功; on #/me the meeting shows 出席 and the 学时 went up by the meeting's hours; the secretary's
// panel counts the check-in. The e2e server runs on the real clock, so the meeting is placed around now.
// Needs a running server with the demo data: DJ_URL=http://127.0.0.1:PORT node --test tests/e2e/checkin.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const BASE = (process.env.DJ_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const SEC_USER = 'secmz05';
const SEC_PASS = 'Branch#2026';
const BRANCH = '孟庄镇刘集村党支部';
const SHOTS = process.env.DJ_SHOTS || '';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const TIMEOUT = 15000;
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESK = { viewport: { width: 1366, height: 900 } };

let browser;

before(async () => {
  browser = await chromium.launch({ executablePath: process.env.DJ_CHROMIUM || '/usr/bin/chromium', headless: true, args: ARGS });
  if (SHOTS) fs.mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  if (browser) await browser.close();
});

async function newPage(opts = {}) {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...opts });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  page.on('dialog', (d) => d.accept());
  return { context, page };
}

async function shot(page, name) {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function api(token, method, p, body) {
  const r = await fetch(`${BASE}${p}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await r.json().catch(() => null);
  assert.ok(r.ok, `${method} ${p}: ${r.status} ${JSON.stringify(data)}`);
  return data;
}

async function noHorizontalScroll(page, width) {
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(sw <= width, `scrollWidth ${sw} > ${width}`);
}

// now in Asia/Shanghai: minutes since midnight
function shanghaiMinutes() {
  const d = new Date(Date.now() + 8 * 3600 * 1000);
  return d.getUTCHours() * 60 + d.getUTCMinutes();
}
const hhmm = (m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

test('扫码签到: the secretary shows the code, a member signs in with a one-time code on the phone and is present', async () => {
  const login = await fetch(`${BASE}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: SEC_USER, password: SEC_PASS, bearer: true }) }).then((r) => r.json());
  const tok = login.token;
  const branchId = login.user.org_id;
  const branch = await api(tok, 'GET', `/api/v1/orgs/${branchId}`);
  assert.equal(branch.name, BRANCH);
  const setting = await api(tok, 'GET', `/api/v1/orgs/${branchId}/checkin`);
  assert.equal(setting.enabled, true, 'the demo switches check-in on for this branch');

  // a member of the branch with no account yet, from the end of the roster
  const users = await api(tok, 'GET', `/api/v1/members?org=${branchId}&state=active&per_page=200&sort=name`);
  const cands = users.items.filter((m) => m.org_id === branchId && m.id !== branch.secretary_member_id
    && (!m.category || m.category === 'full' || m.category === 'probationary'));
  assert.ok(cands.length >= 2);
  const who = cands[cands.length - 1];
  const year = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear();
  const hoursBefore = Number((await api(tok, 'GET', `/api/v1/members/${who.id}/hours?year=${year}`)).hours);

  const now = shanghaiMinutes();
  const start = hhmm(Math.max(0, now - 10));
  const end = hhmm(Math.min(23 * 60 + 59, now + 50));
  const sec = await newPage(DESK);
  const phone = await newPage(PHONE);
  try {
    // the secretary records today's meeting with 扫码签到 through the form
    await sec.page.goto(`${BASE}/#/login`);
    await sec.page.getByTestId('login-username').fill(SEC_USER);
    await sec.page.getByTestId('login-password').fill(SEC_PASS);
    await sec.page.getByTestId('login-submit').click();
    await sec.page.waitForURL(/#\/members$/);
    // the org page shows the switch, on for this branch
    await sec.page.goto(`${BASE}/#/orgs/${branchId}`);
    await sec.page.getByTestId('org-checkin-toggle').waitFor();
    assert.equal(await sec.page.getByTestId('org-checkin-toggle').isChecked(), true);
    assert.match(await sec.page.getByTestId('org-checkin-state').textContent(), /开启/);
    await sec.page.goto(`${BASE}/#/life/new?org=${branchId}`);
    await sec.page.getByTestId('input-kind').selectOption('theme_day');
    await sec.page.getByTestId('input-start_time').fill(start);
    await sec.page.getByTestId('input-end_time').fill(end);
    await sec.page.getByTestId('input-topic').fill(`扫码签到测试 ${Date.now() % 100000}`);
    await sec.page.getByTestId('input-checkin').check();
    await sec.page.getByTestId('att-counts').filter({ hasText: '缺席' }).waitFor();
    await sec.page.getByTestId('meeting-save').click();
    await sec.page.waitForURL(/#\/life\/\d+$/);
    const meetingId = Number(sec.page.url().match(/life\/(\d+)$/)[1]);
    await sec.page.getByTestId('checkin-qr').waitFor({ state: 'visible' });
    assert.ok(await sec.page.getByTestId('checkin-qr').evaluate((img) => img.complete && img.naturalWidth > 100));
    const link = await sec.page.getByTestId('checkin-link').getAttribute('href');
    assert.match(link, new RegExp(`/#/checkin\\?m=${meetingId}&t=[0-9a-f]{12}$`));
    assert.equal(await sec.page.getByTestId('checkin-count').textContent(), '0');
    await shot(sec.page, 'checkin-secretary');

    // the one-time sign-in code for the member (the secretary hands it over)
    const issued = await api(tok, 'POST', `/api/v1/members/${who.id}/signin-code`);
    assert.ok(issued.code);

    // the phone opens the link from the QR code before signing in, signs in with the code, and comes back
    await phone.page.goto(link.replace(/^https?:\/\/[^/]+/, BASE));
    await phone.page.waitForURL(/#\/login$/);
    await phone.page.getByTestId('login-use-code').click();
    await phone.page.waitForURL(/#\/login\/code$/);
    await phone.page.getByTestId('login-code').fill(issued.code);
    await phone.page.getByTestId('login-code-submit').click();
    await phone.page.waitForURL(/#\/checkin\?m=\d+&t=/);
    await phone.page.getByTestId('checkin-success').waitFor();
    assert.equal(await phone.page.getByTestId('checkin-title').textContent(), '签到成功');
    await noHorizontalScroll(phone.page, 360);
    await shot(phone.page, 'checkin-phone-success');

    // opened again: already checked in, nothing counted twice
    await phone.page.reload();
    await phone.page.getByTestId('checkin-already').waitFor();

    // once checked in, any later scan (even with a made-up code) just says so
    await phone.page.goto(`${BASE}/#/checkin?m=${meetingId}&t=000000000000`);
    await phone.page.getByTestId('checkin-already').waitFor();

    // #/me: the meeting is 出席 and the hours went up by the meeting's hours
    const meeting = await api(tok, 'GET', `/api/v1/meetings/${meetingId}`);
    assert.equal(meeting.attendance.find((a) => a.member_id === who.id).status, 'present');
    await phone.page.getByTestId('checkin-me-link').click();
    await phone.page.waitForURL(/#\/me$/);
    const today = meeting.held_on;
    const row = phone.page.getByTestId('me-meeting').filter({ hasText: today }).filter({ hasText: '出席' });
    await row.first().waitFor();
    const expected = Math.round((hoursBefore + Number(meeting.hours)) * 10) / 10;
    await phone.page.getByTestId('me-hours-value').filter({ hasText: String(expected) }).waitFor();
    assert.equal(Number(await phone.page.getByTestId('me-hours-value').textContent()), expected);
    await noHorizontalScroll(phone.page, 360);
    await shot(phone.page, 'checkin-phone-me');

    // the secretary's panel counts the check-in (it polls while open)
    await sec.page.getByTestId('checkin-count').filter({ hasText: '1' }).waitFor({ timeout: 20000 });
    assert.equal(await sec.page.getByTestId('checkin-person').count(), 1);
    assert.equal(await sec.page.getByTestId('checkin-person').first().getAttribute('data-member-id'), String(who.id));
  } finally {
    await sec.context.close();
    await phone.context.close();
  }
});

test('another branch\'s member cannot check in to this meeting (404 in Chinese on the phone)', async () => {
  // member1 (张庄村) signs in elsewhere; here only the API is used so member1's page state is not touched
  const login = await fetch(`${BASE}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: SEC_USER, password: SEC_PASS, bearer: true }) }).then((r) => r.json());
  const list = await api(login.token, 'GET', `/api/v1/meetings?org=${login.user.org_id}&per_page=5`);
  const target = list.items[0];
  assert.ok(target);
  const st = await api(login.token, 'GET', `/api/v1/meetings/${target.id}/checkin`);
  // the town admin of another town has no member record: 404 all the same
  const other = await fetch(`${BASE}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'gaoqiao', password: 'Town#2026', bearer: true }) }).then((r) => r.json());
  const r = await fetch(`${BASE}/api/v1/me/checkin`, { method: 'POST',
    headers: { Authorization: `Bearer ${other.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ meeting_id: target.id, token: st.token || '000000000000' }) });
  assert.equal(r.status, 404);
});
