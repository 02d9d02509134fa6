// 党费关怀 · 关怀帮扶 (#/dues/care[/hardship|/festival|/totals][?year]): 老党员补贴 (the eligible list of the
// selected org's subtree with 一键发放), 困难党员 (the register, help records, closing an entry), 送温暖 (records and
// the form) and the yearly totals per kind and branch. Money is integer fen, shown as ¥12.34.
import { api, qs } from './api.js';
import { h, replace, loading, toast } from './dom.js';
import { orgReady } from './layout.js';
import { navigate, rerender } from './router.js';
import { fieldBox } from './member_form.js';
import { orgChoices, membersOf, submitForm, input, select, todayText } from './work_requests.js';
import { money, toFen, errorBox, thisYear } from './dues_common.js';

const BASE = '#/dues/care';
const ELDERLY_ROWS = 500;
const OCCASIONS = [['spring', '春节'], ['july1', '七一'], ['chongyang', '重阳'], ['mid_autumn', '中秋'], ['other', '其他']];
const HELP_KINDS = [['money', '资金帮扶'], ['goods', '物资帮扶'], ['service', '生活照料'], ['other', '其他']];
const SECTIONS = [['', '老党员补贴'], ['/hardship', '困难党员'], ['/festival', '送温暖'], ['/totals', '年度统计']];

const opt = ([k, v]) => h('option', { value: k }, v);

function sectionTabs(active, year) {
  return h('div', { class: 'work-toolbar care-sections', role: 'tablist', testid: 'care-sections' },
    SECTIONS.map(([key, name]) => h('a', {
      class: `btn btn-sm${active === key ? ' btn-primary' : ''}`, href: `${BASE}${key}${qs({ year })}`, role: 'tab',
      'aria-selected': active === key ? 'true' : 'false', testid: `care-section-${key.slice(1) || 'elderly'}`,
    }, name)));
}

function yearSelect(year, sub) {
  const opts = [];
  for (let y = thisYear(); y >= thisYear() - 5; y--) opts.push(h('option', { value: String(y) }, `${y}年`));
  return h('label', { class: 'care-year' }, '年度 ', h('select', {
    'aria-label': '年度', testid: 'care-year', value: String(year), onchange: (e) => navigate(`${BASE}${sub}${qs({ year: e.target.value })}`),
  }, opts));
}

function stat(label, value, testid) {
  return h('div', { class: 'dues-stat' }, h('span', { class: 'muted small' }, label), h('strong', { testid }, value));
}

// ---- 老党员补贴 --------------------------------------------------------------------------------

