// 党员名册: member table for the selected org subtree with search, filters, sort and paging.
import { api, qs } from './api.js';
import { h, replace, notice, loading, fmtDate } from './dom.js';
import { loadCodes, codeName, codeOptions } from './codes.js';
import { AGE_BANDS } from './labels.js';
import { orgReady } from './layout.js';
import { isManager } from './session.js';

const PER_PAGE = 50;
// Filters survive moving between the list and a member's page.
const filters = { orgId: null, q: '', category: '', party_status: '', education: '', age: '', sort: '', page: 1 };

const COLUMNS = [
  { key: 'name', title: '姓名', sort: 'name' },
  { key: 'gender', title: '性别' },
  { key: 'id_number', title: '身份证号' },
  { key: 'ethnicity', title: '民族' },
  { key: 'education', title: '学历' },
  { key: 'category', title: '人员类别' },
  { key: 'join_date', title: '入党日期', sort: 'join_date' },
  { key: 'birth_date', title: '出生日期', sort: 'birth_date' },
  { key: 'org_name', title: '所在支部' },
  { key: 'phone', title: '联系电话' },
  { key: 'state', title: '状态' },
];

export function listParams(org) {
  const band = AGE_BANDS.find((b) => b.key === filters.age) || {};
  return {
    org: org ? org.id : '',
    q: filters.q.trim(),
    category: filters.category,
    party_status: filters.party_status,
    education: filters.education,
    age_min: band.min,
    age_max: band.max,
    sort: filters.sort,
  };
}

