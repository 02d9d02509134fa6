// 组织生活: sub-navigation, the month calendar of the selected organization and the meeting list.
import { api, qs } from './api.js';
import { h, replace, notice, loading } from './dom.js';
import { orgReady } from './layout.js';
import { navigate } from './router.js';
import { isManager } from './session.js';
import {
  KINDS, kindName, today, pad2, monthKey, lastDay, WEEKDAYS,
} from './life_labels.js';

// 日历 · 列表 · 达标情况 · 学时 · 预警 · 民主评议 · 主题党日计划 · 冬春轮训
export function lifeTabs(active) {
  const tab = (key, text, href) => h('a', {
    href, class: `tab${key === active ? ' active' : ''}`, role: 'tab', 'aria-selected': String(key === active),
    testid: `life-tab-${key}`,
  }, text);
  return h('div', { class: 'tabs life-tabs', role: 'tablist' },
    tab('calendar', '日历', '#/life'), tab('list', '列表', '#/life/list'),
    tab('compliance', '达标情况', '#/life/compliance'), tab('hours', '学时', '#/life/hours'),
    tab('risk', '预警', '#/life/risk'), tab('appraisal', '民主评议', '#/life/appraisal'),
    tab('plans', '主题党日计划', '#/life/plans'), tab('trainings', '冬春轮训', '#/life/trainings'));
}

export function lifeHead(title, org, extra) {
  return h('div', { class: 'page-head' },
    h('h2', null, title, org ? h('small', { testid: 'life-org-name' }, ` · ${org.name}`) : null),
    h('div', { class: 'actions' },
      isManager() && h('a', { class: 'btn btn-primary', href: '#/life/new', testid: 'meeting-add' }, '记录会议'),
      extra || null));
}

export function kindChip(m, opts = {}) {
  const k = KINDS.find((x) => x.key === m.kind);
  const time = m.start_time ? `${m.start_time} ` : '';
  const who = opts.showOrg && m.org_name ? `（${m.org_name}）` : '';
  return h('a', {
    class: `mchip kind-${m.kind}`, href: `#/life/${m.id}`, testid: 'meeting-chip',
    dataset: { id: m.id, kind: m.kind },
    title: `${time}${kindName(m.kind)}${m.topic ? `：${m.topic}` : ''}${who}`,
  }, k ? k.short : kindName(m.kind));
}

export function kindLegend() {
  return h('ul', { class: 'kind-legend', 'aria-label': '会议类型图例' },
    KINDS.map((k) => h('li', null, h('span', { class: `legend-dot kind-${k.key}`, 'aria-hidden': 'true' }), k.name)));
}

// 日历: one month, Monday first; meetings as chips coloured by kind.
export async function renderLifeCalendar(view, query) {
  view.append(loading());
  const org = await orgReady();
  view.replaceChildren();
  const now = today();
  const m = /^(\d{4})-(\d{2})$/.exec(query.get('m') || '') || [null, now.slice(0, 4), now.slice(5, 7)];
  const year = Number(m[1]);
  const month = Number(m[2]);
  const go = (y, mo) => {
    const d = new Date(y, mo - 1, 1);
    navigate(`#/life?m=${monthKey(d.getFullYear(), d.getMonth() + 1)}`);
  };
  const grid = h('div', { class: 'cal', testid: 'life-calendar', role: 'grid', 'aria-label': `${year}年${month}月` });
  const msg = h('div', { 'aria-live': 'polite' });
  view.append(
    lifeHead('组织生活', org),
    lifeTabs('calendar'),
    h('div', { class: 'toolbar cal-nav' },
      h('button', { class: 'btn', type: 'button', testid: 'cal-prev', onclick: () => go(year, month - 1), 'aria-label': '上个月' }, '‹ 上月'),
      h('strong', { class: 'cal-title', testid: 'cal-title' }, `${year}年${month}月`),
      h('button', { class: 'btn', type: 'button', testid: 'cal-next', onclick: () => go(year, month + 1), 'aria-label': '下个月' }, '下月 ›'),
      h('button', { class: 'btn btn-sm', type: 'button', testid: 'cal-today', onclick: () => go(Number(now.slice(0, 4)), Number(now.slice(5, 7))) }, '本月')),
    msg, grid, kindLegend());

  let items = [];
  let planned = [];
  try {
    const r = await api.get(`/api/v1/meetings/calendar${qs({ org: org ? org.id : '', year, month })}`);
    for (const d of r.days || []) for (const x of d.meetings || []) items.push({ ...x, held_on: x.held_on || d.date });
    planned = r.planned || [];
    if (r.truncated) msg.append(notice('本月会议较多，只显示前 5000 次，请在左侧选择下级组织查看。', 'warn'));
  } catch (e) {
    msg.append(notice(e.message, 'error', 'list-error'));
  }
  if (planned.length) {
    const shown = planned.slice(0, 6);
    msg.append(h('div', { class: 'notice notice-info plan-note', testid: 'cal-plan' },
      h('strong', null, h('a', { href: '#/life/plans', testid: 'cal-plan-link' }, '本月主题党日计划'), '：'),
      shown.map((p) => h('span', { class: `plan-item${p.held ? ' held' : ''}` },
        planned.length > 1 ? `${p.org_name}：` : '', p.topic, p.held ? '（已开展）' : '（未开展）')),
      planned.length > shown.length ? h('span', { class: 'muted' }, `等 ${planned.length} 个支部`) : null));
  }
  const byDay = new Map();
  for (const it of items) {
    const d = String(it.held_on).slice(0, 10);
    if (!byDay.has(d)) byDay.set(d, []);
    byDay.get(d).push(it);
  }
  for (const list of byDay.values()) list.sort((a, b) => String(a.start_time || '').localeCompare(String(b.start_time || '')));
  const multiOrg = new Set(items.map((x) => x.org_id)).size > 1;
  const cells = WEEKDAYS.map((w) => h('div', { class: 'cal-wd', role: 'columnheader' }, w));
  const lead = (new Date(year, month - 1, 1).getDay() + 6) % 7;
  for (let i = 0; i < lead; i++) cells.push(h('div', { class: 'cal-day cal-pad', 'aria-hidden': 'true' }));
  for (let d = 1; d <= lastDay(year, month); d++) {
    const date = `${monthKey(year, month)}-${pad2(d)}`;
    const list = byDay.get(date) || [];
    const canAdd = isManager() && date <= now;
    cells.push(h('div', {
      class: `cal-day${date === now ? ' cal-today' : ''}${date > now ? ' cal-future' : ''}`, role: 'gridcell',
      testid: 'cal-day', dataset: { date },
    },
    h('div', { class: 'cal-day-head' },
      h('span', { class: 'cal-num' }, String(d)),
      canAdd && h('a', {
        class: 'cal-add', href: `#/life/new?date=${date}`, title: `在 ${date} 记录会议`, 'aria-label': `在 ${date} 记录会议`,
        testid: 'cal-add',
      }, '+')),
    list.length ? h('div', { class: 'cal-chips' }, list.map((x) => kindChip(x, { showOrg: multiOrg }))) : null));
  }
  const trail = (7 - ((lead + lastDay(year, month)) % 7)) % 7;
  for (let i = 0; i < trail; i++) cells.push(h('div', { class: 'cal-day cal-pad', 'aria-hidden': 'true' }));
  replace(grid, cells);
  if (!items.length && !msg.querySelector('.notice-error')) msg.append(notice('本月没有会议记录。', 'info', 'cal-empty'));
}

