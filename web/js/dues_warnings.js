// 党费关怀 · 脱党预警 (#/dues/warnings): RULES.md §4 自行脱党 — members of the selected org's subtree with 6
// consecutive months without organizational life, without dues, or both, most severe first, with the counts per
// branch; a proper reason (正当理由) recorded until a month lists the member apart, and can be withdrawn.
import { api, qs } from './api.js';
import { h, replace, loading, toast } from './dom.js';
import { orgReady } from './layout.js';
import { rerender } from './router.js';
import { fieldBox } from './member_form.js';
import { submitForm, input } from './work_requests.js';
import { monthLabel, thisMonth, addMonths, errorBox } from './dues_common.js';

function reasonBadges(x) {
  return h('span', { class: 'lapse-reasons' },
    x.reasons.includes('no_life') ? h('span', { class: 'badge lapse-life', testid: 'lapse-reason', dataset: { reason: 'no_life' } }, `${x.life_months} 个月未参加组织生活`) : null,
    x.reasons.includes('no_dues') ? h('span', { class: 'badge lapse-dues', testid: 'lapse-reason', dataset: { reason: 'no_dues' } }, `${x.dues_months} 个月未交党费`) : null);
}

function detail(x) {
  return h('div', { class: 'muted small' },
    x.reasons.includes('no_life') ? `最近参加组织生活：${monthLabel(x.last_life_month) || '无记录'}（期间缺席 ${x.meetings_missed} 次）` : null,
    x.reasons.includes('no_life') && x.reasons.includes('no_dues') ? '；' : null,
    x.dues_from ? `党费交至：${monthLabel(x.dues_paid_to) || '从未交纳'}` : null);
}

function excuseForm(x, cell) {
  const msg = h('div', { 'aria-live': 'polite' });
  const reason = input('reason', { maxlength: 200, placeholder: '如 外出务工已书面请假、因病住院', testid: 'lapse-excuse-reason' });
  const until = input('until_month', { type: 'month', value: addMonths(thisMonth(), 3), min: thisMonth(), max: addMonths(thisMonth(), 24), testid: 'lapse-excuse-until' });
  const form = h('form', { class: 'form lapse-excuse-form', testid: 'lapse-excuse-form', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    const saved = await submitForm(form, msg, () => api.post('/api/v1/lapse-warnings/excuses', {
      member_id: x.member_id, reason: reason.value.trim(), until_month: until.value,
    }));
    if (saved) { toast('已登记正当理由'); rerender(); }
  } },
  h('div', { class: 'form-grid' }, fieldBox('reason', '正当理由', reason, { required: true, wide: true }),
    fieldBox('until_month', '有效至', until, { required: true })),
  msg, h('div', { class: 'form-actions' },
    h('button', { class: 'btn btn-primary', type: 'submit', testid: 'lapse-excuse-submit' }, '保存'),
    h('button', { class: 'btn', type: 'button', onclick: () => cell.replaceChildren() }, '取消')));
  return form;
}

function memberCard(x, excused) {
  const extra = h('div', { class: 'lapse-extra' });
  const actions = excused
    ? h('button', { class: 'btn btn-sm', type: 'button', testid: 'lapse-excuse-remove', onclick: async () => {
      if (!window.confirm(`撤销 ${x.name} 的正当理由？`)) return;
      try { await api.del(`/api/v1/lapse-warnings/excuses/${x.excuse.id}`); toast('已撤销'); rerender(); } catch (e) { replace(extra, errorBox(e)); }
    } }, '撤销理由')
    : h('button', { class: 'btn btn-sm', type: 'button', testid: 'lapse-excuse', onclick: () => replace(extra, excuseForm(x, extra)) }, '登记正当理由');
  return h('li', { class: `lapse-item${x.reasons.length > 1 ? ' lapse-both' : ''}`, testid: excused ? 'lapse-excused-row' : 'lapse-row', dataset: { member: String(x.member_id) } },
    h('div', { class: 'lapse-line' },
      h('div', null, h('a', { href: `#/dues/member/${x.member_id}`, class: 'lapse-name' }, x.name), h('span', { class: 'muted small' }, ` ${x.org_name}`),
        x.state === 'transferring' ? h('span', { class: 'badge' }, '转出中') : null),
      actions),
    reasonBadges(x), detail(x),
    excused ? h('div', { class: 'small lapse-excuse-text', testid: 'lapse-excuse-text' },
      `正当理由：${x.excuse.reason}（有效至 ${monthLabel(x.excuse.until_month)}${x.excuse.recorded_name ? `，${x.excuse.recorded_name} 登记` : ''}）`) : null,
    extra);
}

