// 党费关怀 · 党费核定 (#/dues/member[/<id>][?year=]): without an id, a member search of the selected org; with one,
// the member's dues year month by month, the bases history with the form that sets kind + base and shows the
// computed monthly amount live (GET /api/v1/dues/rate), recording a payment (months, method, receipt, 代缴),
// a voluntary one-off payment, voiding a payment, and asking for a hardship reduction (困难党员减免).
import { api, qs } from './api.js';
import { h, replace, loading, toast } from './dom.js';
import { orgReady } from './layout.js';
import { navigate, rerender } from './router.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';
import {
  money, toFen, thisMonth, thisYear, todayStr, monthLabel, KINDS, METHODS, methodName, statusBadge, errorBox, selectOf,
} from './dues_common.js';

const BASE = '#/dues/member';

async function renderSearch(view, query) {
  const org = await orgReady();
  const q = query.get('q') || '';
  const input = h('input', { type: 'search', class: 'search-input', value: q, placeholder: '党员姓名', 'aria-label': '搜索党员', testid: 'dues-member-q' });
  const box = h('div', { class: 'table-wrap' }, loading());
  view.append(h('form', {
    class: 'search-form toolbar', role: 'search',
    onsubmit: (e) => { e.preventDefault(); navigate(`${BASE}${qs({ q: input.value.trim() })}`); },
  }, input, h('button', { class: 'btn', type: 'submit' }, '搜索')),
  h('p', { class: 'muted small' }, '选择党员查看全年党费、核定交纳基数、登记交纳或申请减免。也可在收缴表中点姓名进入。'), box);
  try {
    const r = await api.get(`/api/v1/members${qs({ org: org ? org.id : '', q: q.trim(), per_page: 50 })}`);
    const items = r.items || [];
    if (!items.length) { replace(box, h('p', { class: 'empty' }, '没有找到党员')); return; }
    replace(box, h('table', { class: 'grid', testid: 'dues-member-list' },
      h('thead', null, h('tr', null, ['姓名', '所在组织'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, items.map((m) => h('tr', null,
        h('td', null, h('a', { href: `${BASE}/${m.id}`, testid: 'dues-member-pick' }, m.name)), h('td', null, m.org_name || ''))))));
  } catch (e) {
    replace(box, errorBox(e));
  }
}

// a form's submit: clears errors, posts, shows a field error next to its field or a rule error in msg
async function submitForm(form, msg, fn) {
  clearFieldErrors(form);
  replace(msg);
  const btn = form.querySelector('button[type=submit]');
  if (btn) btn.disabled = true;
  try {
    await fn();
  } catch (e) {
    if (!(e.field && !e.rule && showFieldError(form, e.field, e.message))) replace(msg, errorBox(e));
  } finally {
    if (btn) btn.disabled = false;
  }
}

function baseForm(d) {
  const cur = d.current || {};
  const kind = selectOf('kind', KINDS, cur.kind || 'employed', { id: 'db-kind', testid: 'dues-base-kind' });
  const base = h('input', { id: 'db-base', name: 'base_fen', inputmode: 'decimal', placeholder: '元，如 4500.00', testid: 'dues-base-amount',
    value: cur.base_fen ? String(cur.base_fen / 100) : '' });
  const from = h('input', { id: 'db-from', name: 'from_month', type: 'month', testid: 'dues-base-from' });
  const note = h('input', { id: 'db-note', name: 'note', maxlength: 200, testid: 'dues-base-note' });
  const out = h('div', { class: 'dues-rate', 'aria-live': 'polite', testid: 'dues-rate' });
  const msg = h('div');
  let seq = 0;
  const fixed = () => kind.value === 'farmer' || kind.value === 'minimal';
  const update = async () => {
    const my = ++seq;
    base.closest('.field')?.toggleAttribute('hidden', fixed());
    const fen = fixed() ? 0 : toFen(base.value);
    if (fen === null) { out.textContent = base.value ? '请填写金额（元），最多两位小数' : ''; return; }
    try {
      const r = await api.get(`/api/v1/dues/rate${qs({ kind: kind.value, base_fen: fen })}`);
      if (my !== seq) return;
      replace(out, '每月应交 ', h('strong', { testid: 'dues-rate-amount' }, money(r.monthly_fen)),
        r.permille ? h('span', { class: 'muted' }, `（按 ${(r.permille / 10).toFixed(1)}% 计）`) : h('span', { class: 'muted' }, '（定额）'));
    } catch (e) {
      if (my === seq) replace(out, errorBox(e));
    }
  };
  let timer = 0;
  base.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(update, 200); });
  kind.addEventListener('change', update);
  const form = h('form', {
    class: 'dues-form', testid: 'dues-base-form', novalidate: true,
    onsubmit: (e) => {
      e.preventDefault();
      submitForm(form, msg, async () => {
        const fen = fixed() ? 0 : toFen(base.value);
        if (fen === null) { showFieldError(form, 'base_fen', '请填写交纳基数（元），最多两位小数'); return; }
        const r = await api.post(`/api/v1/members/${d.member.id}/dues/bases`, {
          kind: kind.value, base_fen: fen, from_month: from.value || undefined, note: note.value.trim() || undefined,
        });
        toast(`已核定：自 ${monthLabel(r.from_month)} 起每月 ${money(r.monthly_fen)}`);
        rerender();
      });
    },
  },
  h('div', { class: 'form-grid' },
    fieldBox('kind', '类别', kind), fieldBox('base_fen', '月交纳基数（元）', base, { hint: '在职：税后工资收入；离退休：基本养老金' }),
    fieldBox('from_month', '起始月份', from, { hint: '不填：按规定自动确定（年度内固定的，自次年 1 月起）' }), fieldBox('note', '备注', note)),
  out, msg, h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'dues-base-save' }, '保存核定')));
  update();
  return h('section', { class: 'card', testid: 'dues-bases' }, h('h3', null, '交纳基数核定'),
    d.bases && d.bases.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'grid', testid: 'dues-bases-table' },
      h('thead', null, h('tr', null, ['起始月份', '类别', '基数', '月交纳额', '备注'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, d.bases.map((b) => h('tr', { testid: 'dues-base-row' }, h('td', null, b.from_month), h('td', null, b.kind_name),
        h('td', { class: 'num' }, b.kind === 'employed' || b.kind === 'retired' ? money(b.base_fen) : '—'),
        h('td', { class: 'num' }, money(b.monthly_fen)), h('td', null, b.note || '')))))) : h('p', { class: 'muted', testid: 'dues-no-base' }, '尚未核定交纳基数（未核定）。'),
    form);
}

