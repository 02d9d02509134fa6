// 党费关怀 · 欠缴 (#/dues/arrears?min=): members of the selected org's subtree behind with their dues (months
// and amount, as of today) and the totals per branch.
import { api, qs } from './api.js';
import { h, replace, loading } from './dom.js';
import { orgReady } from './layout.js';
import { navigate } from './router.js';
import { money, monthLabel, errorBox } from './dues_common.js';

const BASE = '#/dues/arrears';

export async function render(view, sub, query) {
  const org = await orgReady();
  const min = Number(query.get('min')) || 1;
  const box = h('div', null, loading());
  view.append(h('div', { class: 'work-toolbar' },
    h('label', null, '欠缴 ', h('select', { 'aria-label': '欠缴月数', value: String(min), testid: 'dues-arrears-min', onchange: (e) => navigate(`${BASE}${qs({ min: e.target.value })}`) },
      [1, 3, 6, 12].map((n) => h('option', { value: String(n) }, `${n} 个月及以上`))))), box);
  try {
    const r = await api.get(`/api/v1/dues/arrears${qs({ org_id: org ? org.id : '', min_months: min, per_page: 200 })}`);
    const items = r.items || [];
    const branches = r.branches || [];
    replace(box,
      branches.length ? h('section', { class: 'card', testid: 'dues-arrears-branches' }, h('h3', null, r.rollup === 'children' ? '按下级组织' : '按支部'),
        h('div', { class: 'table-wrap' }, h('table', { class: 'grid' },
          h('thead', null, h('tr', null, ['党组织', '欠缴人数', '欠缴月数', '欠缴金额'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', null, branches.map((b) => h('tr', { testid: 'dues-arrears-branch' }, h('td', null, b.self ? `${b.name}（本级）` : b.name),
            h('td', { class: 'num' }, String(b.members)), h('td', { class: 'num' }, String(b.months)), h('td', { class: 'num' }, money(b.fen)))))))) : null,
      items.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'grid', testid: 'dues-arrears-table' },
        h('thead', null, h('tr', null, ['姓名', '所在组织', '已交至', '欠缴月数', '欠缴金额'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, items.map((x) => h('tr', { testid: 'dues-arrears-row', class: x.months >= 6 ? 'dues-arrears-long' : '' },
          h('td', null, h('a', { href: `#/dues/member/${x.member_id}` }, x.name)),
          h('td', null, x.org_name || ''),
          h('td', null, monthLabel(x.dues_paid_to) || '从未交纳'),
          h('td', { class: `num${x.months >= 6 ? ' work-overdue' : ''}` }, String(x.months)),
          h('td', { class: 'num' }, money(x.fen)))))),
        r.total > items.length ? h('p', { class: 'muted small' }, `共 ${r.total} 人，显示前 ${items.length} 人`) : null)
        : h('p', { class: 'empty', testid: 'dues-arrears-empty' }, '没有欠缴党费的党员'));
  } catch (e) {
    replace(box, errorBox(e));
  }
}
