// Browser test of 通知公告 on the demo data: the admin publishes a notice asking for a receipt through the form;
// member1 on a 360 px phone finds it unread under #/me/notices, opens it (read), confirms the receipt; the admin's
// notice page then counts the confirmation, and the one reminder can be given once. Sign-in: the admin issues a
// one-time code on member3's page, member3 signs in with it on the phone (no username) and sets a password.
// Needs a running server with the demo data: DJ_URL=http://127.0.0.1:PORT node --test tests/e2e/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASS, ADMIN_USER, BASE, DESK, PHONE, login, noHorizontalScroll, useBrowser } from './helpers.mjs';

const MEMBER_USER = process.env.DJ_DEMO_MEMBER_USER || 'member1';
const MEMBER_PASS = process.env.DJ_DEMO_MEMBER_PASS || 'Member#2026';

const { newPage, shot } = useBrowser();

test('a notice with a receipt: published, opened and confirmed on the phone, counted for the sender', async () => {
  const title = `关于学习全会精神的通知 ${Date.now() % 100000}`;
  const admin = await newPage(DESK);
  const member = await newPage(PHONE);
  try {
    // the sender: the form, from the organization chosen in the tree (the scope root)
    await login(admin.page, ADMIN_USER, ADMIN_PASS);
    await admin.page.goto(`${BASE}/#/notices`);
    await admin.page.getByTestId('notice-new').click();
    await admin.page.waitForURL(/#\/notices\/new$/);
    // a missing body is named next to its field
    await admin.page.getByTestId('notice-title').fill(title);
    await admin.page.getByTestId('notice-publish').click();
    await admin.page.getByTestId('field-error-body').filter({ hasText: '正文' }).waitFor();
    await admin.page.getByTestId('notice-body').fill('各党支部：\n请组织党员学习全会精神，并于月底前确认。');
    await admin.page.getByTestId('notice-receipt').check();
    await admin.page.getByTestId('notice-publish').click();
    await admin.page.waitForURL(/#\/notices\/\d+$/);
    const id = Number(admin.page.url().match(/notices\/(\d+)$/)[1]);
    assert.equal(await admin.page.getByTestId('notice-status').first().textContent(), '已发布');
    assert.equal(await admin.page.getByTestId('notice-confirmed-count').textContent(), '0');
    const recipients = Number(await admin.page.getByTestId('notice-recipients').textContent());
    assert.ok(recipients >= 1);

    // the member on a phone: unread in the list, opened, confirmed once
    await login(member.page, MEMBER_USER, MEMBER_PASS, /#\/me$/);
    await member.page.getByTestId('me-notices-link').click();
    await member.page.waitForURL(/#\/me\/notices$/);
    const item = member.page.locator(`[data-testid="me-notice"][data-id="${id}"]`);
    await item.waitFor();
    assert.equal(await item.getAttribute('data-read'), 'false');
    await noHorizontalScroll(member.page, 360);
    await shot(member.page, 'notices-me-list');
    await item.click();
    await member.page.waitForURL(new RegExp(`#/me/notices/${id}$`));
    assert.equal(await member.page.getByTestId('me-notice-title').textContent(), title);
    await member.page.getByTestId('me-notice-confirm').click();
    await member.page.getByTestId('me-notice-confirmed').waitFor();
    await noHorizontalScroll(member.page, 360);
    await shot(member.page, 'notices-me-confirmed');
    await member.page.getByTestId('me-notices-back').click();
    await member.page.waitForURL(/#\/me\/notices$/);
    await item.waitFor();
    assert.equal(await item.getAttribute('data-read'), 'true');
    assert.equal(await item.getByTestId('me-notice-receipt').textContent(), '已回执');

    // the sender sees it counted, and reminds the rest once
    await admin.page.reload();
    await admin.page.getByTestId('notice-confirmed-count').filter({ hasText: '1' }).waitFor();
    assert.equal(await admin.page.getByTestId('notice-read-count').textContent(), '1');
    await admin.page.getByTestId('notice-people-confirmed').click();
    await admin.page.getByTestId('notice-person').first().waitFor();
    assert.equal(await admin.page.getByTestId('notice-person').count(), 1);
    await admin.page.getByTestId('notice-remind').click();
    await admin.page.getByTestId('notice-reminded').waitFor();
    assert.equal(await admin.page.getByTestId('notice-remind').count(), 0, 'no second reminder');
    await shot(admin.page, 'notices-sender');
  } finally {
    await admin.context.close();
    await member.context.close();
  }
});

test('a one-time sign-in code: issued on the member page, used once on the phone', async () => {
  const who = await fetch(`${BASE}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'member3', password: MEMBER_PASS, bearer: true }) }).then((r) => r.json());
  const memberId = who.user.member_id;
  assert.ok(memberId);
  const admin = await newPage(DESK);
  const phone = await newPage(PHONE);
  try {
    await login(admin.page, ADMIN_USER, ADMIN_PASS);
    await admin.page.goto(`${BASE}/#/members/${memberId}`);
    await admin.page.getByTestId('signin-code-issue').click();
    const code = (await admin.page.getByTestId('signin-code').textContent()).trim();
    assert.match(code, /^[2-9A-Z]{5}-[2-9A-Z]{5}-[2-9A-Z]{5}$/);
    await shot(admin.page, 'signin-code-issued');

    await phone.page.goto(`${BASE}/#/login`);
    await phone.page.getByTestId('login-use-code').click();
    await phone.page.waitForURL(/#\/login\/code$/);
    await phone.page.getByTestId('login-code').fill(code.toLowerCase());
    await phone.page.getByTestId('login-code-submit').click();
    await phone.page.waitForURL(/#\/me\/password$/);
    await noHorizontalScroll(phone.page, 360);
    await phone.page.getByTestId('pw-new').fill(MEMBER_PASS);
    await phone.page.getByTestId('pw-again').fill(MEMBER_PASS);
    await phone.page.getByTestId('pw-submit').click();
    await phone.page.waitForURL(/#\/me$/);
    await phone.page.getByTestId('me-name').waitFor();

    // used once
    const again = await fetch(`${BASE}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code }) });
    assert.equal(again.status, 401);
    assert.equal((await again.json()).error.rule, 'auth.code_used');
  } finally {
    await admin.context.close();
    await phone.context.close();
  }
});
