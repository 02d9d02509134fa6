// Browser test of 党内统计 on the demo data: the admin opens 党内统计 for the county, sees every table with its chart,
// clicks a figure and gets the member list with that many rows and that total, pages through a larger figure,
// opens an organization figure, switches to last year, and downloads the xlsx; on a 360 px phone the page does
// not scroll sideways and a figure still drills down.
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
const PHONE = { viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
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
  const errors = [];
  page.on('pageerror', (e) => { errors.push(e.message); console.error('[page error]', e.message); });
  return { context, page, errors };
}

async function shot(page, name) {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function login(page, user, pass) {
  await page.goto(`${BASE}/#/login`);
  await page.getByTestId('login-username').fill(user);
  await page.getByTestId('login-password').fill(pass);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(/#\/members$/);
}

async function openStats(page) {
  await page.getByRole('link', { name: '党内统计' }).first().click();
  await page.waitForURL(/#\/stats/);
  await page.getByTestId('stats-total').waitFor();
  return Number(await page.getByTestId('stats-total').textContent());
}

// the figure link of a table row, its count, and the list it opens
async function drill(page, dim, value) {
  const link = page.locator(`[data-testid="stats-figure"][data-dim="${dim}"][data-value="${value}"]`);
  const count = Number(await link.getAttribute('data-count'));
  await link.click();
  await page.waitForURL(/#\/stats\/list\?/);
  await page.getByTestId('stats-list-total').waitFor();
  const total = await page.getByTestId('stats-list-total').textContent();
  const rows = count ? await page.getByTestId('stats-list-row').count() : 0;
  return { count, total, rows };
}

test('admin: the county tables, a figure drills down to that many members, orgs, last year, xlsx', async () => {
  const { context, page, errors } = await newPage(DESK);
  try {
    await login(page, ADMIN_USER, ADMIN_PASS);
    const total = await openStats(page);
    assert.ok(total > 100, `demo county has ${total} members`);
    for (const key of ['gender', 'nation', 'ethnicity', 'age', 'education', 'join_period', 'category', 'status', 'change',
      'org_kind', 'branch_size', 'branch_problem']) {
      await page.getByTestId(`stats-card-${key}`).waitFor();
      assert.equal(await page.getByTestId(`stats-chart-${key}`).count(), 1, `${key} chart`);
    }
    assert.match(await page.getByTestId('stats-as-of').textContent(), /统计截至 \d{4}-\d{2}-\d{2}（今天）/);
    // the gender figures add up to the total
    const genders = await page.locator('[data-testid="stats-figure"][data-dim="gender"]')
      .evaluateAll((as) => as.map((a) => Number(a.dataset.count)));
    assert.equal(genders.reduce((a, b) => a + b, 0), total);
    await shot(page, 'stats-tables');

    // 71 岁及以上: the list has that many (one page of 50 at most) and says the total
    const old = await drill(page, 'age', 'ge71');
    assert.ok(old.count > 0);
    assert.equal(old.total, `共 ${old.count} 人`);
    assert.equal(old.rows, Math.min(old.count, 50));
    assert.match(await page.getByTestId('stats-list-title').textContent(), /年龄：71岁及以上/);
    const ages = await page.locator('[data-testid="stats-list-row"] td.col-age').evaluateAll((tds) => tds.map((td) => Number(td.textContent)));
    assert.ok(ages.every((a) => a >= 71), ages.join());
    if (old.count > 50) {
      await page.getByTestId('page-next').click();
      await page.waitForURL(/page=2/);
      await page.getByTestId('stats-list-row').first().waitFor();
      assert.equal(await page.getByTestId('stats-list-row').count(), Math.min(old.count - 50, 50));
    }
    await shot(page, 'stats-list');

    // another figure: 预备党员
    await page.getByTestId('stats-back').click();
    await page.getByTestId('stats-total').waitFor();
    const prob = await drill(page, 'category', 'probationary');
    assert.ok(prob.count > 0);
    assert.equal(prob.rows, Math.min(prob.count, 50));
    assert.equal(prob.total, `共 ${prob.count} 人`);

    // an organization figure: 党支部
    await page.getByTestId('stats-back').click();
    await page.getByTestId('stats-total').waitFor();
    const branches = await drill(page, 'org_kind', 'branch');
    assert.ok(branches.count > 10);
    assert.equal(branches.total, `共 ${branches.count} 个`);
    assert.equal(branches.rows, Math.min(branches.count, 50));

    // last year: the year's end
    await page.getByTestId('stats-back').click();
    await page.getByTestId('stats-total').waitFor();
    const last = String(new Date().getFullYear() - 1);
    await page.getByTestId('stats-year').selectOption(last);
    await page.waitForURL(new RegExp(`year=${last}`));
    await page.waitForFunction((y) => /（年末）/.test(document.querySelector('[data-testid="stats-as-of"]')?.textContent || '')
      && document.querySelector('[data-testid="stats-as-of"]').textContent.includes(`${y}-12-31`), last);

    // the xlsx
    const href = await page.getByTestId('stats-export').getAttribute('href');
    assert.match(href, new RegExp(`/api/v1/stats/export\\?org_id=\\d+&year=${last}`));
    const x = await page.request.get(`${BASE}${href}`);
    assert.equal(x.status(), 200);
    assert.match(x.headers()['content-type'], /spreadsheetml/);

    // a town chosen in the tree: its tables, its member count
    await page.getByTestId('stats-year').selectOption(String(new Date().getFullYear()));
    await page.waitForFunction(() => /（今天）/.test(document.querySelector('[data-testid="stats-as-of"]')?.textContent || ''));
    const town = page.locator('[data-testid="tree-node"][data-kind="committee"]').first();
    const townName = (await town.locator('.tree-name').textContent()).trim();
    const townCount = Number(await town.locator('.tree-count').textContent());
    await town.click();
    await page.waitForFunction((n) => (document.querySelector('[data-testid="stats-org-name"]')?.textContent || '').includes(n)
      && (document.querySelector('[data-testid="stats-as-of"]')?.textContent || '').includes(n), townName);
    assert.equal(Number(await page.getByTestId('stats-total').textContent()), townCount);
    assert.ok(townCount < total);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('phone 360 px: no sideways scroll, a figure still drills down', async () => {
  const { context, page, errors } = await newPage(PHONE);
  try {
    await login(page, ADMIN_USER, ADMIN_PASS);
    await page.goto(`${BASE}/#/stats`);
    await page.getByTestId('stats-total').waitFor();
    await page.getByTestId('stats-card-branch_problem').waitFor();
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(sw <= 360, `scrollWidth ${sw} > 360`);
    await shot(page, 'stats-phone');
    const female = await drill(page, 'gender', 'female');
    assert.ok(female.count > 0);
    assert.equal(female.total, `共 ${female.count} 人`);
    assert.equal(female.rows, Math.min(female.count, 50));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
