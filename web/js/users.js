// 账号管理: accounts within the selected org's subtree; add, enable/disable, reset password.
import { api, qs } from './api.js';
import { h, replace, notice, loading, toast, fmtTime } from './dom.js';
import { ROLE_NAMES, role } from './session.js';
import { orgReady } from './layout.js';
import { rerender } from './router.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';

export async function renderUsers(view) {
  view.append(loading());
  const org = await orgReady();
  view.replaceChildren();
  const box = h('div', { class: 'table-wrap' }, loading());
  view.append(
    h('div', { class: 'page-head' }, h('h2', null, '账号管理', org ? h('small', null, ` · ${org.name}`) : null)),
    box,
    h('div', { class: 'card' }, h('h3', null, '新增账号'), addForm(org)));
  try {
    const r = await api.get(`/api/v1/users${qs({ org: org ? org.id : '', per_page: 200 })}`);
    const items = r.items || [];
    replace(box, items.length ? h('table', { class: 'grid', testid: 'user-table' },
      h('thead', null, h('tr', null, ['用户名', '姓名', '角色', '所属组织', '状态', '最近登录', '操作'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, items.map(userRow))) : h('p', { class: 'empty' }, '暂无账号'));
  } catch (e) {
    replace(box, notice(e.message, 'error'));
  }
}

function userRow(u) {
  const toggle = h('button', {
    class: 'btn btn-sm', type: 'button', testid: 'user-toggle',
    onclick: () => patch(u, { disabled: !u.disabled }, u.disabled ? '已启用' : '已停用'),
  }, u.disabled ? '启用' : '停用');
  const reset = h('button', {
    class: 'btn btn-sm', type: 'button',
    onclick: () => {
      const p = window.prompt(`为 ${u.username} 设置新密码（至少 8 位）：`);
      if (p) patch(u, { password: p }, '密码已重置');
    },
  }, '重置密码');
  return h('tr', { testid: 'user-row' },
    h('td', null, u.username), h('td', null, u.display_name || ''), h('td', null, ROLE_NAMES[u.role] || u.role),
    h('td', null, u.org_name || ''), h('td', null, u.disabled ? h('span', { class: 'badge badge-warn' }, '已停用') : '正常'),
    h('td', null, fmtTime(u.last_login_at || u.last_login)), h('td', null, h('div', { class: 'row-actions' }, toggle, reset)));
}

async function patch(u, fields, done) {
  try {
    await api.patch(`/api/v1/users/${u.id}`, { version: u.version, ...fields });
    toast(done);
    rerender();
  } catch (e) {
    toast(e.status === 409 ? '该账号已被他人修改，已刷新' : e.message, 'error');
    if (e.status === 409) rerender();
  }
}

function addForm(org) {
  const roles = Object.entries(ROLE_NAMES).filter(([k]) => k !== 'sysadmin' || role() === 'sysadmin');
  const username = h('input', { id: 'u-username', name: 'username', autocomplete: 'off', maxlength: 50, testid: 'user-username' });
  const display = h('input', { id: 'u-display', name: 'display_name', maxlength: 50, testid: 'user-display' });
  const password = h('input', { id: 'u-password', name: 'password', type: 'password', autocomplete: 'new-password', testid: 'user-password' });
  const roleSel = h('select', { id: 'u-role', name: 'role', testid: 'user-role', value: 'secretary' },
    roles.map(([k, v]) => h('option', { value: k }, v)));
  const memberId = h('input', { id: 'u-member', name: 'member_id', inputmode: 'numeric', placeholder: '党员账号必填（党员编号）' });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const form = h('form', { novalidate: true, testid: 'user-form', onsubmit: submit },
    h('p', null, '所属组织：', h('strong', null, org ? org.name : '—')),
    h('div', { class: 'form-grid' },
      fieldBox('username', '用户名', username, { required: true }), fieldBox('display_name', '姓名', display, { required: true }),
      fieldBox('password', '初始密码', password, { required: true }), fieldBox('role', '角色', roleSel, { required: true }),
      fieldBox('member_id', '对应党员编号', memberId)),
    msg, h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'user-save' }, '添加账号')));

  async function submit(ev) {
    ev.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    if (!username.value.trim()) { showFieldError(form, 'username', '请填写用户名'); return; }
    if (!password.value) { showFieldError(form, 'password', '请填写初始密码'); return; }
    const body = {
      username: username.value.trim(), display_name: display.value.trim() || username.value.trim(),
      password: password.value, role: roleSel.value, org_id: org ? org.id : null,
    };
    if (memberId.value.trim()) body.member_id = Number(memberId.value.trim());
    try {
      await api.post('/api/v1/users', body);
      toast(`已添加账号 ${body.username}`);
      rerender();
    } catch (e) {
      if (!(e.field && showFieldError(form, e.field, e.message))) msg.append(notice(e.message, 'error'));
    }
  }
  return form;
}
