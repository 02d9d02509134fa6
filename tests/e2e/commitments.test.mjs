// Browser test of 承诺践诺 (目标责任书 and 承诺事项) on the demo data: the admin sees the statistics card and the
// item list, filters by status and overdue, exports to Excel, signs a letter for an organization through the form
// (a missing holder is named next to its field), completes an item on the letter's page (no evidence → refused
// next to the field, rule commitment.evidence) and cancels one; member1 on a 390 px phone completes an item of
// their own 承诺书 from the 我的承诺 card.
// Needs a running server with the demo data: DJ_URL=http://127.0.0.1:PORT node --test tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const BASE = (process.env.DJ_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const ADMIN_USER = process.env.DJ_DEMO_ADMIN_USER || 'admin';
const ADMIN_PASS = process.env.DJ_DEMO_ADMIN_PASS || 'Admin#2026';
const MEMBER_USER = process.env.DJ_DEMO_MEMBER_USER || 'member1';
const MEMBER_PASS = process.env.DJ_DEMO_MEMBER_PASS || 'Member#2026';
const SHOTS = process.env.DJ_SHOTS || '';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const TIMEOUT = 15000;
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
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

async function login(page, user, pass, landing = /#\/members$/) {
  await page.goto(`${BASE}/#/login`);
  await page.getByTestId('login-username').fill(user);
  await page.getByTestId('login-password').fill(pass);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(landing);
}

async function noHorizontalScroll(page, width) {
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(sw <= width, `scrollWidth ${sw} > ${width}`);
}

test('admin: statistics, list filters, export, a letter signed and its items completed and cancelled', async () => {
  const { context, page } = await newPage(DESK);
  try {
    await login(page, ADMIN_USER, ADMIN_PASS);
    await page.goto(`${BASE}/#/work/commitments`);
    await page.getByTestId('commit-headline').waitFor();
    assert.match(await page.getByTestId('commit-headline').textContent(), /4 年来共作出承诺 \d+ 项，已践诺 \d+ 项/);
    await page.getByTestId('commit-stats-years').locator('tbody tr').nth(3).waitFor();
    await page.getByTestId('commit-row').first().waitFor();

    await page.getByTestId('commit-filter-status').selectOption('done');
    await page.waitForURL(/status=done/);
    await page.getByTestId('commit-row').first().waitFor();
    const statuses = await page.getByTestId('commit-row').evaluateAll((rows) => rows.map((r) => r.dataset.status));
    assert.ok(statuses.length > 0 && statuses.every((s) => s === 'done'), statuses.join());
    await page.getByTestId('commit-filter-status').selectOption('');
    await page.getByTestId('commit-overdue-only').check();
    await page.waitForURL(/overdue=1/);
    await page.getByTestId('commit-row').first().waitFor();
    const overdue = await page.getByTestId('commit-row').evaluateAll((rows) => rows.map((r) => r.dataset.overdue));
    assert.ok(overdue.every((o) => o === 'true'));
    const href = await page.getByTestId('commit-export').getAttribute('href');
    assert.match(href, /format=xlsx/);
    const x = await page.request.get(`${BASE}${href}`);
    assert.equal(x.status(), 200);
    assert.match(x.headers()['content-type'], /spreadsheet/);
    await shot(page, 'commitments-list');

    // the form: no holder → named next to the field
    await page.goto(`${BASE}/#/work/commitments/new`);
    await page.getByTestId('letter-form').waitFor();
    await page.getByTestId('letter-holder-type').selectOption('member');
    await page.getByTestId('ci-title').first().fill('每月为群众办一件实事');
    await page.getByTestId('letter-save').click();
    await page.locator('[data-testid="field-error-member_id"]:not(:empty)').waitFor();
    // an organization letter for the county (the demo signs letters for branches only)
    await page.getByTestId('letter-holder-type').selectOption('org');
    const orgName = await page.getByTestId('letter-org').inputValue();
    assert.ok(orgName, 'the selected org is preset');
    await page.getByTestId('letter-title').fill('党建工作目标责任书');
    await page.getByTestId('letter-signed-by').fill('县委组织部部长');
    await page.getByTestId('ci-title').nth(1).fill('年内新建党群服务站 3 个');
    await page.getByTestId('ci-category').nth(1).selectOption('duty');
    await page.getByTestId('ci-public').nth(1).check();
    await page.getByTestId('letter-save').click();
    await page.waitForURL(/#\/work\/commitments\/letters\/\d+$/);
    await page.getByTestId('letter-detail').waitFor();
    assert.equal(await page.getByTestId('commit-item').count(), 2);

    // complete the first: evidence is required
    const first = page.getByTestId('commit-item').first();
    await first.getByTestId('commit-complete').click();
    await first.getByTestId('commit-complete-save').click();
    await first.locator('[data-testid="field-error-evidence"]:not(:empty)').waitFor();
    await first.getByTestId('commit-evidence').fill('全年办实事 14 件，群众满意');
    await first.getByTestId('commit-complete-save').click();
    await page.locator('[data-testid="commit-item"][data-status="done"]').first().waitFor();
    // cancel the second with a reason
    const second = page.locator('[data-testid="commit-item"][data-status="pending"]').first();
    await second.getByTestId('commit-cancel').click();
    await second.getByTestId('commit-reason').fill('上级调整为明年实施');
    await second.getByTestId('commit-cancel-save').click();
    await page.locator('[data-testid="commit-item"][data-status="cancelled"]').waitFor();
    assert.match(await page.getByTestId('letter-summary').textContent(), /已践诺 1 项/);
    // the signing details are edited with the letter's version
    await page.getByTestId('sign-by').fill('县委组织部部长 李某');
    await page.getByTestId('sign-save').click();
    await page.getByTestId('letter-detail').locator('dd', { hasText: '县委组织部部长 李某' }).waitFor();
    await shot(page, 'commitments-letter');
  } finally {
    await context.close();
  }
});

test('phone: member1 completes an item from 我的承诺', async () => {
  const { context, page } = await newPage(PHONE);
  try {
    await login(page, MEMBER_USER, MEMBER_PASS, /#\/me$/);
    const card = page.getByTestId('me-commitments');
    await card.waitFor();
    const pending = card.locator('[data-testid="commit-item"][data-status="pending"]').first();
    await pending.waitFor();
    const id = await pending.getAttribute('data-id');
    await noHorizontalScroll(page, 390);
    await pending.getByTestId('commit-complete').click();
    assert.equal(await pending.getByTestId('commit-cancel').count(), 0, 'a member cannot cancel');
    await pending.getByTestId('commit-complete-save').click();
    await pending.locator('[data-testid="field-error-evidence"]:not(:empty)').waitFor();
    await pending.getByTestId('commit-evidence').fill('本月走访联系户 3 次，帮助解决用水问题');
    await pending.getByTestId('commit-complete-save').click();
    await card.locator(`[data-testid="commit-item"][data-id="${id}"][data-status="done"]`).waitFor();
    await noHorizontalScroll(page, 390);
    await shot(page, 'me-commitments');
  } finally {
    await context.close();
  }
});