function paymentForm(d) {
  const firstUnpaid = (d.months || []).find((m) => m.status === 'unpaid');
  const first = h('input', { id: 'dp-first', name: 'first_month', type: 'month', value: firstUnpaid ? firstUnpaid.month : thisMonth(), testid: 'dues-pay-first' });
  const last = h('input', { id: 'dp-last', name: 'last_month', type: 'month', value: firstUnpaid ? firstUnpaid.month : thisMonth(), testid: 'dues-pay-last' });
  const paidOn = h('input', { id: 'dp-on', name: 'paid_on', type: 'date', value: todayStr(), testid: 'dues-pay-date' });
  const method = selectOf('method', METHODS, 'cash', { id: 'dp-method', testid: 'dues-pay-method' });
  const receipt = h('input', { id: 'dp-receipt', name: 'receipt_no', maxlength: 60, testid: 'dues-pay-receipt' });
  const proxy = h('input', { id: 'dp-proxy', name: 'proxy_name', maxlength: 60, placeholder: '本人交纳可不填', testid: 'dues-pay-proxy' });
  const collector = h('input', { id: 'dp-collector', name: 'collector', maxlength: 60, testid: 'dues-pay-collector' });
  const msg = h('div');
  const form = h('form', {
    class: 'dues-form', testid: 'dues-pay-form', novalidate: true,
    onsubmit: (e) => {
      e.preventDefault();
      submitForm(form, msg, async () => {
        const r = await api.post('/api/v1/dues/payments', {
          member_id: d.member.id, kind: 'regular', first_month: first.value, last_month: last.value || first.value,
          paid_on: paidOn.value, method: method.value, receipt_no: receipt.value.trim() || undefined,
          proxy_name: proxy.value.trim() || undefined, collector: collector.value.trim() || undefined,
        });
        toast(`已登记 ${r.months} 个月，共 ${money(r.amount_fen)}`);
        rerender();
      });
    },
  },
  h('div', { class: 'form-grid' },
    fieldBox('first_month', '自', first), fieldBox('last_month', '至', last, { hint: '按季度、半年或预交可选多个月' }),
    fieldBox('paid_on', '交纳日期', paidOn), fieldBox('method', '方式', method), fieldBox('receipt_no', '收据号', receipt),
    fieldBox('proxy_name', '代缴人', proxy), fieldBox('collector', '收缴人', collector)),
  h('p', { class: 'muted small' }, '金额按各月应交自动计算。'), msg,
  h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'dues-pay-save' }, '登记交纳')));
  return h('section', { class: 'card', testid: 'dues-pay' }, h('h3', null, '登记交纳'), form);
}

