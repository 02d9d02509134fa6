// 组织生活 reports: the compliance heatmap (branches × months), study hours against the target,
// and the members-at-risk list (RULES.md §4).
import { api, qs } from './api.js';
import { h, replace, notice, loading } from './dom.js';
import { orgReady, treeApi } from './layout.js';
import { navigate } from './router.js';
import { selectOrg } from './state.js';
import { isManager } from './session.js';
import { lifeTabs, lifeHead, yearOptions } from './life.js';
import { HEAT_STATUS, today, pad2, lastDay, monthKey } from './life_labels.js';

const heat = { year: '' };
const EVERY = { 1: '每月', 3: '每季度', 6: '每半年', 12: '每年' };
const MISS_STATUS = { red: '已逾期', amber: '待召开' };

function missingLines(b) {
  const out = [];
  for (const it of b.items || []) {
    for (const x of it.missing || []) {
      out.push(`${it.name}（${x.period}）缺 ${x.missing} 次，${MISS_STATUS[x.status] || x.status}，截止 ${x.due}`);
    }
  }
  return out;
}

const pct = (s) => `${Math.round((Number(s) || 0) * 100)}%`;

export async function renderLifeCompliance(view) {
  view.append(loading());
  const org = await orgReady();
  view.replaceChildren();
  const now = today();
  const yearSel = h('select', {
    'aria-label': '年度', testid: 'heat-year', value: heat.year || now.slice(0, 4),
    onchange: (e) => { heat.year = e.target.value; load(); },
  }, yearOptions());
  const msg = h('div', { 'aria-live': 'polite' });
  const summary = h('div', { class: 'heat-summary', testid: 'heat-summary' });
  const rollWrap = h('div', { class: 'heat-rollup' });
  const wrap = h('div', { class: 'table-wrap heat-wrap' });
  const detail = h('section', { class: 'card heat-detail', testid: 'heat-detail', hidden: true, tabindex: '-1' });
  view.append(lifeHead('组织生活达标情况', org), lifeTabs('compliance'),
    h('div', { class: 'toolbar' }, yearSel,
      h('ul', { class: 'heat-legend', 'aria-label': '图例' },
        ['green', 'amber', 'red', 'future'].map((s) => h('li', null, h('span', { class: `heat-swatch heat-${s}`, 'aria-hidden': 'true' }), HEAT_STATUS[s])))),
    msg, summary, rollWrap, wrap, detail);

  let seq = 0;
  async function load() {
    const my = ++seq;
    const year = Number(yearSel.value);
    msg.replaceChildren();
    detail.hidden = true;
    wrap.classList.add('busy');
    const months = [];
    for (let mo = 1; mo <= 12; mo++) months.push({ mo, from: `${monthKey(year, mo)}-01`, key: monthKey(year, mo) });
    let res;
    try {
      res = await Promise.all(months.map((x) => (x.from > now ? null
        : api.get(`/api/v1/compliance${qs({ org: org ? org.id : '', year, month: x.mo })}`))));
    } catch (e) {
      if (my === seq) { msg.append(notice(e.message, 'error', 'heat-error')); wrap.classList.remove('busy'); }
      return;
    }
    if (my !== seq) return;
    wrap.classList.remove('busy');
    // Branch rows from the latest month fetched (and any earlier one, for branches dissolved since).
    const rows = new Map();
    for (const r of res) for (const b of (r && r.branches) || []) if (!rows.has(b.org_id)) rows.set(b.org_id, b);
    const byMonth = res.map((r) => new Map(((r && r.branches) || []).map((b) => [b.org_id, b])));
    const names = new Map();
    for (const r of res) for (const x of (r && r.rollup) || []) names.set(x.org_id, x.name);
    const list = [...rows.values()].sort((a, b) => (a.parent_id - b.parent_id) || a.name.localeCompare(b.name, 'zh-CN'));

    // A large scope (a province) lists only each month's branches not green, one page of them.
    const partial = res.find((r) => r && r.branches_listed);
    if (partial) {
      msg.append(notice(`范围内共 ${partial.summary.branches} 个党支部，热力图只列出各月未达标的前 ${partial.per_page} 个；请选择下级组织查看全部。`,
        'info', 'heat-partial'));
    }
    const cur = res.map((r, i) => ({ r, i })).filter((x) => x.r).pop();
    if (cur) {
      const s = cur.r.summary || {};
      replace(summary,
        h('strong', null, `${year}年${cur.i + 1}月：`),
        `共 ${s.branches ?? list.length} 个党支部，`,
        h('span', { class: 'heat-text-green' }, `达标 ${s.green ?? 0}`), '，',
        h('span', { class: 'heat-text-amber' }, `进行中 ${s.amber ?? 0}`), '，',
        h('span', { class: 'heat-text-red' }, `未达标 ${s.red ?? 0}`),
        s.share != null ? `，达标率 ${pct(s.share)}` : '');
    } else replace(summary, '该年度尚未开始。');

    // Committees and the levels above: share of compliant branches per month.
    const roll = new Map();
    res.forEach((r, i) => { for (const x of (r && r.rollup) || []) { if (!roll.has(x.org_id)) roll.set(x.org_id, { x, m: [] }); roll.get(x.org_id).m[i] = x; } });
    if (roll.size) {
      replace(rollWrap, h('h3', null, '各级党组织达标支部占比'), h('div', { class: 'table-wrap' }, h('table', { class: 'grid heat-table', testid: 'rollup-table' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, '党组织'), h('th', { scope: 'col' }, '支部数'),
          months.map((x) => h('th', { scope: 'col', class: 'heat-mh' }, `${x.mo}月`)))),
        h('tbody', null, [...roll.values()].map(({ x, m }) => h('tr', { testid: 'rollup-row', dataset: { org: x.org_id } },
          h('th', { scope: 'row', class: 'heat-name' }, x.name),
          h('td', null, String(x.branches)),
          months.map((mm, i) => {
            const v = m[i];
            if (!v) return h('td', { class: 'heat-cell heat-future', title: '未开始' }, '');
            const share = v.branches ? v.green / v.branches : 0;
            const cls = share >= 1 ? 'green' : share >= 0.6 ? 'amber' : 'red';
            return h('td', {
              class: `heat-cell heat-share heat-${cls}`, testid: 'rollup-cell', dataset: { month: mm.mo },
              title: `${x.name} ${mm.key}：达标 ${v.green} / ${v.branches}（进行中 ${v.amber}，未达标 ${v.red}）`,
            }, pct(v.share ?? share));
          })))))));
    } else rollWrap.replaceChildren();

    if (!list.length) { replace(wrap, h('p', { class: 'empty', testid: 'heat-empty' }, '所选组织下没有党支部')); return; }
    replace(wrap, h('table', { class: 'grid heat-table', testid: 'heatmap' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, '党支部'), months.map((x) => h('th', { scope: 'col', class: 'heat-mh' }, `${x.mo}月`)))),
      h('tbody', null, list.map((b) => h('tr', { testid: 'heat-row', dataset: { org: b.org_id } },
        h('th', { scope: 'row', class: 'heat-name', title: names.get(b.parent_id) || '' }, b.name),
        months.map((x, i) => {
          const cell = byMonth[i].get(b.org_id);
          const st = cell ? cell.status : 'future';
          const lines = cell ? missingLines(cell) : [];
          const tip = `${b.name} ${x.key}：${HEAT_STATUS[st] || st}${lines.length ? `\n${lines.join('\n')}` : cell ? '\n应开会议均已召开' : ''}`;
          return h('td', { class: `heat-cell heat-${st}` },
            h('button', {
              type: 'button', class: 'heat-btn', title: tip, 'aria-label': tip, testid: 'heat-cell',
              dataset: { org: b.org_id, month: x.mo, status: st }, disabled: !cell,
              onclick: () => showDetail(b, x, cell),
            }, h('span', { class: 'heat-mark', 'aria-hidden': 'true' }, st === 'green' ? '✓' : st === 'red' ? '✗' : st === 'amber' ? '…' : '')));
        }))))));
    // On a narrow screen, bring the latest month into view.
    const last = res.map((r, i) => (r ? i + 1 : 0)).filter(Boolean).pop();
    const th = last && wrap.querySelectorAll('thead th')[last];
    if (th && wrap.scrollWidth > wrap.clientWidth) wrap.scrollLeft = Math.max(0, th.offsetLeft + th.offsetWidth - wrap.clientWidth);
    for (const w of rollWrap.querySelectorAll('.table-wrap')) if (th && w.scrollWidth > w.clientWidth) w.scrollLeft = wrap.scrollLeft;
  }

  function showDetail(b, x, cell) {
    const [y, mo] = [Number(x.key.slice(0, 4)), x.mo];
    const date = x.key === now.slice(0, 7) ? now : `${x.key}-${pad2(lastDay(y, mo))}`;
    const openOrg = async (hash) => {
      try {
        const o = await api.get(`/api/v1/orgs/${b.org_id}`);
        selectOrg(o);
        treeApi()?.reveal(o.path, o.id).catch(() => {});
      } catch { /* still go */ }
      navigate(hash);
    };
    detail.hidden = false;
    replace(detail,
      h('h3', { testid: 'heat-detail-title' }, `${b.name} · ${y}年${mo}月 · `,
        h('span', { class: `heat-text-${cell.status}`, testid: 'heat-detail-status', dataset: { status: cell.status } }, HEAT_STATUS[cell.status] || cell.status)),
      h('div', { class: 'table-wrap' }, h('table', { class: 'grid' },
        h('thead', null, h('tr', null, ['会议', '频次', '本期应开', '已开', '缺少'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, (cell.items || []).map((it) => h('tr', { testid: 'heat-item', dataset: { kind: it.kind, missing: (it.missing || []).length } },
          h('td', null, it.name),
          h('td', null, EVERY[it.every_months] || `每 ${it.every_months} 个月`),
          h('td', null, String(it.required)),
          h('td', null, String(it.held)),
          h('td', { class: 'wrap' }, (it.missing || []).length
            ? (it.missing || []).map((z) => h('div', { class: `heat-text-${z.status}` }, `${z.period} 缺 ${z.missing} 次（${MISS_STATUS[z.status] || z.status}，截止 ${z.due}）`))
            : (it.required ? h('span', { class: 'heat-text-green' }, '已完成') : h('span', { class: 'muted' }, '本期不检查')))))))),
      h('div', { class: 'form-actions' },
        h('button', { class: 'btn', type: 'button', testid: 'heat-open-calendar', onclick: () => openOrg(`#/life?m=${x.key}`) }, '查看该支部日历'),
        isManager() && h('button', { class: 'btn btn-primary', type: 'button', testid: 'heat-record', onclick: () => openOrg(`#/life/new?org=${b.org_id}&date=${date}`) }, '记录会议')));
    detail.focus();
    detail.scrollIntoView({ block: 'nearest' });
  }

  await load();
}

const hoursState = { year: '' };

export async function renderLifeHours(view, query) {
  view.append(loading());
  const org = await orgReady();
  view.replaceChildren();
  let page = Number(query.get('page')) || 1;
  const yearSel = h('select', {
    'aria-label': '年度', testid: 'hours-year', value: hoursState.year || today().slice(0, 4),
    onchange: (e) => { hoursState.year = e.target.value; page = 1; load(); },
  }, yearOptions());
  const msg = h('div', { 'aria-live': 'polite' });
  const info = h('p', { class: 'muted', testid: 'hours-info' });
  const wrap = h('div', { class: 'table-wrap' });
  const pager = h('div', { class: 'pager' });
  view.append(lifeHead('党员学时', org), lifeTabs('hours'), h('div', { class: 'toolbar' }, yearSel, info), msg, wrap, pager);

  async function load() {
    msg.replaceChildren();
    wrap.classList.add('busy');
    try {
      const r = await api.get(`/api/v1/compliance/hours${qs({ org: org ? org.id : '', year: yearSel.value, page, per_page: 50 })}`);
      const items = r.items || [];
      const target = Number(r.target_hours) || 0;
      info.textContent = `年度目标 ${target} 学时；本页达标 ${r.met_on_page ?? items.filter((x) => x.met).length} / ${items.length} 人`;
      if (!items.length) { replace(wrap, h('p', { class: 'empty' }, '没有党员')); replace(pager); return; }
      replace(wrap, h('table', { class: 'grid', testid: 'hours-table' },
        h('thead', null, h('tr', null, ['姓名', '所在组织', '类别', '学时', '完成度', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, items.map((x) => h('tr', { testid: 'hours-row', dataset: { member: x.member_id, met: String(!!x.met) } },
          h('td', null, h('a', { href: `#/members/${x.member_id}` }, x.name)),
          h('td', null, x.org_name || ''),
          h('td', null, x.category === 'probationary' ? '预备党员' : '正式党员'),
          h('td', { class: 'num' }, `${x.hours} / ${target}`),
          h('td', null, progress(x.hours, target)),
          h('td', null, x.met ? h('span', { class: 'badge state-active' }, '已达标') : h('span', { class: 'badge badge-warn' }, `差 ${Math.max(0, Math.round((target - x.hours) * 10) / 10)}`)))))));
      const pages = Math.max(1, Math.ceil((r.total || 0) / (r.per_page || 50)));
      replace(pager, h('span', null, `共 ${r.total} 人`),
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

export function progress(v, target) {
  const p = target > 0 ? Math.min(100, Math.round((Number(v) / target) * 100)) : 0;
  return h('div', { class: `progress${p >= 100 ? ' done' : ''}`, role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(p) },
    h('div', { class: 'progress-fill', style: `width:${p}%` }), h('span', { class: 'progress-text' }, `${p}%`));
}

const FLAG = {
  no_life: { name: '连续 6 个月未参加组织生活', proposal: '按自行脱党程序处理' },
  lost_contact: { name: '失联满 6 个月', proposal: '停止党籍' },
};

export async function renderLifeRisk(view) {
  view.append(loading());
  const org = await orgReady();
  view.replaceChildren();
  const msg = h('div', { 'aria-live': 'polite' });
  const wrap = h('div', { class: 'table-wrap' });
  const info = h('p', { class: 'muted', testid: 'risk-info' });
  const pager = h('div', { class: 'pager' });
  view.append(lifeHead('组织生活预警', org), lifeTabs('risk'), info, msg, wrap, pager);
  await loadRisk(org, 1, { info, msg, wrap, pager });
}

// a province (more than compliance.list_max branches) answers one page of the list, total and counts over all
async function loadRisk(org, page, { info, msg, wrap, pager }) {
  msg.replaceChildren();
  try {
    const r = await api.get(`/api/v1/compliance/at-risk${qs({ org: org ? org.id : '', page, per_page: 50 })}`);
    const items = r.items || [];
    const counts = r.counts ? `（未参加组织生活 ${r.counts.no_life} 人，失联 ${r.counts.lost_contact} 人）` : '';
    info.textContent = `检查区间 ${r.window ? `${r.window.from} 至 ${r.window.to}` : ''}；请假且写明事由视为正当理由。共 ${r.total ?? items.length} 人${counts}。`;
    const pages = r.page ? Math.max(1, Math.ceil((r.total || 0) / (r.per_page || 50))) : 1;
    const box = { info, msg, wrap, pager };
    replace(pager, pages > 1 && h('span', null, `第 ${page} / ${pages} 页`),
      page > 1 && h('button', { class: 'btn btn-sm', type: 'button', onclick: () => loadRisk(org, page - 1, box) }, '上一页'),
      page < pages && h('button', { class: 'btn btn-sm', type: 'button', onclick: () => loadRisk(org, page + 1, box) }, '下一页'));
    if (!items.length) { replace(wrap, h('p', { class: 'empty', testid: 'risk-empty' }, '没有需要预警的党员')); return; }
    replace(wrap, h('table', { class: 'grid', testid: 'risk-table' },
      h('thead', null, h('tr', null, ['姓名', '所在组织', '情形', '起始', '缺席会议', '建议', '规则'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, items.map((x) => h('tr', { testid: 'risk-row', dataset: { flag: x.flag } },
        h('td', null, h('a', { href: `#/members/${x.member_id}` }, x.name)),
        h('td', null, x.org_name || ''),
        h('td', null, h('span', { class: 'badge badge-urgent' }, (FLAG[x.flag] || {}).name || x.flag)),
        h('td', null, x.since || ''),
        h('td', null, x.meetings_missed != null ? String(x.meetings_missed) : ''),
        h('td', null, (FLAG[x.flag] || {}).proposal || ''),
        h('td', null, h('small', { class: 'mono muted' }, x.rule || '')))))));
  } catch (e) {
    msg.append(notice(e.message, 'error', 'list-error'));
  }
}
