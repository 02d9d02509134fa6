// 登录 screen.
import { h, notice } from './dom.js';
import { login } from './session.js';
import { clearState } from './state.js';
import { navigate } from './router.js';

export function renderLogin(view) {
  const user = h('input', { id: 'login-username', name: 'username', autocomplete: 'username', required: true, testid: 'login-username' });
  const pass = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, testid: 'login-password' });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'assertive' });
  const submit = h('button', { class: 'btn btn-primary btn-block', type: 'submit', testid: 'login-submit' }, '登录');
  const form = h('form', { class: 'login-form', novalidate: true, onsubmit: onSubmit },
    h('label', { for: 'login-username' }, '用户名'), user,
    h('label', { for: 'login-password' }, '密码'), pass,
    msg, submit,
    h('p', { class: 'login-alt' }, h('a', { href: '#/login/code', testid: 'login-use-code' }, '没有密码？使用登录码登录')));

  async function onSubmit(ev) {
    ev.preventDefault();
    msg.replaceChildren();
    if (!user.value.trim() || !pass.value) {
      msg.append(notice('请输入用户名和密码', 'error', 'login-error'));
      return;
    }
    submit.disabled = true;
    submit.textContent = '正在登录……';
    try {
      const u = await login(user.value.trim(), pass.value);
      clearState();
      const after = sessionStorage.getItem('dj.after');
      sessionStorage.removeItem('dj.after');
      // a member who opened a meeting's check-in link (扫码签到) before signing in goes back to it
      if (u.role === 'member') navigate(after && after.startsWith('#/checkin?') ? after : '#/me');
      else navigate(after && !after.startsWith('#/login') && !after.startsWith('#/me') ? after : '#/members');
    } catch (e) {
      msg.append(notice(e.message, 'error', 'login-error'));
      pass.value = '';
      pass.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = '登录';
    }
  }

  view.append(h('div', { class: 'login-page' },
    h('div', { class: 'login-card' },
      h('div', { class: 'login-head' },
        h('span', { class: 'brand-mark big', 'aria-hidden': 'true' }, '党'),
        h('h1', null, '党建管理系统')),
      form)));
  setTimeout(() => user.focus(), 0);
}
