// Browser test of 网格管理 and 人才储备 on the demo data, as the secretary of a village branch that has demo
// households: the household list and its 未联系 filter, bulk assignment of two households to a member, a
// new household with its 联系户党员, a CSV import, the coverage report agreeing with the API; a new reserve talent
// recommended as 入党积极分子, withdrawal refused without a reason, then 发起发展 into a recruit (talent → 已发展); and both pages on a 390 px phone.
// Needs a running server with the demo data: DJ_URL=http://127.0.0.1:PORT node --test tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { makeIdNumber } from './helpers.mjs';

const BASE = (process.env.DJ_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const ADMIN_USER = process.env.DJ_DEMO_ADMIN_USER || 'admin';
const ADMIN_PASS = process.env.DJ_DEMO_ADMIN_PASS || 'Admin#2026';
const BRANCH_PASS = process.env.DJ_DEMO_BRANCH_PASS || 'Branch#2026';
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

async function login(page, user, pass) {
  await page.goto(`${BASE}/#/login`);
  await page.getByTestId('login-username').fill(user);
  await page.getByTestId('login-password').fill(pass);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !String(u).includes('#/login'));
}

async function getJson(page, url) {
  const r = await page.request.get(`${BASE}${url}`);
  assert.equal(r.status(), 200, `${url}: ${r.status()} ${await r.text()}`);
  return r.json();
}

// The secretary account of a demo branch with households (demo_grid.c): sec + the branch code.
async function secretaryOfGridBranch() {
  const { context, page } = await newPage();
  try {
    await login(page, ADMIN_USER, ADMIN_PASS);
    const hh = (await getJson(page, '/api/v1/grid/households?per_page=1')).items[0];
    assert.ok(hh, 'the demo has households');
    const org = await getJson(page, `/api/v1/orgs/${hh.org_id}`);
    return { user: `sec${org.code.toLowerCase()}`, branch: org };
  } finally {
    await context.close();
  }
}

async function noHorizontalScroll(page, width) {
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(sw <= width, `scrollWidth ${sw} > ${width}`);
}

