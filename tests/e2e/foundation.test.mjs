// Browser test of the foundation UI: login, member list, add with a field error, search,
// CSV import (good and bad), export, the drawer on a narrow screen and a member's #/me on a phone.
// Needs a running server with the demo data: DJ_URL=http://127.0.0.1:PORT node --test tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { makeIdNumber, breakCheckDigit, birthOf, randomName, randomPhone } from './helpers.mjs';

const BASE = (process.env.DJ_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const ADMIN_USER = process.env.DJ_DEMO_ADMIN_USER || 'admin';
const ADMIN_PASS = process.env.DJ_DEMO_ADMIN_PASS || 'Admin#2026';
const MEMBER_USER = process.env.DJ_DEMO_MEMBER_USER || '';
const MEMBER_PASS = process.env.DJ_DEMO_MEMBER_PASS || '';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const TIMEOUT = 15000;

let browser;
let tmp;

before(async () => {
  tmp = fs.mkdtempSync(path.join(process.env.DJ_TMP || os.tmpdir(), 'dj-e2e-'));
  // launch() gives every run a fresh temporary profile.
  browser = await chromium.launch({ executablePath: process.env.DJ_CHROMIUM || '/usr/bin/chromium', headless: true, args: ARGS });
});

after(async () => {
  if (browser) await browser.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function newPage(opts = {}) {
  const context = await browser.newContext({ acceptDownloads: true, locale: 'zh-CN', ...opts });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  return { context, page };
}

async function login(page, user, pass) {
  await page.goto(`${BASE}/#/login`);
  await page.getByTestId('login-username').fill(user);
  await page.getByTestId('login-password').fill(pass);
  await page.getByTestId('login-submit').click();
}

// Opens tree nodes until a 党支部 shows, selects it and returns its name.
async function selectBranch(page) {
  await page.getByTestId('org-tree').locator('[data-testid="tree-node"]').first().waitFor();
  for (let i = 0; i < 40; i++) {
    const branch = page.locator('[data-testid="tree-node"][data-kind="branch"]').first();
    if (await branch.count()) {
      const name = (await branch.locator('.tree-name').textContent()).trim();
      await branch.click();
      await assert.doesNotReject(page.locator('[data-testid="tree-node"][data-kind="branch"].selected').first().waitFor());
      return name;
    }
    const closed = page.locator('[data-testid="tree-toggle"][aria-expanded="false"]').first();
    if (!(await closed.count())) break;
    await closed.click();
    await page.waitForFunction(() => !document.querySelector('.tree-loading'));
  }
  throw new Error('no 党支部 found in the organization tree');
}

async function pick(select, label) {
  const hit = await select.locator('option', { hasText: label }).first();
  if (await hit.count()) await select.selectOption({ label: (await hit.textContent()).trim() });
  else await select.selectOption({ index: 1 });
}

function csv(rows) {
  const head = '姓名,性别,公民身份号码,民族,出生日期,学历,人员类别,入党日期,转为正式党员日期,联系电话';
  return `${[head, ...rows.map((r) => r.join(','))].join('\r\n')}\r\n`;
}

async function importFile(page, name, content) {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  await page.goto(`${BASE}/#/import`);
  await page.getByTestId('import-dialog').waitFor();
  await page.getByTestId('import-file').setInputFiles(file);
  await page.getByTestId('import-submit').click();
}

test('admin: member list, add with field error, search, import, export', async (t) => {
  const { context, page } = await newPage({ viewport: { width: 1366, height: 900 } });
  const name = randomName();
  const birth = '1986-05-17';
  const idNumber = makeIdNumber({ birth, male: true });
  let branchName = '';

  try {
    await t.test('login lands on the member list with the org tree', async () => {
      await login(page, ADMIN_USER, ADMIN_PASS);
      await page.waitForURL(/#\/members$/);
      await page.getByTestId('topbar').getByText('党建管理系统').waitFor();
      await page.getByTestId('org-tree').locator('[data-testid="tree-node"]').first().waitFor();
      await page.locator('[data-testid="member-table"], [data-testid="member-empty"]').first().waitFor();
      branchName = await selectBranch(page);
      await page.getByTestId('list-org-name').filter({ hasText: branchName }).waitFor();
      await page.getByTestId('member-total').waitFor();
    });

    await t.test('an invalid 公民身份号码 shows the server message next to the field, input kept', async () => {
      await page.getByTestId('member-add').click();
      await page.waitForURL(/#\/members\/new$/);
      const form = page.getByTestId('member-form');
      await form.waitFor();
      await page.getByTestId('input-name').fill(name);
      await page.getByTestId('input-id_number').fill(breakCheckDigit(idNumber));
      assert.equal(await page.getByTestId('input-birth_date').inputValue(), birth, 'birth date follows the ID number');
      await pick(page.getByTestId('input-ethnicity'), '汉族');
      await pick(page.getByTestId('input-education'), '大学');
      await page.getByTestId('input-category').selectOption('full');
      assert.notEqual(await page.getByTestId('input-org_id').inputValue(), '', 'the selected branch is preselected');
      await page.getByTestId('input-join_date').fill('2012-07-01');
      await page.getByTestId('input-full_date').fill('2013-07-01');
      await page.getByTestId('input-phone').fill(randomPhone());
      await page.getByTestId('member-save').click();
      const err = page.getByTestId('field-error-id_number');
      await err.filter({ hasText: /\S/ }).waitFor();
      const text = await err.textContent();
      assert.match(text, /公民身份号码/);
      assert.equal(await err.getAttribute('aria-live'), 'polite');
      assert.equal(await page.getByTestId('input-id_number').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.getByTestId('input-name').inputValue(), name, 'the user input is kept');
      assert.match(page.url(), /#\/members\/new$/);
    });

    await t.test('a valid number saves the member', async () => {
      await page.getByTestId('input-id_number').fill(idNumber);
      await page.getByTestId('member-save').click();
      await page.waitForURL(/#\/members\/\d+$/);
      await page.getByTestId('member-title').filter({ hasText: name }).waitFor();
      const shown = await page.getByTestId('input-id_number').inputValue();
      assert.notEqual(shown, idNumber, 'the ID number comes back masked');
      assert.equal(shown.slice(-4), idNumber.slice(-4));
    });

    await t.test('the member is found by name and by the last 4 of the ID number', async () => {
      await page.getByTestId('nav-members').click();
      await page.waitForURL(/#\/members$/);
      for (const q of [name, idNumber.slice(-4)]) {
        await page.getByTestId('member-search').fill(q);
        await page.getByTestId('member-search-btn').click();
        await page.getByTestId('member-row').filter({ hasText: name }).first().waitFor();
      }
      await page.getByTestId('member-search').fill('');
      await page.getByTestId('member-search-btn').click();
    });

    await t.test('importing a CSV with 2 valid rows into the branch', async () => {
      const rows = [true, false].map((male) => {
        const id = makeIdNumber({ male });
        return [randomName(), male ? '男' : '女', id, '汉族', birthOf(id), '大学', '正式党员', '2015-07-01', '2016-07-01', randomPhone()];
      });
      await importFile(page, 'good.csv', csv(rows));
      assert.equal((await page.getByTestId('import-org').textContent()).trim(), branchName);
      const href = await page.getByTestId('import-template').getAttribute('href');
      assert.match(href, /\/api\/v1\/import\/template\?format=xlsx/);
      await page.getByTestId('import-success').filter({ hasText: '成功导入 2' }).waitFor();
    });

    await t.test('a bad CSV shows every bad row and writes nothing', async () => {
      const id = makeIdNumber();
      const rows = [
        [randomName(), '男', breakCheckDigit(id), '汉族', birthOf(id), '大学', '正式党员', '2015-07-01', '2016-07-01', randomPhone()],
        [randomName(), '女', makeIdNumber({ male: false }), '汉族', '1990-13-45', '大学', '正式党员', '2015-07-01', '2016-07-01', randomPhone()],
      ];
      await importFile(page, 'bad.csv', csv(rows));
      await page.getByTestId('import-errors').waitFor();
      const n = await page.getByTestId('import-error-row').count();
      assert.ok(n >= 2, `expected a row per error, got ${n}`);
      const first = await page.getByTestId('import-error-row').first().locator('td').allTextContents();
      assert.equal(first.length, 4);
      assert.match(first[0], /^\d+$/, 'row number');
      assert.ok(first[3].trim().length > 0, 'reason');
      await page.getByTestId('import-report').waitFor();
      assert.equal(await page.getByTestId('import-success').count(), 0);
    });

    await t.test('export downloads an .xlsx file', async () => {
      await page.getByTestId('nav-members').click();
      await page.getByTestId('member-total').waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
      assert.match(download.suggestedFilename(), /\.xlsx$/);
      const file = path.join(tmp, 'export.xlsx');
      await download.saveAs(file);
      const bytes = fs.readFileSync(file);
      assert.ok(bytes.length > 0, 'export has bytes');
      assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'xlsx is a zip');
    });
  } finally {
    await context.close();
  }
});

test('narrow screen: the tree becomes a drawer, no horizontal scroll', async () => {
  const { context, page } = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    await login(page, ADMIN_USER, ADMIN_PASS);
    await page.waitForURL(/#\/members$/);
    await page.getByTestId('member-total').waitFor();
    const side = page.getByTestId('sidebar');
    const closed = await side.boundingBox();
    assert.ok(!closed || closed.x + closed.width <= 1, 'tree is off screen');
    await page.getByTestId('drawer-toggle').click();
    await page.waitForFunction(() => document.getElementById('sidebar').getBoundingClientRect().left >= 0);
    await page.getByTestId('org-tree').locator('[data-testid="tree-node"]').first().click();
    await page.waitForFunction(() => document.getElementById('sidebar').getBoundingClientRect().right <= 1);
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(sw <= 390, `scrollWidth ${sw} > 390`);
  } finally {
    await context.close();
  }
});

test('phone: a member sees #/me without horizontal scroll', { skip: !MEMBER_USER || !MEMBER_PASS ? 'DJ_DEMO_MEMBER_USER / DJ_DEMO_MEMBER_PASS not set' : false }, async () => {
  const { context, page } = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 });
  try {
    await login(page, MEMBER_USER, MEMBER_PASS);
    await page.waitForURL(/#\/me$/);
    await page.getByTestId('me-name').waitFor();
    assert.ok((await page.getByTestId('me-name').textContent()).trim().length > 0);
    await page.getByTestId('me-id-number').filter({ hasText: '*' }).waitFor();
    await page.getByTestId('me-phone').waitFor();
    await page.getByTestId('me-address').waitFor();
    const box = await page.getByTestId('me-save').boundingBox();
    assert.ok(box.height >= 44, 'large touch target');
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(sw <= 390, `scrollWidth ${sw} > 390`);
    // A member cannot open the admin screens.
    await page.goto(`${BASE}/#/members`);
    await page.waitForURL(/#\/me$/);
  } finally {
    await context.close();
  }
});