export async function renderMembers(view) {
  view.append(loading());
  const [org] = await Promise.all([orgReady(), loadCodes()]);
  view.replaceChildren();
  if (org && filters.orgId !== org.id) { filters.orgId = org.id; filters.page = 1; }

  const search = h('input', {
    type: 'search', value: filters.q, placeholder: '姓名、身份证后四位或手机后四位', testid: 'member-search',
    'aria-label': '搜索党员', class: 'search-input',
  });
  const sel = (key, table, empty, testid) => h('select', {
    'aria-label': empty, testid, value: filters[key],
    onchange: (e) => { filters[key] = e.target.value; filters.page = 1; load(); },
  }, codeOptions(table, filters[key], empty));
  const ageSel = h('select', {
    'aria-label': '年龄段', testid: 'filter-age', value: filters.age,
    onchange: (e) => { filters.age = e.target.value; filters.page = 1; load(); },
  }, AGE_BANDS.map((b) => h('option', { value: b.key }, b.name)));

  const exportXlsx = h('a', { class: 'btn', testid: 'export-xlsx', download: '党员名册.xlsx' }, '导出 Excel');
  const exportCsv = h('a', { class: 'btn', testid: 'export-csv', download: '党员名册.csv' }, '导出 CSV');

  const toolbar = h('div', { class: 'toolbar' },
    h('form', {
      class: 'search-form', role: 'search',
      onsubmit: (e) => { e.preventDefault(); filters.q = search.value; filters.page = 1; load(); },
    }, search, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'member-search-btn' }, '搜索')),
    h('div', { class: 'filters' },
      sel('category', 'category', '全部人员类别', 'filter-category'),
      sel('party_status', 'party_status', '全部党籍状态', 'filter-party-status'),
      sel('education', 'education', '全部学历', 'filter-education'),
      ageSel));

  const actions = h('div', { class: 'actions' },
    isManager() && h('a', { class: 'btn btn-primary', href: '#/members/new', testid: 'member-add' }, '新增党员'),
    isManager() && h('a', { class: 'btn', href: '#/import', testid: 'member-import' }, '导入'),
    exportXlsx, exportCsv);

  const tableBox = h('div', { class: 'table-wrap' });
  const pager = h('div', { class: 'pager', testid: 'pager' });
  const msg = h('div', { 'aria-live': 'polite' });

  view.append(
    h('div', { class: 'page-head' },
      h('h2', null, '党员名册', org ? h('small', { testid: 'list-org-name' }, ` · ${org.name}`) : null),
      actions),
    toolbar, msg, tableBox, pager);

  let seq = 0;
  async function load() {
    const my = ++seq;
    const params = listParams(org);
    const exportQs = (format) => `/api/v1/members/export${qs({ format, ...params })}`;
    exportXlsx.href = exportQs('xlsx');
    exportCsv.href = exportQs('csv');
    msg.replaceChildren();
    tableBox.classList.add('busy');
    try {
      const r = await api.get(`/api/v1/members${qs({ ...params, page: filters.page, per_page: PER_PAGE })}`);
      if (my !== seq) return;
      renderTable(r.items || []);
      renderPager(r.total || 0);
    } catch (e) {
      if (my !== seq) return;
      msg.append(notice(e.message, 'error', 'list-error'));
    } finally {
      tableBox.classList.remove('busy');
    }
  }

  function sortHeader(col) {
    if (!col.sort) return h('th', { scope: 'col' }, col.title);
    const cur = filters.sort;
    const dir = cur === col.sort ? 'ascending' : cur === `-${col.sort}` ? 'descending' : 'none';
    const arrow = dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : '';
    return h('th', { scope: 'col', 'aria-sort': dir },
      h('button', {
        type: 'button', class: 'th-sort', testid: `sort-${col.sort}`,
        onclick: () => {
          filters.sort = cur === col.sort ? `-${col.sort}` : col.sort;
          filters.page = 1;
          load();
        },
      }, col.title, arrow));
  }

  function cell(m, key) {
    switch (key) {
      case 'name': return h('a', { href: `#/members/${m.id}`, testid: 'member-link' }, m.name);
      case 'gender': return codeName('gender', m.gender);
      case 'ethnicity': return codeName('ethnicity', m.ethnicity);
      case 'education': return codeName('education', m.education);
      case 'category': return codeName('category', m.category) || (m.category === 'probationary' ? '预备党员' : '正式党员');
      case 'join_date': case 'birth_date': return fmtDate(m[key]);
      case 'state': return stateBadges(m);
      default: return m[key] ?? '';
    }
  }

  function renderTable(items) {
    if (!items.length) {
      replace(tableBox, h('p', { class: 'empty', testid: 'member-empty' }, '没有符合条件的党员'));
      return;
    }
    replace(tableBox, h('table', { class: 'grid', testid: 'member-table' },
      h('thead', null, h('tr', null, COLUMNS.map(sortHeader))),
      h('tbody', null, items.map((m) => h('tr', { testid: 'member-row', dataset: { id: m.id } },
        COLUMNS.map((c) => h('td', { class: `col-${c.key}` }, cell(m, c.key))))))));
  }

  function renderPager(total) {
    const pages = Math.max(1, Math.ceil(total / PER_PAGE));
    replace(pager,
      h('span', { testid: 'member-total' }, `共 ${total} 人`),
      h('button', {
        class: 'btn', type: 'button', disabled: filters.page <= 1, testid: 'page-prev',
        onclick: () => { filters.page -= 1; load(); },
      }, '上一页'),
      h('span', null, `第 ${filters.page} / ${pages} 页`),
      h('button', {
        class: 'btn', type: 'button', disabled: filters.page >= pages, testid: 'page-next',
        onclick: () => { filters.page += 1; load(); },
      }, '下一页'));
  }

  await load();
}

export function stateBadges(m) {
  const st = m.state || 'active';
  const out = [h('span', { class: `badge state-${st}` }, codeName('state', st))];
  if (m.party_status === 'suspended') out.push(h('span', { class: 'badge badge-warn' }, codeName('party_status', 'suspended') || '停止党籍'));
  if (m.lost_contact) out.push(h('span', { class: 'badge badge-warn' }, '失联'));
  if (m.floating) out.push(h('span', { class: 'badge' }, '流动'));
  return out;
}
