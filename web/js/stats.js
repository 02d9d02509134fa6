// 党内统计: the statistics tables of the selected organization for a year, each with a bar
// chart, every figure a link to the members (or organizations) behind it, and the xlsx export.
// #/stats?year=Y — the tables; #/stats/list?year=Y&dim=D&value=V — the list behind one figure.
import { api, qs } from './api.js';
import { h, replace, notice, loading } from './dom.js';
import { orgReady } from './layout.js';
import { navigate } from './router.js';

const PER_PAGE = 50;
const SVG = 'http://www.w3.org/2000/svg';
const state = { year: '' };

function thisYear() { return new Date().getFullYear(); }

function svg(tag, attrs, ...kids) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  for (const k of kids) if (k) el.append(k);
  return el;
}

function yearSelect(value, onchange) {
  const y = thisYear();
  const opts = [];
  for (let i = y; i >= y - 9; i--) opts.push(h('option', { value: String(i) }, `${i}年`));
  return h('select', { 'aria-label': '统计年度', testid: 'stats-year', value: String(value), onchange }, opts);
}

function drillHref(year, t, row) {
  return `#/stats/list${qs({ year, dim: t.key, value: row.value })}`;
}

const pct = (n, total) => (total > 0 ? `${((100 * n) / total).toFixed(1)}%` : '');

// Horizontal bars, one per row, scaled to the largest; each bar links to its list.
function barChart(year, t) {
  const rows = t.rows;
  const max = Math.max(1, ...rows.map((r) => r.count));
  const rowH = 22;
  const labelW = 150;
  const width = 360;
  const barW = width - labelW - 48;
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${rows.length * rowH + 4}`, class: 'stats-chart', role: 'img',
    'aria-label': `${t.title}图表`, 'data-testid': `stats-chart-${t.key}`,
  });
  rows.forEach((r, i) => {
    const y = i * rowH + 2;
    const w = r.count > 0 ? Math.max(2, Math.round((barW * r.count) / max)) : 0;
    const a = svg('a', { href: drillHref(year, t, r) },
      svg('title', {}, `${r.label}：${r.count}`),
      svg('text', { x: labelW - 6, y: y + 15, 'text-anchor': 'end', class: 'stats-chart-label' },
        r.label.length > 12 ? `${r.label.slice(0, 11)}…` : r.label),
      svg('rect', { x: labelW, y: y + 3, width: w, height: rowH - 8, rx: 2, class: 'stats-bar' }),
      svg('text', { x: labelW + w + 4, y: y + 15, class: 'stats-chart-value' }, String(r.count)));
    chart.append(a);
  });
  return chart;
}

function tableCard(year, t) {
  const orgs = t.kind === 'orgs';
  const unit = orgs ? '个' : '人';
  const base = typeof t.total === 'number' ? t.total : null;
  const head = h('div', { class: 'stats-card-head' },
    h('h3', null, t.title),
    base !== null ? h('span', { class: 'muted' }, `${t.exclusive ? '合计' : '基数'} ${base} ${unit}`) : null);
  const rows = t.rows.length ? t.rows : [];
  const table = h('table', { class: 'grid stats-table', testid: `stats-table-${t.key}` },
    h('thead', null, h('tr', null, h('th', null, '项目'), h('th', { class: 'num' }, orgs ? '个数' : '人数'),
      base !== null ? h('th', { class: 'num' }, '占比') : null)),
    h('tbody', null, rows.map((r) => h('tr', null,
      h('td', null, r.label),
      h('td', { class: 'num' }, h('a', {
        href: drillHref(year, t, r), testid: 'stats-figure', dataset: { dim: t.key, value: r.value, count: r.count },
        'aria-label': `${t.title} ${r.label} ${r.count}${unit}，查看名单`,
      }, String(r.count))),
      base !== null ? h('td', { class: 'num muted' }, pct(r.count, base)) : null))));
  return h('section', { class: 'card stats-card', testid: `stats-card-${t.key}` }, head,
    rows.length ? [barChart(year, t), h('div', { class: 'table-wrap' }, table)] : h('p', { class: 'empty' }, '无'));
}

async function renderTables(view, query) {
  view.append(loading());
  const org = await orgReady();
  view.replaceChildren();
  const year = Number(query.get('year') || state.year || thisYear());
  state.year = String(year);
  const go = (y) => navigate(`#/stats${qs({ year: y })}`);
  const params = { org_id: org ? org.id : '', year };
  const msg = h('div', { 'aria-live': 'polite' });
  const summary = h('div', { class: 'stats-summary', testid: 'stats-summary' });
  const grid = h('div', { class: 'stats-grid', testid: 'stats-grid' });
  view.append(
    h('div', { class: 'page-head' },
      h('h2', null, '党内统计', org ? h('small', { testid: 'stats-org-name' }, ` · ${org.name}`) : null),
      h('div', { class: 'actions' },
        h('a', {
          class: 'btn', href: `/api/v1/stats/export${qs(params)}`, download: `党内统计-${year}.xlsx`, testid: 'stats-export',
        }, '导出 Excel'))),
    h('div', { class: 'toolbar' }, yearSelect(year, (e) => go(e.target.value))),
    msg, summary, grid);
  let s;
  try {
    s = await api.get(`/api/v1/stats${qs(params)}`);
  } catch (e) {
    msg.append(notice(e.message));
    return;
  }
  replace(summary,
    h('a', {
      class: 'stats-total', href: `#/stats/list${qs({ year, dim: 'total', value: 'all' })}`, testid: 'stats-total-link',
    }, h('span', { class: 'stats-total-n', testid: 'stats-total' }, String(s.total)), h('span', null, '名党员')),
    h('p', { class: 'muted', testid: 'stats-as-of' },
      `${s.org && s.org.name ? s.org.name : ''} ${s.year} 年，统计截至 ${s.as_of}（${s.as_of_kind === 'today' ? '今天' : '年末'}）；`
      + '年龄按截至日计算，党员为在册（含转出中）且已入党者。点击任一数字查看名单。'));
  replace(grid, s.tables.map((t) => tableCard(year, t)));
}

