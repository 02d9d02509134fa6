// Browser test of 目标任务分解 (挂图作战) on the demo data, as a town admin: create a task with two monthly
// milestones for one of the town's branches, see completing refused while a milestone is open
// (task.milestones), report both milestones, complete, reopen (a reason is required), see the task's row on
// the wall with its cells colored, the demo's overdue reminders latest first, the list's filters and its
// Excel export; and the wall on a 390 px phone scrolls inside its box, not the page.
// Needs a running server with the demo data: DJ_URL=http://127.0.0.1:PORT node --test tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const BASE = (process.env.DJ_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const TOWN_USER = process.env.DJ_DEMO_TOWN_USER || 'mengzhuang';
const TOWN_PASS = process.env.DJ_DEMO_TOWN_PASS || 'Town#2026';
const SHOTS = process.env.DJ_SHOTS || '';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const TIMEOUT = 15000;
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const year = Number(today.slice(0, 4));
const month = Number(today.slice(5, 7));

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

async function login(page) {
  await page.goto(`${BASE}/#/login`);
  await page.getByTestId('login-username').fill(TOWN_USER);
  await page.getByTestId('login-password').fill(TOWN_PASS);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !String(u).includes('#/login'));
}

async function getJson(page, url) {
  const r = await page.request.get(`${BASE}${url}`);
  assert.equal(r.status(), 200, `${url}: ${r.status()} ${await r.text()}`);
  return r.json();
}

