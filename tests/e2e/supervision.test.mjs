// Browser test of 督查整改 and 四议两公开 on the demo data, as a town admin: a new inspection, a finding on one of
// the town's branches, the finding reported (报告整改), returned without a reason refused next to the field, returned
// with one, reported again and closed; the timeline shows every move; the ledger's overdue filter and Excel link; the
// quarterly 督查通报 with the demo's overdue finding; a new village decision taken through 提议 and 商议, a 审议 without
// a majority refused (decision.vote), then passed; and the decision page on a 390 px phone without sideways scroll.
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

async function pickOrg(page, testid, name) {
  const box = page.getByTestId(testid);
  await box.click();
  await box.fill(name.slice(0, 4));
  await page.getByTestId(`${testid}-list`).getByTestId('picker-option').filter({ hasText: name }).first().click();
}

async function branchOf(page) {
  const root = await getJson(page, '/api/v1/orgs/root');
  const branch = (await getJson(page, `/api/v1/orgs?org=${root.id}&kind=branch&per_page=50`)).items.find((o) => o.kind === 'branch');
  assert.ok(branch, 'a branch under the town');
  return branch;
}

test('督查整改: inspection, finding, rectify, return with a reason, close; ledger, bulletin', async () => {
  const { context, page } = await newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await login(page);
    const branch = await branchOf(page);
    const problem = `党员发展档案缺页${Date.now()}`;

    await page.goto(`${BASE}/#/work/supervision/inspections/new`);
    await page.getByTestId('insp-save').click();
    await page.getByTestId('field-error-inspectors').filter({ hasText: '督查人员' }).waitFor();
    await page.getByTestId('insp-kind').selectOption('special');
    await page.getByTestId('insp-inspectors').fill('陈明、周丽');
    await page.getByTestId('insp-save').click();
    await page.waitForURL(/#\/work\/supervision\/inspections\/\d+$/);
    await page.getByTestId('finding-form').waitFor();

    await pickOrg(page, 'fd-org', branch.name);
    await page.getByTestId('fd-problem').fill(problem);
    await page.getByTestId('fd-category').selectOption('members');
    await page.getByTestId('fd-responsible').fill('支部书记');
    await page.getByTestId('fd-save').click();
    const row = page.getByTestId('finding-row').filter({ hasText: problem });
    await row.waitFor();
    await row.getByRole('link').click();
    await page.waitForURL(/#\/work\/supervision\/findings\/\d+$/);
    const id = Number(/findings\/(\d+)$/.exec(page.url())[1]);

    // 报告整改
    await page.getByTestId('rf-text').fill('已补齐发展档案');
    await page.getByTestId('rf-save').click();
    await page.locator('[data-testid="finding-status"]').filter({ hasText: '已整改待验收' }).waitFor();
    // 退回 needs a reason, shown next to the field
    await page.getByTestId('vf-return').click();
    await page.getByTestId('field-error-reason').filter({ hasText: '退回原因' }).waitFor();
    await page.getByTestId('vf-reason').fill('缺少入党志愿书复印件');
    await page.getByTestId('vf-return').click();
    await page.locator('[data-testid="finding-status"]').filter({ hasText: '待整改' }).waitFor();
    await page.getByTestId('rf-text').fill('已补入党志愿书');
    await page.getByTestId('rf-save').click();
    await page.getByTestId('vf-close').click();
    await page.locator('[data-testid="finding-status"]').filter({ hasText: '已销号' }).waitFor();
    const actions = await page.getByTestId('finding-event').evaluateAll((els) => els.map((e) => e.dataset.action));
    assert.deepEqual(actions, ['create', 'rectify', 'return', 'rectify', 'close']);
    assert.match(await page.getByTestId('finding-timeline').textContent(), /缺少入党志愿书复印件/);
    const f = await getJson(page, `/api/v1/inspection-findings/${id}`);
    assert.equal(f.status, 'closed');
    assert.equal(f.returns, 1);
    await shot(page, 'supervision-finding');

    // the ledger: overdue filter (the demo leaves one per town) and the export link
    await page.goto(`${BASE}/#/work/supervision?overdue=1`);
    await page.getByTestId('finding-row').first().waitFor();
    const statuses = await page.getByTestId('finding-status').allTextContents();
    assert.ok(statuses.length > 0 && statuses.every((s) => s === '逾期未整改'), statuses.join(','));
    const href = await page.getByTestId('sv-export').getAttribute('href');
    assert.match(href, /format=xlsx/);
    assert.match(href, /overdue=1/);
    const r = await page.request.get(`${BASE}${href}`);
    assert.equal(r.status(), 200);
    assert.match(r.headers()['content-type'], /spreadsheetml/);

    // 督查通报 of the quarter the demo's first inspection fell in (40 days ago)
    const back = new Date(Date.now() + 8 * 3600e3 - 40 * 86400e3).toISOString().slice(0, 10);
    const q = Math.floor((Number(back.slice(5, 7)) - 1) / 3) + 1;
    await page.goto(`${BASE}/#/work/supervision/bulletin?year=${back.slice(0, 4)}&quarter=${q}`);
    await page.getByTestId('bl-summary').waitFor();
    assert.match(await page.getByTestId('bl-summary').textContent(), /发现问题 \d+ 个/);
    assert.ok(await page.getByTestId('bl-org-row').count() >= 1);
    assert.ok(await page.getByTestId('bl-overdue-row').count() >= 1);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.getByTestId('work-tabs').isVisible(), false);
    assert.equal(await page.getByTestId('bl-print').isVisible(), false);
    await page.emulateMedia({ media: 'screen' });
    await shot(page, 'supervision-bulletin');
  } finally {
    await context.close();
  }
});