export async function render(view) {
  const org = await orgReady();
  const box = h('div', { 'aria-live': 'polite' }, loading());
  view.append(h('p', { class: 'muted small lapse-rule' },
    '依据党章：党员无正当理由，连续六个月不参加党的组织生活，或不交纳党费，或不做党所分配的工作，就被认为是自行脱党，由支部大会讨论除名。'), box);
  await show(box, org, 1);
}

// a province (more than compliance.list_max branches) answers one page: counts over all, pager below
function pager(r, onPage) {
  if (!r.page) return null;
  const pages = Math.max(1, Math.ceil(Math.max(r.total || 0, r.excused_total || 0) / (r.per_page || 50)));
  return h('div', { class: 'pager', testid: 'lapse-pager' }, h('span', null, `第 ${r.page} / ${pages} 页`),
    r.page > 1 && h('button', { class: 'btn btn-sm', type: 'button', onclick: () => onPage(r.page - 1) }, '上一页'),
    r.page < pages && h('button', { class: 'btn btn-sm', type: 'button', onclick: () => onPage(r.page + 1) }, '下一页'));
}

async function show(box, org, page) {
  try {
    const r = await api.get(`/api/v1/lapse-warnings${qs({ org_id: org ? org.id : '', page, per_page: 50 })}`);
    const excusedTotal = r.excused_total ?? r.excused.length;
    const br = r.branches.filter((b) => b.warnings || b.excused);
    replace(box,
      h('section', { class: 'card', testid: 'lapse-summary' },
        h('a', { class: 'btn btn-sm lapse-export', href: `/api/v1/lapse-warnings${qs({ org_id: org ? org.id : '', format: 'xlsx' })}`, download: '脱党预警.xlsx', testid: 'lapse-export' }, '导出 Excel'),
        h('p', null, `截至 ${r.today}，`, h('strong', { testid: 'lapse-total' }, String(r.total)), ' 名党员达到自行脱党预警条件',
          excusedTotal ? `，另有 ${excusedTotal} 名有正当理由` : '', '。',
          r.counts ? `其中未参加组织生活 ${r.counts.no_life} 名、未交党费 ${r.counts.no_dues} 名、两项均有 ${r.counts.both} 名；下表为本页党员所在的 ${br.length} 个党组织（共 ${r.branches_total} 个）。` : ''),
        br.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'grid care-table', testid: 'lapse-branches' },
          h('thead', null, h('tr', null, ['党组织', '预警', '未参加组织生活', '未交党费', '两项均有', '有正当理由'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', null, br.map((b) => h('tr', { testid: 'lapse-branch' }, h('td', null, b.name),
            h('td', { class: `num${b.warnings ? ' work-overdue' : ''}` }, String(b.warnings)), h('td', { class: 'num' }, String(b.no_life)),
            h('td', { class: 'num' }, String(b.no_dues)), h('td', { class: 'num' }, String(b.both)), h('td', { class: 'num' }, String(b.excused))))))) : null),
      r.items.length ? h('ul', { class: 'lapse-list', testid: 'lapse-list' }, r.items.map((x) => memberCard(x, false)))
        : h('p', { class: 'empty', testid: 'lapse-empty' }, '没有达到预警条件的党员'),
      r.excused.length ? [h('h3', null, '有正当理由的党员'),
        h('ul', { class: 'lapse-list lapse-excused', testid: 'lapse-excused' }, r.excused.map((x) => memberCard(x, true)))] : null,
      pager(r, (p) => show(box, org, p)));
  } catch (e) {
    replace(box, errorBox(e));
  }
}
