// Browser test of 第一书记 and 志愿服务 on the demo data: the dispatch list and its 在岗 filter, a new dispatch to a
// village without one (with its 3+1 team), work days and a fund entered in 元 shown back exactly, an overlapping
// second dispatch refused with secretary.overlap; a volunteer activity whose hours break the one-decimal rule is
// stopped at the field, then saved and counted in the hours table; member1 sees their volunteer hours on the
// phone page. Also the 390 px layout of the lists.
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
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const year = Number(today.slice(0, 4));

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

async function login(page, user = ADMIN_USER, pass = ADMIN_PASS, landing = /#\/members$/) {
  await page.goto(`${BASE}/#/login`);
  await page.getByTestId('login-username').fill(user);
  await page.getByTestId('login-password').fill(pass);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(landing);
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

test('第一书记: list, 在岗 filter, a new dispatch with work days and funds, an overlap refused', async () => {
  const { context, page } = await newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await login(page);
    await page.goto(`${BASE}/#/work/secretaries`);
    await page.getByTestId('fs-table').waitFor();
    const all = await page.getByTestId('fs-row').count();
    assert.ok(all >= 6, `demo dispatches: ${all}`);
    await page.getByTestId('filter-today').click();
    await page.waitForURL(/active_on=/);
    await page.getByTestId('fs-table').waitFor();
    const active = (await getJson(page, `/api/v1/first-secretaries?active_on=${today}&per_page=200`)).total;
    assert.equal(await page.getByTestId('fs-row').count(), Math.min(active, 50));
    assert.ok(active < all, 'the 在岗 filter leaves out the finished and the future terms');
    await shot(page, 'fs-list');

    // a village branch without any dispatch
    const taken = new Set((await getJson(page, '/api/v1/first-secretaries?per_page=200')).items.map((x) => x.org_id));
    const branches = (await getJson(page, '/api/v1/orgs?kind=branches&per_page=200')).items;
    const village = branches.find((b) => b.unit_kind === 'village' && !taken.has(b.id));
    assert.ok(village, 'a free village');
    await page.getByTestId('fs-new').click();
    await page.getByTestId('fs-form').waitFor();
    await page.getByTestId('fs-org').selectOption(String(village.id));
    await page.getByTestId('fs-name').fill('测试驻村书记');
    await page.getByTestId('fs-unit').fill('市委宣传部');
    await page.getByTestId('fs-start').fill(`${year}-01-01`);
    await page.getByTestId('fs-end').fill(`${year + 1}-12-31`);
    await page.locator('[name=team_name]').first().fill('队员甲');
    await page.getByTestId('fs-submit').click();
    await page.getByTestId('fs-detail').waitFor();
    await page.waitForURL(/#\/work\/secretaries\/\d+$/);
    assert.equal(await page.getByTestId('fs-org-name').textContent(), village.name);
    assert.match(await page.getByTestId('fs-team-names').textContent(), /队员甲/);

    await page.getByTestId('fs-wd-month').fill(`${year}-01`);
    await page.getByTestId('fs-wd-days').fill('18');
    await page.getByTestId('fs-wd-save').click();
    await page.getByTestId('fs-wd-row').first().waitFor();
    assert.match(await page.getByTestId('fs-workdays').textContent(), /合计 18 天/);

    await page.getByTestId('fs-fund-title').fill('村部改造');
    await page.getByTestId('fs-fund-amount').fill('1,234.5');
    await page.getByTestId('fs-fund-add').click();
    await page.getByTestId('fs-fund-row').first().waitFor();
    assert.equal(await page.getByTestId('fs-funds-total').textContent(), '合计 1,234.50 元');
    const id = Number(page.url().match(/(\d+)$/)[1]);
    const saved = await getJson(page, `/api/v1/first-secretaries/${id}`);
    assert.equal(saved.funds_total_fen, 123450);
    await shot(page, 'fs-detail');

    // a second dispatch to the same village in the same term
    await page.goto(`${BASE}/#/work/secretaries/new`);
    await page.getByTestId('fs-form').waitFor();
    await page.getByTestId('fs-org').selectOption(String(village.id));
    await page.getByTestId('fs-name').fill('重叠书记');
    await page.getByTestId('fs-unit').fill('县委办');
    await page.getByTestId('fs-start').fill(`${year + 1}-06-01`);
    await page.getByTestId('fs-end').fill(`${year + 2}-05-31`);
    await page.getByTestId('fs-submit').click();
    const err = page.getByTestId('field-error-term_start');
    await err.filter({ hasText: '重叠' }).waitFor();
  } finally {
    await context.close();
  }
});

test('志愿服务: the hours rule at the field, a saved activity in the hours table; 390 px lists', async () => {
  const { context, page } = await newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await login(page);
    await page.goto(`${BASE}/#/work/volunteers`);
    await page.getByTestId('vol-table').waitFor();
    const before = await page.getByTestId('vol-row').count();
    assert.ok(before >= 4, `demo activities: ${before}`);
    await page.getByTestId('vol-new').click();
    await page.getByTestId('va-form').waitFor();
    await page.getByTestId('member_ids-picker').waitFor();
    await page.getByTestId('va-title').fill('测试：义务理发');
    await page.getByTestId('va-hours').fill('2.55');
    await page.getByTestId('va-submit').click();
    await page.getByTestId('field-error-hours').filter({ hasText: '一位小数' }).waitFor();
    await page.getByTestId('va-hours').fill('2.5');
    await page.getByTestId('va-submit').click();
    await page.waitForURL(/#\/work\/volunteers$/);
    await page.getByTestId('vol-row').filter({ hasText: '测试：义务理发' }).waitFor();

    await page.goto(`${BASE}/#/work/volunteers/hours`);
    await page.getByTestId('hours-table').waitFor();
    const api = await getJson(page, `/api/v1/volunteer-hours?year=${year}&per_page=200`);
    assert.ok(api.items.length >= 1);
    assert.equal(await page.getByTestId('hours-row').count(), Math.min(api.items.length, 50));

    await page.goto(`${BASE}/#/work/volunteers/teams`);
    await page.getByTestId('team-table').waitFor();
    await shot(page, 'vol-teams');

    await page.setViewportSize({ width: 390, height: 844 });
    for (const hash of ['#/work/volunteers', '#/work/secretaries']) {
      await page.goto(`${BASE}/${hash}`);
      await page.getByTestId(hash.endsWith('volunteers') ? 'vol-table' : 'fs-table').waitFor();
      await noHorizontalScroll(page, 390);
    }
    await shot(page, 'fs-phone');
  } finally {
    await context.close();
  }
});

test('member1 sees their volunteer hours on the phone page', async () => {
  const { context, page } = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    await login(page, MEMBER_USER, MEMBER_PASS, /#\/me$/);
    const card = page.getByTestId('me-volunteer');
    await card.waitFor();
    await page.getByTestId('me-vol-hours').waitFor();
    const mine = await getJson(page, `/api/v1/me/volunteer-hours?year=${year}`);
    assert.equal(await page.getByTestId('me-vol-hours').textContent(), String(mine.hours));
    assert.ok(mine.hours > 0, 'the demo gives member1 volunteer hours');
    await noHorizontalScroll(page, 390);
    await shot(page, 'me-volunteer');
  } finally {
    await context.close();
  }
});