test('四议两公开: a new decision through 提议 and 商议, 审议 without a majority refused, then passed', async () => {
  const { context, page } = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    await login(page);
    const branch = await branchOf(page);
    const title = `村部屋顶维修${Date.now()}`;
    await page.goto(`${BASE}/#/work/decisions/new`);
    await pickOrg(page, 'dc-org', branch.name);
    await page.getByTestId('dc-title').fill(title);
    await page.getByTestId('dc-save').click();
    await page.waitForURL(/#\/work\/decisions\/\d+$/);
    const id = Number(/decisions\/(\d+)$/.exec(page.url())[1]);

    const form = page.getByTestId('step-form');
    await page.locator('[data-testid="step-form"][data-step="propose"]').waitFor();
    await page.getByTestId('st-participants').fill('5');
    await page.getByTestId('st-save').click();
    await page.locator('[data-testid="step-form"][data-step="consult"]').waitFor();
    await page.getByTestId('st-participants').fill('9');
    await page.getByTestId('st-save').click();
    await page.locator('[data-testid="step-form"][data-step="review"]').waitFor();
    await page.getByTestId('st-participants').fill('40');
    await page.getByTestId('st-present').fill('30');
    await page.getByTestId('st-votes_for').fill('15');
    await page.getByTestId('st-votes_against').fill('15');
    await page.getByTestId('st-save').click();
    await page.locator('[data-testid="rule-error"][data-rule="decision.vote"]').waitFor();
    await page.getByTestId('st-votes_for').fill('26');
    await page.getByTestId('st-votes_against').fill('4');
    await page.getByTestId('st-save').click();
    await page.locator('[data-testid="step-form"][data-step="resolve"]').waitFor();
    assert.ok(await form.isVisible());
    const done = await page.getByTestId('decision-step').evaluateAll((els) => els.map((e) => e.dataset.done));
    assert.deepEqual(done, ['1', '1', '1', '0', '0', '0']);
    const d = await getJson(page, `/api/v1/decisions/${id}`);
    assert.equal(d.current_step, 'review');
    assert.equal(d.steps[2].votes_for, 26);
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(sw <= 390, `scrollWidth ${sw} > 390`);
    await shot(page, 'decision-phone');

    // the list shows where it stands
    await page.goto(`${BASE}/#/work/decisions?status=running`);
    const row = page.locator(`[data-testid="decision-row"][data-id="${id}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute('data-step'), 'review');
    assert.match(await page.getByTestId('dc-export').getAttribute('href'), /format=xlsx/);
  } finally {
    await context.close();
  }
});

test('修改督查信息 and 修改事项: the edit forms correct an inspection and a decision; errors land on the field', async () => {
  const { context, page } = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    await login(page);
    const branch = await branchOf(page);
    // an inspection: edit its kind, title and inspectors; the date locks once a finding is recorded
    await page.goto(`${BASE}/#/work/supervision/inspections/new`);
    await page.getByTestId('insp-inspectors').fill('陈明');
    await page.getByTestId('insp-save').click();
    await page.waitForURL(/#\/work\/supervision\/inspections\/\d+$/);
    const iid = Number(/inspections\/(\d+)$/.exec(page.url())[1]);
    await page.getByTestId('insp-edit').click();
    const ef = page.getByTestId('inspection-edit-form');
    await page.getByTestId('ie-inspectors').fill('');
    await page.getByTestId('ie-save').click();
    await page.getByTestId('field-error-inspectors').filter({ hasText: '督查人员' }).waitFor();
    await page.getByTestId('ie-inspectors').fill('陈明、周丽');
    await page.getByTestId('ie-kind').selectOption('special');
    const title = `党费收缴专项督查${Date.now()}`;
    await page.getByTestId('ie-title').fill(title);
    await page.getByTestId('ie-save').click();
    await page.getByTestId('inspection-head').getByText(title).waitFor();
    let i = await getJson(page, `/api/v1/inspections/${iid}`);
    assert.equal(i.kind, 'special');
    assert.equal(i.inspectors, '陈明、周丽');
    await pickOrg(page, 'fd-org', branch.name);
    await page.getByTestId('fd-problem').fill('党费收缴台账不全');
    await page.getByTestId('fd-responsible').fill('支部书记');
    await page.getByTestId('fd-save').click();
    await page.getByTestId('finding-row').first().waitFor();
    await page.getByTestId('insp-edit').click();
    assert.ok(await page.getByTestId('ie-held_on').isDisabled(), 'the date is locked once findings exist');
    await page.getByTestId('ie-note').fill('已向被督查单位反馈');
    await page.getByTestId('ie-save').click();
    await page.getByTestId('inspection-head').getByText('已向被督查单位反馈').waitFor();
    assert.equal(await ef.count(), 0);
    i = await getJson(page, `/api/v1/inspections/${iid}`);
    assert.equal(i.note, '已向被督查单位反馈');

    // a decision: correct its title while the steps are under way
    await page.goto(`${BASE}/#/work/decisions/new`);
    await pickOrg(page, 'dc-org', branch.name);
    await page.getByTestId('dc-title').fill(`村道硬化${Date.now()}`);
    await page.getByTestId('dc-save').click();
    await page.waitForURL(/#\/work\/decisions\/\d+$/);
    const did = Number(/decisions\/(\d+)$/.exec(page.url())[1]);
    await page.getByTestId('dc-edit').click();
    await page.getByTestId('de-title').fill('');
    await page.getByTestId('de-save').click();
    await page.getByTestId('field-error-title').waitFor();
    const fixed = `村道硬化及亮化${Date.now()}`;
    await page.getByTestId('de-title').fill(fixed);
    await page.getByTestId('de-content').fill('硬化 2 公里，安装路灯 40 盏');
    await page.getByTestId('de-save').click();
    await page.getByTestId('decision-head').getByText(fixed).waitFor();
    const d = await getJson(page, `/api/v1/decisions/${did}`);
    assert.equal(d.title, fixed);
    assert.equal(d.content, '硬化 2 公里，安装路灯 40 盏');
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(sw <= 390, `scrollWidth ${sw} > 390`);
  } finally {
    await context.close();
  }
});
