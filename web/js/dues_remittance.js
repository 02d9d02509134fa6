// 党费关怀 · 上缴汇总 (#/dues/remittance?year=&month=): the selected org's dues of a year (or one month) rolled up
// one level — a row per direct child org (and the org's own members), 应交 / 实交 / 一次性 / 上缴合计 / 欠交 —
// and the table as Excel.
import { api, qs } from './api.js';
import { h, replace, loading } from './dom.js';
import { orgReady } from './layout.js';
import { navigate } from './router.js';
import { money, thisYear, errorBox } from './dues_common.js';

const BASE = '#/dues/remittance';

export async function render(view, sub, query) {
  const org = await orgReady();
  const year = Number(query.get('year')) || thisYear();
  const mon = Number(query.get('m')) || 0;
  const go = (over) => navigate(`${BASE}${qs({ year, m: mon || '', ...over })}`);
  const params = { org_id: org ? org.id : '', year, month: mon ? `${year}-${String(mon).padStart(2, '0')}` : '' };
  const years = [];
  for (let y = thisYear() + 1; y >= thisYear() - 5; y--) years.push(h('option', { value: String(y) }, `${y}年`));
  const months = [h('option', { value: '' }, '全年')];
  for (let k = 1; k <= 12; k++) months.push(h('option', { value: String(k) }, `${k}月`));
  const box = h('div', null, loading());
  view.append(h('div', { class: 'work-toolbar' },
    h('select', { 'aria-label': '年度', value: String(year), testid: 'dues-remit-year', onchange: (e) => go({ year: e.target.value }) }, years),
    h('select', { 'aria-label': '月份', value: mon ? String(mon) : '', testid: 'dues-remit-month', onchange: (e) => go({ m: e.target.value }) }, months),
    h('a', { class: 'btn', href: `/api/v1/dues/remittance${qs({ ...params, format: 'xlsx' })}`, download: `党费上缴汇总-${year}.xlsx`, testid: 'dues-remit-export' }, '导出 Excel')), box);
  try {
    const r = await api.get(`/api/v1/dues/remittance${qs(params)}`);
    const row = (x, name, testid) => h('tr', { testid },
      h('th', { scope: 'row' }, name),
      h('td', { class: 'num' }, String(x.members)), h('td', { class: 'num' }, money(x.due_fen)),
      h('td', { class: 'num' }, money(x.collected_fen)), h('td', { class: 'num' }, money(x.one_off_fen)),
      h('td', { class: 'num' }, h('strong', null, money(x.remit_fen))),
      h('td', { class: `num${x.arrears_fen ? ' work-overdue' : ''}` }, money(x.arrears_fen)));
    replace(box,
      h('h2', { class: 'dues-sheet-title' }, `${r.org.name} · ${r.month ? `${year}年${mon}月` : `${year}年`} 党费上缴汇总`),
      h('div', { class: 'table-wrap' }, h('table', { class: 'grid dues-remit-table', testid: 'dues-remit-table' },
        h('thead', null, h('tr', null, ['党组织', '党员', '应交', '实交', '一次性交纳', '上缴合计', '欠交'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, r.rows.map((x) => row(x, x.self ? `${x.name}（直属党员）` : x.name, 'dues-remit-row'))),
        h('tfoot', null, row(r.totals, '合计', 'dues-remit-total')))),
      h('p', { class: 'muted small' }, '实交按所属月份计；一次性交纳按交纳日期计，另行登记、全额上缴；欠交为已过月份未交的应交金额。'));
  } catch (e) {
    replace(box, errorBox(e));
  }
}
