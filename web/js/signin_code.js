// One-time sign-in codes (issue 9 "Sign-in"): the secretary's card on a member's page that issues a code (shown
// once, to hand over), the phone page #/login/code where a member signs in with it (no username), and
// #/me/password where the member then sets a password.
import { api, ApiError, setCsrf } from './api.js';
import { h, replace, notice, toast, fmtTime } from './dom.js';
import { session } from './session.js';
import { clearState } from './state.js';
import { navigate } from './router.js';
import { pendingCheckin } from './checkin.js';

// ---- the secretary's side: a card on the member's page ----------------------------------------

export function signinCodeCard(member) {
  const out = h('div', { 'aria-live': 'polite', testid: 'signin-code-out' });
  const btn = h('button', { class: 'btn', type: 'button', testid: 'signin-code-issue' }, '生成一次性登录码');
  btn.addEventListener('click', async () => {
    if (!window.confirm(`为 ${member.name} 生成一次性登录码？之前未用的登录码将作废。`)) return;
    btn.disabled = true;
    try {
      const r = await api.post(`/api/v1/members/${member.id}/signin-code`);
      replace(out, h('div', { class: 'signin-code-box' },
        h('p', null, '请把下面的登录码交给本人（只显示这一次）：'),
        h('p', { class: 'signin-code mono', testid: 'signin-code' }, r.code),
        h('p', { class: 'muted small' }, `有效期至 ${fmtTime(r.expires_at)}，只能使用一次。账号：${r.username}`,
          r.account_created ? '（新建的党员账号）' : ''),
        h('p', { class: 'muted small' }, '登录方法：打开登录页，点“使用登录码登录”，输入登录码；登录后可设置密码。')));
    } catch (e) {
      replace(out, notice(e.message, 'error', 'signin-code-error'));
    } finally {
      btn.disabled = false;
    }
  });
  return h('div', { class: 'card', testid: 'signin-code-card' }, h('h3', null, '一次性登录码'),
    h('p', { class: 'muted small' }, '党员没有密码或忘记密码时，由支部书记生成登录码当面交给本人，无需短信。'), btn, out);
}

// ---- the member's side ---------------------------------------------------------------------

function card(title, ...kids) {
  return h('div', { class: 'login-page' }, h('div', { class: 'login-card' },
    h('div', { class: 'login-head' }, h('span', { class: 'brand-mark big', 'aria-hidden': 'true' }, '党'), h('h1', null, title)), ...kids));
}

export function renderCodeLogin(view) {
  const code = h('input', {
    id: 'login-code', name: 'code', autocomplete: 'one-time-code', autocapitalize: 'characters', spellcheck: 'false',
    inputmode: 'text', maxlength: 24, placeholder: 'XXXXX-XXXXX-XXXXX', required: true, testid: 'login-code',
  });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'assertive' });
  const submit = h('button', { class: 'btn btn-primary btn-block', type: 'submit', testid: 'login-code-submit' }, '登录');
  const form = h('form', { class: 'login-form', novalidate: true, onsubmit: onSubmit },
    h('label', { for: 'login-code' }, '一次性登录码'), code,
    h('p', { class: 'muted small' }, '登录码由支部书记提供，只能使用一次。'),
    msg, submit,
    h('p', null, h('a', { href: '#/login', testid: 'login-code-back' }, '用账号密码登录')));

  async function onSubmit(ev) {
    ev.preventDefault();
    msg.replaceChildren();
    if (!code.value.trim()) { msg.append(notice('请输入登录码', 'error', 'login-code-error')); return; }
    submit.disabled = true;
    try {
      const r = await api.post('/api/v1/session', { code: code.value.trim() }, { quiet401: true });
      session.user = r.user;
      session.features = r.features || null;
      setCsrf(r.csrf);
      clearState();
      // a check-in link opened before signing in (扫码签到) first; the password can be set later from #/me
      navigate(r.user.role === 'member' ? (pendingCheckin() || '#/me/password') : '#/members');
    } catch (e) {
      msg.append(notice(e.message, 'error', 'login-code-error'));
      code.focus();
    } finally {
      submit.disabled = false;
    }
  }
  view.append(card('使用登录码登录', form));
  setTimeout(() => code.focus(), 0);
}

export function renderSetPassword(view) {
  const current = h('input', { id: 'pw-current', name: 'current_password', type: 'password', autocomplete: 'current-password', testid: 'pw-current' });
  const pw = h('input', { id: 'pw-new', name: 'password', type: 'password', autocomplete: 'new-password', testid: 'pw-new' });
  const again = h('input', { id: 'pw-again', name: 'again', type: 'password', autocomplete: 'new-password', testid: 'pw-again' });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'assertive', testid: 'pw-msg' });
  const submit = h('button', { class: 'btn btn-primary btn-block', type: 'submit', testid: 'pw-submit' }, '设置密码');
  const form = h('form', { class: 'login-form', novalidate: true, onsubmit: onSubmit },
    h('p', { class: 'muted small' }, `账号：${session.user ? session.user.username : ''}（以后用此账号和密码登录）`),
    h('label', { for: 'pw-new' }, '新密码'), pw,
    h('label', { for: 'pw-again' }, '再输一次'), again,
    h('label', { for: 'pw-current' }, '原密码（刚用登录码登录的不用填）'), current,
    h('p', { class: 'muted small' }, '至少 8 位，包含字母、数字、符号中的两类。'),
    msg, submit,
    h('p', null, h('a', { href: '#/me', testid: 'pw-skip' }, '以后再说，进入我的主页')));

  async function onSubmit(ev) {
    ev.preventDefault();
    msg.replaceChildren();
    if (pw.value !== again.value) { msg.append(notice('两次输入的密码不一样', 'error')); return; }
    const body = { password: pw.value };
    if (current.value) body.current_password = current.value;
    submit.disabled = true;
    try {
      await api.put('/api/v1/me/password', body);
      toast('密码已设置');
      navigate(session.user && session.user.role === 'member' ? '#/me' : '#/members');
    } catch (e) {
      msg.append(notice(e instanceof ApiError && e.field === 'current_password' ? `原密码：${e.message}` : e.message, 'error', 'pw-error'));
    } finally {
      submit.disabled = false;
    }
  }
  view.append(card('设置登录密码', form));
}
