// Browser test of 党建项目化管理 on the demo data: a branch secretary files a 申报 through the form; the town admin
// (the leading org) returns it — first without a reason (the field error), then with one; the secretary files again;
// the town approves 备案, the secretary starts 实施, the town reviews a quarter (returned, then approved), the secretary
// files 结题, the town records 验收, 评估 (the weighted score with the default weights) and 激励. Each side sees only its
// own actions; the stage bar, review history and progress ledger follow. The list filters find it and offer the xlsx
// export; the detail fits a 390 px phone.
// Needs a running server with the demo data: DJ_URL=http://127.0.0.1:PORT node --test tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const BASE = (process.env.DJ_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const ADMIN_USER = process.env.DJ_DEMO_ADMIN_USER || 'admin';
const ADMIN_PASS = process.env.DJ_DEMO_ADMIN_PASS || 'Admin#2026';
const TOWN_PASS = process.env.DJ_DEMO_TOWN_PASS || 'Town#2026';
const BRANCH_PASS = process.env.DJ_DEMO_BRANCH_PASS || 'Branch#2026';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const TIMEOUT = 15000;

let browser;
before(async () => {
  browser = await chromium.launch({ executablePath: process.env.DJ_CHROMIUM || '/usr/bin/chromium', headless: true, args: ARGS });
});
after(async () => { if (browser) await browser.close(); });

