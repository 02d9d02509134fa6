// Browser test of 冬春轮训 and 会议照片: record a training for two branches of a committee and see it listed
// (first: one of its meetings then gets the photo); upload a small PNG (made here) to a meeting and see its
// thumbnail; a text file and 25 学时 are refused in rule-error boxes.
// Needs a running server with the demo data: DJ_URL=http://127.0.0.1:PORT node --test tests/e2e/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
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

async function adminPage() {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  await page.goto(`${BASE}/#/login`);
  await page.getByTestId('login-username').fill(ADMIN_USER);
  await page.getByTestId('login-password').fill(ADMIN_PASS);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('org-tree').waitFor();
  return { context, page };
}

async function getJson(page, url) {
  const r = await page.request.get(`${BASE}${url}`);
  assert.equal(r.status(), 200, `${url}: ${r.status()} ${await r.text()}`);
  return r.json();
}

// A w×h RGB PNG of one colour.
function png(w, h, rgb = [200, 30, 30]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set(rgb, y * (w * 3 + 1) + 1 + x * 3);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

test('冬春轮训: a committee records a training for two branches and sees it listed', async () => {
  const { context, page } = await adminPage();
  try {
    const br = await getJson(page, '/api/v1/orgs?kind=branches&per_page=200');
    const byParent = new Map();
    for (const b of br.items || []) {
      if (b.dissolved_on) continue;
      if (!byParent.has(b.parent_id)) byParent.set(b.parent_id, []);
      byParent.get(b.parent_id).push(b);
    }
    let committee = null;
    for (const [pid, kids] of byParent) {
      if (kids.length < 2 || !pid) continue;
      const o = await getJson(page, `/api/v1/orgs/${pid}`);
      if (!['branch', 'joint_branch', 'group'].includes(o.kind)) { committee = o; break; }
    }
    assert.ok(committee, 'a committee with two branches');
    await page.evaluate((o) => sessionStorage.setItem('dj.org', JSON.stringify({ id: o.id, name: o.name, kind: o.kind, path: o.path || '' })), committee);
    await page.goto(`${BASE}/#/life/trainings`);
    await page.reload();
    await page.getByTestId('life-tab-trainings').waitFor();
    const form = page.getByTestId('training-form');
    await form.waitFor();

    // No branch chosen: refused in the form.
    await page.getByTestId('training-topic').fill('x');
    await page.getByTestId('training-save').click();
    await page.getByTestId('field-error-branches').filter({ hasText: '党支部' }).waitFor();

    const topic = `冬春轮训 测试 ${Date.now()}`;
    await page.getByTestId('training-topic').fill(topic);
    await page.getByTestId('training-place').fill('党校报告厅');
    await page.getByTestId('training-hours').fill('3');
    const boxes = page.getByTestId('training-branch').locator('input');
    assert.ok(await boxes.count() >= 2);
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.getByTestId('training-save').click();
    const row = page.getByTestId('training-row').filter({ hasText: topic });
    await row.waitFor();
    assert.match(await row.textContent(), /2 个支部/);
    await row.getByTestId('training-branches').click();
    await row.locator('.tr-detail li').nth(1).waitFor();

    // Hours over 24: the server's rule in a rule-error box.
    await page.getByTestId('training-topic').fill(`${topic} 2`);
    await page.getByTestId('training-hours').fill('25');
    await boxes.nth(0).check();
    await page.getByTestId('training-save').click();
    const err = page.getByTestId('training-msg').getByTestId('rule-error');
    await err.waitFor();
    assert.equal(await err.getAttribute('data-rule'), 'training.hours');
  } finally {
    await context.close();
  }
});

test('会议照片: upload a PNG to a meeting, see its thumbnail; a text file is refused (rule-error)', async () => {
  const { context, page } = await adminPage();
  try {
    const list = await getJson(page, '/api/v1/meetings?per_page=1');
    assert.ok(list.items && list.items.length, 'a meeting (the training test above records some)');
    const id = list.items[0].id;
    await page.goto(`${BASE}/#/life/${id}`);
    await page.getByTestId('meeting-attachments').waitFor();
    const name = `photo-${Date.now()}.png`;
    await page.getByTestId('meeting-file').setInputFiles({ name, mimeType: 'image/png', buffer: png(4, 3) });
    await page.getByTestId('meeting-file-upload').click();
    await page.getByTestId('meeting-file-link').filter({ hasText: name }).waitFor();
    const thumb = page.getByTestId('meeting-thumb').last();
    await thumb.waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="meeting-thumb"]')]
      .some((img) => img.complete && img.naturalWidth === 4));
    const files = await getJson(page, `/api/v1/meetings/${id}/attachments`);
    assert.ok(files.items.some((f) => f.filename === name && f.mime === 'image/png'));

    await page.getByTestId('meeting-file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') });
    await page.getByTestId('meeting-file-upload').click();
    const err = page.getByTestId('meeting-attachments').getByTestId('rule-error');
    await err.waitFor();
    assert.equal(await err.getAttribute('data-rule'), 'attachment.type');
  } finally {
    await context.close();
  }
});
