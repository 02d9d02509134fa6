// 党费关怀 · 减免审批 (#/dues/reductions?status=): hardship reductions (困难党员减免或免交) of the selected org's
// subtree; a pending one is approved or rejected (with a note) by an administrator above the branch.
import { api, qs } from './api.js';
import { h, replace, loading, toast } from './dom.js';
import { orgReady } from './layout.js';
import { rerender } from './router.js';
import { isAdmin } from './session.js';
import { money, monthLabel, statusBadge, errorBox } from './dues_common.js';

const BASE = '#/dues/reductions';
const FILTERS = [{ key: 'pending', name: '待审批' }, { key: 'approved', name: '已批准' }, { key: 'rejected', name: '未批准' }, { key: '', name: '全部' }];
const BADGE = { pending: 'future', approved: 'paid', rejected: 'unpaid' };

function decide(r, approve) {
  return async (e) => {
    const note = window.prompt(approve ? '审批意见（可不填）' : '不予批准的理由', approve ? '同意' : '');
    if (note === null || (!approve && !note.trim())) return;
    e.target.disabled = true;
    try {
      await api.post(`/api/v1/dues/reductions/${r.id}/${approve ? 'approve' : 'reject'}`, { version: r.version, note: note.trim() || undefined });
      toast(approve ? '已批准' : '已退回');
      rerender();
    } catch (err) {
      toast(err.message, 'error');
      e.target.disabled = false;
    }
  };
}

export async function render(view, sub, query) {
  const org = await orgReady();
  const status = query.has('status') ? query.get('status') : 'pending';
  const box = h('div', { class: 'table-wrap' }, loading());
  view.append(h('div', { class: 'work-toolbar' }, FILTERS.map((f) => h('a', {
    class: `btn btn-sm${(f.key || 'all') === status ? ' btn-primary' : ''}`, href: `${BASE}${qs({ status: f.key || 'all' })}`, testid: `dues-red-filter-${f.key || 'all'}`,
  }, f.name))), box);
  try {
    const r = await api.get(`/api/v1/dues/reductions${qs({ org_id: org ? org.id : '', status: status === 'all' ? '' : status, per_page: 200 })}`);
    const items = r.items || [];
    if (!items.length) { replace(box, h('p', { class: 'empty', testid: 'dues-red-empty' }, '没有减免申请')); return; }
    replace(box, h('table', { class: 'grid', testid: 'dues-red-table' },
      h('thead', null, h('tr', null, ['党员', '期间', '减免后每月', '困难情况', '支部研究', '审批'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, items.map((x) => h('tr', { testid: 'dues-red-row', dataset: { id: x.id, status: x.status } },
        h('td', null, h('a', { href: `#/dues/member/${x.member_id}` }, x.member_name), h('div', { class: 'muted small' }, x.org_name || '')),
        h('td', null, `${monthLabel(x.from_month)}–${monthLabel(x.to_month)}`),
        h('td', { class: 'num' }, x.monthly_fen ? money(x.monthly_fen) : '免交'),
        h('td', null, x.reason || ''),
        h('td', null, x.branch_studied_on || ''),
        h('td', null, statusBadge(BADGE[x.status] || x.status, x.status_name), x.decision_note ? h('div', { class: 'muted small' }, x.decision_note) : null,
          x.status === 'pending' && isAdmin() ? h('div', { class: 'row-actions dues-red-actions' },
          h('button', { class: 'btn btn-sm btn-primary', type: 'button', testid: 'dues-red-approve', onclick: decide(x, true) }, '批准'),
          h('button', { class: 'btn btn-sm', type: 'button', testid: 'dues-red-reject', onclick: decide(x, false) }, '不批准')) : null))))));
  } catch (e) {
    replace(box, errorBox(e));
  }
}
