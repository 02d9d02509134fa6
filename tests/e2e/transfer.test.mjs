// Browser test of the org search pickers: an internal transfer letter to a branch found by typing part of its
// name (outside the sending branch), confirmed by the receiving branch's secretary; and the member form's
// 所在党支部 picker with its 党小组 list on a 390 px phone screen.
// Needs a running server with the demo data: DJ_URL=http://127.0.0.1:PORT node --test tests/e2e/
// Picks its own branches and members through the API, so it does not depend on other tests or their order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const BASE = (process.env.DJ_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const ADMIN_USER = process.env.DJ_DEMO_ADMIN_USER || 'admin';
const ADMIN_PASS = process.env.DJ_DEMO_ADMIN_PASS || 'Admin#2026';
const SEC_PASS = process.env.DJ_DEMO_SECRETARY_PASS || 'Branch#2026';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const TIMEOUT = 15000;

let browser;
let token;

async function call(method, path, body) {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = res.status === 204 ? null : await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(data)}`);
  return data;
}
const get = (path) => call('GET', path);

before(async () => {
  token = (await call('POST', '/api/v1/session', { username: ADMIN_USER, password: ADMIN_PASS, bearer: true })).token;
  browser = await chromium.launch({ executablePath: process.env.DJ_CHROMIUM || '/usr/bin/chromium', headless: true, args: ARGS });
});

after(async () => {
  if (browser) await browser.close();
});

async function newPage(opts = {}) {
  const context = await browser.newContext({ locale: 'zh-CN', ...opts });
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
  await page.waitForURL(/#\/members$/);
}

async function allBranches() {
  const r = await get('/api/v1/orgs?kind=branches&per_page=200');
  return r.items;
}

// Active members of a branch that are safe to move: not a secretary of any branch, no login of their own.
async function movableMembers(branch, branches) {
  const users = (await get('/api/v1/users?per_page=200')).items;
  const taken = new Set([...branches.map((b) => b.secretary_member_id), ...users.map((u) => u.member_id)]
    .filter(Boolean).map(String));
  const r = await get(`/api/v1/members?org=${branch.id}&state=active&party_status=normal&per_page=200`);
  return r.items.filter((m) => m.org_id === branch.id && !taken.has(String(m.id)));
}

async function groupsOf(branch) {
  const r = await get(`/api/v1/orgs/${branch.id}/children`);
  return (Array.isArray(r) ? r : r.items).filter((o) => o.kind === 'group');
}

// A few characters of the branch's own name (without the town prefix and 党支部), e.g. 何家口村.
function partOf(name) {
  const core = name.replace(/(联合)?党支部$/, '');
  return core.length > 4 ? core.slice(-4) : core;
}

// Fills a picker and waits until its list answers exactly this text (not an earlier search).
async function search(page, testid, text) {
  await page.getByTestId(testid).fill(text);
  await page.waitForFunction(([id, q]) => {
    const opts = [...document.querySelectorAll(`[data-testid="${id}-list"]:not([hidden]) [role="option"]`)];
    return opts.length > 0 && opts.every((o) => o.textContent.includes(q));
  }, [testid, text]);
}

async function noHorizontalScroll(page, width) {
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(sw <= width, `scrollWidth ${sw} > ${width}`);
}

test('transfer: admin issues a letter to a branch found by name, its secretary confirms', async (t) => {
  const branches = await allBranches();
  // Receiving branch: the last plain 党支部 with a code (its secretary logs in as "sec" + code).
  const to = [...branches].reverse().find((b) => b.kind === 'branch' && b.code);
  assert.ok(to, 'a receiving branch');
  let from = null;
  let member = null;
  for (const b of branches) {
    if (b.parent_id === to.parent_id || b.id === to.id) continue; // another town: outside the receiver's scope
    const ms = await movableMembers(b, branches);
    if (ms.length) { from = b; [member] = ms; break; }
  }
  assert.ok(member, 'a member to transfer');
  const lookup = (await get(`/api/v1/orgs/lookup?q=${encodeURIComponent(to.name)}`)).items.find((o) => o.id === to.id);
  const label = lookup.parent_name ? `${to.name}（${lookup.parent_name}）` : to.name;
  let serial = '';

  const { context, page } = await newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await t.test('the picker explains short, empty and no-match searches', async () => {
      await login(page, ADMIN_USER, ADMIN_PASS);
      await page.goto(`${BASE}/#/members/${member.id}`);
      await page.getByTestId('member-title').filter({ hasText: member.name }).waitFor();
      const box = page.getByTestId('transfer-to-org');
      const status = page.getByTestId('transfer-to-org-status');
      assert.equal(await box.getAttribute('role'), 'combobox');
      await box.fill(partOf(to.name).slice(0, 1));
      await status.filter({ hasText: '请至少输入 2 个字' }).waitFor();
      await box.fill('无此名称的支部');
      await status.filter({ hasText: '没有找到' }).waitFor();
      assert.equal(await box.getAttribute('aria-expanded'), 'false');
      // Submitting without a choice is stopped in the browser with a message at the field.
      await page.getByTestId('transfer-submit').click();
      await page.getByTestId('field-error-to_org_id').filter({ hasText: '请从查找结果中选择接收党支部' }).waitFor();
    });

    await t.test('typing part of the name and choosing with the keyboard', async () => {
      const box = page.getByTestId('transfer-to-org');
      await search(page, 'transfer-to-org', partOf(to.name));
      const list = page.getByTestId('transfer-to-org-list');
      const option = list.locator('[role="option"]', { hasText: to.name });
      await option.waitFor();
      assert.equal(await box.getAttribute('aria-expanded'), 'true');
      const ids = await list.locator('[role="option"]').evaluateAll((els) => els.map((e) => e.dataset.id));
      const at = ids.indexOf(String(to.id));
      assert.ok(at >= 0, 'the receiving branch is listed');
      for (let i = 0; i <= at; i++) await box.press('ArrowDown');
      assert.equal(await box.getAttribute('aria-activedescendant'), await option.getAttribute('id'));
      await box.press('Enter');
      assert.equal(await box.inputValue(), label, 'the box shows 名称（上级组织）');
      assert.equal(await box.getAttribute('aria-expanded'), 'false');
    });

    await t.test('the letter is issued (serial ZZ…)', async () => {
      await page.getByTestId('transfer-reason').fill('工作调动');
      await page.getByTestId('transfer-submit').click();
      await page.waitForURL(/#\/transfers\/\d+\/print$/);
      serial = (await page.getByTestId('letter-serial').textContent()).trim();
      assert.match(serial, /^ZZ\d{4}-\d{6}$/);
      await page.getByTestId('transfer-letter').filter({ hasText: to.name }).waitFor();
      const m = await get(`/api/v1/members/${member.id}`);
      assert.equal(m.state, 'transferring');
      assert.equal(m.org_id, from.id, 'the member stays until the receiver confirms');
    });
  } finally {
    await context.close();
  }

  const sec = await newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await t.test(`the receiving secretary (sec${to.code.toLowerCase()}) confirms and sees the member`, async () => {
      const p = sec.page;
      await login(p, `sec${to.code.toLowerCase()}`, SEC_PASS);
      await p.getByTestId('nav-transfers').click();
      await p.waitForURL(/#\/transfers$/);
      const row = p.getByTestId('transfer-row').filter({ hasText: serial });
      await row.waitFor();
      p.once('dialog', (d) => d.accept());
      await row.getByTestId('transfer-confirm').click();
      await p.getByTestId('transfer-row').filter({ hasText: serial }).filter({ hasText: '已接收' }).waitFor();
      await p.getByTestId('nav-members').click();
      await p.waitForURL(/#\/members$/);
      await p.getByTestId('member-search').fill(member.name);
      await p.getByTestId('member-search-btn').click();
      const mrow = p.getByTestId('member-row').filter({ hasText: member.name }).filter({ has: p.locator(`a[href="#/members/${member.id}"]`) });
      await mrow.waitFor();
      assert.equal((await mrow.locator('.col-org_name').textContent()).trim(), to.name);
      const m = await get(`/api/v1/members/${member.id}`);
      assert.equal(m.org_id, to.id);
      assert.equal(m.state, 'active');
    });
  } finally {
    await sec.context.close();
  }
});