// after: the member a page starts after (a city or the province answers one page of ELDERLY_ROWS, r.paged)
async function renderElderly(box, org, year, after) {
  const r = await api.get(`/api/v1/care/elderly${qs({ org_id: org ? org.id : '', year, per_page: ELDERLY_ROWS, after: after || '' })}`);
  const t = r.totals;
  // a county has thousands: those still waiting first, the list capped; a larger subtree's page stays in tree order
  const shown = r.paged ? r.items
    : r.items.filter((x) => !x.given).concat(r.items.filter((x) => x.given)).slice(0, ELDERLY_ROWS);
  const msg = h('div', { 'aria-live': 'polite' });
  const issueBtn = h('button', {
    class: 'btn btn-primary', type: 'button', testid: 'care-issue', disabled: !t.not_given,
    onclick: async () => {
      if (!window.confirm(`向 ${r.org.name || '本组织'} ${t.not_given} 名未发放的老党员发放 ${year} 年生活补贴，共 ${money(t.due_fen)}？`)) return;
      issueBtn.disabled = true;
      try {
        const out = await api.post('/api/v1/care/elderly/issue', { org_id: r.org.id || (org && org.id), year });
        toast(`已发放 ${out.issued} 人，共 ${money(out.amount_fen)}`);
        rerender();
      } catch (e) {
        replace(msg, errorBox(e));
        issueBtn.disabled = false;
      }
    },
  }, '一键发放');
  replace(box,
    h('section', { class: 'card care-summary', testid: 'care-elderly-summary' },
      h('h3', null, `${year} 年老党员生活补贴`),
      h('p', { class: 'muted small' }, '标准：', r.bands.map((b) => `${b.age} 岁以上每年 ${money(b.fen)}`).join('；'), '（按当年年龄，取最高档）'),
      h('div', { class: 'dues-totals' },
        stat('符合条件', `${t.eligible} 人`, 'care-eligible'), stat('已发放', `${t.given} 人`, 'care-given'),
        stat('未发放', `${t.not_given} 人`, 'care-not-given'), stat('已发金额', money(t.given_fen), 'care-given-fen'),
        stat('待发金额', money(t.due_fen), 'care-due-fen')),
      h('div', { class: 'form-actions' }, issueBtn), msg),
    shown.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'grid care-table', testid: 'care-elderly-table' },
      h('thead', null, h('tr', null, ['姓名', '所在组织', '年龄', '档次', '金额', '状态'].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', null, shown.map((x) => h('tr', { testid: 'care-elderly-row', dataset: { given: String(x.given) } },
        h('td', null, x.name), h('td', null, x.org_name), h('td', { class: 'num' }, `${x.age} 岁`),
        h('td', null, `${x.band_age} 岁档`), h('td', { class: 'num' }, money(x.amount_fen)),
        h('td', null, x.given ? h('span', { class: 'badge care-given' }, `已发 ${x.given_on || ''}`)
          : h('span', { class: 'badge care-pending' }, '未发放')))))))
      : h('p', { class: 'empty', testid: 'care-elderly-empty' }, '没有符合条件的老党员'),
    r.paged ? elderlyPager(box, org, year, r, after)
      : r.items.length > shown.length ? h('p', { class: 'muted small' }, `共 ${r.items.length} 人，先列未发放的，显示前 ${shown.length} 人`) : null);
}

// the paging line of a large subtree: its total, the first page and the next
function elderlyPager(box, org, year, r, after) {
  const go = (a) => renderElderly(box, org, year, a).catch((e) => toast(e.message || String(e), 'error'));
  return h('p', { class: 'muted small care-pager', testid: 'care-elderly-pager' },
    `共 ${r.totals.eligible} 人，按组织顺序每页 ${r.per_page} 人 `,
    after ? h('button', { class: 'btn btn-sm', type: 'button', testid: 'care-elderly-first', onclick: () => go(null) }, '第一页') : null,
    r.next ? h('button', { class: 'btn btn-sm', type: 'button', testid: 'care-elderly-next', onclick: () => go(r.next) }, '下一页') : null);
}

// ---- the record form (送温暖, 帮扶) ----------------------------------------------------------------