test('网格: unassigned filter, bulk assignment, a new household, coverage; 人才储备: recommend, withdraw needs a reason', async (t) => {
  const sec = await secretaryOfGridBranch();
  const { context, page } = await newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await login(page, sec.user, BRANCH_PASS);

    await t.test('bulk assignment of two unassigned households', async () => {
      await page.goto(`${BASE}/#/work/grid?assigned=0`);
      await page.getByTestId('grid-table').waitFor();
      const before = (await getJson(page, `/api/v1/grid/households?org=${sec.branch.id}&assigned=0&per_page=200`)).total;
      assert.ok(before >= 2, `${before} unassigned`);
      assert.equal(await page.getByTestId('grid-row').count(), Math.min(before, 50));
      const rows = page.getByTestId('grid-row');
      await rows.nth(0).getByTestId('grid-check').check();
      await rows.nth(1).getByTestId('grid-check').check();
      await page.getByTestId('bulk-count').filter({ hasText: '已选 2 户' }).waitFor();
      const member = page.getByTestId('bulk-member');
      await member.locator('option:nth-child(2)').waitFor({ state: 'attached' });
      await member.selectOption({ index: 1 });
      await page.getByTestId('bulk-assign').click();
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="grid-row"]').length === n, Math.min(before - 2, 50));
      const after = (await getJson(page, `/api/v1/grid/households?org=${sec.branch.id}&assigned=0&per_page=200`)).total;
      assert.equal(after, before - 2);
      await shot(page, 'grid-list');
    });

    await t.test('a new household with its 联系户党员', async () => {
      await page.goto(`${BASE}/#/work/grid/new`);
      await page.getByTestId('grid-form').waitFor();
      await page.locator('#gf-member_id option:nth-child(2)').waitFor({ state: 'attached' });
      await page.getByTestId('grid-submit').click();
      await page.getByTestId('field-error-head_name').filter({ hasText: '户主' }).waitFor();
      await page.locator('#gf-head_name').fill('测试户主');
      await page.locator('#gf-address').fill('3组18号');
      await page.locator('#gf-size').fill('3');
      await page.locator('#gf-member_id').selectOption({ index: 1 });
      const memberName = (await page.locator('#gf-member_id option:checked').textContent()).trim();
      await page.getByTestId('grid-submit').click();
      await page.getByTestId('grid-detail-title').filter({ hasText: '测试户主户' }).waitFor();
      assert.equal((await page.getByTestId('grid-detail-member').textContent()).trim(), memberName);
    });

    await t.test('import: a bad table is refused row by row, a good one imported', async () => {
      await page.goto(`${BASE}/#/work/grid`);
      await page.getByTestId('grid-table').waitFor();
      await page.getByTestId('grid-import-toggle').click();
      await page.locator('[data-testid="grid-import-org"] option').first().waitFor({ state: 'attached' });
      const csv = (body) => ({ name: 'hh.csv', mimeType: 'text/csv', buffer: Buffer.from(`户主,住址,户人口\n${body}`) });
      await page.getByTestId('grid-import-file').setInputFiles(csv('导入甲,5组1号,3\n导入乙,5组2号,0\n'));
      await page.getByTestId('grid-import-go').click();
      await page.getByTestId('grid-import-errors').filter({ hasText: '户人口' }).waitFor();
      const before = (await getJson(page, `/api/v1/grid/households?org=${sec.branch.id}&per_page=1`)).total;
      await page.getByTestId('grid-import-file').setInputFiles(csv('导入甲,5组1号,3\n导入乙,5组2号,2\n'));
      await page.getByTestId('grid-import-go').click();
      await page.getByTestId('grid-import-ok').filter({ hasText: '成功导入 2 户' }).waitFor();
      assert.equal((await getJson(page, `/api/v1/grid/households?org=${sec.branch.id}&per_page=1`)).total, before + 2);
    });

    await t.test('the coverage report agrees with the API', async () => {
      await page.goto(`${BASE}/#/work/grid/coverage`);
      await page.getByTestId('coverage-branches').waitFor();
      const c = await getJson(page, `/api/v1/grid/coverage?org=${sec.branch.id}`);
      assert.equal((await page.getByTestId('coverage-rate').textContent()).trim(), `${c.total.coverage.toFixed(1)}%`);
      const row = page.locator(`[data-testid="coverage-branch"][data-id="${sec.branch.id}"]`);
      assert.equal((await row.locator('[data-col="households"]').textContent()).trim(), String(c.total.households));
      assert.ok(await page.getByTestId('coverage-group').count() >= 1);
      const href = await page.getByTestId('coverage-export').getAttribute('href');
      const r = await page.request.get(`${BASE}${href}`);
      assert.equal(r.status(), 200);
      await shot(page, 'grid-coverage');
    });

    await t.test('人才储备: new, recommend as 入党积极分子, withdraw needs a reason', async () => {
      await page.goto(`${BASE}/#/work/talents`);
      await page.getByTestId('talent-summary').locator('[data-testid="talent-pool"]').first().waitFor();
      await page.getByTestId('talent-new').click();
      await page.getByTestId('talent-form').waitFor();
      const name = `储青${String(Date.now()).slice(-4)}`;
      await page.locator('#tf-pool').selectOption('youth');
      await page.locator('#tf-name').fill(name);
      await page.locator('#tf-gender').selectOption('2');
      await page.locator('#tf-birth_year').fill('1999');
      await page.locator('#tf-occupation').fill('农村电商');
      await page.getByTestId('talent-submit').click();
      await page.getByTestId('talent-title').filter({ hasText: name }).waitFor();
      assert.equal((await page.getByTestId('talent-status').textContent()).trim(), '储备');
      await page.getByTestId('step-withdrawn').click();
      await page.getByTestId('step-submit').click();
      await page.getByTestId('field-error-reason').filter({ hasText: '退出原因' }).waitFor();
      await page.getByRole('button', { name: '取消' }).click();
      await page.getByTestId('step-recommended').click();
      await page.locator('#ts-note').fill('支委会研究推荐');
      await page.getByTestId('step-submit').click();
      await page.getByTestId('talent-status').filter({ hasText: '已推荐为入党积极分子' }).waitFor();
      await page.getByTestId('talent-recruit-hint').waitFor();
      assert.equal(await page.getByTestId('step-recommended').count(), 0);
      await page.getByTestId('step-developed').waitFor();
      await page.goto(`${BASE}/#/work/talents?status=recommended`);
      await page.locator('[data-testid="talent-row"]').filter({ hasText: name }).waitFor();

      // 发起发展: the recruitment form pre-filled from the talent; saving it makes the talent 已发展
      await page.locator('[data-testid="talent-row"]').filter({ hasText: name }).getByRole('link', { name }).click();
      const talentUrl = page.url();
      await page.getByTestId('talent-develop').click();
      await page.waitForURL(/#\/recruits\/new\?talent=\d+$/);
      await page.getByTestId('recruit-from-talent').filter({ hasText: name }).waitFor();
      assert.equal(await page.getByTestId('input-name').inputValue(), name);
      assert.ok((await page.getByTestId('input-org_id').inputValue()).length > 0, 'branch pre-filled');
      await page.getByTestId('input-id_number').fill(makeIdNumber({ birth: '1999-03-08', male: false }));
      await page.getByTestId('input-ethnicity').selectOption({ label: '汉族' });
      await page.getByTestId('input-applied_on').fill(new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10));
      await page.getByTestId('recruit-save').click();
      await page.waitForURL(/#\/recruits\/\d+$/);
      const recruitId = Number(/#\/recruits\/(\d+)$/.exec(page.url())[1]);
      await page.goto(talentUrl);
      await page.getByTestId('talent-status').filter({ hasText: '已发展' }).waitFor();
      assert.equal(await page.getByTestId('talent-develop').count(), 0);
      assert.equal(await page.getByTestId('talent-recruit').getAttribute('href'), `#/recruits/${recruitId}`);
    });
  } finally {
    await context.close();
  }
});

test('网格 and 人才储备 on a 390 px phone', async () => {
  const sec = await secretaryOfGridBranch();
  const { context, page } = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    await login(page, sec.user, BRANCH_PASS);
    await page.goto(`${BASE}/#/work/grid`);
    await page.getByTestId('grid-table').waitFor();
    await noHorizontalScroll(page, 390);
    await page.goto(`${BASE}/#/work/grid/coverage`);
    await page.getByTestId('coverage-total').waitFor();
    await noHorizontalScroll(page, 390);
    await page.goto(`${BASE}/#/work/talents`);
    await page.getByTestId('talent-table').waitFor();
    await noHorizontalScroll(page, 390);
    await shot(page, 'talents-phone');
  } finally {
    await context.close();
  }
});
