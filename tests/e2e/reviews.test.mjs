// Browser test of 述职评议: as admin set up a session (two towns fixed, a pool of branches), draw with a given
// seed and check the order against the contract's algorithm, verify the draw, add raters of the three groups
// (codes shown once on printable slips) and open; then each rater opens the slip's #/ballot URL in a fresh
// browser context WITHOUT logging in, on a 390 px phone, and submits (one resubmits); back as admin publish and
// see the ranks and grades per 分类 computed from the contract's formula.
// Needs a running server with the demo data (fresh DB): DJ_URL=http://127.0.0.1:PORT node --test tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const BASE = (process.env.DJ_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const ADMIN_USER = process.env.DJ_DEMO_ADMIN_USER || 'admin';
const ADMIN_PASS = process.env.DJ_DEMO_ADMIN_PASS || 'Admin#2026';
const SHOTS = process.env.DJ_SHOTS || ''; // a directory: screenshots of the session page and the ballot
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const TIMEOUT = 15000;
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 };
const SEED = '0123456789abcdef0123456789abcdef';
const WEIGHTS = { leader: 40, member: 30, mass: 30 };

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

async function noHorizontalScroll(page, width) {
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(sw <= width, `scrollWidth ${sw} > ${width}`);
}

// The contract's draw: candidates by org id ascending; step i swaps i with i + (first 8 bytes of
// SHA-256("seed:i") as a big-endian integer) mod (n − i); the first k in that order.
function expectedDraw(seed, ids, k) {
  const c = [...ids].map(Number).sort((a, b) => a - b);
  const n = BigInt(c.length);
  for (let i = 0; i < k; i++) {
    const hsh = crypto.createHash('sha256').update(`${seed}:${i}`, 'ascii').digest();
    const r = hsh.readBigUInt64BE(0);
    const j = i + Number(r % (n - BigInt(i)));
    [c[i], c[j]] = [c[j], c[i]];
  }
  return c.slice(0, k);
}

// score = Σ weight × group mean / Σ weights of the groups with scores, one decimal half up (tenths as integers).
function expectedScore(byGroup) {
  let num = 0;
  let den = 0;
  for (const [g, list] of Object.entries(byGroup)) {
    if (!list.length) continue;
    num += (WEIGHTS[g] * list.reduce((a, b) => a + b, 0)) / list.length;
    den += WEIGHTS[g];
  }
  return Math.floor((num * 10) / den + 0.5 + 1e-9) / 10;
}
const gradeOf = (s) => (s >= 90 ? '好' : s >= 80 ? '较好' : s >= 60 ? '一般' : '差');

// Chooses `name` in an org picker (types part of it, taps the option).
async function pickOrg(page, testid, name) {
  const input = page.getByTestId(testid);
  await input.click();
  await input.fill(name.slice(0, 3));
  await page.getByTestId(`${testid}-list`).getByTestId('picker-option').filter({ hasText: name }).first().click();
  assert.equal(await input.inputValue(), name);
}

