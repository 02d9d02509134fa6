// Browser test of 组织生活: the compliance heatmap, recording a 主题党日 with attendance (one member on leave
// with a reason) and the meetings the month still needs, the branch's cell turning green for this month,
// the quorum refusal (rule-error), a stale edit (409), and a member's hours on the phone view.
// Needs a running server with the demo data (fresh DB): DJ_URL=http://127.0.0.1:PORT node --test tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const BASE = (process.env.DJ_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const ADMIN_USER = process.env.DJ_DEMO_ADMIN_USER || 'admin';
const ADMIN_PASS = process.env.DJ_DEMO_ADMIN_PASS || 'Admin#2026';
const MEMBER_USER = process.env.DJ_DEMO_MEMBER_USER || '';
const MEMBER_PASS = process.env.DJ_DEMO_MEMBER_PASS || '';
const SHOTS = process.env.DJ_SHOTS || ''; // a directory: screenshots of the calendar, form and heatmap
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const TIMEOUT = 15000;

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
  return { context, page };
}

async function shot(page, name) {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function login(page, user, pass) {
  await page.goto(`${BASE}/#/login`);
  await page.getByTestId('login-username').fill(user);
  await page.getByTestId('login-password').fill(pass);
  await page.getByTestId('login-submit').click();
}

async function getJson(page, url) {
  const r = await page.request.get(`${BASE}${url}`);
  assert.equal(r.status(), 200, `${url}: ${r.status()} ${await r.text()}`);
  return r.json();
}

async function noHorizontalScroll(page, width) {
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(sw <= width, `scrollWidth ${sw} > ${width}`);
}

// Fills the meeting form that is open for `orgId` and saves it.
async function recordMeeting(page, { orgId, kind, date, groupId, leave }) {
  await page.goto(`${BASE}/#/life/new?org=${orgId}&date=${date}`);
  const form = page.getByTestId('meeting-form');
  await form.waitFor();
  await page.getByTestId('att-member').first().waitFor();
  await page.getByTestId('input-kind').selectOption(kind);
  if (groupId) {
    await page.getByTestId('input-group').selectOption(String(groupId));
    await page.locator(`[data-testid="meeting-org"]`).filter({ hasText: '党小组' }).waitFor();
  }
  assert.equal(await page.getByTestId('input-held_on').inputValue(), date);
  await page.getByTestId('input-start_time').fill('09:00');
  await page.getByTestId('input-end_time').fill('11:00');
  await page.getByTestId('input-place').fill('党员活动室');
  await page.getByTestId('input-host').fill('支部书记');
  if (kind === 'lecture') await page.getByTestId('input-lecturer').fill('支部书记');
  await page.getByTestId('input-topic').fill(`${kind} 测试 ${Date.now()}`);
  await page.getByTestId('att-member').first().waitFor();
  if (kind === 'committee') {
    // Mark just over half of the branch's 支委 (committee_size) as present committee members.
    const org = await getJson(page, `/api/v1/orgs/${orgId}`);
    const need = Math.floor(org.committee_size / 2) + 1;
    await page.getByTestId('count-committee').waitFor();
    const boxes = page.getByTestId('att-committee');
    for (let i = 0; i < await boxes.count(); i++) await boxes.nth(i).setChecked(i < need);
    await page.getByTestId('count-committee').filter({ hasText: `支委到会 ${need} / 已标 ${need}` }).waitFor();
    await shot(page, 'form-committee');
  }
  if (leave) await leave(page);
  await page.getByTestId('meeting-save').click();
  try {
    await page.waitForURL(/#\/life\?m=\d{4}-\d{2}$/);
  } catch (e) {
    throw new Error(`${kind} not saved at ${page.url()}: ${await page.locator('.field-error, .form-msg, .notice').allInnerTexts()}`);
  }
  await page.getByTestId('life-calendar').waitFor();
}

test('组织生活: heatmap, 主题党日 with attendance turns the branch green, quorum, conflict', async (t) => {
  const { context, page } = await newPage({ viewport: { width: 1366, height: 900 } });
  let branch; // compliance row of the chosen branch for this month
  let today;
  let month;
  let meetingId;
  try {
    await t.test('the heatmap shows this month for the branch as not green', async () => {
      await login(page, ADMIN_USER, ADMIN_PASS);
      await page.waitForURL(/#\/members$/);
      await page.getByTestId('nav-life').click();
      await page.waitForURL(/#\/life$/);
      await page.getByTestId('life-calendar').waitFor();
      await page.getByTestId('life-tab-compliance').click();
      await page.getByTestId('heatmap').waitFor();
      // This month per the server; a branch whose month still needs its 主题党日.
      const c = await getJson(page, '/api/v1/compliance');
      today = c.today;
      month = Number(today.slice(5, 7));
      const m = await getJson(page, `/api/v1/compliance?month=${month}`);
      const needs = (b) => b.items.reduce((n, it) => n + it.missing.reduce((k, x) => k + x.missing, 0), 0);
      const cands = m.branches.filter((b) => b.status !== 'green'
        && b.items.some((it) => it.kind === 'theme_day' && it.missing.length));
      assert.ok(cands.length, 'a branch that still needs its 主题党日 this month');
      // Prefer one that also needs a 支委会 and 党小组会 (so those forms are exercised), then the fewest meetings.
      const kinds = (b) => new Set(b.items.filter((it) => it.missing.length).map((it) => it.kind));
      const full = (b) => (kinds(b).has('committee') && kinds(b).has('group') ? 0 : 1);
      cands.sort((a, b) => full(a) - full(b) || needs(a) - needs(b));
      branch = cands[0];
      const cell = page.locator(`[data-testid="heat-cell"][data-org="${branch.org_id}"][data-month="${month}"]`);
      await cell.waitFor();
      assert.notEqual(await cell.getAttribute('data-status'), 'green');
      assert.equal(await cell.getAttribute('data-status'), branch.status);
      assert.match(await cell.getAttribute('title'), /主题党日/, 'the tooltip lists the missing 主题党日');
      await shot(page, 'heatmap-before');
      await cell.click();
      await page.getByTestId('heat-detail').waitFor();
      await page.getByTestId('heat-item').filter({ hasText: '主题党日' }).waitFor();
    });

    await t.test('record a 主题党日 for today with one member on leave', async () => {
      await page.getByTestId('heat-record').click();
      await page.waitForURL(/#\/life\/new\?/);
      await page.getByTestId('meeting-form').waitFor();
      await page.getByTestId('att-member').first().waitFor();
      assert.equal(await page.getByTestId('input-org_id').inputValue(), branch.name, 'the branch is preselected');
      await page.getByTestId('input-kind').selectOption('theme_day');
      assert.equal(await page.getByTestId('input-held_on').inputValue(), today);
      const total = await page.getByTestId('att-member').count();
      await page.getByTestId('count-present').filter({ hasText: `出席 ${total}` }).waitFor();
      await page.getByTestId('input-start_time').fill('14:30');
      await page.getByTestId('input-end_time').fill('16:30');
      await page.getByTestId('input-place').fill('党员活动室');
      await page.getByTestId('input-host').fill('支部书记');
      await page.getByTestId('input-topic').fill('学习党章 重温入党誓词');
      await page.getByTestId('input-agenda').fill('1. 重温入党誓词\n2. 集中学习');
      await page.getByTestId('input-minutes').fill('全体党员重温入党誓词，集中学习党章。');
      const first = page.getByTestId('att-member').first();
      await first.click();
      assert.equal(await page.getByTestId('att-member').first().getAttribute('data-status'), 'leave');
      await page.getByTestId('count-leave').filter({ hasText: '请假 1' }).waitFor();
      await page.getByTestId('count-present').filter({ hasText: `出席 ${total - 1}` }).waitFor();
      // A leave without a reason is refused in the form.
      await page.getByTestId('meeting-save').click();
      await page.getByTestId('field-error-attendance').filter({ hasText: '请假事由' }).waitFor();
      await page.getByTestId('att-reason').fill('外出务工');
      await shot(page, 'meeting-form');
      await page.getByTestId('meeting-save').click();
      await page.waitForURL(new RegExp(`#/life\\?m=${today.slice(0, 7)}$`));
      const chip = page.locator(`[data-testid="cal-day"][data-date="${today}"] [data-testid="meeting-chip"][data-kind="theme_day"]`);
      await chip.waitFor();
      meetingId = await chip.getAttribute('data-id');
      await shot(page, 'calendar');
      const rec = await getJson(page, `/api/v1/meetings/${meetingId}`);
      assert.equal(rec.kind, 'theme_day');
      assert.equal(rec.counts.leave, 1);
      assert.equal(rec.counts.present, total - 1);
      assert.equal(rec.hours, 2);
      assert.equal(rec.attendance.find((a) => a.status === 'leave').reason, '外出务工');
    });

    await t.test('the 主题党日 requirement is met; the other meetings of the month make the cell green', async () => {
      let m = await getJson(page, `/api/v1/compliance?org=${branch.org_id}&month=${month}`);
      let row = m.branches.find((b) => b.org_id === branch.org_id);
      assert.deepEqual(row.items.find((it) => it.kind === 'theme_day').missing, [], '主题党日 satisfied');
      // Whatever else this month's view still needs (支委会, 党小组会 per 党小组, quarter/year rules ending now).
      const groups = (await getJson(page, `/api/v1/orgs/${branch.org_id}/children`)).items.filter((o) => o.kind === 'group');
      for (const it of row.items) {
        for (const x of it.missing) {
          if (it.kind === 'group') {
            for (const g of groups.slice(0, x.missing)) await recordMeeting(page, { orgId: branch.org_id, kind: 'group', date: today, groupId: g.id });
          } else {
            for (let i = 0; i < x.missing; i++) await recordMeeting(page, { orgId: branch.org_id, kind: it.kind, date: today });
          }
        }
      }
      await shot(page, 'calendar-full');
      m = await getJson(page, `/api/v1/compliance?org=${branch.org_id}&month=${month}`);
      row = m.branches.find((b) => b.org_id === branch.org_id);
      assert.equal(row.status, 'green', JSON.stringify(row.items.filter((it) => it.missing.length)));
      await page.getByTestId('nav-life').click();
      await page.getByTestId('life-tab-compliance').click();
      await page.getByTestId('heatmap').waitFor();
      const cell = page.locator(`[data-testid="heat-cell"][data-org="${branch.org_id}"][data-month="${month}"]`);
      await cell.waitFor();
      assert.equal(await cell.getAttribute('data-status'), 'green');
      await cell.click();
      await page.getByTestId('heat-detail-status').filter({ hasText: '达标' }).waitFor();
      await shot(page, 'heatmap-after');
    });

    await t.test('a vote without quorum shows the server rule; a stale edit offers a reload', async () => {
      await page.goto(`${BASE}/#/life/new?org=${branch.org_id}&date=${today}`);
      await page.getByTestId('att-member').first().waitFor();
      await page.getByTestId('input-kind').selectOption('party_congress');
      await page.getByTestId('input-start_time').fill('19:00');
      await page.getByTestId('input-end_time').fill('20:00');
      await page.getByTestId('att-all-absent').click();
      await page.getByTestId('count-absent').filter({ hasText: /缺席 [1-9]/ }).waitFor();
      await page.getByTestId('input-vote').check();
      await page.getByTestId('meeting-save').click();
      const err = page.locator('.rule-error');
      await err.waitFor();
      assert.match(await err.textContent(), /meeting\.quorum/);
      assert.match(page.url(), /#\/life\/new/);

      await page.goto(`${BASE}/#/life/${meetingId}`);
      await page.getByTestId('meeting-form').waitFor();
      await page.locator('[data-testid="att-member"][data-status="leave"]').waitFor();
      assert.equal(await page.getByTestId('att-reason').inputValue(), '外出务工');
      // Someone else saves first.
      const s = await getJson(page, '/api/v1/session');
      const rec = await getJson(page, `/api/v1/meetings/${meetingId}`);
      const r = await page.request.patch(`${BASE}/api/v1/meetings/${meetingId}`, {
        headers: { 'X-CSRF-Token': s.csrf }, data: { version: rec.version, place: '村委会会议室' },
      });
      assert.equal(r.status(), 200, await r.text());
      await page.getByTestId('input-resolutions').fill('按期开展主题党日');
      await page.getByTestId('meeting-save').click();
      await page.getByTestId('conflict').waitFor();
      await page.getByTestId('conflict-reload').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="input-place"]')?.value === '村委会会议室');
    });

    await t.test('list view and hours table', async () => {
      await page.getByTestId('nav-life').click();
      await page.getByTestId('life-tab-list').click();
      await page.locator(`[data-testid="meeting-row"][data-id="${meetingId}"]`).waitFor();
      await page.getByTestId('life-tab-hours').click();
      await page.locator('[data-testid="hours-table"], .empty').first().waitFor();
      await page.getByTestId('life-tab-risk').click();
      await page.locator('[data-testid="risk-table"], [data-testid="risk-empty"]').first().waitFor();
    });
  } finally {
    await context.close();
  }
});

test('组织生活 on a 390 px screen: calendar, form and heatmap without page overflow', async () => {
  const { context, page } = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  try {
    await login(page, ADMIN_USER, ADMIN_PASS);
    await page.waitForURL(/#\/members$/);
    await page.goto(`${BASE}/#/life`);
    await page.getByTestId('life-calendar').waitFor();
    await noHorizontalScroll(page, 390);
    await shot(page, 'calendar-390');
    await page.goto(`${BASE}/#/life/new?org=127`);
    await page.getByTestId('meeting-form').waitFor();
    await page.locator('[data-testid="att-member"], .att-list .muted').first().waitFor();
    await noHorizontalScroll(page, 390);
    await shot(page, 'form-390');
    await page.goto(`${BASE}/#/life/compliance`);
    await page.getByTestId('heatmap').waitFor();
    await noHorizontalScroll(page, 390);
    await shot(page, 'heatmap-390');
  } finally {
    await context.close();
  }
});

test('phone: a member sees 我的组织生活 with hours against the target', { skip: !MEMBER_USER || !MEMBER_PASS ? 'DJ_DEMO_MEMBER_USER / DJ_DEMO_MEMBER_PASS not set' : false }, async () => {
  const { context, page } = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 });
  try {
    await login(page, MEMBER_USER, MEMBER_PASS);
    await page.waitForURL(/#\/me$/);
    await page.getByTestId('me-life').waitFor();
    // An administrator records a 集中学习 of 2 学时 today for the member's branch.
    const me = await getJson(page, '/api/v1/me');
    const admin = await newPage();
    try {
      await login(admin.page, ADMIN_USER, ADMIN_PASS);
      await admin.page.waitForURL(/#\/members$/);
      const s = await getJson(admin.page, '/api/v1/session');
      const c = await getJson(admin.page, '/api/v1/compliance');
      const r = await admin.page.request.post(`${BASE}/api/v1/meetings`, {
        headers: { 'X-CSRF-Token': s.csrf },
        data: { org_id: me.org_id, kind: 'study', held_on: c.today, start_time: '08:00', end_time: '10:00', topic: '冬春轮训' },
      });
      assert.equal(r.status(), 201, await r.text());
    } finally {
      await admin.context.close();
    }
    await page.reload();
    await page.getByTestId('me-meeting').filter({ hasText: '集中学习' }).first().waitFor();
    await page.getByTestId('me-hours').waitFor();
    const s = await getJson(page, '/api/v1/session');
    const year = new Date().getFullYear();
    const r = await getJson(page, `/api/v1/members/${s.user.member_id}/hours?year=${year}`);
    assert.ok(r.hours >= 2, `hours ${r.hours}`);
    assert.equal((await page.getByTestId('me-hours-value').textContent()).trim(), String(r.hours));
    assert.match(await page.getByTestId('me-hours').textContent(), new RegExp(`/ ${r.target_hours} 学时`));
    await page.getByTestId('me-att-counts').waitFor();
    await noHorizontalScroll(page, 390);
    await shot(page, 'me-390');
  } finally {
    await context.close();
  }
});
