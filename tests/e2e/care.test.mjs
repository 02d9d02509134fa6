// Browser test of 关怀帮扶 and 脱党预警 on the demo data (demo_care.c): the town administrator opens #/dues/care,
// sees who has not yet had this year's 老党员补贴, issues it with 一键发放 and sees the count fall to zero and the
// yearly total rise; records a 送温暖 visit through the form (no occasion → named next to its field);
// opens #/dues/warnings and finds a member assessed but never paid since joining two years ago listed for 未交党费 with the
// month count, records a 正当理由 and sees the member listed apart; the care page fits a 360 px phone. The members
// it needs are created through the API here, so it does not depend on the dues demo.
// Needs a running server with the demo data: DJ_URL=http://127.0.0.1:PORT node --test tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { makeIdNumber, randomPhone } from './helpers.mjs';

const BASE = (process.env.DJ_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const TOWN_USER = process.env.DJ_DEMO_TOWN_USER || 'mengzhuang';
const TOWN_PASS = process.env.DJ_DEMO_TOWN_PASS || 'Town#2026';
const SEC_USER = process.env.DJ_DEMO_SEC_USER || 'secmz02';
const SEC_PASS = process.env.DJ_DEMO_BRANCH_PASS || 'Branch#2026';
const SHOTS = process.env.DJ_SHOTS || '';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const TIMEOUT = 15000;
const PHONE = { viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESK = { viewport: { width: 1280, height: 900 } };
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
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `care-${name}.png`), fullPage: true });
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

async function postJson(page, url, data) {
  const s = await getJson(page, '/api/v1/session');
  const r = await page.request.post(`${BASE}${url}`, { headers: { 'X-CSRF-Token': s.csrf }, data });
  assert.ok(r.status() === 200 || r.status() === 201, `${url}: ${r.status()} ${await r.text()}`);
  return r.json();
}

// a member of branch orgId born in `birth`, joined on joinDate (dues start that month, never paid)
async function makeMember(page, orgId, name, birth, joinDate) {
  return postJson(page, '/api/v1/members', {
    org_id: orgId, name, id_number: makeIdNumber({ birth }), ethnicity: '01', education: '21', category: 'full',
    join_date: joinDate, full_date: joinDate.replace(/^(\d{4})/, (y) => String(Number(y) + 1)), person_type: 'farmer',
    phone: randomPhone(), address: '孟庄镇',
  });
}

const fen = (text) => Number(String(text).replace(/[¥,\s]/g, '')) * 100;

test('一键发放 this year\'s 老党员补贴; the total rises; a 送温暖 visit through the form', async () => {
  const { context, page } = await newPage(DESK);
  try {
    await login(page, TOWN_USER, TOWN_PASS);
    const orgs = await getJson(page, '/api/v1/orgs?kind=branches&per_page=50');
    const branch = orgs.items[0];
    // one more eligible member, so there is always someone left to issue to
    await makeMember(page, branch.id, '关怀老党员', `${year - 76}-04-18`, '1975-07-01');

    await page.goto(`${BASE}/#/dues/care/totals?year=${year}`);
    const before = fen(await page.getByTestId('care-total-elderly').textContent());

    await page.goto(`${BASE}/#/dues/care`);
    await page.getByTestId('care-elderly-summary').waitFor();
    const notGiven = Number((await page.getByTestId('care-not-given').textContent()).replace(/\D/g, ''));
    assert.ok(notGiven >= 1, 'someone waits for this year\'s subsidy');
    const due = fen(await page.getByTestId('care-due-fen').textContent());
    assert.ok(await page.locator('[data-testid="care-elderly-row"][data-given="false"]').count() >= 1);
    await shot(page, 'elderly');
    await page.getByTestId('care-issue').click();
    await page.locator('[data-testid="care-not-given"]', { hasText: /^0 人$/ }).waitFor();
    assert.equal(await page.locator('[data-testid="care-elderly-row"][data-given="false"]').count(), 0);
    assert.ok(await page.getByTestId('care-issue').isDisabled(), 'nothing left to issue');

    await page.getByTestId('care-section-totals').click();
    await page.getByTestId('care-totals').waitFor();
    const afterFen = fen(await page.getByTestId('care-total-elderly').textContent());
    assert.equal(afterFen, before + due, 'the year\'s elderly total rose by what was issued');

    // 送温暖: the occasion is required, named next to its field
    await page.getByTestId('care-section-festival').click();
    await page.getByTestId('care-festival-new').click();
    const form = page.getByTestId('care-festival-form');
    await form.waitFor();
    const countBefore = await page.getByTestId('care-record-row').count();
    await form.getByTestId('care-f-occasion').evaluate((el) => { el.value = ''; });
    await form.getByTestId('care-f-amount').fill('200');
    await page.getByTestId('care-festival-submit').click();
    await page.locator('[data-testid="field-error-occasion"]').filter({ hasText: /.+/ }).waitFor();
    await form.getByTestId('care-f-occasion').selectOption('chongyang');
    await form.getByTestId('care-f-goods').fill('重阳糕');
    await page.getByTestId('care-festival-submit').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="care-record-row"]').length > n, countBefore);
    await shot(page, 'festival');
  } finally {
    await context.close();
  }
});