test('任务分解: create, milestones, complete only when all done, reopen with a reason, wall, overdue, list', async () => {
  const { context, page } = await newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await login(page);
    const root = await getJson(page, '/api/v1/orgs/root');
    const branch = (await getJson(page, `/api/v1/orgs?org=${root.id}&kind=branch&per_page=50`)).items.find((o) => o.kind === 'branch');
    assert.ok(branch, 'a branch under the town');
    const title = `阵地提升${Date.now()}`;

    // the form: required fields are checked next to them
    await page.goto(`${BASE}/#/work/tasks/new`);
    await page.getByTestId('task-save').click();
    await page.getByTestId('field-error-title').filter({ hasText: '任务名称' }).waitFor();
    await page.getByTestId('task-title').fill(title);
    const unit = page.getByTestId('task-unit');
    await unit.click();
    await unit.fill(branch.name.slice(0, 4));
    await page.getByTestId('task-unit-list').getByTestId('picker-option').filter({ hasText: branch.name }).first().click();
    // the responsible person linked to a member: choosing one fills the empty name
    const people = (await getJson(page, `/api/v1/members?org=${branch.id}&per_page=5`)).items;
    const who = people[0];
    const memberBox = page.getByTestId('task-member');
    await memberBox.click();
    await memberBox.fill(who.name);
    await page.getByTestId('task-member-list').locator(`[data-testid="picker-option"][data-id="${who.id}"]`).click();
    assert.equal(await page.getByTestId('task-person_name').inputValue(), who.name);
    await page.getByTestId('task-person_name').fill('赵书记');
    await page.getByTestId('task-due_on').fill(`${year}-12-31`);
    await page.getByTestId('task-m1').fill('制定方案');
    await page.getByTestId('task-m2').fill('完成改造');
    await shot(page, 'tasks-form');
    await page.getByTestId('task-save').click();
    await page.waitForURL(/#\/work\/tasks\/\d+$/);
    const id = Number(/tasks\/(\d+)$/.exec(page.url())[1]);
    await page.getByTestId('task-card').waitFor();
    assert.equal((await page.getByTestId('task-unit').textContent()).trim(), branch.name);
    assert.equal((await getJson(page, `/api/v1/tasks/${id}`)).person_member_id, who.id);
    assert.equal(await page.getByTestId('milestone').count(), 2);
    if (month > 1) assert.equal(await page.locator('[data-testid="milestone"][data-month="1"]').getAttribute('data-cell'), 'overdue');

    // completing with open milestones is refused, naming the rule
    await page.getByTestId('task-complete').click();
    await page.locator('[data-testid="rule-error"][data-rule="task.milestones"]').waitFor();

    for (const m of [1, 2]) {
      const row = page.locator(`[data-testid="milestone"][data-month="${m}"]`);
      await row.getByTestId('ms-done').click();
      await row.getByTestId('ms-note').fill(`${m}月已完成`);
      await row.getByTestId('ms-save').click();
      await page.locator(`[data-testid="milestone"][data-month="${m}"][data-cell="done"]`).waitFor();
    }
    await page.getByTestId('task-complete').click();
    await page.locator('[data-testid="task-card"][data-status="completed"]').waitFor();
    await shot(page, 'tasks-detail-completed');

    // reopening asks for a reason
    await page.getByTestId('task-reopen').click();
    await page.getByTestId('reopen-save').click();
    await page.getByTestId('field-error-reason').filter({ hasText: '原因' }).waitFor();
    await page.getByTestId('reopen-reason').fill('督查发现台账缺少照片');
    await page.getByTestId('reopen-save').click();
    await page.locator('[data-testid="task-card"][data-status="open"]').waitFor();
    assert.equal((await page.getByTestId('task-reopen-reason').textContent()).trim(), '督查发现台账缺少照片');

    // the wall: this task's row, January and February done, the rest without milestones
    await page.goto(`${BASE}/#/work/tasks/wall`);
    const row = page.locator(`[data-testid="wall-row"][data-id="${id}"]`);
    await row.waitFor();
    const cells = await row.getByTestId('wall-cell').evaluateAll((els) => els.map((e) => e.dataset.status));
    assert.deepEqual(cells, ['done', 'done', ...Array(10).fill('none')]);
    // the demo leaves one past milestone per town open: a red cell (once a month of the year is over)
    if (month > 2) assert.ok(await page.locator('[data-testid="wall-cell"][data-status="overdue"]').count() > 0);
    await shot(page, 'tasks-wall');

    // overdue reminders, latest first
    await page.goto(`${BASE}/#/work/tasks/overdue`);
    if (month > 2) {
      await page.getByTestId('overdue-row').first().waitFor();
      const days = await page.getByTestId('overdue-row').evaluateAll((rows) => rows.map((r) => parseInt(r.cells[0].textContent, 10)));
      assert.deepEqual(days, [...days].sort((a, b) => b - a));
    }

    // the list: the reminder links to the overdue page (the demo has overdue milestones once March is over)
    await page.goto(`${BASE}/#/work/tasks`);
    if (month > 3) await page.getByTestId('tasks-alert-link').waitFor();
    // the list: search finds the task, the overdue filter lands in the URL, the export downloads
    await page.goto(`${BASE}/#/work/tasks`);
    await page.getByTestId('tasks-q').fill(title);
    await page.getByTestId('tasks-q').press('Enter');
    await page.locator(`[data-testid="task-row"][data-id="${id}"]`).waitFor();
    assert.equal(await page.getByTestId('task-row').count(), 1);
    await page.getByTestId('tasks-overdue').check();
    await page.waitForURL(/overdue=1/);
    const href = await page.getByTestId('tasks-export').getAttribute('href');
    assert.match(href, /format=xlsx/);
    const x = await page.request.get(`${BASE}${href}`);
    assert.equal(x.status(), 200);
    assert.match(x.headers()['content-type'], /spreadsheetml/);
  } finally {
    await context.close();
  }
});

test('挂图作战 on a 390 px phone: the grid scrolls sideways inside its box', async () => {
  const { context, page } = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    await login(page);
    await page.goto(`${BASE}/#/work/tasks/wall`);
    await page.getByTestId('wall-table').waitFor();
    const box = await page.locator('.wall-wrap').evaluate((e) => ({ sw: e.scrollWidth, cw: e.clientWidth }));
    assert.ok(box.sw > box.cw, 'the grid is wider than the phone and scrolls in its box');
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(sw <= 390, `page scrollWidth ${sw} > 390`);
    await shot(page, 'tasks-wall-phone');
  } finally {
    await context.close();
  }
});
