// 发展党员 · 提醒 (reminders), 计划 (annual plans per 基层党委) and 统计 (stats) for the selected organization.
import { api, qs } from './api.js';
import { h, replace, notice, loading, toast, fmtDate } from './dom.js';
import { orgReady } from './layout.js';
import { navigate } from './router.js';
import { isAdmin } from './session.js';
import { STAGES, RECRUIT_STATUS, REMINDER_KIND, URGENT_KINDS, DATE_MILESTONES, stepName, label } from './recruit_labels.js';
import { recruitTabs, ruleError } from './recruits.js';

function head(view, org, title, tab) {
  view.append(
    h('div', { class: 'page-head' }, h('h2', null, title, org ? h('small', null, ` · ${org.name}`) : null)),
    recruitTabs(tab));
}

export async function renderRecruitReminders(view) {
  view.append(loading());
  const org = await orgReady();
  view.replaceChildren();
  head(view, org, '发展党员提醒', 'reminders');
  const box = h('div', { class: 'table-wrap', testid: 'reminder-box' }, loading());
  const pager = h('div', { class: 'pager' });
  view.append(box, pager);
  await loadReminders(org, 1, box, pager);
}

// a city or a province (more branches than compliance.list_max) answers one page {total, page, per_page, items}
async function loadReminders(org, page, box, pager) {
  try {
    const r = await api.get(`/api/v1/recruits/reminders${qs({ org: org ? org.id : '', page: page > 1 ? page : '' })}`);
    const items = Array.isArray(r) ? r : (r.items || []);
    const pages = Array.isArray(r) ? 1 : Math.max(1, Math.ceil((r.total || 0) / (r.per_page || 50)));
    replace(pager, pages > 1 && h('span', null, `共 ${r.total} 条，第 ${page} / ${pages} 页`),
      page > 1 && h('button', { class: 'btn btn-sm', type: 'button', onclick: () => loadReminders(org, page - 1, box, pager) }, '上一页'),
      page < pages && h('button', { class: 'btn btn-sm', type: 'button', onclick: () => loadReminders(org, page + 1, box, pager) }, '下一页'));
    if (!items.length) { replace(box, h('p', { class: 'empty', testid: 'reminder-empty' }, '暂无需要办理的提醒')); return; }
    replace(box, h('table', { class: 'grid grid-wrap', testid: 'reminder-table' },
      h('thead', null, h('tr', null, ['类型', '到期日', '姓名', '党支部', '说明'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, items.map((x) => h('tr', { testid: 'reminder-row', dataset: { kind: x.kind } },
        h('td', null, h('span', { class: `badge ${URGENT_KINDS.has(x.kind) ? 'badge-urgent' : 'badge-warn'}` }, label(REMINDER_KIND, x.kind))),
        h('td', null, fmtDate(x.due)),
        h('td', null, h('a', { href: `#/recruits/${x.recruit_id}`, testid: 'reminder-link' }, x.name)),
        h('td', null, x.org_name || ''),
        h('td', { class: 'wrap' }, x.message || ''))))));
  } catch (e) {
    replace(box, notice(e.message, 'error'));
  }
}

export async function renderRecruitPlans(view, query) {
  view.append(loading());
  const org = await orgReady();
  view.replaceChildren();
  const thisYear = new Date().getFullYear();
  const year = Number(query.get('year')) || thisYear;
  head(view, org, '发展党员计划', 'plans');
  const yearSel = h('select', {
    'aria-label': '年份', testid: 'plan-year', value: String(year),
    onchange: (e) => navigate(`#/recruits/plans${qs({ year: e.target.value })}`),
  }, [thisYear + 1, thisYear, thisYear - 1, thisYear - 2, thisYear - 3].map((y) => h('option', { value: y }, `${y} 年`)));
  const msg = h('div', { 'aria-live': 'polite' });
  const box = h('div', { class: 'table-wrap' }, loading());
  view.append(h('div', { class: 'toolbar' }, yearSel,
    h('span', { class: 'muted' }, '年度计划下达到有审批权的基层党委；已发展数为当年经上级党委审批的预备党员。')), msg, box);
  try {
    let items = (await api.get(`/api/v1/recruit-plans${qs({ org: org ? org.id : '', year })}`)).items || [];
    // A branch has no plan of its own: show the plan of the 基层党委 above it.
    const above = String((org && org.path) || '').match(/\d+/g) || [];
    for (let i = above.length - 2; !items.length && i >= 0; i--) {
      try {
        items = (await api.get(`/api/v1/recruit-plans${qs({ org: above[i], year })}`)).items || [];
      } catch { break; }
    }
    if (!items.length) { replace(box, h('p', { class: 'empty', testid: 'plan-empty' }, '所选组织下没有有审批权的基层党委')); return; }
    const admin = isAdmin();
    replace(box, h('table', { class: 'grid', testid: 'plan-table' },
      h('thead', null, h('tr', null, ['基层党委', '年份', '计划发展数', '已发展数', '完成率', '特殊单位比例上限（%）', admin ? '操作' : null]
        .filter(Boolean).map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, items.map((p) => planRow(p, admin, msg)))));
  } catch (e) {
    replace(box, notice(e.message, 'error'));
  }
}

function planRow(p, admin, msg) {
  const rate = p.planned ? `${Math.round((p.developed / p.planned) * 100)}%` : '—';
  if (!admin) {
    return h('tr', { testid: 'plan-row' }, h('td', null, p.org_name), h('td', null, p.year), h('td', null, p.planned ?? '未下达'),
      h('td', null, p.developed), h('td', null, rate), h('td', null, p.special_units_max_pct ?? ''));
  }
  const planned = h('input', { type: 'number', min: 0, step: 1, value: p.planned ?? '', class: 'narrow-num', 'aria-label': `${p.org_name} 计划发展数`, testid: 'plan-planned' });
  const pct = h('input', { type: 'number', min: 0, max: 100, step: 1, value: p.special_units_max_pct ?? '', class: 'narrow-num', 'aria-label': `${p.org_name} 比例上限`, testid: 'plan-pct' });
  const save = h('button', {
    class: 'btn btn-sm btn-primary', type: 'button', testid: 'plan-save',
    onclick: async () => {
      msg.replaceChildren();
      if (planned.value === '') { msg.append(notice('请填写计划发展数', 'error')); planned.focus(); return; }
      const body = { org_id: p.org_id, year: p.year, planned: Number(planned.value) };
      if (pct.value !== '') body.special_units_max_pct = Number(pct.value);
      if (p.version) body.version = p.version;
      save.disabled = true;
      try {
        const x = await api.put('/api/v1/recruit-plans', body);
        if (x && x.version) p.version = x.version;
        toast(`已保存 ${p.org_name} ${p.year} 年计划`);
      } catch (e) {
        msg.append(e.status === 409
          ? notice(h('span', null, e.message, h('button', { class: 'btn btn-sm', type: 'button', onclick: () => window.dispatchEvent(new HashChangeEvent('hashchange')) }, '重新加载')), 'warn')
          : e.rule ? ruleError(e) : notice(e.message, 'error'));
      } finally {
        save.disabled = false;
      }
    },
  }, '保存');
  return h('tr', { testid: 'plan-row' }, h('td', null, p.org_name), h('td', null, p.year), h('td', null, planned),
    h('td', null, p.developed), h('td', null, rate), h('td', null, pct), h('td', null, save));
}

export async function renderRecruitStats(view) {
  view.append(loading());
  const org = await orgReady();
  view.replaceChildren();
  head(view, org, '发展党员统计', 'stats');
  const box = h('div', { testid: 'stats-box' }, loading());
  view.append(box);
  try {
    const s = await api.get(`/api/v1/recruits/stats${qs({ org: org ? org.id : '' })}`);
    const statuses = Object.keys(RECRUIT_STATUS);
    const byStage = s.by_stage || [];
    const days = s.days || [];
    const elim = s.eliminated || { total: 0, reasons: [] };
    replace(box,
      h('div', { class: 'stat-tiles', testid: 'stats-stages' },
        STAGES.map((st) => {
          const row = byStage.find((x) => Number(x.stage) === st.stage) || {};
          return h('div', { class: 'stat-tile', testid: 'stat-stage', dataset: { stage: st.stage } },
            h('div', { class: 'stat-num' }, String(row.active ?? 0)), h('div', { class: 'stat-label' }, st.name),
            h('div', { class: 'muted' }, `累计 ${row.total ?? 0}`));
        })),
      h('div', { class: 'card' }, h('h3', null, '各阶段人数'),
        h('div', { class: 'table-wrap' }, h('table', { class: 'grid' },
          h('thead', null, h('tr', null, h('th', null, '阶段'), statuses.map((k) => h('th', null, RECRUIT_STATUS[k])), h('th', null, '合计'))),
          h('tbody', null, byStage.map((x) => h('tr', null,
            h('td', null, (STAGES.find((st) => st.stage === Number(x.stage)) || {}).name || x.stage),
            statuses.map((k) => h('td', null, x[k] ?? 0)), h('td', null, x.total ?? 0))),
          h('tr', { class: 'total-row' }, h('td', null, '合计'), statuses.map((k) => h('td', null, (s.by_status || {})[k] ?? 0)), h('td', null, s.total ?? 0)))))),
      h('div', { class: 'card' }, h('h3', null, '各阶段平均用时'),
        h('div', { class: 'table-wrap' }, h('table', { class: 'grid', testid: 'stats-days' },
          h('thead', null, h('tr', null, ['阶段', '人数', '平均天数'].map((t) => h('th', null, t)))),
          h('tbody', null, days.map((d) => h('tr', null,
            h('td', null, `${label(DATE_MILESTONES, d.from)} → ${label(DATE_MILESTONES, d.to)}`),
            h('td', null, d.records ?? 0),
            h('td', null, d.average_days === null || d.average_days === undefined ? '—' : `${Math.round(d.average_days)} 天`))))))),
      h('div', { class: 'card' }, h('h3', null, `不予发展/淘汰（${elim.total || 0} 人）`),
        (elim.reasons || []).length ? h('ul', { testid: 'stats-eliminated' }, elim.reasons.map((x) => h('li', null, `${x.reason}：${x.count} 人`)))
          : h('p', { class: 'muted' }, '无')),
      (s.by_step || []).length ? h('details', { class: 'card' }, h('summary', null, '各步骤登记次数'),
        h('ul', { class: 'step-counts' }, s.by_step.map((x) => h('li', null, `${x.step}. ${stepName(x.step)}：${x.count}`)))) : null);
  } catch (e) {
    replace(box, notice(e.message, 'error'));
  }
}
