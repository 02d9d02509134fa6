// 党费关怀 · 收缴表 (#/dues/sheet?month=YYYY-MM): the month's 党费收缴登记表 of the org selected in the tree —
// totals, the members grouped by branch with their status, unpaid members selected for 批量收缴 (each at their
// due for the month, POST /api/v1/dues/payments/batch), and the paper form as Excel.
import { api, qs } from './api.js';
import { h, replace, loading, toast } from './dom.js';
import { orgReady } from './layout.js';
import { navigate, rerender } from './router.js';
import { money, thisMonth, todayStr, monthLabel, addMonths, METHODS, methodName, statusBadge, errorBox, selectOf } from './dues_common.js';

const BASE = '#/dues/sheet';
const PAYABLE = new Set(['unpaid', 'future']);

function totalsCard(t) {
  const item = (label, value, id, cls = '') => h('div', { class: `dues-stat ${cls}`, testid: id }, h('span', { class: 'muted small' }, label), h('strong', null, value));
  return h('section', { class: 'card dues-totals', testid: 'dues-totals' },
    item('党员', `${t.members} 人`, 'dues-total-members'),
    item('应交', money(t.due_fen), 'dues-total-due'),
    item('实交', money(t.paid_fen), 'dues-total-paid'),
    item('未交', `${t.unpaid_members} 人`, 'dues-total-unpaid', t.unpaid_members ? 'work-overdue' : ''),
    t.no_base_members ? item('未核定', `${t.no_base_members} 人`, 'dues-total-nobase') : null,
    item('一次性交纳（另计）', money(t.one_off_fen), 'dues-total-oneoff'));
}