function oneOffForm(d) {
  const amount = h('input', { id: 'do-amount', name: 'amount_fen', inputmode: 'decimal', placeholder: '元，不少于 1000 元', testid: 'dues-oneoff-amount' });
  const paidOn = h('input', { id: 'do-on', name: 'paid_on', type: 'date', value: todayStr(), testid: 'dues-oneoff-date' });
  const method = selectOf('method', METHODS, 'bank', { id: 'do-method' });
  const receipt = h('input', { id: 'do-receipt', name: 'receipt_no', maxlength: 60 });
  const msg = h('div');
  const form = h('form', {
    class: 'dues-form', testid: 'dues-oneoff-form', novalidate: true,
    onsubmit: (e) => {
      e.preventDefault();
      submitForm(form, msg, async () => {
        const fen = toFen(amount.value);
        if (!fen) { showFieldError(form, 'amount_fen', '请填写金额（元），最多两位小数'); return; }
        await api.post('/api/v1/dues/payments', {
          member_id: d.member.id, kind: 'one_off', amount_fen: fen, paid_on: paidOn.value, method: method.value,
          receipt_no: receipt.value.trim() || undefined,
        });
        toast(`已登记一次性交纳 ${money(fen)}`);
        rerender();
      });
    },
  },
  h('div', { class: 'form-grid' }, fieldBox('amount_fen', '金额（元）', amount), fieldBox('paid_on', '交纳日期', paidOn),
    fieldBox('method', '方式', method), fieldBox('receipt_no', '收据号', receipt)), msg,
  h('div', { class: 'form-actions' }, h('button', { class: 'btn', type: 'submit', testid: 'dues-oneoff-save' }, '登记一次性交纳')));
  return h('details', { class: 'card', testid: 'dues-oneoff' }, h('summary', null, '自愿一次性多交党费（另行登记，全额上缴）'), form);
}

function reductionForm(d) {
  const from = h('input', { id: 'dr-from', name: 'from_month', type: 'month', value: thisMonth(), testid: 'dues-red-from' });
  const to = h('input', { id: 'dr-to', name: 'to_month', type: 'month', value: `${thisYear()}-12`, testid: 'dues-red-to' });
  const amount = h('input', { id: 'dr-amount', name: 'monthly_fen', inputmode: 'decimal', value: '0', testid: 'dues-red-amount' });
  const reason = h('textarea', { id: 'dr-reason', name: 'reason', rows: 2, maxlength: 200, testid: 'dues-red-reason' });
  const studied = h('input', { id: 'dr-studied', name: 'branch_studied_on', type: 'date', testid: 'dues-red-studied' });
  const msg = h('div');
  const form = h('form', {
    class: 'dues-form', testid: 'dues-red-form', novalidate: true,
    onsubmit: (e) => {
      e.preventDefault();
      submitForm(form, msg, async () => {
        const fen = toFen(amount.value || '0');
        if (fen === null) { showFieldError(form, 'monthly_fen', '请填写减免后每月金额（元），免交填 0'); return; }
        await api.post('/api/v1/dues/reductions', {
          member_id: d.member.id, from_month: from.value, to_month: to.value, monthly_fen: fen,
          reason: reason.value.trim(), branch_studied_on: studied.value,
        });
        toast('减免申请已提交，待上级党组织审批');
        rerender();
      });
    },
  },
  h('div', { class: 'form-grid' }, fieldBox('from_month', '自', from), fieldBox('to_month', '至', to),
    fieldBox('monthly_fen', '减免后每月（元）', amount, { hint: '免交填 0' }), fieldBox('branch_studied_on', '支部研究日期', studied),
    fieldBox('reason', '困难情况', reason, { wide: true })), msg,
  h('div', { class: 'form-actions' }, h('button', { class: 'btn', type: 'submit', testid: 'dues-red-save' }, '提交减免申请')));
  const list = d.reductions && d.reductions.length ? h('ul', { class: 'dues-red-list' }, d.reductions.map((r) => h('li', { testid: 'dues-red-item', dataset: { status: r.status } },
    `${monthLabel(r.from_month)}–${monthLabel(r.to_month)} 每月 ${r.monthly_fen ? money(r.monthly_fen) : '免交'} `,
    statusBadge(r.status === 'approved' ? 'paid' : r.status === 'rejected' ? 'unpaid' : 'future', r.status_name),
    r.reason ? h('div', { class: 'muted small' }, r.reason) : null))) : null;
  return h('section', { class: 'card', testid: 'dues-red' }, h('h3', null, '困难党员减免或免交'), list,
    h('details', { class: 'dues-red-new' }, h('summary', { testid: 'dues-red-open' }, '申请减免（经支部研究、报上级党组织批准）'), form));
}