const listFilters = { kind: '', year: '' };

// 列表: newest first, with attendance counts.
export async function renderLifeList(view, query) {
  view.append(loading());
  const org = await orgReady();
  view.replaceChildren();
  let page = Number(query.get('page')) || 1;
  const year = listFilters.year || today().slice(0, 4);
  const kindSel = h('select', {
    'aria-label': '会议类型', testid: 'list-kind', value: listFilters.kind,
    onchange: (e) => { listFilters.kind = e.target.value; page = 1; load(); },
  }, h('option', { value: '' }, '全部类型'), KINDS.map((k) => h('option', { value: k.key }, k.name)));
  const yearSel = h('select', {
    'aria-label': '年度', testid: 'list-year', value: year,
    onchange: (e) => { listFilters.year = e.target.value; page = 1; load(); },
  }, yearOptions());
  const wrap = h('div', { class: 'table-wrap' });
  const msg = h('div', { 'aria-live': 'polite' });
  const pager = h('div', { class: 'pager' });
  view.append(lifeHead('组织生活', org), lifeTabs('list'),
    h('div', { class: 'toolbar' }, h('div', { class: 'filters' }, yearSel, kindSel)), msg, wrap, pager);

  async function load() {
    msg.replaceChildren();
    wrap.classList.add('busy');
    const y = yearSel.value;
    try {
      const r = await api.get(`/api/v1/meetings${qs({
        org: org ? org.id : '', kind: kindSel.value, from: `${y}-01-01`, to: `${y}-12-31`, page, per_page: 50,
      })}`);
      const items = r.items || [];
      if (!items.length) { replace(wrap, h('p', { class: 'empty', testid: 'meeting-empty' }, '没有会议记录')); replace(pager); return; }
      replace(wrap, h('table', { class: 'grid', testid: 'meeting-table' },
        h('thead', null, h('tr', null, ['日期', '时间', '类型', '组织', '地点', '主持人', '出席', '请假', '缺席', '学时']
          .map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, items.map((m) => h('tr', { testid: 'meeting-row', dataset: { id: m.id } },
          h('td', null, h('a', { href: `#/life/${m.id}` }, String(m.held_on).slice(0, 10))),
          h('td', null, m.start_time ? `${m.start_time}–${m.end_time || ''}` : ''),
          h('td', null, h('span', { class: `kind-tag kind-${m.kind}` }, kindName(m.kind)), m.topic ? h('div', { class: 'muted' }, m.topic) : null),
          h('td', null, m.org_name || ''),
          h('td', null, m.place || ''),
          h('td', null, m.host || ''),
          h('td', null, String((m.counts && m.counts.present) ?? '')),
          h('td', null, String((m.counts && m.counts.leave) ?? '')),
          h('td', null, String((m.counts && m.counts.absent) ?? '')),
          h('td', null, m.hours != null ? String(m.hours) : ''))))));
      const pages = Math.max(1, Math.ceil((r.total || 0) / (r.per_page || 50)));
      replace(pager, h('span', null, `共 ${r.total} 次`),
        page > 1 && h('button', { class: 'btn btn-sm', type: 'button', onclick: () => { page--; load(); } }, '上一页'),
        pages > 1 && h('span', null, `第 ${page} / ${pages} 页`),
        page < pages && h('button', { class: 'btn btn-sm', type: 'button', onclick: () => { page++; load(); } }, '下一页'));
    } catch (e) {
      msg.append(notice(e.message, 'error', 'list-error'));
    } finally {
      wrap.classList.remove('busy');
    }
  }
  await load();
}

export function yearOptions() {
  const y = Number(today().slice(0, 4));
  const out = [];
  for (let i = y; i >= y - 5; i--) out.push(h('option', { value: String(i) }, `${i}年`));
  return out;
}
