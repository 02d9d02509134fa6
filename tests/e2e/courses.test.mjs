// Browser test of 党建课程 on the demo data: the admin creates a text course through the form, assigns it with the org
// picker to 永安镇宏达机械有限公司党支部 and publishes it; member2 (that branch's demo member account — member1 and
// member3 are used by other tests) on a 360 px phone finds it under #/me/courses, opens it, taps 学完 and sees the
// 学时 credited for the year; the admin's course page then counts the finish. No timers anywhere.
// Needs a running server with the demo data: DJ_URL=http://127.0.0.1:PORT node --test tests/e2e/courses.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASS, ADMIN_USER, BASE, DESK, PHONE, login, noHorizontalScroll, useBrowser } from './helpers.mjs';

const MEMBER_USER = 'member2';
const MEMBER_PASS = 'Member#2026';
const BRANCH = '永安镇宏达机械有限公司党支部';

const { newPage, shot } = useBrowser();

test('a text course: created, assigned and published; opened and finished on the phone; counted', async () => {
  const title = `学习新修订的《条例》 ${Date.now() % 100000}`;
  const admin = await newPage(DESK);
  const member = await newPage(PHONE);
  try {
    await login(admin.page, ADMIN_USER, ADMIN_PASS);
    await admin.page.goto(`${BASE}/#/courses`);
    await admin.page.getByTestId('course-new').click();
    await admin.page.waitForURL(/#\/courses\/new$/);
    await admin.page.getByTestId('course-title').fill(title);
    await admin.page.getByTestId('course-body').fill('第一章 总则\n学习要点：对照条例，查找本支部组织生活中的不足。');
    await admin.page.getByTestId('course-minutes').fill('90');
    await admin.page.getByTestId('course-hours-default').filter({ hasText: '2 学时' }).waitFor();
    await admin.page.getByTestId('course-save').click();
    await admin.page.waitForURL(/#\/courses\/\d+$/);
    const id = Number(admin.page.url().match(/courses\/(\d+)$/)[1]);
    assert.equal(await admin.page.getByTestId('course-status').first().textContent(), '草稿');
    assert.equal(await admin.page.getByTestId('course-hours-badge').textContent(), '2 学时');

    // assign to the member's branch with the org picker, then publish
    await admin.page.getByTestId('course-assign-none').waitFor();
    const input = admin.page.getByTestId('course-assign-picker');
    await input.click();
    await input.fill('宏达机械');
    await admin.page.getByTestId('course-assign-picker-list').getByTestId('picker-option').filter({ hasText: BRANCH }).first().click();
    await admin.page.getByTestId('course-assignment').filter({ hasText: BRANCH }).waitFor();
    await admin.page.getByTestId('course-assign-save').click();
    await admin.page.getByTestId('course-publish').waitFor();
    await admin.page.getByTestId('course-assignment').filter({ hasText: BRANCH }).waitFor();
    await admin.page.getByTestId('course-publish').click();
    await admin.page.getByTestId('course-status').filter({ hasText: '已发布' }).waitFor();
    await admin.page.getByTestId('course-finished-count').filter({ hasText: '0' }).waitFor();
    assert.ok(Number(await admin.page.getByTestId('course-assigned-count').textContent()) >= 1);
    await shot(admin.page, 'courses-manager');

    // the member on a phone: the course listed, opened, finished once
    await login(member.page, MEMBER_USER, MEMBER_PASS, /#\/me$/);
    await member.page.goto(`${BASE}/#/me/courses`);
    const item = member.page.locator(`[data-testid="me-course"][data-id="${id}"]`);
    await item.waitFor();
    assert.equal(await item.getAttribute('data-finished'), 'false');
    assert.equal(await item.getByTestId('me-course-state').textContent(), '未学');
    const before = Number(await member.page.getByTestId('me-courses-year-credited').textContent());
    await noHorizontalScroll(member.page, 360);
    await shot(member.page, 'courses-me-list');
    await item.click();
    await member.page.waitForURL(new RegExp(`#/me/courses/${id}$`));
    assert.equal(await member.page.getByTestId('me-course-title').textContent(), title);
    assert.match(await member.page.getByTestId('me-course-body').textContent(), /第一章 总则/);
    await member.page.getByTestId('me-course-finish').click();
    await member.page.getByTestId('me-course-finished').waitFor();
    assert.match(await member.page.getByTestId('me-course-finished').textContent(), /2 学时/);
    const after = Number(await member.page.getByTestId('me-course-year-credited').textContent());
    assert.equal(after, Math.min(before + 2, 16), 'the course 学时 credited within the yearly cap');
    await noHorizontalScroll(member.page, 360);
    await shot(member.page, 'courses-me-finished');
    await member.page.getByTestId('me-courses-back').click();
    await member.page.waitForURL(/#\/me\/courses$/);
    await item.waitFor();
    assert.equal(await item.getAttribute('data-finished'), 'true');
    assert.equal(await item.getByTestId('me-course-state').textContent(), '已学完');

    // the manager sees the finish counted
    await admin.page.reload();
    await admin.page.getByTestId('course-finished-count').filter({ hasText: '1' }).waitFor();
    assert.equal(await admin.page.getByTestId('course-opened-count').textContent(), '1');
  } finally {
    await admin.context.close();
    await member.context.close();
  }
});
