// Browser test of 积分考评: as admin open the rankings (star badges, histogram), make sure an indicator set is in
// force (through the editor, from the template, with a field error shown next to its field), open a member's
// why-view, enter a manual entry and find it in the ledger, reverse it with a reason; a town admin sees 发布;
// member1 on a phone sees 我的积分 and files a claim, which the branch secretary approves.
// Needs a running server with the demo data: DJ_URL=http://127.0.0.1:PORT node --test tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const BASE = (process.env.DJ_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const ADMIN_USER = process.env.DJ_DEMO_ADMIN_USER || 'admin';
const ADMIN_PASS = process.env.DJ_DEMO_ADMIN_PASS || 'Admin#2026';
const MEMBER_USER = process.env.DJ_DEMO_MEMBER_USER || 'member1';
const MEMBER_PASS = process.env.DJ_DEMO_MEMBER_PASS || 'Member#2026';
const TOWN_USER = process.env.DJ_DEMO_TOWN_USER || 'mengzhuang';
const TOWN_PASS = process.env.DJ_DEMO_TOWN_PASS || 'Town#2026';
const BRANCH_PASS = process.env.DJ_DEMO_BRANCH_PASS || 'Branch#2026';
const SHOTS = process.env.DJ_SHOTS || '';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const TIMEOUT = 15000;
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

let browser;
const tag = `E2E${Date.now().toString(36)}`;

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
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `points-${name}.png`), fullPage: true });
}

async function login(page, user, pass, landing = /#\/members$/) {
  await page.goto(`${BASE}/#/login`);
  await page.getByTestId('login-username').fill(user);
  await page.getByTestId('login-password').fill(pass);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(landing);
}

async function getJson(page, url) {
  const r = await page.request.get(`${BASE}${url}`);
  assert.equal(r.status(), 200, `${url}: ${r.status()} ${await r.text()}`);
  return r.json();
}

async function noHorizontalScroll(page, width) {
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(sw <= width, `scrollWidth ${sw} > ${width}`);
}

// member1's record and the secretary account of their branch (found as admin).
async function demoPeople(page) {
  const users = (await getJson(page, '/api/v1/users?per_page=200')).items;
  const member = users.find((u) => u.username === MEMBER_USER);
  assert.ok(member && member.member_id, `${MEMBER_USER} has no member record`);
  const sec = users.find((u) => u.role === 'secretary' && u.org_id === member.org_id && !u.disabled);
  assert.ok(sec, `no secretary account for org ${member.org_id}`);
  const rec = await getJson(page, `/api/v1/members/${member.member_id}`);
  return { member, sec, rec };
}

let people = null;

