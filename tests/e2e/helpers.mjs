// Test data helpers (GB 11643-1999 ID numbers, names and phones that do not collide between runs) and the browser
// harness the page tests share (useBrowser, login, shot, noHorizontalScroll).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

export function checkDigit(first17) {
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(first17[i]) * WEIGHTS[i];
  return '10X98765432'[s % 11];
}

export function isValidId(id) {
  return /^\d{17}[\dX]$/.test(id) && checkDigit(id.slice(0, 17)) === id[17];
}

const rnd = (n) => Math.floor(Math.random() * n);
const pad = (n, w) => String(n).padStart(w, '0');

// A valid ID number; birth 'YYYY-MM-DD', male → odd 17th digit.
export function makeIdNumber({ birth, male = true, region = '110105' } = {}) {
  const b = birth || `${1970 + rnd(26)}-${pad(1 + rnd(12), 2)}-${pad(1 + rnd(28), 2)}`;
  let seq = rnd(100) * 10 + rnd(5) * 2 + (male ? 1 : 0);
  seq = pad(seq, 3);
  const first17 = `${region}${b.replaceAll('-', '')}${seq}`;
  return first17 + checkDigit(first17);
}

// Same number with a wrong check digit.
export function breakCheckDigit(id) {
  const right = id[17];
  const wrong = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X'].find((c) => c !== right);
  return id.slice(0, 17) + wrong;
}

export function birthOf(id) {
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

const SURNAMES = '赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许';
const GIVEN = '建国华明丽芳军红伟静敏强磊洋艳勇杰娟涛超秀英霞平刚桂兰';
export function randomName() {
  const t = Date.now();
  return SURNAMES[rnd(SURNAMES.length)] + GIVEN[t % GIVEN.length] + GIVEN[rnd(GIVEN.length)] + GIVEN[rnd(GIVEN.length)];
}

export function randomPhone() {
  return `139${pad(rnd(1e8), 8)}`;
}

// ---- The browser harness the page tests share -----------------------------------------------------------------
// const { newPage, shot } = useBrowser(); registers node:test before/after hooks that start and close one headless
// Debian chromium; newPage(PHONE | DESK) opens a zh-CN, Asia/Shanghai context whose dialogs are accepted.

export const BASE = (process.env.DJ_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
export const ADMIN_USER = process.env.DJ_DEMO_ADMIN_USER || 'admin';
export const ADMIN_PASS = process.env.DJ_DEMO_ADMIN_PASS || 'Admin#2026';
export const SHOTS = process.env.DJ_SHOTS || '';
export const TIMEOUT = 15000;
export const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
export const DESK = { viewport: { width: 1366, height: 900 } };
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

export function useBrowser() {
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
  return { newPage, shot };
}

export async function shot(page, name) {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

export async function login(page, user, pass, landing = /#\/members$/) {
  await page.goto(`${BASE}/#/login`);
  await page.getByTestId('login-username').fill(user);
  await page.getByTestId('login-password').fill(pass);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(landing);
}

export async function noHorizontalScroll(page, width) {
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(sw <= width, `scrollWidth ${sw} > ${width}`);
}