export async function render(view, sub, query) {
  const org = await orgReady();
  const month = /^\d{4}-\d{2}$/.test(query.get('month') || '') ? query.get('month') : thisMonth();
  const go = (m) => navigate(`${BASE}${qs({ month: m })}`);
  const picker = h('input', { type: 'month', value: month, 'aria-label': '月份', testid: 'dues-month', onchange: (e) => e.target.value && go(e.target.value) });
  const params = { org_id: org ? org.id : '', month };
  const toolbar = h('div', { class: 'work-toolbar dues-toolbar' },
    h('button', { class: 'btn btn-sm', type: 'button', 'aria-label': '上个月', onclick: () => go(addMonths(month, -1)) }, '‹'),
    picker,
    h('button', { class: 'btn btn-sm', type: 'button', 'aria-label': '下个月', onclick: () => go(addMonths(month, 1)) }, '›'),
    h('span', { class: 'muted' }, org ? org.name : ''),
    h('a', { class: 'btn', href: `/api/v1/dues/sheet${qs({ ...params, format: 'xlsx' })}`, download: `党费收缴登记表-${month}.xlsx`, testid: 'dues-sheet-export' }, '导出收缴登记表'));
  const box = h('div', null, loading());
  view.append(toolbar, box);
  let s;
  try {
    s = await api.get(`/api/v1/dues/sheet${qs(params)}`);
  } catch (e) {
    replace(box, errorBox(e));
    return;
  }
  const selected = new Set();
  const countEl = h('span', { testid: 'dues-selected' }, '0');
  const payBtn = h('button', { class: 'btn btn-primary', type: 'button', disabled: true, testid: 'dues-batch-pay' }, '批量收缴');
  const paidOn = h('input', { type: 'date', name: 'paid_on', value: todayStr(), 'aria-label': '交纳日期', testid: 'dues-batch-date' });
  const method = selectOf('method', METHODS, 'cash', { 'aria-label': '交纳方式', testid: 'dues-batch-method' });
  const collector = h('input', { type: 'text', name: 'collector', placeholder: '收缴人', maxlength: 60, 'aria-label': '收缴人', testid: 'dues-batch-collector' });
  const msg = h('div', { 'aria-live': 'polite' });
  const sumEl = h('span', { testid: 'dues-selected-sum' }, money(0));
  const byId = new Map(s.rows.map((r) => [r.member_id, r]));
  const refresh = () => {
    countEl.textContent = String(selected.size);
    sumEl.textContent = money([...selected].reduce((a, id) => a + (byId.get(id).due_fen || 0), 0));
    payBtn.disabled = selected.size === 0;
  };
  const checks = [];
  const check = (r) => {
    if (!PAYABLE.has(r.status)) return h('td', null);
    const c = h('input', {
      type: 'checkbox', 'aria-label': `选择 ${r.name}`, testid: 'dues-select', dataset: { member: r.member_id },
      onchange: (e) => { if (e.target.checked) selected.add(r.member_id); else selected.delete(r.member_id); refresh(); },
    });
    checks.push(c);
    return h('td', { class: 'dues-check' }, c);
  };
  const allBox = h('input', {
    type: 'checkbox', 'aria-label': '全选未交', testid: 'dues-select-all',
    onchange: (e) => { for (const c of checks) { c.checked = e.target.checked; c.dispatchEvent(new Event('change')); } },
  });
  const rowEl = (r) => h('tr', { testid: 'dues-row', class: `dues-row dues-row-${r.status}`, dataset: { member: r.member_id, status: r.status } },
    check(r),
    h('td', null, h('a', { href: `#/dues/member/${r.member_id}`, testid: 'dues-member-link' }, r.name),
      r.arrears_months ? h('div', { class: 'small work-overdue', testid: 'dues-row-arrears' }, `欠缴 ${r.arrears_months} 个月`) : null),
    h('td', { 'data-label': '类别' }, r.kind_name || '—'),
    h('td', { class: 'num', 'data-label': '基数' }, r.kind === 'employed' || r.kind === 'retired' ? money(r.base_fen) : r.kind ? '—' : ''),
    h('td', { class: 'num', 'data-label': '应交' }, r.status === 'not_due' ? '—' : money(r.due_fen), r.reduced ? h('span', { class: 'badge dues-reduced', title: '困难党员减免' }, '减免') : null),
    h('td', { class: 'num', 'data-label': '实交', testid: 'dues-row-paid' }, r.status === 'paid' ? money(r.paid_fen) : ''),
    h('td', { 'data-label': '状态' }, statusBadge(r.status, r.status_name)),
    h('td', { 'data-label': '交纳' }, r.paid_on ? `${r.paid_on} ${methodName(r.method)}` : '', r.receipt_no ? h('div', { class: 'muted small' }, `收据 ${r.receipt_no}`) : null));
  const body = [];
  for (const b of s.branches) {
    if (s.branches.length > 1) {
      body.push(h('tr', { class: 'dues-branch', testid: 'dues-branch' },
        h('th', { colspan: 8, scope: 'rowgroup' }, b.name, h('span', { class: 'muted small' },
          ` · ${b.members} 人 · 应交 ${money(b.due_fen)} · 实交 ${money(b.paid_fen)}${b.unpaid_members ? ` · 未交 ${b.unpaid_members} 人` : ''}`))));
    }
    for (const r of s.rows.filter((x) => x.org_id === b.org_id)) body.push(rowEl(r));
  }
  payBtn.addEventListener('click', async () => {
    if (!selected.size) return;
    payBtn.disabled = true;
    replace(msg);
    try {
      const res = await api.post('/api/v1/dues/payments/batch', {
        org_id: s.org.id, month: s.month, member_ids: [...selected], paid_on: paidOn.value, method: method.value,
        collector: collector.value.trim() || null,
      });
      toast(`已登记 ${res.paid} 人，共 ${money(res.amount_fen)}${res.skipped && res.skipped.length ? `；${res.skipped.length} 人未登记` : ''}`);
      rerender();
    } catch (e) {
      replace(msg, errorBox(e));
      payBtn.disabled = false;
    }
  });
  replace(box,
    h('h2', { class: 'dues-sheet-title', testid: 'dues-sheet-title' }, `${s.org.name} · ${monthLabel(s.month)} 党费收缴登记表`),
    totalsCard(s.totals),
    s.rows.some((r) => PAYABLE.has(r.status)) ? h('section', { class: 'card dues-batch', testid: 'dues-batch' },
      h('div', { class: 'dues-batch-line' }, '已选 ', countEl, ' 人，合计 ', sumEl),
      h('div', { class: 'dues-batch-line' }, paidOn, method, collector, payBtn), msg) : null,
    s.rows.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'grid dues-table', testid: 'dues-sheet-table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, checks.length ? allBox : ''),
        ['姓名', '类别', '基数', '应交', '实交', '状态', '交纳'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, body)))
      : h('p', { class: 'empty', testid: 'dues-sheet-empty' }, '该组织下没有党员'),
    s.one_offs && s.one_offs.length ? h('section', { class: 'card', testid: 'dues-oneoffs' },
      h('h3', null, '自愿一次性交纳（另行登记，全额上缴）'),
      h('ul', { class: 'dues-oneoff-list' }, s.one_offs.map((o) => h('li', null,
        h('a', { href: `#/dues/member/${o.member_id}` }, o.name), ` ${money(o.amount_fen)} · ${o.paid_on} · ${methodName(o.method)}`)))) : null);
}