const MEMBER_COLS = [
  ['name', '姓名'], ['gender_name', '性别'], ['age', '年龄'], ['ethnicity_name', '民族'], ['education_name', '学历'],
  ['category_name', '类别'], ['join_date', '入党日期'], ['org_name', '所在党组织'], ['state_name', '状态'],
];
const CHANGE_COLS = [['event_date', '变动日期'], ['other_org', '对方党组织'], ['serial', '介绍信编号']];
const ORG_COLS = [
  ['name', '党组织'], ['kind_name', '类别'], ['members', '党员'], ['full_members', '正式党员'],
  ['committee_size', '支委会人数'], ['term_end', '届满日期'],
];

async function renderList(view, query) {
  view.append(loading());
  const org = await orgReady();
  view.replaceChildren();
  const year = Number(query.get('year') || state.year || thisYear());
  const dim = query.get('dim') || 'total';
  const value = query.get('value') || 'all';
  const page = Math.max(1, Number(query.get('page') || 1));
  const params = { org_id: org ? org.id : '', year };
  const title = h('h2', { testid: 'stats-list-title' }, '党内统计');
  const msg = h('div', { 'aria-live': 'polite' });
  const box = h('div', { class: 'table-wrap' }, loading());
  const pager = h('div', { class: 'pager', testid: 'stats-pager' });
  view.append(h('div', { class: 'page-head' }, title,
    h('div', { class: 'actions' }, h('a', { class: 'btn', href: `#/stats${qs({ year })}`, testid: 'stats-back' }, '返回统计表'))),
    msg, box, pager);
  let tables;
  try {
    tables = await api.get(`/api/v1/stats${qs(params)}`);
  } catch (e) {
    msg.append(notice(e.message));
    return;
  }
  const t = tables.tables.find((x) => x.key === dim);
  const row = t ? t.rows.find((r) => r.value === value) : null;
  const orgs = t && t.kind === 'orgs';
  replace(title, `${t ? t.title : '党员总数'}${row ? `：${row.label}` : ''}`,
    h('small', null, ` · ${org ? org.name : ''} · ${year}年`));
  let r;
  try {
    r = await api.get(`/api/v1/stats/${orgs ? 'orgs' : 'members'}${qs({ ...params, dim, value, page, per_page: PER_PAGE })}`);
  } catch (e) {
    replace(box);
    msg.append(notice(e.message));
    return;
  }
  const cols = orgs ? ORG_COLS : dim === 'change' ? [...MEMBER_COLS, ...CHANGE_COLS] : MEMBER_COLS;
  const cell = (it, k) => {
    const v = it[k];
    if (k === 'name' && !orgs) return h('a', { href: `#/members/${it.id}` }, v);
    return v === null || v === undefined ? '' : String(v);
  };
  replace(box, r.items.length
    ? h('table', { class: 'grid stats-list', testid: 'stats-list' },
      h('thead', null, h('tr', null, cols.map(([, label]) => h('th', null, label)))),
      h('tbody', null, r.items.map((it) => h('tr', { testid: 'stats-list-row', dataset: { id: it.id } },
        cols.map(([k]) => h('td', { class: `col-${k}` }, cell(it, k)))))))
    : h('p', { class: 'empty', testid: 'stats-list-empty' }, '没有记录'));
  const pages = Math.max(1, Math.ceil(r.total / PER_PAGE));
  const to = (p) => navigate(`#/stats/list${qs({ year, dim, value, page: p })}`);
  replace(pager,
    h('span', { testid: 'stats-list-total' }, `共 ${r.total} ${orgs ? '个' : '人'}`),
    h('button', { class: 'btn', type: 'button', disabled: page <= 1, testid: 'page-prev', onclick: () => to(page - 1) }, '上一页'),
    h('span', null, `第 ${page} / ${pages} 页`),
    h('button', { class: 'btn', type: 'button', disabled: page >= pages, testid: 'page-next', onclick: () => to(page + 1) }, '下一页'));
}

export function renderStats(view, path, query) {
  if (path === '/list') return renderList(view, query);
  return renderTables(view, query);
}