// org → member pickers; fixedMember: {id, name} when the member is already chosen
async function recordForm(org, kind, onSaved, fixedMember, hardshipId) {
  const msg = h('div', { 'aria-live': 'polite' });
  const orgs = fixedMember ? [] : await orgChoices(org);
  const orgSel = fixedMember ? null : select('org_id', orgs.map((o) => h('option', { value: String(o.id) }, o.name)), { testid: 'care-f-org' });
  const memberSel = fixedMember ? null : select('member_id', [], { testid: 'care-f-member' });
  const fill = async () => {
    const ms = await membersOf(Number(orgSel.value));
    replace(memberSel, ms.map((m) => h('option', { value: String(m.id) }, m.name)));
  };
  if (orgSel) { orgSel.addEventListener('change', fill); await fill(); }
  const occ = select('occasion', (kind === 'festival' ? OCCASIONS : HELP_KINDS).map(opt), { testid: 'care-f-occasion' });
  const givenOn = input('given_on', { type: 'date', value: todayText(), max: todayText(), testid: 'care-f-given-on' });
  const amount = input('amount_fen', { inputmode: 'decimal', placeholder: '元，如 200', testid: 'care-f-amount' });
  const goods = input('goods', { placeholder: '如 米、油', maxlength: 200, testid: 'care-f-goods' });
  const giver = input('giver', { placeholder: '慰问人', maxlength: 60, testid: 'care-f-giver' });
  const note = input('note', { maxlength: 200 });
  const tid = kind === 'festival' ? 'care-festival' : 'care-help';
  const form = h('form', { class: 'form care-form', testid: `${tid}-form`, novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    const body = { kind, occasion: occ.value, given_on: givenOn.value, goods: goods.value.trim() || undefined, giver: giver.value.trim() || undefined, note: note.value.trim() || undefined };
    body.member_id = fixedMember ? fixedMember.id : Number(memberSel.value) || undefined;
    if (hardshipId) body.hardship_id = hardshipId;
    if (amount.value.trim()) {
      const fen = toFen(amount.value.trim());
      if (fen === null || fen === undefined || Number.isNaN(fen)) { replace(msg, errorBox({ message: '金额格式不正确' })); return; }
      body.amount_fen = fen;
    }
    const saved = await submitForm(form, msg, () => api.post('/api/v1/care/records', body));
    if (saved) { toast('已登记'); onSaved(saved); }
  } },
  h('div', { class: 'form-grid' },
    fixedMember ? h('p', null, '党员：', h('strong', null, fixedMember.name)) : [fieldBox('org_id', '所在支部', orgSel), fieldBox('member_id', '党员', memberSel, { required: true })],
    fieldBox('occasion', kind === 'festival' ? '节日' : '帮扶方式', occ, { required: kind === 'festival' }),
    fieldBox('given_on', '日期', givenOn, { required: true }),
    fieldBox('amount_fen', '金额（元）', amount),
    fieldBox('goods', '物品', goods),
    fieldBox('giver', '慰问人', giver),
    fieldBox('note', '备注', note, { wide: true })),
  msg, h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: `${tid}-submit` }, '保存')));
  return form;
}

function recordsTable(items, testid) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'grid care-table', testid },
    h('thead', null, h('tr', null, ['日期', '党员', '所在组织', '节日/方式', '金额', '物品', '慰问人'].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', null, items.map((x) => h('tr', { testid: 'care-record-row' },
      h('td', null, x.given_on), h('td', null, x.member_name), h('td', null, x.org_name), h('td', null, x.occasion_name || ''),
      h('td', { class: 'num' }, x.amount_fen ? money(x.amount_fen) : ''), h('td', null, x.goods || ''), h('td', null, x.giver || ''))))));
}

// ---- 送温暖 ------------------------------------------------------------------------------------

async function renderFestival(box, org, year) {
  const r = await api.get(`/api/v1/care/records${qs({ org_id: org ? org.id : '', year, kind: 'festival', per_page: 200 })}`);
  const formBox = h('div');
  const addBtn = h('button', { class: 'btn btn-primary', type: 'button', testid: 'care-festival-new', onclick: async () => {
    addBtn.hidden = true;
    replace(formBox, h('section', { class: 'card' }, h('h3', null, '登记送温暖'), await recordForm(org, 'festival', () => rerender())));
  } }, '+ 登记送温暖');
  const sum = (r.items || []).reduce((a, x) => a + x.amount_fen, 0);
  replace(box, h('div', { class: 'work-toolbar' }, addBtn,
    h('a', { class: 'btn', href: `/api/v1/care/records${qs({ org_id: org ? org.id : '', year, kind: 'festival', format: 'xlsx' })}`, download: '送温暖.xlsx' }, '导出 Excel')),
  formBox,
  h('p', { class: 'muted', testid: 'care-festival-total' }, `${year} 年送温暖 ${r.total} 人次，慰问金 ${money(sum)}`),
  r.items.length ? recordsTable(r.items, 'care-festival-table') : h('p', { class: 'empty' }, '本年度还没有送温暖记录'));
}

// ---- 困难党员 ------------------------------------------------------------------------------------

