// Browser test of 发展党员: create an applicant in a branch, record step 2 (talk) with a talker picked
// from the branch's members, see the refusals for a step out of order and a date before the previous
// step (rule-error with the rule id), record step 3, then the reminders, plans and stats pages and
// the board and person page at phone width (no horizontal page scroll).
// Needs a running server with the demo data: DJ_URL=http://127.0.0.1:PORT node --test tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { makeIdNumber, randomName, randomPhone } from './helpers.mjs';

const BASE = (process.env.DJ_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const ADMIN_USER = process.env.DJ_DEMO_ADMIN_USER || 'admin';
const ADMIN_PASS = process.env.DJ_DEMO_ADMIN_PASS || 'Admin#2026';
const SHOTS = process.env.DJ_SHOTS || ''; // a directory for screenshots, if wanted
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const TIMEOUT = 15000;

let browser;
let tmp;

before(async () => {
  tmp = fs.mkdtempSync(path.join(process.env.DJ_TMP || os.tmpdir(), 'dj-e2e-'));
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
  await page.getByTestId('topbar').waitFor();
}

// Opens tree nodes until a 党支部 shows, selects it and returns its name.
async function selectBranch(page) {
  await page.getByTestId('org-tree').locator('[data-testid="tree-node"]').first().waitFor();
  for (let i = 0; i < 40; i++) {
    const branch = page.locator('[data-testid="tree-node"][data-kind="branch"]').first();
    if (await branch.count()) {
      const name = (await branch.locator('.tree-name').textContent()).trim();
      await branch.click();
      await page.locator('[data-testid="tree-node"][data-kind="branch"].selected').first().waitFor();
      return name;
    }
    const closed = page.locator('[data-testid="tree-toggle"][aria-expanded="false"]').first();
    if (!(await closed.count())) break;
    await closed.click();
    await page.waitForFunction(() => !document.querySelector('.tree-loading'));
  }
  throw new Error('no 党支部 found in the organization tree');
}

const ymd = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
function daysAfter(s, n) {
  const d = new Date(`${s}T12:00:00`);
  d.setDate(d.getDate() + n);
  return ymd(d);
}

async function shot(page, name) {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
}

async function noHorizontalScroll(page, what) {
  const { sw, cw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }));
  assert.ok(sw <= cw + 1, `${what}: page scrolls sideways (${sw} > ${cw})`);
}

