// Browser check of a member's 党建项目 page (#/me/projects) on the demo data: member1 follows the link from the
// member home on a 390 px phone and sees the same projects as GET /api/v1/me/projects, read-only, no page-wide
// horizontal scroll. Needs a running server with the demo data (tests/run.sh e2e).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const BASE = (process.env.DJ_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const MEMBER_USER = process.env.DJ_DEMO_MEMBER_USER || 'member1';
const MEMBER_PASS = process.env.DJ_DEMO_MEMBER_PASS || 'Member#2026';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

let browser;
before(async () => {
  browser = await chromium.launch({ executablePath: process.env.DJ_CHROMIUM || '/usr/bin/chromium', headless: true, args: ARGS });
});
after(async () => { if (browser) await browser.close(); });

test('member1 opens 党建项目 from the member home: the projects of the branch and above, with the ledger', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  await page.goto(`${BASE}/#/login`);
  await page.getByTestId('login-username').fill(MEMBER_USER);
  await page.getByTestId('login-password').fill(MEMBER_PASS);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(/#\/me$/);
  await page.getByTestId('me-projects-link').click();
  await page.waitForURL(/#\/me\/projects$/);
  await page.getByTestId('me-projects-page').waitFor();
  const r = await page.request.get(`${BASE}/api/v1/me/projects`);
  assert.equal(r.status(), 200);
  const data = await r.json();
  if (data.items.length) {
    await page.getByTestId('me-project').first().waitFor();
    assert.equal(await page.getByTestId('me-project').count(), data.items.length);
    await page.getByTestId('me-project-ledger-toggle').first().click();
    assert.equal(await page.getByTestId('me-project-ledger').first().locator('li').count(), data.items[0].ledger.length);
  } else {
    await page.getByTestId('me-projects-empty').waitFor();
  }
  assert.equal(await page.locator('form').count(), 0, 'read-only');
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(sw <= 390, `scrollWidth ${sw} > 390`);
  await page.getByTestId('me-back').click();
  await page.waitForURL(/#\/me$/);
  await context.close();
});