async function registerForm(org, onSaved) {
  const msg = h('div', { 'aria-live': 'polite' });
  const orgs = await orgChoices(org);
  const orgSel = select('org_id', orgs.map((o) => h('option', { value: String(o.id) }, o.name)), { testid: 'care-h-org' });
  const memberSel = select('member_id', [], { testid: 'care-h-member' });
  const fill = async () => replace(memberSel, (await membersOf(Number(orgSel.value))).map((m) => h('option', { value: String(m.id) }, m.name)));
  orgSel.addEventListener('change', fill);
  await fill();
  const reason = input('reason', { maxlength: 200, placeholder: '如 因病致困', testid: 'care-h-reason' });
  const since = input('since', { type: 'date', value: todayText(), max: todayText() });
  const until = input('until', { type: 'date' });
  const form = h('form', { class: 'form care-form', testid: 'care-hardship-form', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    const saved = await submitForm(form, msg, () => api.post('/api/v1/care/hardships', {
      member_id: Number(memberSel.value) || undefined, reason: reason.value.trim(), since: since.value, until: until.value || undefined,
    }));
    if (saved) { toast('已登记为困难党员'); onSaved(saved); }
  } },
  h('div', { class: 'form-grid' }, fieldBox('org_id', '所在支部', orgSel), fieldBox('member_id', '党员', memberSel, { required: true }),
    fieldBox('reason', '困难情况', reason, { required: true, wide: true }), fieldBox('since', '起始日期', since, { required: true }),
    fieldBox('until', '预计结束', until)),
  msg, h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'care-hardship-submit' }, '登记')));
  return form;
}