test('述职评议: set up, draw and verify, raters by code on phones without login, publish ranks and grades', async (t) => {
  const { context, page } = await newPage({ viewport: { width: 1280, height: 900 } });
  const title = `述职评议测试 ${Date.now()}`;
  let id;
  let towns;
  let drawn;
  const slips = [];
  // Scores per rater, by participant key (t1, t2 fixed towns; d1, d2 in draw order). Leaders' means are
  // whole numbers so the expected scores are exact.
  const RATERS = [
    { name: '领导甲', grp: 'leader', s: { t1: 95, t2: 80, d1: 70, d2: 88 } },
    { name: '领导乙', grp: 'leader', s: { t1: 93, t2: 82, d1: 72, d2: 90 } },
    { name: '党员代表丙', grp: 'member', s: { t1: 90, t2: 85, d1: 60, d2: 92 } },
    { name: '群众代表丁', grp: 'mass', s: { t1: 88, t2: 75, d1: 55, d2: 86 } },
  ];
  try {
    await t.test('create a session: weights checked, two towns fixed, a branch pool, draw 2', async () => {
      await login(page);
      const root = await getJson(page, '/api/v1/orgs/root');
      const kids = await getJson(page, `/api/v1/orgs/${root.id}/children`);
      towns = (Array.isArray(kids) ? kids : kids.items).filter((o) => o.kind === 'committee' && !o.dissolved_on);
      assert.ok(towns.length >= 3, 'the demo has three town 党委');
      await page.getByTestId('nav-reviews').click();
      await page.waitForURL(/#\/reviews$/);
      await page.getByTestId('review-new').click();
      await page.getByTestId('review-form').waitFor();
      await page.getByTestId('review-title').fill(title);
      // weights must sum to 100: refused in the form before anything is sent
      await page.getByTestId('review-weight-leader').fill('50');
      assert.match(await page.getByTestId('review-weight-sum').textContent(), /110/);
      await pickOrg(page, 'fixed-org', towns[0].name);
      await page.getByTestId('fixed-add').click();
      await page.getByTestId('review-save').click();
      assert.match(await page.getByTestId('field-error-weights').textContent(), /100/);
      await page.getByTestId('review-weight-leader').fill(String(WEIGHTS.leader));
      await page.getByTestId('review-weight-member').fill(String(WEIGHTS.member));
      await page.getByTestId('review-weight-mass').fill(String(WEIGHTS.mass));
      assert.equal(await page.getByTestId('review-weight-sum').textContent(), '合计 100');
      await pickOrg(page, 'fixed-org', towns[1].name);
      await page.getByTestId('fixed-add').click();
      assert.equal(await page.getByTestId('fixed-item').count(), 2);
      assert.equal(await page.getByTestId('fixed-item-grp').first().inputValue(), '乡镇');
      // the pool: every branch of the third town, 分类 部门
      await pickOrg(page, 'pool-org', towns[2].name);
      await page.getByTestId('pool-grp').fill('部门');
      await page.getByTestId('pool-add-children').click();
      await page.getByTestId('pool-item').nth(2).waitFor();
      await page.getByTestId('review-draw_count').fill('2');
      await page.getByTestId('review-save').click();
      await page.waitForURL(/#\/reviews\/\d+$/);
      id = Number(/#\/reviews\/(\d+)$/.exec(page.url())[1]);
      await page.getByTestId('review-title').filter({ hasText: title }).waitFor();
      assert.equal(await page.getByTestId('review-status').getAttribute('data-status'), 'draft');
      const rv = await getJson(page, `/api/v1/reviews/${id}`);
      assert.deepEqual(rv.weights, WEIGHTS);
      assert.deepEqual(rv.participants.map((p) => p.org_id).sort(), [towns[0].id, towns[1].id].sort());
      assert.ok(rv.participants.every((p) => p.grp === '乡镇'));
      assert.ok(rv.draw_pool.length >= 3 && rv.draw_pool.every((x) => x.grp === '部门'));
      assert.equal(rv.draw_count, 2);
    });

    await t.test('draw with a given seed: the contract order; 验证 says 一致', async () => {
      await page.getByTestId('draw-seed').fill('not-a-seed');
      await page.getByTestId('draw-run').click();
      assert.match(await page.getByTestId('draw-seed-error').textContent(), /32/);
      await page.getByTestId('draw-seed').fill(SEED);
      await page.getByTestId('draw-run').click();
      await page.getByTestId('draw-seed-value').waitFor();
      assert.equal(await page.getByTestId('draw-seed-value').textContent(), SEED);
      const rv = await getJson(page, `/api/v1/reviews/${id}`);
      const want = expectedDraw(SEED, rv.draw_pool.map((x) => x.org_id), 2);
      const shown = await page.getByTestId('draw-item').evaluateAll((els) => els.map((e) => Number(e.dataset.org)));
      assert.deepEqual(shown, want, 'drawn order = the contract algorithm');
      drawn = want;
      await page.getByTestId('draw-verify').click();
      assert.equal((await page.getByTestId('draw-verify-result').textContent()).trim(), '抽签结果可复核：一致');
      assert.equal(await page.getByTestId('participant-row').count(), 4);
      await shot(page, 'review-drawn');
    });

    await t.test('raters of three groups: codes shown once on printable slips, then open', async () => {
      await page.getByTestId('rater-grp').selectOption('leader');
      await page.getByTestId('rater-name').fill('领导甲、领导乙');
      await page.getByTestId('rater-add').click();
      await page.getByTestId('rater-grp').selectOption('member');
      await page.getByTestId('rater-name').fill('党员代表丙');
      await page.getByTestId('rater-add').click();
      await page.getByTestId('rater-grp').selectOption('mass');
      await page.getByTestId('rater-name').fill('群众代表丁');
      await page.getByTestId('rater-name').press('Enter');
      assert.equal(await page.getByTestId('rater-pending-item').count(), 4);
      await page.getByTestId('rater-save').click();
      await page.getByTestId('rater-codes').waitFor();
      assert.match(await page.getByTestId('slips-warning').textContent(), /只显示这一次/);
      const list = await page.getByTestId('rater-slip').evaluateAll((els) => els.map((e) => ({
        name: e.dataset.name, code: e.dataset.code, url: e.querySelector('[data-testid="slip-url"]').textContent,
      })));
      assert.equal(list.length, 4);
      for (const s of list) {
        assert.ok(s.code && s.url.endsWith(`#/ballot?code=${encodeURIComponent(s.code)}`), s.url);
        slips.push({ ...s, ...RATERS.find((r) => r.name === s.name) });
      }
      assert.equal(new Set(slips.map((s) => s.grp)).size, 3);
      await page.getByTestId('rater-row').nth(3).waitFor();
      // the codes are not part of the session any more
      const rv = await getJson(page, `/api/v1/reviews/${id}`);
      assert.ok(rv.raters.every((r) => !('code' in r)));
      await shot(page, 'review-slips');
      await page.getByTestId('review-open').click();
      await page.locator('[data-testid="review-status"][data-status="scoring"]').waitFor();
      // the slips stay on the page until closed
      assert.equal(await page.getByTestId('rater-slip').count(), 4);
    });

    await t.test('each rater scores on a phone without logging in; resubmission allowed', async () => {
      const key = { [towns[0].id]: 't1', [towns[1].id]: 't2', [drawn[0]]: 'd1', [drawn[1]]: 'd2' };
      for (const [n, s] of slips.entries()) {
        const phone = await newPage(PHONE);
        try {
          const p = phone.page;
          if (n === 0) {
            // typed code: #/ballot without a code asks for it; a wrong code is refused
            await p.goto(`${BASE}/#/ballot`);
            await p.getByTestId('ballot-code').fill('WRONGCODE');
            await p.getByTestId('ballot-code-submit').tap();
            await p.getByTestId('ballot-error').waitFor();
            assert.match(p.url(), /#\/ballot/);
            await p.getByTestId('ballot-code').fill(s.code);
            await p.getByTestId('ballot-code-submit').tap();
          } else {
            await p.goto(s.url);
          }
          await p.getByTestId('ballot-form').waitFor();
          assert.match(p.url(), /#\/ballot\?code=/, 'not sent to the login page');
          assert.equal(await p.getByTestId('topbar').count(), 0);
          assert.equal(await p.getByTestId('ballot-title').textContent(), title);
          assert.match(await p.getByTestId('ballot-rater').textContent(), new RegExp(s.name));
          assert.equal(await p.getByTestId('ballot-score').count(), 4);
          assert.deepEqual(await p.getByTestId('ballot-grp').evaluateAll((els) => els.map((e) => e.dataset.grp)).then((g) => g.sort()), ['乡镇', '部门']);
          const box = await p.getByTestId('ballot-score').first().boundingBox();
          assert.ok(box.height >= 44 && box.width >= 60, `score box ${box.width}x${box.height} is a big touch target`);
          if (n === 0) {
            // an unscored unit is refused in the page
            await p.getByTestId('ballot-submit').tap();
            await p.getByTestId('ballot-invalid').waitFor();
          }
          for (const input of await p.getByTestId('ballot-score').all()) {
            const org = await input.getAttribute('data-org');
            await input.fill(String(n === 0 ? 50 : s.s[key[org]]));
          }
          await noHorizontalScroll(p, 390);
          await p.getByTestId('ballot-submit').tap();
          await p.getByTestId('ballot-submitted').waitFor();
          if (n === 0) {
            // change every score and submit again: the new ones replace the old
            await shot(p, 'ballot-phone');
            for (const input of await p.getByTestId('ballot-score').all()) {
              await input.fill(String(s.s[key[await input.getAttribute('data-org')]]));
            }
            assert.equal(await p.getByTestId('ballot-submit').textContent(), '重新提交');
            await p.getByTestId('ballot-submit').tap();
            await p.getByTestId('ballot-done').waitFor();
            await p.reload();
            await p.getByTestId('ballot-submitted').waitFor();
            const back = await p.getByTestId('ballot-score').evaluateAll((els) => els.map((e) => [e.dataset.org, e.value]));
            for (const [org, v] of back) assert.equal(Number(v), s.s[key[org]], 'the resubmitted scores are kept');
          }
          await noHorizontalScroll(p, 390);
        } finally {
          await phone.context.close();
        }
      }
    });

    await t.test('publish: ranks per 分类, scores, grades and group means', async () => {
      await page.getByTestId('review-refresh').click();
      await page.getByTestId('review-progress').filter({ hasText: '已提交 4 / 4' }).waitFor();
      await page.getByTestId('review-publish').click();
      await page.locator('[data-testid="review-status"][data-status="published"]').waitFor();
      await page.getByTestId('results-card').waitFor();
      const ids = { t1: towns[0].id, t2: towns[1].id, d1: drawn[0], d2: drawn[1] };
      const exp = {};
      for (const [k, org] of Object.entries(ids)) {
        const byGroup = { leader: [], member: [], mass: [] };
        for (const r of RATERS) byGroup[r.grp].push(r.s[k]);
        exp[org] = { score: expectedScore(byGroup), leader: byGroup.leader.reduce((a, b) => a + b, 0) / byGroup.leader.length };
      }
      // ranks within each 分类 by score (no ties in these numbers)
      for (const grp of [[ids.t1, ids.t2], [ids.d1, ids.d2]]) {
        grp.sort((a, b) => exp[b].score - exp[a].score).forEach((org, i) => { exp[org].rank = i + 1; });
      }
      const rows = await page.getByTestId('result-row').evaluateAll((els) => els.map((e) => ({
        org: Number(e.dataset.org), rank: Number(e.dataset.rank),
        score: e.querySelector('[data-testid="result-score"]').textContent,
        grade: e.querySelector('[data-testid="result-grade"]').textContent,
      })));
      assert.equal(rows.length, 4);
      for (const r of rows) {
        const e = exp[r.org];
        assert.ok(e, `unexpected row ${r.org}`);
        assert.equal(r.rank, e.rank, `rank of ${r.org}`);
        assert.equal(r.score, e.score.toFixed(1), `score of ${r.org}`);
        assert.equal(r.grade, gradeOf(e.score), `grade of ${r.org}`);
      }
      assert.deepEqual(await page.getByTestId('result-table').evaluateAll((els) => els.map((e) => e.dataset.grp)).then((g) => g.sort()), ['乡镇', '部门']);
      assert.deepEqual([...new Set(rows.map((r) => r.grade))].sort(), ['一般', '好', '较好'].sort());
      const rv = await getJson(page, `/api/v1/reviews/${id}`);
      for (const p of rv.participants) {
        assert.equal(Number(p.score), exp[p.org_id].score);
        assert.equal(Number(p.by_group.leader), exp[p.org_id].leader);
      }
      await shot(page, 'review-results');
      // a published session no longer takes ballots
      const phone = await newPage(PHONE);
      try {
        const p = phone.page;
        await p.goto(slips[1].url);
        await p.getByTestId('ballot-error').or(p.getByTestId('ballot-form')).waitFor();
        if (await p.getByTestId('ballot-form').count()) {
          await p.getByTestId('ballot-submit').tap();
          await p.getByTestId('ballot-submit-error').waitFor();
        }
      } finally {
        await phone.context.close();
      }
    });
  } finally {
    await context.close();
  }
});
