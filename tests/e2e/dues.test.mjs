// Browser test of 党费关怀 on the demo data (demo_dues.c): a branch secretary opens this month's 收缴表, selects an
// unpaid member and pays by 批量收缴 — the row turns paid and the totals move; downloads the sheet as Excel; on a
// member's 党费核定 page sets kind + base and sees the computed monthly amount before saving it; and the sheet
// fits a 360 px phone.
// Needs a running server with the demo data: DJ_URL=http://127.0.0.1:PORT node --test tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const BASE = (process.env.DJ_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const ADMIN_USER = process.env.DJ_DEMO_ADMIN_USER || 'admin';
const ADMIN_PASS = process.env.DJ_DEMO_ADMIN_PASS || 'Admin#2026';
const BRANCH_PASS = process.env.DJ_DEMO_BRANCH_PASS || 'Branch#2026';
const SHOTS = process.env.DJ_SHOTS || '';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const TIMEOUT = 15000;
const PHONE = { viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESK = { viewport: { width: 1280, height: 900 } };
const month = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7);

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
  // prompts (作废原因, 审批意见) get a reason
  page.on('dialog', (d) => d.accept(d.type() === 'prompt' ? '登记错误' : undefined));
  return { context, page };
}

async function shot(page, name) {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `dues-${name}.png`), fullPage: true });
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

// A demo secretary whose branch has at least two members unpaid this month (one to pay, one to rate), taken
// from the middle of the list so other browser tests working on the first or last branches do not collide.
async function pickSecretary() {
  const { context, page } = await newPage();
  try {
    await login(page, ADMIN_USER, ADMIN_PASS);
    const users = (await getJson(page, '/api/v1/users?per_page=200')).items
      .filter((u) => u.role === 'secretary' && !u.disabled && u.org_id).sort((a, b) => a.org_id - b.org_id);
    assert.ok(users.length, 'the demo has secretary accounts');
    const order = users.slice(Math.floor(users.length / 2)).concat(users.slice(0, Math.floor(users.length / 2)));
    for (const u of order.slice(0, 12)) {
      const s = await getJson(page, `/api/v1/dues/sheet?org_id=${u.org_id}&month=${month}`);
      const unpaid = s.rows.filter((r) => r.status === 'unpaid' && r.due_fen > 0);
      if (unpaid.length >= 2) return { user: u.username, org: s.org, pay: unpaid[0], rate: unpaid[unpaid.length - 1], sheet: s };
    }
    assert.fail('no demo branch with two members unpaid this month');
  } finally {
    await context.close();
  }
  return null;
}