test('脱党预警: 6+ months unpaid is listed with the count; a 正当理由 lists the member apart', async () => {
  const { context, page } = await newPage(DESK);
  try {
    await login(page, TOWN_USER, TOWN_PASS);
    const orgs = await getJson(page, '/api/v1/orgs?kind=branches&per_page=50');
    const branch = orgs.items[orgs.items.length - 1];
    const joined = `${year - 2}-01-01`;
    const m = await makeMember(page, branch.id, '预警党员', '1988-08-08', joined);
    // assessed from the month they joined (without a dues base nothing is owed)
    await postJson(page, `/api/v1/members/${m.id}/dues/bases`, { kind: 'farmer', base_fen: 0, from_month: joined.slice(0, 7) });

    await page.goto(`${BASE}/#/dues/warnings`);
    await page.getByTestId('lapse-summary').waitFor();
    const row = page.locator(`[data-testid="lapse-row"][data-member="${m.id}"]`);
    await row.waitFor();
    const badge = row.locator('[data-testid="lapse-reason"][data-reason="no_dues"]');
    const months = Number((await badge.textContent()).replace(/\D.*$/, ''));
    assert.ok(months >= 6 + 12, `never paid since ${joined}: ${months} months`);
    assert.ok(Number(await page.getByTestId('lapse-total').textContent()) >= 1);
    assert.ok(await page.getByTestId('lapse-branch').count() >= 1);
    await shot(page, 'warnings');

    await row.getByTestId('lapse-excuse').click();
    await row.getByTestId('lapse-excuse-submit').click();
    await row.locator('[data-testid="field-error-reason"]').filter({ hasText: /.+/ }).waitFor();
    await row.getByTestId('lapse-excuse-reason').fill('外出务工，已书面请假');
    await row.getByTestId('lapse-excuse-submit').click();
    const apart = page.locator(`[data-testid="lapse-excused-row"][data-member="${m.id}"]`);
    await apart.waitFor();
    assert.match(await apart.getByTestId('lapse-excuse-text').textContent(), /外出务工/);
    assert.equal(await page.locator(`[data-testid="lapse-row"][data-member="${m.id}"]`).count(), 0);
  } finally {
    await context.close();
  }
});

test('困难党员: register through the form, record a help, close the entry', async () => {
  const { context, page } = await newPage(DESK);
  try {
    await login(page, TOWN_USER, TOWN_PASS);
    const orgs = await getJson(page, '/api/v1/orgs?kind=branches&per_page=50');
    const branch = orgs.items[1];
    const m = await makeMember(page, branch.id, '困难测试', '1966-10-10', '1990-07-01');
    await page.goto(`${BASE}/#/dues/care/hardship`);
    await page.getByTestId('care-hardship-new').click();
    const form = page.getByTestId('care-hardship-form');
    await form.getByTestId('care-h-org').selectOption(String(branch.id));
    await form.locator(`[data-testid="care-h-member"] option[value="${m.id}"]`).waitFor({ state: 'attached' });
    await form.getByTestId('care-h-member').selectOption(String(m.id));
    await page.getByTestId('care-hardship-submit').click();
    await form.locator('[data-testid="field-error-reason"]').filter({ hasText: /.+/ }).waitFor();
    await form.getByTestId('care-h-reason').fill('因病致困');
    await page.getByTestId('care-hardship-submit').click();
    const row = page.locator('[data-testid="care-hardship-row"]', { hasText: '困难测试' });
    await row.waitFor();
    await row.getByTestId('care-help').click();
    const helpForm = page.getByTestId('care-help-form');
    await helpForm.getByTestId('care-f-amount').fill('300');
    await helpForm.getByTestId('care-help-submit').click();
    await page.locator('[data-testid="care-hardship-row"]', { hasText: '困难测试' }).filter({ hasText: '1 次' }).waitFor();
    await page.locator('[data-testid="care-hardship-row"]', { hasText: '困难测试' }).getByTestId('care-close').click();
    await page.locator('[data-testid="care-hardship-row"]', { hasText: '困难测试' }).waitFor({ state: 'detached' });
    const list = await getJson(page, `/api/v1/care/hardships?org_id=${branch.id}&status=closed`);
    const closed = list.items.find((x) => x.member_id === m.id);
    assert.equal(closed.help_fen, 30000);
    await shot(page, 'hardship');
  } finally {
    await context.close();
  }
});

test('a branch secretary sees their own branch only, and its yearly totals', async () => {
  const { context, page } = await newPage(DESK);
  try {
    await login(page, SEC_USER, SEC_PASS);
    const me = await getJson(page, '/api/v1/orgs/root');
    await page.goto(`${BASE}/#/dues/care`);
    await page.getByTestId('care-elderly-summary').waitFor();
    const orgsShown = await page.locator('[data-testid="care-elderly-row"] td:nth-child(2)').allTextContents();
    assert.ok(orgsShown.length > 0, 'the branch has elderly members');
    assert.ok(orgsShown.every((n) => n === me.name), `only ${me.name}: ${[...new Set(orgsShown)].join(', ')}`);
    await page.getByTestId('care-section-totals').click();
    await page.getByTestId('care-totals').waitFor();
    const branches = await page.locator('[data-testid="care-totals-branch"] td:first-child').allTextContents();
    assert.ok(branches.every((n) => n === me.name));
  } finally {
    await context.close();
  }
});

test('the care page fits a 360 px phone', async () => {
  const { context, page } = await newPage(PHONE);
  try {
    await login(page, TOWN_USER, TOWN_PASS);
    await page.goto(`${BASE}/#/dues/care`);
    await page.getByTestId('care-elderly-summary').waitFor();
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(sw <= 360, `scrollWidth ${sw} > 360`);
    await shot(page, 'phone');
  } finally {
    await context.close();
  }
});
