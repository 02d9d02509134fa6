// Browser test of 党务公开栏 on the demo data: the public board of 张庄村 (the demo's fixed key) opens on a 360 px
// phone without logging in, shows the 党员风采墙 and the dues table and no ID number or phone; its PDF link answers
// application/pdf starting %PDF; a wrong key says so; the admin reaches the settings from the org page (党务公开栏),
// switches the dues table off and sees the board follow, and uploads a member's photo on the member page, which the
// public board then shows.
// Needs a running server with the demo data: DJ_URL=http://127.0.0.1:PORT node --test tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const BASE = (process.env.DJ_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const ADMIN_USER = process.env.DJ_DEMO_ADMIN_USER || 'admin';
const ADMIN_PASS = process.env.DJ_DEMO_ADMIN_PASS || 'Admin#2026';
const KEY = 'DemoBoardZhangzhuang2026'; // DEMO_BOARD_KEY (src/domain/demo.h)
const SHOTS = process.env.DJ_SHOTS || '';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const TIMEOUT = 15000;
const PHONE = { viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESK = { viewport: { width: 1366, height: 900 } };

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

async function login(page, user, pass) {
  await page.goto(`${BASE}/#/login`);
  await page.getByTestId('login-username').fill(user);
  await page.getByTestId('login-password').fill(pass);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(/#\/members$/);
}

// a small valid PNG
function png(w = 16, h = 20) {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3, 0x40)]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: h }, () => row)))), chunk('IEND', Buffer.alloc(0))]);
}

test('the public board opens on a phone without logging in, and its PDF link is a PDF', async () => {
  const { context, page } = await newPage(PHONE);
  try {
    await page.goto(`${BASE}/#/board?key=${KEY}`);
    await page.getByTestId('board-page').waitFor();
    await page.getByTestId('board-org').waitFor();
    assert.match(await page.getByTestId('board-org').innerText(), /张庄村党支部/);
    assert.match(page.url(), /#\/board\?key=/, 'no redirect to the login page');
    assert.ok(await page.getByTestId('board-person').count() > 0);
    await page.getByTestId('board-dues').waitFor();
    await page.getByTestId('board-plan').waitFor();
    const text = await page.getByTestId('board-page').innerText();
    assert.ok(!/\d{17}[\dXx]/.test(text), 'no ID number on the board');
    assert.ok(!/\d{6}\*{4,}/.test(text) && !/1\d{2}\*{4}\d{4}/.test(text), 'no masked ID number or phone');
    assert.ok(!/1[3-9]\d{9}/.test(text), 'no phone number');
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(sw <= 360, `scrollWidth ${sw} > 360`);
    await shot(page, 'board-phone');

    const href = await page.getByTestId('board-pdf').getAttribute('href');
    assert.match(href, /^\/api\/v1\/public\/board\/pdf\?key=/);
    const r = await page.request.get(BASE + href);
    assert.equal(r.status(), 200);
    assert.match(r.headers()['content-type'], /^application\/pdf/);
    const body = await r.body();
    assert.equal(body.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(body.length > 10000);

    await page.goto(`${BASE}/#/board?key=NoSuchKeyNoSuchKeyNoSuch`);
    await page.getByTestId('board-error').waitFor();
    assert.match(await page.getByTestId('board-error').innerText(), /不存在或未开放/);
  } finally {
    await context.close();
  }
});

test('the admin reaches the settings from the org page; switching the dues off and a photo show on the board', async () => {
  const { context, page } = await newPage(DESK);
  const pub = await context.browser().newContext({ locale: 'zh-CN', ...PHONE });
  try {
    await login(page, ADMIN_USER, ADMIN_PASS);
    const org = await page.evaluate(async () => {
      const r = await fetch('/api/v1/orgs/lookup?q=' + encodeURIComponent('张庄村'), { credentials: 'same-origin' });
      const j = await r.json();
      return (j.items || j)[0];
    });
    assert.ok(org && org.id, 'the demo has 张庄村党支部');
    await page.goto(`${BASE}/#/orgs/${org.id}`);
    await page.getByTestId('org-board-link').click();
    await page.getByTestId('board-settings-form').waitFor();
    assert.match(await page.getByTestId('board-url').innerText(), new RegExp(KEY));
    assert.equal(await page.getByTestId('board-enabled').isChecked(), true);
    // the QR preview is a real image
    await page.waitForFunction(() => { const i = document.querySelector('[data-testid="board-qr"]'); return i && i.complete && i.naturalWidth > 100; });
    await shot(page, 'board-settings');

    await page.getByTestId('board-show_dues').uncheck();
    await page.getByTestId('board-save').click();
    await page.getByTestId('toast').filter({ hasText: '已保存' }).waitFor();
    const p = await pub.newPage();
    await p.goto(`${BASE}/#/board?key=${KEY}`);
    await p.getByTestId('board-wall').waitFor();
    assert.equal(await p.getByTestId('board-dues').count(), 0, 'the dues table is switched off');

    await page.getByTestId('board-settings-form').waitFor();
    await page.getByTestId('board-show_dues').check();
    await page.getByTestId('board-save').click();
    await page.getByTestId('toast').filter({ hasText: '已保存' }).waitFor();
    await p.reload();
    await p.getByTestId('board-dues').waitFor();

    // a photo for the first member on the board, uploaded on the member page
    const first = await p.evaluate(async (key) => (await (await fetch(`/api/v1/public/board?key=${key}`)).json()).members[0], KEY);
    await page.goto(`${BASE}/#/members/${first.id}`);
    await page.getByTestId('member-photo-card').waitFor();
    await page.getByTestId('member-photo-file').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: png() });
    await page.getByTestId('member-photo').waitFor();
    await p.reload();
    await p.getByTestId('board-wall').waitFor();
    const img = p.getByTestId('board-person').first().locator('img');
    await img.waitFor();
    const src = await img.getAttribute('src');
    const r = await p.request.get(BASE + src);
    assert.equal(r.status(), 200);
    assert.equal(r.headers()['content-type'], 'image/png');
    await page.getByTestId('member-photo-delete').click();
    await page.getByTestId('member-photo-none').waitFor();
  } finally {
    await pub.close();
    await context.close();
  }
});

test('on a 360 px phone the settings screen and the member page\'s photo card fit without horizontal scroll', async () => {
  const { context, page } = await newPage(PHONE);
  try {
    await login(page, ADMIN_USER, ADMIN_PASS);
    const ids = await page.evaluate(async (key) => {
      const org = (await (await fetch('/api/v1/orgs/lookup?q=' + encodeURIComponent('张庄村'))).json());
      const b = await (await fetch(`/api/v1/public/board?key=${key}`)).json();
      return { org: (org.items || org)[0].id, member: b.members[0].id };
    }, KEY);
    await page.goto(`${BASE}/#/board?org=${ids.org}`);
    await page.getByTestId('board-settings-form').waitFor();
    let sw = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(sw <= 360, `settings: scrollWidth ${sw} > 360`);
    await page.goto(`${BASE}/#/members/${ids.member}`);
    await page.getByTestId('member-photo-card').waitFor();
    await page.getByTestId('member-photo-none').waitFor();
    sw = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(sw <= 360, `member page: scrollWidth ${sw} > 360`);
    await shot(page, 'board-member-photo-phone');
  } finally {
    await context.close();
  }
});