async function apiAs(username, password) {
  const r = await fetch(`${BASE}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password, bearer: true }) });
  const { token } = await r.json();
  return (path) => fetch(BASE + path, { headers: { Authorization: `Bearer ${token}` } }).then((x) => x.json());
}

async function newPage(viewport) {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport });
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
  await page.waitForURL((u) => !String(u).includes('#/login'));
}

// open the project and run one action with its fields {name: value}
async function act(page, id, action, fields = {}) {
  const url = `${BASE}/#/work/projects/${id}`;
  // the same hash does not re-render: reload to see the other side's changes
  if (page.url() === url) await page.reload();
  else await page.goto(url);
  await page.getByTestId(`action-${action}`).click();
  const form = page.getByTestId(`action-form-${action}`);
  for (const [name, value] of Object.entries(fields)) {
    const el = form.locator(`[name="${name}"]`);
    if (await el.evaluate((x) => x.tagName === 'SELECT')) await el.selectOption(String(value));
    else await el.fill(String(value));
  }
  await form.getByTestId('action-submit').click();
  return form;
}

async function currentStage(page) {
  return page.getByTestId('stage-bar').locator('[aria-current="step"]').getAttribute('data-stage');
}

test('a project from 申报 to 激励, each side doing its own steps', async () => {
  const admin = await apiAs(ADMIN_USER, ADMIN_PASS);
  const users = (await admin('/api/v1/users?per_page=200')).items;
  const town = users.find((u) => u.username === 'mengzhuang');
  const branches = (await admin(`/api/v1/orgs/${town.org_id}/children`)).items.map((o) => o.id);
  const sec = users.filter((u) => u.role === 'secretary' && branches.includes(u.org_id) && !u.disabled).at(-1);
  assert.ok(sec, 'a branch secretary in 孟庄镇');
  const name = `网格议事${Date.now() % 100000}`;

  const s = await newPage();
  const tw = await newPage();
  try {
    await login(s.page, sec.username, BRANCH_PASS);
    await login(tw.page, 'mengzhuang', TOWN_PASS);
    // 申报 through the form: the branch and its secretary are chosen already
    await s.page.goto(`${BASE}/#/work/projects/new`);
    const form = s.page.getByTestId('project-form');
    await form.locator('[name="name"]').fill(name);
    await form.locator('[name="type"]').selectOption('promotion');
    await form.locator('[name="leader_led"]').check();
    await form.locator('[name="goal"]').fill('议事协商覆盖全部网格');
    await assert.doesNotReject(async () => {
      await s.page.waitForFunction(() => document.querySelector('[name="secretary_member_id"]').value !== '');
    });
    await form.getByTestId('project-submit').click();
    await s.page.waitForURL(/#\/work\/projects\/\d+$/);
    const id = Number(/(\d+)$/.exec(s.page.url())[1]);
    assert.equal(await currentStage(s.page), 'apply');
    assert.equal(await s.page.getByTestId('project-actions').locator('button').count(), 0);

    // the town returns it: a reason is required
    let f = await act(tw.page, id, 'return');
    await f.getByTestId('field-error-reason').filter({ hasText: '理由' }).waitFor();
    await f.locator('[name="reason"]').fill('请补充量化目标');
    await f.getByTestId('action-submit').click();
    await tw.page.getByTestId('project-returned').filter({ hasText: '请补充量化目标' }).waitFor();

    await act(s.page, id, 'resubmit', { note: '已补充' });
    await s.page.getByTestId('ledger').locator('[data-action="resubmit"]').waitFor();
    await act(tw.page, id, 'file', { note: '同意备案' });
    await tw.page.getByTestId('stage-bar').locator('[aria-current="step"][data-stage="file"]').waitFor();
    // 实施 is the branch's step: the town has no button for it
    assert.equal(await tw.page.getByTestId('action-implement').count(), 0);
    await act(s.page, id, 'implement');
    await s.page.getByTestId('stage-bar').locator('[aria-current="step"][data-stage="implement"]').waitFor();

    // a quarter returned, then reviewed again
    f = await act(tw.page, id, 'review', { result: 'returned' });
    await f.getByTestId('field-error-reason').filter({ hasText: '理由' }).waitFor();
    await f.locator('[name="reason"]').fill('台账不全');
    await f.getByTestId('action-submit').click();
    await tw.page.getByTestId('review-row').first().waitFor();
    await act(tw.page, id, 'review', { result: 'approved', note: '已整改' });
    await tw.page.getByTestId('review-row').nth(1).waitFor();
    assert.equal(await tw.page.getByTestId('review-row').count(), 2);

    await act(s.page, id, 'conclude', { note: '按期完成' });
    await s.page.getByTestId('stage-bar').locator('[aria-current="step"][data-stage="conclude"]').waitFor();
    await act(tw.page, id, 'accept', { onsite: '现场查看议事点', expert_score: 90, satisfaction: 95 });
    await tw.page.getByTestId('stage-bar').locator('[aria-current="step"][data-stage="accept"]').waitFor();
    await act(tw.page, id, 'evaluate', { goal_rate: 90, mass_rate: 80, benefit: 70, promotion: 60 });
    await tw.page.getByTestId('project-score').filter({ hasText: '80.00' }).waitFor();
    await act(tw.page, id, 'reward', { reward: '评为优秀项目' });
    await tw.page.getByTestId('stage-bar').locator('[aria-current="step"][data-stage="reward"]').waitFor();
    const ledger = await tw.page.getByTestId('ledger-row').evaluateAll((els) => els.map((e) => e.dataset.action));
    assert.deepEqual(ledger, ['apply', 'return', 'resubmit', 'file', 'implement', 'review_returned', 'review_approved',
      'conclude', 'accept', 'evaluate', 'reward']);

    // the list finds it by stage and name, and offers the export of the same filter
    await tw.page.goto(`${BASE}/#/work/projects?stage=reward&q=${encodeURIComponent(name)}`);
    await tw.page.getByTestId('project-row').first().waitFor();
    assert.equal(await tw.page.getByTestId('project-row').count(), 1);
    const href = await tw.page.getByTestId('project-export').getAttribute('href');
    assert.match(href, /format=xlsx/);
    assert.match(href, /stage=reward/);
    const res = await tw.page.request.get(BASE + href);
    assert.equal(res.status(), 200);
  } finally {
    await s.context.close();
    await tw.context.close();
  }
});

test('the detail and the list fit a phone', async () => {
  const { context, page } = await newPage({ width: 390, height: 844 });
  try {
    await login(page, 'mengzhuang', TOWN_PASS);
    await page.goto(`${BASE}/#/work/projects?stage=implement`);
    await page.getByTestId('project-row').first().waitFor();
    await page.getByTestId('project-row').first().locator('a').click();
    await page.getByTestId('stage-bar').waitFor();
    await page.getByTestId('action-review').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `page wider than the phone by ${overflow}px`);
  } finally {
    await context.close();
  }
});