function paymentsCard(d) {
  const list = d.payments || [];
  const voidBtn = (p) => h('button', {
    class: 'btn btn-sm btn-ghost', type: 'button', testid: 'dues-void',
    onclick: async () => {
      const reason = window.prompt('作废原因（如：登记错误）');
      if (!reason || !reason.trim()) return;
      try {
        await api.post(`/api/v1/dues/payments/${p.id}/void`, { reason: reason.trim() });
        toast('已作废');
        rerender();
      } catch (e) {
        toast(e.message, 'error');
      }
    },
  }, '作废');
  return h('section', { class: 'card', testid: 'dues-payments' }, h('h3', null, '交纳记录'),
    list.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'grid' },
      h('thead', null, h('tr', null, ['交纳日期', '所属月份', '金额', '方式', '收据号', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, list.map((p) => h('tr', { testid: 'dues-payment-row' },
        h('td', null, p.paid_on),
        h('td', null, p.kind === 'one_off' ? h('span', { class: 'badge' }, '一次性') : p.first_month === p.last_month ? p.first_month : `${p.first_month} 至 ${p.last_month}`),
        h('td', { class: 'num' }, money(p.amount_fen)),
        h('td', null, p.method_name || methodName(p.method), p.proxy_name ? h('div', { class: 'muted small' }, `${p.proxy_name} 代缴`) : null),
        h('td', null, p.receipt_no || ''),
        h('td', null, voidBtn(p)))))))
      : h('p', { class: 'muted' }, '本年度没有交纳记录'));
}

async function renderMember(view, id, query) {
  const year = Number(query.get('year')) || thisYear();
  const box = h('div', null, loading());
  view.append(box);
  let d;
  try {
    d = await api.get(`/api/v1/members/${id}/dues${qs({ year })}`);
  } catch (e) {
    replace(box, errorBox(e));
    return;
  }
  const m = d.member;
  const go = (y) => navigate(`${BASE}/${id}${qs({ year: y })}`);
  replace(box,
    h('div', { class: 'page-head' },
      h('h2', { testid: 'dues-member-name' }, m.name, h('span', { class: 'muted small' }, ` ${m.org_name || ''}`)),
      h('div', { class: 'actions' }, h('a', { class: 'btn', href: `#/members/${m.id}` }, '党员信息'), h('a', { class: 'btn', href: '#/dues/sheet' }, '收缴表'))),
    h('section', { class: 'card dues-totals', testid: 'dues-member-head' },
      h('div', { class: 'dues-stat' }, h('span', { class: 'muted small' }, '现核定'),
        h('strong', { testid: 'dues-current' }, d.current ? `${d.current.kind_name} ${money(d.current.monthly_fen)}/月` : '未核定')),
      h('div', { class: 'dues-stat' }, h('span', { class: 'muted small' }, '交纳起始'), h('strong', null, monthLabel(m.dues_from) || '—')),
      h('div', { class: 'dues-stat' }, h('span', { class: 'muted small' }, '已交至'), h('strong', { testid: 'dues-paid-to' }, monthLabel(m.dues_paid_to) || '—')),
      h('div', { class: `dues-stat${d.arrears && d.arrears.months ? ' work-overdue' : ''}` }, h('span', { class: 'muted small' }, '欠缴'),
        h('strong', { testid: 'dues-member-arrears' }, d.arrears && d.arrears.months ? `${d.arrears.months} 个月 ${money(d.arrears.fen)}` : '无'))),
    h('section', { class: 'card', testid: 'dues-year' },
      h('div', { class: 'work-toolbar' },
        h('button', { class: 'btn btn-sm', type: 'button', 'aria-label': '上一年', onclick: () => go(year - 1) }, '‹'),
        h('strong', null, `${year} 年`),
        h('button', { class: 'btn btn-sm', type: 'button', 'aria-label': '下一年', onclick: () => go(year + 1) }, '›')),
      h('ol', { class: 'dues-months', testid: 'dues-months' }, (d.months || []).map((x) => h('li', {
        class: `dues-month dues-row-${x.status}`, testid: 'dues-month', dataset: { month: x.month, status: x.status },
      }, h('span', { class: 'dues-month-name' }, `${Number(x.month.slice(5, 7))}月`),
      h('span', { class: 'dues-month-fen' }, x.status === 'paid' ? money(x.paid_fen) : x.due_fen ? money(x.due_fen) : '—'),
      statusBadge(x.status))))),
    baseForm(d),
    paymentForm(d),
    paymentsCard(d),
    oneOffForm(d),
    reductionForm(d));
}

export async function render(view, sub, query) {
  const m = /^\/(\d+)$/.exec(sub || '');
  if (m) await renderMember(view, m[1], query);
  else await renderSearch(view, query);
}
