// 申报审核: claims of the subtree (pending first by default); the indicator's approver approves (the ledger
// entry is appended) or rejects with a reason.
import { api, qs } from './api.js';
import { h, replace, loading, toast, fmtDate, fmtTime } from './dom.js';
import { navigate } from './router.js';
import {
  pointsOrg, pointsTabs, pointsHead, orgChooser, ptsCell, errBox, pager, CLAIM_STATUS, TARGETS,
} from './points_common.js';

const STATUS_CLASS = { pending: 'status-pending', approved: 'status-confirmed', rejected: 'status-rejected' };

export function claimStatusBadge(c) {
  return h('span', { class: `badge ${STATUS_CLASS[c.status] || ''}`, testid: 'claim-status', dataset: { status: c.status } },
    CLAIM_STATUS[c.status] || c.status);
}

export async function renderPointsClaims(view, query) {
  view.append(loading());
  const org = await pointsOrg(query);
  const status = query.has('status') ? query.get('status') : 'pending';
  const page = Math.max(1, Number(query.get('page')) || 1);
  const go = (changes) => navigate(`#/points/claims${qs({ org: query.get('org') || '', status, ...changes })}`);
  const box = h('div', { testid: 'claims-box' }, loading());
  const statusSel = h('select', {
    'aria-label': '状态', testid: 'claims-status', value: status,
    onchange: (e) => go({ status: e.target.value, page: '' }),
  }, h('option', { value: 'pending' }, '待审核'), h('option', { value: 'approved' }, '已通过'),
  h('option', { value: 'rejected' }, '未通过'), h('option', { value: '' }, '全部'));
  view.replaceChildren(pointsHead('申报审核', org), pointsTabs('claims'),
    h('div', { class: 'toolbar' }, orgChooser(org), statusSel), box);
  if (!org) { box.replaceChildren(); return; }

  async function load() {
    let r;
    try {
      r = await api.get(`/api/v1/points/claims${qs({ org: org.id, status: status || undefined, page, per_page: 50 })}`);
    } catch (e) { replace(box, errBox(e)); return; }
    const items = r.items || [];
    if (!items.length) { replace(box, h('p', { class: 'empty', testid: 'claims-empty' }, status === 'pending' ? '没有待审核的申报' : '没有申报记录')); return; }
    replace(box, h('ul', { class: 'claim-list', testid: 'claim-list' }, items.map(claimItem)), pager(r, (p) => go({ page: p })));
  }

  function claimItem(c) {
    const out = h('div', { 'aria-live': 'polite' });
    const reason = h('input', { type: 'text', maxlength: 500, placeholder: '不通过的理由', 'aria-label': '不通过的理由', testid: 'claim-reason' });
    const decide = async (approve, btn) => {
      out.replaceChildren();
      if (!approve && !reason.value.trim()) { reason.setAttribute('aria-invalid', 'true'); reason.focus(); out.append(errBox({ message: '请填写不通过的理由' })); return; }
      btn.disabled = true;
      try {
        await api.post(`/api/v1/points/claims/${c.id}/decide`, { version: c.version, approve, reason: reason.value.trim() || undefined });
        toast(approve ? `已通过 ${c.subject_name} 的申报` : `已退回 ${c.subject_name} 的申报`);
        load();
      } catch (e) { out.append(errBox(e, load)); btn.disabled = false; }
    };
    const ind = c.indicator || {};
    const approveBtn = h('button', { class: 'btn btn-sm btn-primary', type: 'button', testid: 'claim-approve', onclick: () => decide(true, approveBtn) }, '通过');
    const rejectBtn = h('button', { class: 'btn btn-sm', type: 'button', testid: 'claim-reject', onclick: () => decide(false, rejectBtn) }, '不通过');
    return h('li', { class: 'claim-item', testid: 'claim-item', dataset: { id: c.id, status: c.status, subject: c.subject_id } },
      h('div', { class: 'le-main' },
        h('span', { class: 'le-date' }, fmtDate(c.event_on)),
        h('span', { class: 'le-subject' }, c.subject_name || ''),
        h('span', { class: 'le-ind' }, `${ind.name || ind.code || ''}${Number(c.count) > 1 ? ` × ${c.count}` : ''}`),
        h('span', { class: 'le-pts' }, ptsCell(c.points)),
        claimStatusBadge(c)),
      h('div', { class: 'le-meta muted small' }, `${TARGETS[c.target] || ''} · ${c.org_name || ''} · 提交于 ${fmtTime(c.created_at)}`),
      h('div', { class: 'le-evidence', testid: 'claim-evidence' }, c.evidence || ''),
      c.reason ? h('div', { class: 'muted small' }, `理由：${c.reason}`) : null,
      c.status === 'pending' ? h('div', { class: 'row-actions claim-actions' }, approveBtn, reason, rejectBtn) : null,
      out);
  }

  await load();
}