const yuan = (fen) => `¥${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;

test('收缴表: 批量收缴 turns an unpaid row paid; 党费核定: the computed amount shows live', async (t) => {
  const sec = await pickSecretary();
  const { context, page } = await newPage(DESK);
  try {
    await login(page, sec.user, BRANCH_PASS);

    await t.test('the sheet: rows with status, pay one unpaid member by batch', async () => {
      await page.goto(`${BASE}/#/dues/sheet`);
      await page.getByTestId('dues-sheet-table').waitFor();
      await page.getByTestId('dues-tab-sheet').waitFor();
      assert.equal(await page.getByTestId('dues-row').count(), sec.sheet.rows.length);
      assert.match(await page.getByTestId('dues-sheet-title').textContent(), new RegExp(sec.org.name));
      const row = page.locator(`[data-testid="dues-row"][data-member="${sec.pay.member_id}"]`);
      assert.equal(await row.getAttribute('data-status'), 'unpaid');
      await row.getByTestId('dues-select').check();
      await page.getByTestId('dues-selected').filter({ hasText: '1' }).waitFor();
      assert.equal(await page.getByTestId('dues-selected-sum').textContent(), yuan(sec.pay.due_fen));
      await shot(page, 'sheet-selected');
      await page.getByTestId('dues-batch-pay').click();
      await page.locator(`[data-testid="dues-row"][data-member="${sec.pay.member_id}"][data-status="paid"]`).waitFor();
      const paidRow = page.locator(`[data-testid="dues-row"][data-member="${sec.pay.member_id}"]`);
      assert.equal((await paidRow.getByTestId('dues-row-paid').textContent()).trim(), yuan(sec.pay.due_fen));
      assert.equal(await paidRow.getByTestId('dues-select').count(), 0, 'a paid row cannot be selected again');
      assert.equal(await page.getByTestId('dues-total-paid').locator('strong').textContent(), yuan(sec.sheet.totals.paid_fen + sec.pay.due_fen));
      const after = await getJson(page, `/api/v1/dues/sheet?org_id=${sec.org.id}&month=${month}`);
      assert.equal(after.rows.find((r) => r.member_id === sec.pay.member_id).status, 'paid');
      await shot(page, 'sheet-paid');
    });

    await t.test('the sheet as Excel', async () => {
      const href = await page.getByTestId('dues-sheet-export').getAttribute('href');
      assert.match(href, /format=xlsx/);
      const r = await page.request.get(`${BASE}${href}`);
      assert.equal(r.status(), 200);
      assert.match(r.headers()['content-type'], /spreadsheetml/);
      assert.ok((await r.body()).length > 1000);
    });

    await t.test('a member\'s base: kind + base, the computed amount live, saved', async () => {
      // from the member's record: the 党费 link
      await page.goto(`${BASE}/#/members/${sec.rate.member_id}`);
      await page.getByTestId('member-dues-link').click();
      await page.waitForURL(new RegExp(`#/dues/member/${sec.rate.member_id}$`));
      await page.getByTestId('dues-base-form').waitFor();
      assert.ok((await page.getByTestId('dues-member-name').textContent()).startsWith(sec.rate.name));
      await page.getByTestId('dues-months').waitFor();
      assert.equal(await page.getByTestId('dues-month').count(), 12);
      await page.getByTestId('dues-base-kind').selectOption('employed');
      await page.getByTestId('dues-base-amount').fill('4500');
      await page.getByTestId('dues-rate-amount').filter({ hasText: '¥45.00' }).waitFor();
      await page.getByTestId('dues-base-amount').fill('12000');
      await page.getByTestId('dues-rate-amount').filter({ hasText: '¥240.00' }).waitFor();
      await page.getByTestId('dues-base-amount').fill('4500');
      await page.getByTestId('dues-rate-amount').filter({ hasText: '¥45.00' }).waitFor();
      await shot(page, 'member-rate');
      await page.getByTestId('dues-base-save').click();
      await page.getByTestId('dues-base-row').filter({ hasText: '¥45.00' }).first().waitFor();
      const d = await getJson(page, `/api/v1/members/${sec.rate.member_id}/dues`);
      assert.ok(d.bases.some((b) => b.kind === 'employed' && b.base_fen === 450000 && b.monthly_fen === 4500));
    });

    await t.test('a payment recorded on the member\'s page, then voided; a reduction asked for', async () => {
      const tile = page.locator(`[data-testid="dues-month"][data-month="${month}"]`);
      assert.equal(await tile.getAttribute('data-status'), 'unpaid');
      await page.getByTestId('dues-pay-first').fill(month);
      await page.getByTestId('dues-pay-last').fill(month);
      await page.getByTestId('dues-pay-receipt').fill('E2E-0001');
      await page.getByTestId('dues-pay-proxy').fill('家属代缴');
      await page.getByTestId('dues-pay-save').click();
      await page.locator(`[data-testid="dues-month"][data-month="${month}"][data-status="paid"]`).waitFor();
      const payRow = page.getByTestId('dues-payment-row').filter({ hasText: 'E2E-0001' });
      await payRow.waitFor();
      assert.match(await payRow.textContent(), /家属代缴 代缴/);
      await payRow.getByTestId('dues-void').click();
      await page.locator(`[data-testid="dues-month"][data-month="${month}"][data-status="unpaid"]`).waitFor();
      assert.equal(await page.getByTestId('dues-payment-row').filter({ hasText: 'E2E-0001' }).count(), 0);

      await page.getByTestId('dues-red-open').click();
      await page.getByTestId('dues-red-reason').fill('因病住院，家庭收入减少');
      await page.getByTestId('dues-red-studied').fill(new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10));
      await page.getByTestId('dues-red-save').click();
      await page.getByTestId('dues-red-item').filter({ hasText: '待审批' }).first().waitFor();
      await page.goto(`${BASE}/#/dues/reductions`);
      await page.locator(`[data-testid="dues-red-row"][data-status="pending"]`).filter({ hasText: sec.rate.name }).first().waitFor();
    });

    await t.test('上缴汇总 of the branch, with its Excel link', async () => {
      await page.goto(`${BASE}/#/dues/remittance`);
      await page.getByTestId('dues-remit-table').waitFor();
      assert.ok(await page.getByTestId('dues-remit-row').count() >= 1);
      await page.getByTestId('dues-remit-total').waitFor();
      assert.match(await page.getByTestId('dues-remit-export').getAttribute('href'), /format=xlsx/);
    });
  } finally {
    await context.close();
  }

  await t.test('a 360 px phone: the sheet and a member\'s page without horizontal scrolling', async () => {
    const { context: c2, page: p2 } = await newPage(PHONE);
    try {
      await login(p2, sec.user, BRANCH_PASS);
      await p2.goto(`${BASE}/#/dues/sheet`);
      await p2.getByTestId('dues-sheet-table').waitFor();
      let sw = await p2.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(sw <= 360, `scrollWidth ${sw} > 360`);
      await shot(p2, 'phone');
      await p2.goto(`${BASE}/#/dues/member/${sec.rate.member_id}`);
      await p2.getByTestId('dues-base-form').waitFor();
      sw = await p2.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(sw <= 360, `member page scrollWidth ${sw} > 360`);
      await shot(p2, 'phone-member');
    } finally {
      await c2.close();
    }
  });
});