test('phone (390 px): member form picks 所在党支部 by search and lists its 党小组, no horizontal scroll', async (t) => {
  const branches = await allBranches();
  const withGroups = [];
  for (const b of branches) {
    if (!b.child_count) continue;
    const groups = await groupsOf(b);
    if (groups.length) withGroups.push({ branch: b, groups });
    if (withGroups.length >= 6) break;
  }
  assert.ok(withGroups.length >= 2, 'two branches with 党小组');
  let pick = null;
  for (const c of withGroups) {
    const ms = await movableMembers(c.branch, branches);
    if (ms.length) { pick = { ...c, member: ms[ms.length - 1] }; break; }
  }
  assert.ok(pick, 'a member in a branch with groups');
  const target = withGroups.find((c) => c.branch.id !== pick.branch.id && c.branch.parent_id === pick.branch.parent_id)
    || withGroups.find((c) => c.branch.id !== pick.branch.id);
  const { member } = pick;

  const { context, page } = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 });
  try {
    await t.test('the current branch and 党小组 are preselected', async () => {
      await login(page, ADMIN_USER, ADMIN_PASS);
      await page.goto(`${BASE}/#/members/${member.id}`);
      await page.getByTestId('member-form').waitFor();
      assert.equal(await page.getByTestId('input-org_id').inputValue(), pick.branch.name);
      const group = page.getByTestId('input-group_id');
      await page.waitForFunction(() => !document.querySelector('[data-testid="input-group_id"]').disabled);
      assert.equal(await group.inputValue(), member.group_id ? String(member.group_id) : '');
      const texts = await group.locator('option').allTextContents();
      assert.equal(texts[0], '不分配党小组');
      assert.deepEqual(texts.slice(1), pick.groups.map((g) => g.name));
      await noHorizontalScroll(page, 390);
    });

    await t.test('searching another branch by part of its name, tapping it, choosing a 党小组', async () => {
      const box = page.getByTestId('input-org_id');
      await box.tap();
      await search(page, 'input-org_id', partOf(target.branch.name));
      const option = page.getByTestId('input-org_id-list').locator('[role="option"]', { hasText: target.branch.name });
      await option.waitFor();
      const h = (await option.boundingBox()).height;
      assert.ok(h >= 44, `option is a large touch target (${h}px)`);
      await noHorizontalScroll(page, 390);
      await option.tap();
      assert.equal(await box.inputValue(), target.branch.name);
      const group = page.getByTestId('input-group_id');
      await page.waitForFunction((n) => {
        const s = document.querySelector('[data-testid="input-group_id"]');
        return !s.disabled && s.options.length === n;
      }, target.groups.length + 1);
      assert.equal(await group.inputValue(), '', 'a new branch starts with 不分配党小组');
      await group.selectOption(String(target.groups[0].id));
      await noHorizontalScroll(page, 390);
      await page.getByTestId('member-save').tap();
      await page.getByTestId('toast').filter({ hasText: '修改已保存' }).waitFor();
      const m = await get(`/api/v1/members/${member.id}`);
      assert.equal(m.org_id, target.branch.id);
      assert.equal(m.group_id, target.groups[0].id);
    });

    await t.test('after saving, the form shows the new branch and 党小组', async () => {
      await page.reload();
      await page.getByTestId('member-form').waitFor();
      assert.equal(await page.getByTestId('input-org_id').inputValue(), target.branch.name);
      await page.waitForFunction(() => !document.querySelector('[data-testid="input-group_id"]').disabled);
      assert.equal(await page.getByTestId('input-group_id').inputValue(), String(target.groups[0].id));
      await page.getByTestId('input-group_id').selectOption('');
      await page.getByTestId('member-save').tap();
      await page.getByTestId('toast').filter({ hasText: '修改已保存' }).waitFor();
      const m = await get(`/api/v1/members/${member.id}`);
      assert.equal(m.group_id, null, '不分配党小组 clears the group');
      await noHorizontalScroll(page, 390);
    });
  } finally {
    await context.close();
  }
});
