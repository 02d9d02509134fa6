// 组织信息: one organization with its structure warnings, children, and an 添加下级组织 form.
import { api } from './api.js';
import { h, replace, notice, loading, toast, fmtDate } from './dom.js';
import { loadCodes, codeOptions, codeName } from './codes.js';
import { UNIT_KIND, label } from './labels.js';
import { selectedOrg, selectOrg } from './state.js';
import { treeApi, orgReady } from './layout.js';
import { rerender } from './router.js';
import { isAdmin } from './session.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';
import { checkinOrgCard } from './checkin.js';

export async function renderOrg(view, id) {
  view.append(loading());
  await orgReady();
  const [org, kids] = await Promise.all([
    api.get(`/api/v1/orgs/${id}`),
    api.get(`/api/v1/orgs/${id}/children`).catch(() => ({ items: [] })),
    loadCodes(),
  ]);
  if (!selectedOrg() || String(selectedOrg().id) !== String(org.id)) selectOrg(org);
  const tree = treeApi();
  if (tree) tree.reveal(org.path, org.id).catch(() => {});
  view.replaceChildren();

  const children = Array.isArray(kids) ? kids : (kids.items || []);
  const warnings = org.warnings || [];
  const info = [
    ['组织名称', org.name], ['组织类别', org.kind_name || codeName('org_kind', org.kind)], ['组织代码', org.code],
    ['单位类型', label(UNIT_KIND, org.unit_kind)], ['党员人数', String(org.member_count ?? 0)],
    ['下级组织', String(org.child_count ?? children.length)], ['成立日期', fmtDate(org.founded_on)],
    ['本届任期', org.term_start ? `${fmtDate(org.term_start)} 至 ${fmtDate(org.term_end)}` : ''],
    ['书记', org.secretary_member_id ? h('a', { href: `#/members/${org.secretary_member_id}` }, '查看书记信息') : '未设置'],
    ['地址', org.address], ['临时党组织', org.is_temporary ? '是' : '否'], ['有审批权', org.can_approve ? '是' : '否'],
    org.dissolved_on ? ['撤销日期', fmtDate(org.dissolved_on)] : null,
  ].filter(Boolean);

  view.append(
    h('div', { class: 'page-head' },
      h('h2', { testid: 'org-title' }, org.name),
      h('div', { class: 'actions' }, h('a', { class: 'btn', href: '#/members' }, '查看党员名册'),
        /branch$/.test(org.kind) && h('a', { class: 'btn', href: `#/board?org=${org.id}`, testid: 'org-board-link' }, '党务公开栏'))),
    warnings.length
      ? h('div', { class: 'notice notice-warn', role: 'status', testid: 'org-warnings' },
        h('strong', null, `组织设置提示（${warnings.length}）`),
        h('ul', null, warnings.map((w) => h('li', { dataset: { rule: w.rule || '' } }, w.message))))
      : h('div', { class: 'notice notice-ok', testid: 'org-warnings-none' }, '组织设置符合规定，无提示。'),
    h('div', { class: 'card' }, h('h3', null, '基本信息'),
      h('dl', { class: 'info-grid', testid: 'org-info' }, info.map(([k, v]) => [h('dt', null, k), h('dd', null, v || '—')]))),
    h('div', { class: 'card' }, h('h3', null, `下级组织（${children.length}）`),
      children.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'grid', testid: 'org-children' },
        h('thead', null, h('tr', null, ['名称', '类别', '党员数', '下级组织数'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, children.map((c) => h('tr', null,
          h('td', null, h('a', { href: `#/orgs/${c.id}` }, c.name)),
          h('td', null, c.kind_name || codeName('org_kind', c.kind)),
          h('td', null, String(c.member_count ?? 0)), h('td', null, String(c.child_count ?? 0)))))))
        : h('p', { class: 'empty' }, '无下级组织')),
    !org.dissolved_on && org.kind !== 'group' && checkinOrgCard(org),
    isAdmin() && h('div', { class: 'card' }, h('h3', null, '添加下级组织'), childForm(org)));
}

function childForm(parent) {
  const kind = h('select', { id: 'o-kind', name: 'kind', testid: 'org-kind' }, codeOptions('org_kind', ''));
  const name = h('input', { id: 'o-name', name: 'name', maxlength: 100, testid: 'org-name' });
  const code = h('input', { id: 'o-code', name: 'code', maxlength: 50, testid: 'org-code' });
  const unit = h('select', { id: 'o-unit', name: 'unit_kind' }, h('option', { value: '' }, '请选择'),
    Object.entries(UNIT_KIND).map(([k, v]) => h('option', { value: k }, v)));
  const founded = h('input', { id: 'o-founded', name: 'founded_on', type: 'date' });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const form = h('form', { novalidate: true, testid: 'org-child-form', onsubmit: submit },
    h('div', { class: 'form-grid' },
      fieldBox('kind', '组织类别', kind, { required: true }), fieldBox('name', '组织名称', name, { required: true }),
      fieldBox('code', '组织代码', code), fieldBox('unit_kind', '单位类型', unit), fieldBox('founded_on', '成立日期', founded)),
    msg,
    h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'org-child-save' }, '添加')));

  async function submit(ev) {
    ev.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    if (!kind.value) { showFieldError(form, 'kind', '请选择组织类别'); return; }
    if (!name.value.trim()) { showFieldError(form, 'name', '请填写组织名称'); return; }
    const body = { parent_id: parent.id, kind: kind.value, name: name.value.trim() };
    if (code.value.trim()) body.code = code.value.trim();
    if (unit.value) body.unit_kind = unit.value;
    if (founded.value) body.founded_on = founded.value;
    try {
      const o = await api.post('/api/v1/orgs', body);
      toast(`已添加 ${o.name || body.name}`);
      const tree = treeApi();
      if (tree) await tree.reload(parent.id).catch(() => {});
      rerender();
    } catch (e) {
      if (!(e.field && showFieldError(form, e.field, e.message))) msg.append(notice(e.message, 'error'));
    }
  }
  return form;
}
