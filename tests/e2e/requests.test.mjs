// Browser test of 民情诉求 and 走访 on the demo data: record a request, assign it to a member, a reassignment
// without a reason shows the error next to the field, handle, reply, rate 满意; the list's statistics count it;
// record a visit whose findings become a request in the same save; the 390 px list has no page-wide scroll.
// Needs a running server with the demo data: DJ_URL=http://127.0.0.1:PORT node --test tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const BASE = (process.env.DJ_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const ADMIN_USER = process.env.DJ_DEMO_ADMIN_USER || 'admin';
const ADMIN_PASS = process.env.DJ_DEMO_ADMIN_PASS || 'Admin#2026';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const TIMEOUT = 15000;

let browser;
before(async () => {
  browser = await chromium.launch({ executablePath: process.env.DJ_CHROMIUM || '/usr/bin/chromium', headless: true, args: ARGS });
});
after(async () => { if (browser) await browser.close(); });

async function newPage(opts = {}) {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...opts });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  page.on('dialog', (d) => d.accept());
  return { context, page };
}

async function login(page) {
  await page.goto(`${BASE}/#/login`);
  await page.getByTestId('login-username').fill(ADMIN_USER);
  await page.getByTestId('login-password').fill(ADMIN_PASS);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(/#\/members$/);
}

async function getJson(page, url) {
  const r = await page.request.get(`${BASE}${url}`);
  assert.equal(r.status(), 200, `${url}: ${r.status()} ${await r.text()}`);
  return r.json();
}

const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const inDays = (n) => new Date(Date.parse(`${today}T00:00:00Z`) + n * 86400e3).toISOString().slice(0, 10);

test('民情诉求: record, assign, handle, reply, rate; statistics; a visit makes a request', async () => {
  const { context, page } = await newPage({ viewport: { width: 1366, height: 900 } });
  await login(page);
  const before = await getJson(page, '/api/v1/requests/stats');

  // record
  await page.goto(`${BASE}/#/work/requests/new`);
  const form = page.getByTestId('rq-form');
  const orgId = await form.locator('[name=org_id]').inputValue();
  await form.locator('[name=channel]').selectOption('roundtable');
  await form.locator('[name=requester]').fill('周大海');
  await form.locator('[name=address]').fill('北村2组');
  await form.locator('[name=content]').fill('村里的自来水压力不足，高处人家用水困难');
  await page.getByTestId('rq-save').click();
  await page.getByTestId('field-error-category').filter({ hasText: /类别/ }).waitFor();
  await form.locator('[name=category]').selectOption('infrastructure');
  await page.getByTestId('rq-save').click();
  await page.waitForURL(/#\/work\/requests\/\d+$/);
  const id = Number(page.url().match(/(\d+)$/)[1]);
  await page.getByTestId('rq-status').filter({ hasText: '已受理' }).waitFor();

  // assign to a member of the receiving org
  const members = (await getJson(page, `/api/v1/members?org=${orgId}&per_page=5`)).items;
  assert.ok(members.length >= 2, 'the demo org has members');
  const assign = page.getByTestId('rq-assign-form');
  await assign.locator('[name=member_id]').selectOption(String(members[0].id));
  await assign.locator('[name=due_on]').fill(inDays(7));
  await page.getByTestId('rq-assign').click();
  await page.getByTestId('rq-status').filter({ hasText: '已交办' }).waitFor();
  // a reassignment without a reason is refused next to the field
  await page.getByTestId('rq-assign-form').locator('[name=member_id]').selectOption(String(members[1].id));
  await page.getByTestId('rq-assign-form').locator('[name=due_on]').fill(inDays(10));
  await page.getByTestId('rq-assign').click();
  await page.getByTestId('field-error-reason').filter({ hasText: /改派原因/ }).waitFor();
  await page.getByTestId('rq-assign-form').locator('[name=reason]').fill('原承办人外出务工');
  await page.getByTestId('rq-assign').click();
  await page.getByTestId('rq-assignments').filter({ hasText: '原承办人外出务工' }).waitFor();

  // handle, reply, rate
  await page.getByTestId('rq-handle-form').locator('[name=handling]').fill('协调水务站加装增压泵');
  await page.getByTestId('rq-handle').click();
  await page.getByTestId('rq-status').filter({ hasText: '已办理' }).waitFor();
  await page.getByTestId('rq-reply-form').locator('[name=reply]').fill('增压泵已安装，水压恢复正常');
  await page.getByTestId('rq-reply').click();
  await page.getByTestId('rq-status').filter({ hasText: '已答复' }).waitFor();
  await page.getByTestId('rq-rate-form').locator('[name=satisfaction]').selectOption('satisfied');
  await page.getByTestId('rq-rate').click();
  await page.getByTestId('rq-status').filter({ hasText: '已评价' }).waitFor();
  assert.equal(await page.getByTestId('rq-step').count(), 0);
  const r = await getJson(page, `/api/v1/requests/${id}`);
  assert.equal(r.status, 'rated');
  assert.equal(r.satisfaction, 'satisfied');
  assert.equal(r.assignments.length, 2);

  // the statistics on the list count it
  await page.goto(`${BASE}/#/work/requests`);
  await page.getByTestId('rq-table').waitFor();
  await page.getByTestId('rq-stat-received').filter({ hasText: String(before.received + 1) }).waitFor();
  await page.getByTestId('rq-stat-rectified').filter({ hasText: String(before.rectified + 1) }).waitFor();
  const after = await getJson(page, '/api/v1/requests/stats');
  assert.equal(after.rated, before.rated + 1);
  assert.equal(after.satisfied, before.satisfied + 1);
  assert.ok(await page.getByTestId('rq-stat-line').textContent().then((t) => t.includes(`整改 ${after.rectified} 条`)));
  await page.getByTestId('rq-groups-toggle').click();
  await page.getByTestId('rq-by-category').getByText('基础设施').waitFor();
  assert.match(await page.getByTestId('export-xlsx').getAttribute('href'), /format=xlsx/);

  // a visit whose findings become a request in the same save
  await page.goto(`${BASE}/#/work/visits/new`);
  const vf = page.getByTestId('vs-form');
  await vf.locator('[name=place]').fill('周大海家');
  await vf.getByTestId('vs-member').first().check();
  await vf.locator('[name=findings]').fill('老人独居，屋后排水沟堵塞');
  await page.getByTestId('vs-make-request').check();
  await vf.locator('[name=requester]').fill('周大海');
  await vf.locator('[name=category]').selectOption('infrastructure');
  await page.getByTestId('vs-save').click();
  await page.waitForURL(/#\/work\/visits\/\d+$/);
  await page.getByTestId('vs-request-link').click();
  await page.waitForURL(/#\/work\/requests\/\d+$/);
  await page.getByTestId('rq-detail').getByText('老人独居，屋后排水沟堵塞').waitFor();
  await context.close();
});

test('民情诉求 list on a 390 px phone', async () => {
  const { context, page } = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await login(page);
  await page.goto(`${BASE}/#/work/requests`);
  await page.getByTestId('rq-table').waitFor();
  await page.getByTestId('rq-stats').waitFor();
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(sw <= 390, `scrollWidth ${sw} > 390`);
  await context.close();
});

test('修改受理信息: the edit form corrects a request, a field error lands on its field; a rated request offers no edit', async () => {
  const { context, page } = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await login(page);
  await page.goto(`${BASE}/#/work/requests/new`);
  const form = page.getByTestId('rq-form');
  await form.locator('[name=requester]').fill('吴桂兰');
  await form.locator('[name=content]').fill('门前小路下雨积水');
  await form.locator('[name=category]').selectOption('infrastructure');
  await page.getByTestId('rq-save').click();
  await page.waitForURL(/#\/work\/requests\/\d+$/);
  const id = Number(page.url().match(/(\d+)$/)[1]);
  await page.getByTestId('rq-edit').click();
  await page.waitForURL(/#\/work\/requests\/\d+\/edit$/);
  const edit = page.getByTestId('rq-edit-form');
  assert.equal(await edit.locator('[name=requester]').inputValue(), '吴桂兰');
  await edit.locator('[name=content]').fill('');
  await page.getByTestId('rq-edit-save').click();
  await page.getByTestId('field-error-content').filter({ hasText: /诉求内容/ }).waitFor();
  await edit.locator('[name=content]').fill('门前小路下雨积水，老人出行不便');
  await edit.locator('[name=requester]').fill('吴桂英');
  await edit.locator('[name=category]').selectOption('policy');
  await page.getByTestId('rq-edit-save').click();
  await page.waitForURL(/#\/work\/requests\/\d+$/);
  await page.getByTestId('rq-detail').getByText('门前小路下雨积水，老人出行不便').waitFor();
  const r = await getJson(page, `/api/v1/requests/${id}`);
  assert.equal(r.requester, '吴桂英');
  assert.equal(r.category, 'policy');
  assert.equal(r.version, 2);
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(sw <= 390, `scrollWidth ${sw} > 390`);
  // a rated (closed) request: no edit button, and the edit page says why
  const rated = (await getJson(page, '/api/v1/requests?status=rated&per_page=1')).items[0];
  if (rated) {
    await page.goto(`${BASE}/#/work/requests/${rated.id}`);
    await page.getByTestId('rq-status').filter({ hasText: '已评价' }).waitFor();
    assert.equal(await page.getByTestId('rq-edit').count(), 0);
    await page.goto(`${BASE}/#/work/requests/${rated.id}/edit`);
    await page.getByTestId('rq-edit-closed').waitFor();
  }
  await context.close();
});
