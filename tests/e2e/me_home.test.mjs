// Browser test of 智慧支部记录本 on the demo data, as member2 (谢丽华) on a 360×740 phone: the home's header
// (branch, secretary) and tiles (学时, 党费, 通知), 党费 by month of this year and last, the record, the tasks page,
// and the printable 党员基本信息采集表 filled with the member's data (the ID number revealed through the audited
// reveal) — no horizontal scroll at 360 px anywhere. Then the admin prints the same form from the member's page (revealing),
// and the branch secretary prints it with the masks (no reveal for a 支部书记).
// Needs a running server with the demo data: DJ_URL=http://127.0.0.1:PORT node --test tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const BASE = (process.env.DJ_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const ADMIN_USER = process.env.DJ_DEMO_ADMIN_USER || 'admin';
const ADMIN_PASS = process.env.DJ_DEMO_ADMIN_PASS || 'Admin#2026';
const USER = 'member2';
const PASS = 'Member#2026';
const SHOTS = process.env.DJ_SHOTS || '';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const TIMEOUT = 15000;
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESK = { viewport: { width: 1366, height: 900 } };

let browser;
let member2 = 0; // member2's member id and their branch secretary's account, found by the admin test
let secretary = null;

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
  page.on('dialog', (d) => d.accept());
  return { context, page, errors };
}