test('recruitment: applicant, steps with refusals, timeline, reminders', async (t) => {
  const { context, page } = await newPage({ viewport: { width: 1366, height: 900 } });
  const name = randomName();
  const applied = new Date();
  applied.setMonth(applied.getMonth() - 30); // about 2.5 years ago
  const appliedOn = ymd(applied);
  const talkOn = daysAfter(appliedOn, 10);
  let branchName = '';
  let recruitUrl = '';

  try {
    await t.test('the board shows five stage columns for the selected branch', async () => {
      await login(page, ADMIN_USER, ADMIN_PASS);
      branchName = await selectBranch(page);
      await page.getByTestId('nav-recruits').click();
      await page.waitForURL(/#\/recruits$/);
      await page.getByTestId('recruit-org-name').filter({ hasText: branchName }).waitFor();
      await page.getByTestId('recruit-board').locator('[data-testid="board-col"]').nth(4).waitFor();
      assert.equal(await page.getByTestId('board-col').count(), 5);
      assert.match(await page.getByTestId('recruit-board').textContent(), /申请入党.*入党积极分子.*发展对象.*预备党员.*正式党员/);
    });

    await t.test('新增入党申请人: a missing field is shown next to it, then the applicant is saved', async () => {
      await page.getByTestId('recruit-add').click();
      await page.waitForURL(/#\/recruits\/new$/);
      await page.getByTestId('recruit-form').waitFor();
      assert.equal(await page.getByTestId('input-org_id').inputValue(), branchName, 'the selected branch is preselected');
      await page.getByTestId('input-name').fill(name);
      await page.getByTestId('input-id_number').fill('12345');
      await page.getByTestId('input-ethnicity').selectOption({ label: '汉族' });
      await page.getByTestId('input-phone').fill(randomPhone());
      await page.getByTestId('input-work_unit').fill('清河县测试单位');
      await page.getByTestId('input-applied_on').fill(appliedOn);
      await page.getByTestId('recruit-save').click();
      await page.getByTestId('field-error-id_number').filter({ hasText: /\S/ }).waitFor();
      assert.equal(await page.getByTestId('input-id_number').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.getByTestId('input-name').inputValue(), name, 'input kept');
      await page.getByTestId('input-id_number').fill(makeIdNumber({ birth: '1996-04-12', male: true }));
      await page.getByTestId('recruit-save').click();
      await page.waitForURL(/#\/recruits\/\d+$/);
      recruitUrl = page.url();
      await page.getByTestId('recruit-title').filter({ hasText: name }).waitFor();
      assert.match(await page.getByTestId('recruit-idnum').textContent(), /\*{4}/, 'the ID number is masked');
      await page.locator('[data-testid="timeline-step"][data-step="1"]').waitFor();
    });

    await t.test('step 2 (谈话) with a talker picked from the branch members', async () => {
      await page.getByTestId('record-step-2').click();
      const form = page.getByTestId('step-form');
      await form.waitFor();
      await page.getByTestId('step-done_on').fill(talkOn);
      await page.getByTestId('step-talkers').click();
      const opt = page.getByTestId('step-talkers-list').getByTestId('picker-option').first();
      await opt.waitFor();
      const talker = (await opt.locator('.picker-main').textContent()).trim();
      await opt.click();
      await page.getByTestId('step-talkers-chosen').getByTestId('chip').filter({ hasText: talker }).waitFor();
      await page.getByTestId('step-save').click();
      const row = page.locator('[data-testid="timeline-step"][data-step="2"]');
      await row.waitFor();
      assert.match(await row.textContent(), new RegExp(talkOn));
      assert.match(await row.textContent(), new RegExp(`谈话人：${talker}`));
      assert.equal(await page.getByTestId('step-form').count(), 0, 'the form closes after saving');
    });

    await t.test('step 4 before step 3 is refused with recruit.step_order', async () => {
      await page.getByTestId('step-other').selectOption('4');
      await page.getByTestId('record-other').click();
      await page.getByTestId('step-form').waitFor();
      await page.getByTestId('step-done_on').fill(daysAfter(talkOn, 30));
      await page.getByTestId('step-save').click();
      const err = page.getByTestId('rule-error');
      await err.waitFor();
      assert.equal(await err.getAttribute('data-rule'), 'recruit.step_order');
      assert.match(await err.textContent(), /第 3 步/);
      await page.getByTestId('step-cancel').click();
    });

    await t.test('a step-3 date before the talk is refused with recruit.date_order, input kept', async () => {
      await page.getByTestId('record-step-3').click();
      await page.getByTestId('step-form').waitFor();
      const early = daysAfter(talkOn, -5);
      await page.getByTestId('step-done_on').fill(early);
      await page.getByTestId('step-method').selectOption('党员推荐');
      await page.getByTestId('step-note').fill('经党员推荐');
      await page.getByTestId('step-save').click();
      const err = page.getByTestId('rule-error');
      await err.waitFor();
      assert.equal(await err.getAttribute('data-rule'), 'recruit.date_order');
      assert.match(await err.getByTestId('rule-id').textContent(), /recruit\.date_order/);
      assert.match(await err.textContent(), new RegExp(early));
      assert.equal(await page.getByTestId('step-done_on').inputValue(), early, 'the date is kept');
      assert.equal(await page.getByTestId('step-note').inputValue(), '经党员推荐', 'the note is kept');
      assert.equal(await page.locator('[data-testid="timeline-step"][data-step="3"]').count(), 0);
    });

    await t.test('step 3 with a correct date shows in the timeline', async () => {
      const on = daysAfter(talkOn, 20);
      await page.getByTestId('step-done_on').fill(on);
      await page.getByTestId('step-save').click();
      const row = page.locator('[data-testid="timeline-step"][data-step="3"]');
      await row.waitFor();
      assert.match(await row.textContent(), new RegExp(on));
      assert.match(await row.textContent(), /推荐方式：党员推荐/);
      assert.match(await row.textContent(), /层级：党支部/);
      await page.getByTestId('recruit-stage').filter({ hasText: '入党积极分子' }).waitFor();
      await shot(page, 'recruit-person.png');
    });

    await t.test('a 百分制 score shows the average; a PNG uploads to step 3 and is listed', async () => {
      await page.getByTestId('score-rater').fill('支部委员甲');
      await page.getByTestId('score-value').fill('85');
      await page.getByTestId('score-save').click();
      await page.getByTestId('score-average').filter({ hasText: /85\.0/ }).waitFor();
      const png = path.join(tmp, '谈话记录.png');
      fs.writeFileSync(png, Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'));
      await page.getByTestId('attachment-step').selectOption('3');
      await page.getByTestId('attachment-file').setInputFiles(png);
      await page.getByTestId('attachment-upload').click();
      await page.getByTestId('attachment-row').filter({ hasText: '谈话记录.png' }).waitFor();
      await page.locator('[data-testid="timeline-step"][data-step="3"]').getByTestId('attachment-link').filter({ hasText: '谈话记录.png' }).waitFor();
      const href = await page.getByTestId('recruit-archive').getAttribute('href');
      assert.match(href, /^\/api\/v1\/recruits\/\d+\/archive$/);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('recruit-archive').click()]);
      const file = path.join(tmp, 'archive.zip');
      await download.saveAs(file);
      assert.equal(fs.readFileSync(file).subarray(0, 2).toString('latin1'), 'PK', 'the archive is a zip');
    });

    await t.test('the reminders page lists the person with a link', async () => {
      await page.getByTestId('nav-recruits').click();
      await page.getByTestId('recruit-card').filter({ hasText: name }).waitFor();
      const col = page.locator('[data-testid="board-col"][data-stage="2"]');
      await col.getByTestId('recruit-card').filter({ hasText: name }).waitFor();
      await shot(page, 'recruit-board.png');
      await page.getByTestId('recruit-tab-reminders').click();
      await page.waitForURL(/#\/recruits\/reminders$/);
      await page.locator('[data-testid="reminder-table"], [data-testid="reminder-empty"]').first().waitFor();
      const link = page.getByTestId('reminder-link').filter({ hasText: name }).first();
      await link.waitFor();
      const kinds = await page.getByTestId('reminder-row').filter({ hasText: name }).locator('td').first().allTextContents();
      assert.ok(kinds.every((k) => /[\u4e00-\u9fa5]/.test(k)), `reminder kind shown in Chinese: ${kinds}`);
      await link.click();
      await page.waitForURL(recruitUrl);
    });

    await t.test('plans and stats render', async () => {
      await page.goto(`${BASE}/#/recruits/plans`);
      await page.getByTestId('plan-table').waitFor(); // the 基层党委 above the selected branch
      const row = page.getByTestId('plan-row').first();
      const planned = String(10 + Math.floor(Math.random() * 50));
      await row.getByTestId('plan-planned').fill(planned);
      await row.getByTestId('plan-save').click();
      await page.getByTestId('toast').filter({ hasText: '已保存' }).waitFor();
      await page.reload();
      await page.getByTestId('plan-row').first().getByTestId('plan-planned').waitFor();
      assert.equal(await page.getByTestId('plan-row').first().getByTestId('plan-planned').inputValue(), planned);
      await shot(page, 'recruit-plans.png');
      await page.goto(`${BASE}/#/recruits/stats`);
      await page.getByTestId('stats-stages').getByTestId('stat-stage').nth(4).waitFor();
      await shot(page, 'recruit-stats.png');
    });
  } finally {
    await context.close();
  }

  await t.test('at phone width the board stacks and nothing scrolls sideways', async () => {
    const phone = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    try {
      await login(phone.page, ADMIN_USER, ADMIN_PASS);
      await phone.page.goto(`${BASE}/#/recruits`);
      await phone.page.getByTestId('board-col').nth(4).waitFor();
      const xs = await phone.page.getByTestId('board-col').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().left)));
      assert.equal(new Set(xs).size, 1, `columns stack (left edges ${xs})`);
      await noHorizontalScroll(phone.page, 'board');
      await shot(phone.page, 'recruit-board-phone.png');
      await phone.page.goto(recruitUrl);
      await phone.page.getByTestId('recruit-timeline').waitFor();
      await phone.page.getByTestId('record-step-4').click().catch(() => {});
      await noHorizontalScroll(phone.page, 'person page');
      await shot(phone.page, 'recruit-person-phone.png');
      await phone.page.goto(`${BASE}/#/recruits/reminders`);
      await phone.page.locator('[data-testid="reminder-table"], [data-testid="reminder-empty"]').first().waitFor();
      await noHorizontalScroll(phone.page, 'reminders');
    } finally {
      await phone.context.close();
    }
  });
});