async function renderHardship(box, org, year, status) {
  const r = await api.get(`/api/v1/care/hardships${qs({ org_id: org ? org.id : '', status, per_page: 200 })}`);
  const formBox = h('div');
  const addBtn = h('button', { class: 'btn btn-primary', type: 'button', testid: 'care-hardship-new', onclick: async () => {
    addBtn.hidden = true;
    replace(formBox, h('section', { class: 'card' }, h('h3', null, '登记困难党员'), await registerForm(org, () => rerender())));
  } }, '+ 登记困难党员');
  const rows = (r.items || []).map((x) => {
    const extra = h('td', { colspan: '6', class: 'care-extra' });
    const extraRow = h('tr', { hidden: true }, extra);
    const help = async () => {
      extraRow.hidden = false;
      replace(extra, await recordForm(org, 'hardship', () => rerender(), { id: x.member_id, name: x.member_name }, x.id));
    };
    const close = async () => {
      if (!window.confirm(`结束 ${x.member_name} 的困难党员登记？`)) return;
      try {
        await api.post(`/api/v1/care/hardships/${x.id}/close`, { version: x.version });
        toast('已结束');
        rerender();
      } catch (e) {
        extraRow.hidden = false;
        replace(extra, errorBox(e));
      }
    };
    return [h('tr', { testid: 'care-hardship-row', dataset: { status: x.status } },
      h('td', null, x.member_name, h('div', { class: 'muted small' }, x.org_name)),
      h('td', null, x.reason), h('td', null, `${x.since}${x.closed_on ? ` 至 ${x.closed_on}` : x.until ? ` 至 ${x.until}（预计）` : ' 起'}`),
      h('td', { class: 'num' }, `${x.help_count} 次`, h('div', { class: 'muted small' }, money(x.help_fen))),
      h('td', null, h('span', { class: `badge ${x.status === 'open' ? 'care-pending' : 'care-given'}` }, x.status === 'open' ? '帮扶中' : '已结束')),
      h('td', { class: 'care-actions' }, x.status === 'open' ? [
        h('button', { class: 'btn btn-sm', type: 'button', testid: 'care-help', onclick: help }, '记录帮扶'),
        h('button', { class: 'btn btn-sm', type: 'button', testid: 'care-close', onclick: close }, '结束')] : null)), extraRow];
  });
  const help = await api.get(`/api/v1/care/records${qs({ org_id: org ? org.id : '', year, kind: 'hardship', per_page: 100 })}`);
  replace(box, h('div', { class: 'work-toolbar' }, addBtn,
    h('select', { 'aria-label': '状态', testid: 'care-hardship-status', value: status, onchange: (e) => navigate(`${BASE}/hardship${qs({ year, status: e.target.value })}`) },
      h('option', { value: 'open' }, '帮扶中'), h('option', { value: 'closed' }, '已结束'), h('option', { value: 'all' }, '全部'))),
  formBox,
  rows.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'grid care-table', testid: 'care-hardship-table' },
    h('thead', null, h('tr', null, ['党员', '困难情况', '时间', '帮扶', '状态', ''].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', null, rows))) : h('p', { class: 'empty', testid: 'care-hardship-empty' }, '没有困难党员登记'),
  h('h3', null, `${year} 年帮扶记录`),
  help.items.length ? recordsTable(help.items, 'care-help-table') : h('p', { class: 'empty' }, '本年度还没有帮扶记录'));
}

// ---- 年度统计 ------------------------------------------------------------------------------------

async function renderTotals(box, org, year) {
  const [span, one] = await Promise.all([
    api.get(`/api/v1/care/totals${qs({ org_id: org ? org.id : '', from: year - 2, to: year })}`),
    api.get(`/api/v1/care/totals${qs({ org_id: org ? org.id : '', year })}`),
  ]);
  const cell = (c) => h('td', { class: 'num' }, c.records ? [money(c.amount_fen), h('div', { class: 'muted small' }, `${c.records} 人次`)] : '—');
  replace(box,
    h('section', { class: 'card', testid: 'care-totals' }, h('h3', null, `${year} 年关怀帮扶合计`),
      h('div', { class: 'dues-totals' },
        stat('老党员补贴', money(one.kinds.elderly.amount_fen), 'care-total-elderly'),
        stat('困难帮扶', money(one.kinds.hardship.amount_fen), 'care-total-hardship'),
        stat('送温暖', money(one.kinds.festival.amount_fen), 'care-total-festival'),
        stat('合计', money(one.total.amount_fen), 'care-total-all'),
        stat('帮扶中的困难党员', `${one.hardships_open} 人`, 'care-total-open'))),
    h('h3', null, '近三年'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'grid care-table', testid: 'care-totals-years' },
      h('thead', null, h('tr', null, ['年度', '老党员补贴', '困难帮扶', '送温暖', '合计'].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', null, span.years.slice().reverse().map((y) => h('tr', null, h('th', { scope: 'row' }, `${y.year}年`),
        cell(y.elderly), cell(y.hardship), cell(y.festival), cell(y)))))),
    h('h3', null, `${year} 年按支部`),
    one.branches.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'grid care-table', testid: 'care-totals-branches' },
      h('thead', null, h('tr', null, ['党组织', '老党员补贴', '困难帮扶', '送温暖', '合计'].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', null, one.branches.map((b) => h('tr', { testid: 'care-totals-branch' }, h('td', null, b.name),
        cell(b.elderly), cell(b.hardship), cell(b.festival), cell(b))))))
      : h('p', { class: 'empty' }, '本年度还没有记录'));
}

export async function render(view, sub, query) {
  const org = await orgReady();
  const year = Number(query.get('year')) || thisYear();
  const key = SECTIONS.some(([k]) => k === sub) ? sub : '';
  const box = h('div', { class: 'care-body', 'aria-live': 'polite' }, loading());
  view.append(h('div', { class: 'care-head' }, sectionTabs(key, year), yearSelect(year, key)), box);
  try {
    if (key === '/hardship') await renderHardship(box, org, year, query.get('status') || 'open');
    else if (key === '/festival') await renderFestival(box, org, year);
    else if (key === '/totals') await renderTotals(box, org, year);
    else await renderElderly(box, org, year);
  } catch (e) {
    replace(box, errorBox(e));
  }
}