async function shot(page, name) {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function login(page, user, pass, landing) {
  await page.goto(`${BASE}/#/login`);
  await page.getByTestId('login-username').fill(user);
  await page.getByTestId('login-password').fill(pass);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(landing);
}

async function noHorizontalScroll(page, where) {
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(sw <= 360, `${where}: scrollWidth ${sw} > 360`);
}

const text = async (loc) => (await loc.textContent()).trim();

test('member2 on a 360 px phone: home tiles, dues by month, record, tasks and the filled 采集表', async () => {
  const { context, page, errors } = await newPage(PHONE);
  try {
    await login(page, USER, PASS, /#\/me$/);
    const me = await page.evaluate(async () => (await fetch('/api/v1/me', { credentials: 'same-origin' })).json());
    const home = await page.evaluate(async () => (await fetch('/api/v1/me/home', { credentials: 'same-origin' })).json());
    assert.equal(home.member.id, me.id);

    // header: name, branch, its path and secretary
    assert.equal(await text(page.getByTestId('me-name')), me.name);
    assert.equal(await text(page.getByTestId('me-org')), me.org_name);
    await page.getByTestId('me-branch-path').filter({ hasText: me.org_name }).waitFor();
    if (home.secretary) assert.equal(await text(page.getByTestId('me-secretary-name')), home.secretary.name);
    // tiles
    await page.getByTestId('me-tile-hours').waitFor();
    assert.equal(await text(page.getByTestId('me-tile-hours-value')), String(home.hours.hours));
    assert.equal(await text(page.getByTestId('me-tile-notices-value')), String(home.notices.unread));
    const duesTile = await text(page.getByTestId('me-tile-dues-value'));
    assert.equal(duesTile, home.dues.owed_months ? `欠 ¥${(home.dues.owed_fen / 100).toFixed(2)}` : '已交清');
    assert.equal(await page.getByTestId('me-tile-points').count(), home.points.enabled ? 1 : 0);
    // the cards other pages rely on are still there
    await page.getByTestId('me-life').waitFor();
    await page.getByTestId('me-hours-value').waitFor();
    await page.getByTestId('me-save').waitFor();
    await page.getByTestId('me-notices-link').waitFor();
    await page.getByTestId('me-projects-link').waitFor();
    await noHorizontalScroll(page, '#/me');
    await shot(page, 'me-home-360');

    // 党费 by month: this year and last, 12 months each, the summary as the home says
    await page.getByTestId('me-tile-dues').click();
    await page.waitForURL(/#\/me\/dues$/);
    await page.getByTestId('me-dues-summary').waitFor();
    assert.equal(await page.getByTestId('me-dues-year').count(), 2);
    assert.equal(await page.getByTestId('me-dues-month').count(), 24);
    assert.equal(await text(page.getByTestId('me-dues-owed')), home.dues.owed_months
      ? `${home.dues.owed_months} 个月，共 ¥${(home.dues.owed_fen / 100).toFixed(2)}` : '无');
    if (home.dues.monthly_fen != null) assert.equal(await text(page.getByTestId('me-dues-monthly')), `¥${(home.dues.monthly_fen / 100).toFixed(2)}`);
    const paid = page.locator('[data-testid="me-dues-month"][data-status="paid"]');
    if (await paid.count()) await paid.first().getByTestId('me-dues-method').waitFor();
    await noHorizontalScroll(page, '#/me/dues');
    await shot(page, 'me-dues-360');
    await page.getByTestId('me-back').click();
    await page.waitForURL(/#\/me$/);

    // the record: the national form's fields read-only, the contact edit stays
    await page.getByTestId('me-record-link').click();
    await page.waitForURL(/#\/me\/record$/);
    assert.equal(await text(page.getByTestId('rec-name')), me.name);
    assert.equal(await text(page.getByTestId('rec-org')), me.org_name);
    await page.getByTestId('me-save').waitFor();
    await noHorizontalScroll(page, '#/me/record');
    await page.getByTestId('me-back').click();

    // tasks
    await page.getByTestId('me-tasks-link').click();
    await page.waitForURL(/#\/me\/tasks$/);
    await page.getByTestId('me-tasks-sum').waitFor();
    await noHorizontalScroll(page, '#/me/tasks');
    await page.getByTestId('me-back').click();

    // the printable form, filled, the ID number revealed for printing
    await page.getByTestId('me-form-link').click();
    await page.waitForURL(/#\/me\/form$/);
    await page.getByTestId('form-sheet').waitFor();
    assert.equal(await text(page.getByTestId('form-name')), me.name);
    assert.equal(await text(page.getByTestId('form-org')), me.org_name);
    assert.equal(await text(page.getByTestId('form-birth-date')), me.birth_date);
    assert.equal(await text(page.getByTestId('form-join-date')), me.join_date);
    for (const id of ['form-gender', 'form-ethnicity', 'form-category', 'form-party-status', 'form-floating']) {
      assert.ok((await text(page.getByTestId(id))).length > 0, `${id} is filled`);
    }
    assert.match(await text(page.getByTestId('form-id-number')), /\*/, 'masked before the reveal');
    await page.getByTestId('form-sign').filter({ hasText: '本人签字' }).waitFor();
    await page.getByTestId('form-reveal').click();
    await page.locator('[data-testid="form-id-number"][data-revealed="1"]').waitFor();
    const full = await text(page.getByTestId('form-id-number'));
    assert.match(full, /^\d{17}[\dX]$/);
    assert.equal(full.slice(-4), me.id_number.slice(-4));
    await noHorizontalScroll(page, '#/me/form');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.getByTestId('form-print').isVisible(), false, 'the buttons are not printed');
    assert.equal(await page.getByTestId('form-table').isVisible(), true);
    await page.emulateMedia({ media: 'screen' });
    await shot(page, 'me-form-360');

    // a member cannot open another member's form page
    await page.goto(`${BASE}/#/members/1/form`);
    await page.waitForURL(/#\/me$/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the admin prints the same 采集表 from the member\'s page', async () => {
  const { context, page, errors } = await newPage(DESK);
  try {
    await login(page, ADMIN_USER, ADMIN_PASS, /#\/members$/);
    const [id, sec] = await page.evaluate(async () => {
      const r = await (await fetch('/api/v1/users?per_page=200', { credentials: 'same-origin' })).json();
      const m = (r.items || []).find((u) => u.username === 'member2');
      const s = (r.items || []).find((u) => u.role === 'secretary' && u.org_id === m.org_id);
      return [m.member_id, s ? s.username : null];
    });
    member2 = id;
    secretary = sec;
    await page.goto(`${BASE}/#/members/${id}`);
    await page.getByTestId('member-form-link').click();
    await page.waitForURL(new RegExp(`#/members/${id}/form$`));
    await page.getByTestId('form-sheet').waitFor();
    assert.ok((await text(page.getByTestId('form-name'))).length > 0);
    await page.getByTestId('form-reveal').click();
    await page.locator('[data-testid="form-id-number"][data-revealed="1"]').waitFor();
    await shot(page, 'member-form-desk');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the branch secretary prints it too, with the masks (the reveal is not theirs)', async () => {
  const { context, page, errors } = await newPage(DESK);
  try {
    // the demo's secretary account of member2's branch (sec + the branch code)
    assert.ok(secretary, 'a secretary account for member2\'s branch');
    await login(page, secretary, 'Branch#2026', /#\/members$/);
    assert.ok(member2, 'member2\'s id from the previous test');
    await page.goto(`${BASE}/#/members/${member2}`);
    await page.getByTestId('member-form-link').click();
    await page.getByTestId('form-sheet').waitFor();
    assert.ok((await text(page.getByTestId('form-name'))).length > 0);
    assert.match(await text(page.getByTestId('form-id-number')), /\*/);
    assert.equal(await page.getByTestId('form-reveal').count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
