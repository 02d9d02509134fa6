// Browser test of 民主评议党员 and the 主题党日计划: open this year's round for a small demo branch, mark 优秀 up to
// the ⅓ cap and see the next one refused (appraisal.excellent_cap), closing too early refused
// (appraisal.incomplete), the rest 合格, close the round; set next month's 主题党日 topic, see it after a reload
// and on the calendar, and a stale save (409) offers a reload. Also the 390 px layout of both pages.
// Needs a running server with the demo data: DJ_URL=http://127.0.0.1:PORT node --test tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const BASE = (process.env.DJ_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const ADMIN_USER = process.env.DJ_DEMO_ADMIN_USER || 'admin';
const ADMIN_PASS = process.env.DJ_DEMO_ADMIN_PASS || 'Admin#2026';
const SHOTS = process.env.DJ_SHOTS || '';
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
  page.on('dialog', (d) => d.accept());
  return { context, page };
}

async function shot(page, name) {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function login(page) {
  await page.goto(`${BASE}/#/login`);
  await page.getByTestId('login-username').fill(ADMIN_USER);
  await page.getByTestId('login-password').fill(ADMIN_PASS);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(/#\/members$/);
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

// A small 党支部 with at least 4 active full members and no round for `year` yet.
async function pickBranch(page, year) {
  const orgs = (await getJson(page, '/api/v1/orgs?kind=branch&per_page=200')).items
    .filter((o) => o.kind === 'branch' && o.member_count >= 4 && !o.dissolved_on)
    .sort((a, b) => a.member_count - b.member_count);
  for (const o of orgs) {
    const ms = (await getJson(page, `/api/v1/members?org=${o.id}&per_page=200`)).items;
    const full = ms.filter((m) => m.category === 'full' && m.state === 'active').length;
    if (full < 4) continue;
    const rounds = (await getJson(page, `/api/v1/appraisals?org=${o.id}&year=${year}`)).items;
    if (rounds.some((r) => r.org_id === o.id)) continue;
    return o;
  }
  throw new Error('no demo branch with ≥ 4 full members left');
}

test('民主评议: ⅓ 优秀 cap, incomplete close refused, close; 主题党日计划 saved and shown', async (t) => {
  const { context, page } = await newPage({ viewport: { width: 1366, height: 900 } });
  let branch;
  let today;
  let year;
  try {
    await t.test('open a round and mark 优秀 up to the cap, then one more is refused', async () => {
      await login(page);
      today = (await getJson(page, '/api/v1/compliance')).today;
      year = Number(today.slice(0, 4));
      branch = await pickBranch(page, year);
      await page.getByTestId('nav-life').click();
      await page.getByTestId('life-tab-appraisal').click();
      await page.waitForURL(/#\/life\/appraisal/);
      await page.goto(`${BASE}/#/life/appraisal?org=${branch.id}&year=${year}`);
      await page.getByTestId('life-org-name').filter({ hasText: branch.name }).waitFor();
      await page.getByTestId('appraisal-open').click();
      await page.getByTestId('appraisal-round').waitFor();
      assert.equal(await page.getByTestId('appraisal-status').textContent(), '评议中');
      const id = await page.getByTestId('appraisal-round').getAttribute('data-id');
      const round = await getJson(page, `/api/v1/appraisals/${id}`);
      const cap = round.summary.excellent_cap;
      assert.equal(cap, Math.floor(round.summary.graded / 3));
      assert.ok(cap >= 1, `cap ${cap}`);
      await page.getByTestId('appraisal-counter').filter({ hasText: `优秀 0 / 上限 ${cap}` }).waitFor();
      const graded = round.entries.filter((e) => e.graded);
      const prob = round.entries.filter((e) => !e.graded);
      for (const e of prob) {
        const row = page.locator(`[data-testid="ap-entry"][data-member="${e.member_id}"]`);
        assert.ok(await row.getByTestId('ap-category').isDisabled(), `${e.name}: category disabled for a 预备党员`);
        await row.getByTestId('ap-prob-note').filter({ hasText: '参加评议、不评定等次' }).waitFor();
      }
      for (let i = 0; i < cap; i++) {
        await page.locator(`[data-testid="ap-entry"][data-member="${graded[i].member_id}"] [data-testid="ap-category"]`).selectOption('excellent');
        await page.getByTestId('appraisal-counter').filter({ hasText: `优秀 ${i + 1} / 上限 ${cap}` }).waitFor();
      }
      const extra = page.locator(`[data-testid="ap-entry"][data-member="${graded[cap].member_id}"] [data-testid="ap-category"]`);
      await extra.selectOption('excellent');
      const err = page.getByTestId('rule-error');
      await err.waitFor();
      assert.equal(await err.getAttribute('data-rule'), 'appraisal.excellent_cap');
      assert.match(await err.textContent(), /appraisal\.excellent_cap/);
      assert.equal(await extra.inputValue(), '', 'the refused choice is undone');
      await page.getByTestId('appraisal-counter').filter({ hasText: `优秀 ${cap} / 上限 ${cap}` }).waitFor();
      await shot(page, 'appraisal-cap');

      // Votes and self-assessment of one member.
      const row = page.locator(`[data-testid="ap-entry"][data-member="${graded[0].member_id}"]`);
      await row.getByTestId('ap-edit').click();
      await page.getByTestId('ap-self-input').fill('认真学习，积极参加组织生活。');
      await page.getByTestId('ap-mutual-excellent').fill('5');
      await page.getByTestId('ap-mass-qualified').fill('7');
      await page.getByTestId('ap-save').click();
      await row.getByTestId('ap-mutual').filter({ hasText: '优 5' }).waitFor();
      await row.getByTestId('ap-mass').filter({ hasText: '合 7' }).waitFor();
    });

    await t.test('closing with members undecided is refused; the rest 合格; close', async () => {
      await page.getByTestId('appraisal-close').click();
      await page.locator('[data-testid="rule-error"][data-rule="appraisal.incomplete"]').waitFor();
      const id = await page.getByTestId('appraisal-round').getAttribute('data-id');
      let round = await getJson(page, `/api/v1/appraisals/${id}`);
      for (const e of round.entries.filter((x) => x.graded && !x.category)) {
        const row = page.locator(`[data-testid="ap-entry"][data-member="${e.member_id}"]`);
        await row.getByTestId('ap-category').selectOption('qualified');
        await page.locator(`[data-testid="ap-entry"][data-member="${e.member_id}"][data-category="qualified"]`).waitFor();
      }
      round = await getJson(page, `/api/v1/appraisals/${id}`);
      assert.equal(round.summary.decided, round.summary.graded);
      await page.getByTestId('appraisal-close').click();
      await page.locator('[data-testid="appraisal-round"][data-status="closed"]').waitFor();
      assert.equal(await page.getByTestId('appraisal-status').textContent(), '已结束');
      assert.equal(await page.getByTestId('appraisal-close').count(), 0);
      assert.ok(await page.getByTestId('ap-category').first().isDisabled());
      round = await getJson(page, `/api/v1/appraisals/${id}`);
      assert.equal(round.status, 'closed');
      await page.reload();
      await page.locator('[data-testid="appraisal-round"][data-status="closed"]').waitFor();
      await page.locator('[data-testid="followup-empty"], [data-testid="followup-table"]').first().waitFor();
      await shot(page, 'appraisal-closed');
    });

    await t.test('主题党日计划: next month\'s topic is saved, shown after a reload and on the calendar', async () => {
      let y = year;
      let m = Number(today.slice(5, 7)) + 1;
      if (m > 12) { m = 1; y++; }
      const topic = `重温入党誓词 ${Date.now() % 100000}`;
      await page.getByTestId('life-tab-plans').click();
      await page.waitForURL(/#\/life\/plans/);
      await page.goto(`${BASE}/#/life/plans?org=${branch.id}&year=${y}`);
      await page.getByTestId('plan-form').waitFor();
      await page.locator(`[data-testid="plan-topic"][data-month="${m}"]`).fill(topic);
      await page.getByTestId('plan-save').click();
      await page.getByTestId('plan-saved').waitFor();
      await page.reload();
      await page.getByTestId('plan-form').waitFor();
      assert.equal(await page.locator(`[data-testid="plan-topic"][data-month="${m}"]`).inputValue(), topic);
      const plans = await getJson(page, `/api/v1/meeting-plans?org=${branch.id}&year=${y}`);
      assert.equal(plans.items[0].items.find((it) => Number(it.month) === m).topic, topic);
      await shot(page, 'plans');

      // Someone else saves first: the stale save offers a reload that shows their topic.
      const s = await getJson(page, '/api/v1/session');
      const other = plans.items[0].items.map((it) => (Number(it.month) === m ? { month: m, topic: `${topic} 改` } : it));
      const r = await page.request.post(`${BASE}/api/v1/meeting-plans`, {
        headers: { 'X-CSRF-Token': s.csrf },
        data: { org_id: branch.id, year: y, items: other.map((it) => ({ month: it.month, topic: it.topic })), version: plans.items[0].version },
      });
      assert.equal(r.status(), 200, await r.text());
      await page.locator(`[data-testid="plan-topic"][data-month="${m}"]`).fill(`${topic} 再改`);
      await page.getByTestId('plan-save').click();
      await page.getByTestId('conflict').waitFor();
      await page.getByTestId('conflict-reload').click();
      await page.waitForFunction(([mm, v]) => document.querySelector(`[data-testid="plan-topic"][data-month="${mm}"]`)?.value === v, [m, `${topic} 改`]);

      await page.goto(`${BASE}/#/life?m=${y}-${String(m).padStart(2, '0')}`);
      await page.getByTestId('life-calendar').waitFor();
      await page.getByTestId('cal-plan').filter({ hasText: `${topic} 改` }).waitFor();
    });
  } finally {
    await context.close();
  }
});

test('民主评议 and 主题党日计划 on a 390 px screen without page overflow', async () => {
  const { context, page } = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  try {
    await login(page);
    const branch = (await getJson(page, '/api/v1/orgs?kind=branch&per_page=5')).items[0];
    await page.goto(`${BASE}/#/life/appraisal?org=${branch.id}`);
    await page.locator('[data-testid="appraisal-round"], [data-testid="appraisal-none"]').first().waitFor();
    await noHorizontalScroll(page, 390);
    await shot(page, 'appraisal-390');
    await page.goto(`${BASE}/#/life/plans?org=${branch.id}`);
    await page.getByTestId('plan-form').waitFor();
    await noHorizontalScroll(page, 390);
    await shot(page, 'plans-390');
  } finally {
    await context.close();
  }
});
