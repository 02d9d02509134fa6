// 组织关系转接: incoming / outgoing letters, confirm / reject / cancel, and the letter form.
import { api, qs, ApiError } from './api.js';
import { h, replace, notice, loading, toast, fmtDate } from './dom.js';
import { TRANSFER_STATUS, TRANSFER_KIND, label } from './labels.js';
import { orgReady } from './layout.js';
import { navigate, rerender } from './router.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';
import { orgPicker } from './org_picker.js';
import { lookupBranches } from './branches.js';

export async function renderTransfers(view, query) {
  const direction = query.get('direction') === 'out' ? 'out' : 'in';
  const status = query.get('status') || '';
  view.append(loading());
  const org = await orgReady();
  view.replaceChildren();

  const tab = (dir, text) => h('a', {
    href: `#/transfers?direction=${dir}`, class: `tab${dir === direction ? ' active' : ''}`,
    role: 'tab', 'aria-selected': String(dir === direction), testid: `transfers-tab-${dir}`,
  }, text);
  const statusSel = h('select', {
    'aria-label': '状态', value: status, testid: 'transfer-status',
    onchange: (e) => navigate(`#/transfers${qs({ direction, status: e.target.value })}`),
  }, h('option', { value: '' }, '全部状态'),
  Object.entries(TRANSFER_STATUS).map(([k, v]) => h('option', { value: k }, v)));
  const box = h('div', { class: 'table-wrap' }, loading());

  view.append(
    h('div', { class: 'page-head' }, h('h2', null, '组织关系转接', org ? h('small', null, ` · ${org.name}`) : null)),
    h('div', { class: 'toolbar' }, h('div', { class: 'tabs', role: 'tablist' }, tab('in', '转入'), tab('out', '转出')), statusSel),
    h('p', { class: 'muted' }, direction === 'in'
      ? '转入本组织的介绍信。接收方确认后党员关系转入；退回须填写理由。'
      : '本组织开出的介绍信。对方确认前党员仍在原支部，可撤销待接收的介绍信。新的介绍信请在党员详情页开具。'),
    box);

  try {
    const r = await api.get(`/api/v1/transfers${qs({ org: org ? org.id : '', direction, status, per_page: 200 })}`);
    const items = r.items || [];
    if (!items.length) { replace(box, h('p', { class: 'empty', testid: 'transfer-empty' }, '暂无介绍信')); return; }
    replace(box, h('table', { class: 'grid', testid: 'transfer-table' },
      h('thead', null, h('tr', null, ['编号', '党员', '转出组织', '转入组织', '类型', '开具日期', '有效期至', '党费交至', '状态', '操作']
        .map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, items.map((t) => row(t, direction)))));
  } catch (e) {
    replace(box, notice(e.message, 'error'));
  }
}

function row(t, direction) {
  const acts = h('div', { class: 'row-actions' },
    h('a', { class: 'btn btn-sm', href: `#/transfers/${t.id}/print`, testid: 'transfer-print' }, '打印介绍信'));
  const tr = h('tr', { testid: 'transfer-row', dataset: { id: t.id } },
    h('td', { class: 'mono' }, t.serial), h('td', null, t.member_name), h('td', null, t.from_org_name),
    h('td', null, t.to_org_name), h('td', null, label(TRANSFER_KIND, t.kind)), h('td', null, fmtDate(t.issued_on)),
    h('td', null, fmtDate(t.valid_until)), h('td', null, t.dues_paid_to || ''),
    h('td', null, h('span', { class: `badge status-${t.status}` }, label(TRANSFER_STATUS, t.status)),
      t.expired ? h('span', { class: 'badge badge-warn' }, '已过期') : null,
      t.reject_reason ? h('div', { class: 'muted' }, `理由：${t.reject_reason}`) : null),
    h('td', null, acts));
  if (t.status === 'pending' && direction === 'in') {
    acts.prepend(
      h('button', { class: 'btn btn-sm btn-primary', type: 'button', testid: 'transfer-confirm', onclick: () => act(t, 'confirm') }, '确认接收'),
      h('button', { class: 'btn btn-sm', type: 'button', testid: 'transfer-reject', onclick: () => rejectForm(t, acts) }, '退回'));
  }
  if (t.status === 'pending' && direction === 'out') {
    acts.prepend(h('button', { class: 'btn btn-sm', type: 'button', testid: 'transfer-cancel', onclick: () => act(t, 'cancel') }, '撤销'));
  }
  return tr;
}

async function act(t, verb, extra = {}) {
  const what = { confirm: '确认接收', cancel: '撤销', reject: '退回' }[verb];
  if (verb !== 'reject' && !window.confirm(`确定${what} ${t.member_name} 的介绍信（${t.serial}）？`)) return;
  try {
    await api.post(`/api/v1/transfers/${t.id}/${verb}`, { version: t.version, ...extra });
    toast(`已${what}`);
    rerender();
  } catch (e) {
    if (!(verb === 'reject' && e.status === 422)) toast(e.status === 409 ? '该介绍信已被他人处理，请刷新' : e.message, 'error');
    if (e.status === 409) rerender();
    return e;
  }
  return null;
}

function rejectForm(t, acts) {
  if (acts.querySelector('form')) return;
  const reason = h('textarea', { id: `reject-${t.id}`, name: 'reason', rows: 2, testid: 'reject-reason' });
  const form = h('form', {
    class: 'inline-form', novalidate: true,
    onsubmit: async (ev) => {
      ev.preventDefault();
      clearFieldErrors(form);
      if (!reason.value.trim()) { showFieldError(form, 'reason', '请填写退回理由'); return; }
      const e = await act(t, 'reject', { reason: reason.value.trim() });
      if (e instanceof ApiError && e.status === 422) showFieldError(form, 'reason', e.message);
    },
  }, fieldBox('reason', '退回理由', reason, { required: true }),
  h('button', { class: 'btn btn-sm btn-primary', type: 'submit', testid: 'reject-submit' }, '确认退回'));
  acts.append(form);
  reason.focus();
}

function thisMonth() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

// The 开具介绍信 form on a member's page. The receiving branch is found by name or code anywhere
// in the system (GET /orgs/lookup), since it is usually outside the caller's own scope.
export function transferForm(member) {
  const kindInt = h('input', { type: 'radio', name: 'kind', value: 'internal', checked: true, testid: 'transfer-kind-internal' });
  const kindExt = h('input', { type: 'radio', name: 'kind', value: 'external', testid: 'transfer-kind-external' });
  const toOrg = orgPicker({
    id: 't-to_org_id', name: 'to_org_id', testid: 'transfer-to-org', noun: '党支部', minChars: 2,
    search: lookupBranches, placeholder: '输入支部名称或组织代码（至少 2 个字）',
    describe: (o) => {
      const here = String(o.id) === String(member.org_id);
      return {
        label: o.parent_name ? `${o.name}（${o.parent_name}）` : o.name,
        main: o.name, sub: o.parent_name ? `（${o.parent_name}）` : '',
        note: here ? '党员现所在支部' : (o.code || ''), disabled: here,
      };
    },
  });
  const toName = h('input', { id: 't-to_org_name', name: 'to_org_name', maxlength: 100, testid: 'transfer-to-name' });
  const reason = h('input', { id: 't-reason', name: 'reason', maxlength: 200, placeholder: '如：工作调动、户籍迁移', testid: 'transfer-reason' });
  const dues = h('input', { id: 't-dues', name: 'dues_paid_to', type: 'month', value: thisMonth(), testid: 'transfer-dues' });
  const city = h('input', { id: 't-city', name: 'within_city', type: 'checkbox' });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const intBox = h('div', { class: 'form-grid' },
    fieldBox('to_org_id', '接收党支部', toOrg.input, {
      required: true, wide: true, control: toOrg.el, hint: '可查找系统内任一党支部，不限于本单位',
    }));
  const extBox = h('div', { class: 'form-grid', hidden: true }, fieldBox('to_org_name', '接收党组织名称', toName, { required: true, wide: true }));
  const sync = () => { intBox.hidden = !kindInt.checked; extBox.hidden = kindInt.checked; };
  kindInt.addEventListener('change', sync);
  kindExt.addEventListener('change', sync);

  const form = h('form', { class: 'transfer-form', novalidate: true, testid: 'transfer-form', onsubmit: submit },
    h('div', { class: 'radio-row', role: 'radiogroup', 'aria-label': '转接类型' },
      h('label', { class: 'check' }, kindInt, ' 转到系统内党组织'),
      h('label', { class: 'check' }, kindExt, ' 转出本系统（县外、省外等）')),
    intBox, extBox,
    h('div', { class: 'form-grid' },
      fieldBox('reason', '转接原因', reason),
      fieldBox('dues_paid_to', '党费交至（月份）', dues, { required: true }),
      fieldBox('within_city', '同城转接（有效期按同城计算）', city, { bool: true })),
    msg,
    h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'transfer-submit' }, '开具介绍信')));

  async function submit(ev) {
    ev.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    const body = { member_id: member.id, kind: kindInt.checked ? 'internal' : 'external', dues_paid_to: dues.value };
    if (reason.value.trim()) body.reason = reason.value.trim();
    if (city.checked) body.within_city = true;
    if (body.kind === 'internal') {
      if (!toOrg.value) {
        showFieldError(form, 'to_org_id', toOrg.input.value.trim() ? '请从查找结果中选择接收党支部' : '请查找并选择接收党支部');
        return;
      }
      body.to_org_id = Number(toOrg.value.id);
    } else {
      if (!toName.value.trim()) { showFieldError(form, 'to_org_name', '请填写接收党组织名称'); return; }
      body.to_org_name = toName.value.trim();
    }
    if (!body.dues_paid_to) { showFieldError(form, 'dues_paid_to', '请填写党费交至月份'); return; }
    try {
      const t = await api.post('/api/v1/transfers', body);
      toast(`已开具介绍信 ${t.serial || ''}`);
      navigate(`#/transfers/${t.id}/print`);
    } catch (e) {
      if (!(e.field && showFieldError(form, e.field, e.message))) msg.append(notice(e.message, 'error'));
    }
  }
  return form;
}