test('积分考评 as admin: rankings with stars, indicators, why-view, manual entry and its reversal', async (t) => {
  const { context, page } = await newPage({ viewport: { width: 1366, height: 900 } });
  try {
    await login(page, ADMIN_USER, ADMIN_PASS);
    people = await demoPeople(page);

    await t.test('the 积分考评 nav opens the member ranking with star badges and the histogram', async () => {
      await page.getByTestId('nav-points').click();
      await page.waitForURL(/#\/points$/);
      await page.getByTestId('rank-table').waitFor();
      assert.ok(await page.getByTestId('rank-row').count() > 0, 'no ranking rows');
      const badge = page.getByTestId('rank-row').first().getByTestId('stars');
      const stars = await badge.getAttribute('data-stars');
      const text = (await badge.textContent()).trim();
      assert.equal(text, stars === '0' ? '后进' : '★'.repeat(Number(stars)));
      assert.equal(await page.getByTestId('hist-row').count(), 6);
      // the default period is the last whole quarter, shown in the picker
      const now = new Date();
      const q = Math.floor(now.getMonth() / 3) + 1;
      const want = q === 1 ? `${now.getFullYear() - 1}Q4` : `${now.getFullYear()}Q${q - 1}`;
      assert.equal(await page.getByTestId('period-value').inputValue(), want);
      await page.getByTestId('points-target-branch').click();
      await page.waitForURL(/target=branch/);
      await page.getByTestId('rank-table').waitFor();
      await shot(page, 'rank-branches');
    });

    await t.test('indicators: 新版本 starts from the set in force (or the template); a field error lands on its field', async () => {
      await page.getByTestId('points-tab-indicators').click();
      await page.waitForURL(/#\/points\/indicators$/);
      await page.locator('[data-testid="set-current"], [data-testid="set-none"]').first().waitFor();
      const had = await page.getByTestId('set-current').count();
      const inForce = had ? await page.locator('[data-testid="set-current"] [data-testid="ind-row"]').count() : 0;
      await page.getByTestId('set-new').click();
      await page.getByTestId('set-editor').waitFor();
      const rows = page.getByTestId('ie-row');
      if (had) assert.equal(await rows.count(), inForce, 'the editor starts from the set in force');
      else assert.ok(await rows.count() >= 20, 'the template should fill the editor');
      // a duplicate code is refused and named next to the field
      const first = await rows.nth(0).locator('input[data-key="code"]').inputValue();
      const second = rows.nth(1).locator('input[data-key="code"]');
      const keep = await second.inputValue();
      await second.fill(first);
      await page.getByTestId('set-save').click();
      await rows.nth(1).locator('.field-error:not(:empty)').first().waitFor();
      assert.equal(await second.getAttribute('aria-invalid'), 'true');
      await shot(page, 'set-error');
      if (had) { // leave the demo's set alone
        await page.getByTestId('set-cancel').click();
        assert.equal(await page.getByTestId('set-editor').count(), 0);
        return;
      }
      await second.fill(keep);
      await page.getByTestId('set-save').click();
      await page.getByTestId('set-current').waitFor();
      assert.ok(await page.getByTestId('ind-row').count() >= 20);
    });

    await t.test("a member's why-view from the ranking", async () => {
      await page.goto(`${BASE}/#/points?period=${encodeURIComponent(thisQuarter())}`);
      await page.getByTestId('rank-table').waitFor();
      const link = page.getByTestId('rank-subject').first();
      const name = (await link.textContent()).trim();
      await link.click();
      await page.waitForURL(/#\/points\/members\/\d+/);
      await page.getByTestId('why-view').waitFor();
      assert.equal((await page.getByTestId('why-name').textContent()).trim(), name);
      assert.match(await page.getByTestId('why-score').textContent(), /^\d+(\.\d)?$/);
    });

    await t.test('录入 a manual entry, see it in the ledger and reverse it with a reason', async () => {
      await page.goto(`${BASE}/#/points/ledger`);
      await page.getByTestId('entry-add').click();
      await page.getByTestId('entry-form').waitFor();
      const subject = page.getByTestId('entry-subject');
      await subject.fill(people.rec.name);
      await page.locator(`[data-testid="entry-subject-list"] [data-testid="picker-option"][data-id="${people.member.member_id}"]`).click();
      const ind = page.getByTestId('entry-indicator');
      await page.locator('[data-testid="entry-indicator"] option[value]:not([value=""])').first().waitFor({ state: 'attached' });
      const code = await page.locator('[data-testid="entry-indicator"] option[value]:not([value=""])').first().getAttribute('value');
      await ind.selectOption(code);
      await page.getByTestId('entry-evidence').fill(`${tag} 参加社区志愿服务`);
      await page.getByTestId('entry-save').click();
      const entry = page.locator('[data-testid="ledger-entry"]', { hasText: `${tag} 参加社区志愿服务` });
      await entry.first().waitFor();
      assert.equal(await entry.count(), 1);
      await shot(page, 'ledger-entry');

      await entry.getByTestId('entry-reverse').click();
      await entry.getByTestId('reverse-confirm').click(); // no reason: refused in the form
      assert.equal(await entry.getByTestId('reverse-reason').getAttribute('aria-invalid'), 'true');
      await entry.getByTestId('reverse-reason').fill(`录入错误 ${tag}`);
      await entry.getByTestId('reverse-confirm').click();
      await page.locator('[data-testid="ledger-entry"][data-reversed]:not([data-reversed=""])', { hasText: tag }).waitFor();
      await page.locator('[data-testid="ledger-entry"]', { hasText: `录入错误 ${tag}` }).getByTestId('le-reversal').waitFor();
      await shot(page, 'ledger-reversed');
    });
  } finally {
    await context.close();
  }
});

test('积分考评 as a town admin: 发布 is offered and asks first', async () => {
  const { context, page } = await newPage({ viewport: { width: 1366, height: 900 } });
  try {
    await login(page, TOWN_USER, TOWN_PASS);
    await page.getByTestId('nav-points').click();
    await page.getByTestId('rank-table').or(page.getByTestId('rank-empty')).waitFor();
    await page.getByTestId('points-sync').waitFor();
    await page.getByTestId('points-tab-settings').waitFor();
    await shot(page, 'town');
    if (await page.getByTestId('points-published').count()) {
      // a published period shows its marker and no 发布; last month (not published by the demo) offers it
      assert.equal(await page.getByTestId('points-publish').count(), 0);
      await page.getByTestId('period-kind').selectOption('month');
      await page.waitForURL(/period=\d{4}-\d{2}/);
      await page.getByTestId('period-value').selectOption({ index: 1 });
      await page.waitForURL(new RegExp(`period=${await page.getByTestId('period-value').inputValue()}`));
      await page.getByTestId('rank-table').waitFor();
    }
    if (!(await page.getByTestId('points-published').count())) {
      await page.getByTestId('points-publish').waitFor();
      // dismissing the confirmation publishes nothing
      page.removeAllListeners('dialog');
      page.once('dialog', (d) => { assert.match(d.message(), /发布/); d.dismiss(); });
      await page.getByTestId('points-publish').click();
      await page.getByTestId('points-live').waitFor();
      assert.equal(await page.getByTestId('points-publish').isEnabled(), true);
    }
  } finally {
    await context.close();
  }
});

let claimEvidence = '';

test('phone: member1 sees 我的积分 and files a claim', async () => {
  const { context, page } = await newPage(PHONE);
  try {
    await login(page, MEMBER_USER, MEMBER_PASS, /#\/me$/);
    const card = page.getByTestId('me-points');
    await card.waitFor();
    await page.getByTestId('me-points-score').waitFor();
    await page.getByTestId('me-points-stars').getByTestId('stars').waitFor();
    await noHorizontalScroll(page, 390);

    await page.getByTestId('me-claim-open').click();
    await page.locator('[data-testid="claim-indicator"] option[value]:not([value=""])').first().waitFor({ state: 'attached' });
    const code = await page.locator('[data-testid="claim-indicator"] option[value]:not([value=""])').first().getAttribute('value');
    await page.getByTestId('claim-indicator').selectOption(code);
    await page.getByTestId('claim-submit').click(); // no evidence: refused in the form
    await page.locator('[data-testid="field-error-evidence"]:not(:empty)').waitFor();
    claimEvidence = `${tag} 参加村里的环境整治志愿活动`;
    await page.getByTestId('claim-evidence').fill(claimEvidence);
    await page.getByTestId('claim-submit').click();
    const mine = page.locator('[data-testid="me-claim"]', { hasText: tag });
    await mine.waitFor();
    assert.equal(await mine.getAttribute('data-status'), 'pending');
    await noHorizontalScroll(page, 390);
    await shot(page, 'me-claim');

    await page.getByTestId('me-points-why').click();
    await page.waitForURL(/#\/me\/points/);
    await page.getByTestId('why-view').waitFor();
    await noHorizontalScroll(page, 390);
    await shot(page, 'me-why');
  } finally {
    await context.close();
  }
});

test("the branch secretary approves member1's claim", async () => {
  assert.ok(people && claimEvidence, 'needs the earlier tests');
  const { context, page } = await newPage({ viewport: { width: 1366, height: 900 } });
  try {
    await login(page, people.sec.username, BRANCH_PASS);
    await page.getByTestId('nav-points').click();
    await page.getByTestId('points-tab-claims').click();
    const item = page.locator('[data-testid="claim-item"]', { hasText: tag });
    await item.waitFor();
    await item.getByTestId('claim-approve').click();
    await item.waitFor({ state: 'detached' });
    await page.getByTestId('claims-status').selectOption('approved');
    await page.locator('[data-testid="claim-item"][data-status="approved"]', { hasText: tag }).waitFor();
    // the approval appended the ledger entry
    await page.goto(`${BASE}/#/points/ledger?source=claim`);
    await page.locator('[data-testid="ledger-entry"]', { hasText: tag }).waitFor();
    await shot(page, 'secretary');
  } finally {
    await context.close();
  }
});

function thisQuarter() {
  const now = new Date();
  return `${now.getFullYear()}Q${Math.floor(now.getMonth() / 3) + 1}`;
}

test('points switched off for a branch: its secretary sees nothing of points', async () => {
  const admin = await newPage({ viewport: { width: 1366, height: 900 } });
  let org = null;
  let csrf = '';
  const put = async (enabled) => {
    const s = await getJson(admin.page, `/api/v1/points/settings?org=${org}`);
    const body = {
      org_id: org, enabled, member_base: s.member_base, branch_mode: s.branch_mode, member_bands: s.member_bands,
      branch_bands: s.branch_bands, top_band_cap_pct: s.top_band_cap_pct, top_n: s.top_n, version: s.version,
    };
    const r = await admin.page.request.put(`${BASE}/api/v1/points/settings`, { data: body, headers: { 'X-CSRF-Token': csrf } });
    assert.equal(r.status(), 200, await r.text());
  };
  try {
    await login(admin.page, ADMIN_USER, ADMIN_PASS);
    csrf = (await getJson(admin.page, '/api/v1/session')).csrf;
    // a branch without a demo member account (the other tests use those)
    const users = (await getJson(admin.page, '/api/v1/users?per_page=200')).items;
    const busy = new Set(users.filter((u) => u.role === 'member').map((u) => u.org_id));
    const sec = users.filter((u) => u.role === 'secretary' && !u.disabled && !busy.has(u.org_id)).sort((a, b) => b.org_id - a.org_id)[0];
    assert.ok(sec, 'no secretary account to use');
    org = sec.org_id;
    await put(false);
    const { context, page } = await newPage({ viewport: { width: 1366, height: 900 } });
    try {
      await login(page, sec.username, BRANCH_PASS);
      await page.getByTestId('nav-life').waitFor();
      assert.equal(await page.getByTestId('nav-points').count(), 0, 'the 积分考评 entry should be hidden');
      await page.goto(`${BASE}/#/points`);
      await page.getByTestId('points-disabled').waitFor();
    } finally {
      await context.close();
    }
  } finally {
    if (org) await put(true);
    await admin.context.close();
  }
});
