// 积分考评: what every points page shares — the feature switch, tabs, periods (2026-09 | 2026Q3 | 2026),
// points with one decimal, star and flag badges, the organization in view and error boxes.
import { api, qs } from './api.js';
import { h, notice } from './dom.js';
import { isAdmin, pointsOn } from './session.js';
import { selectedOrg, selectOrg } from './state.js';
import { orgReady, treeApi } from './layout.js';
import { navigate, currentRoute } from './router.js';
import { orgPicker } from './org_picker.js';
import { ruleError } from './recruits.js';
import { today, pad2 } from './life_labels.js';

export { pointsOn };

export const TARGETS = { member: '党员', branch: '党支部' };
export const SIGNS = { award: '加分', deduct: '扣分' };
export const CAP_PERIODS = { month: '每月', quarter: '每季度', year: '每年' };
export const APPROVERS = { secretary: '支部书记', org_admin: '组织部/党委管理员' };
export const MODES = { deduct: '百分倒扣制', percent: '百分制' };
export const FLAGS = { reward: '表扬', warning: '诫勉谈话', adjust: '调整' };
export const CLAIM_STATUS = { pending: '待审核', approved: '已通过', rejected: '未通过' };
// The automatic ones are refreshed from GET /points/sources where the caller may read it (not 党员).
export const SOURCE_NAMES = {
  manual: '手工录入', claim: '申报', reversal: '冲正', meeting_attended: '参加会议', meeting_absent: '无故缺席会议',
  study_hours: '学习学时', appraisal_category: '民主评议等次', branch_meeting_held: '召开会议', branch_appraisal_done: '完成民主评议',
};

// Automatic source names come from GET /points/sources (cached for the page's life).
let sourcesP = null;
export function loadSources() {
  if (!sourcesP) {
    sourcesP = api.get('/api/v1/points/sources').then((r) => {
      for (const s of r.items || []) if (s.code !== 'manual') SOURCE_NAMES[s.code] = s.name;
      return r.items || [];
    }).catch((e) => { sourcesP = null; throw e; });
  }
  return sourcesP;
}
export const sourceName = (c) => SOURCE_NAMES[c] || c || '';

// ---- numbers ----
export function fmtPts(v) {
  const n = Number(v);
  if (!Number.isFinite(n)) return '—';
  return (Math.round(n * 10) / 10).toFixed(1).replace(/\.0$/, '');
}
export function signedPts(v) {
  const n = Number(v) || 0;
  return `${n > 0 ? '+' : ''}${fmtPts(n)}`;
}
export function ptsCell(v) {
  const n = Number(v) || 0;
  return h('span', { class: `pts ${n > 0 ? 'pts-plus' : n < 0 ? 'pts-minus' : ''}` }, signedPts(n));
}

// ★★★ for 1–5, 后进 for 0.
export function starBadge(n) {
  const s = Number(n) || 0;
  if (s <= 0) return h('span', { class: 'stars stars-0', testid: 'stars', dataset: { stars: '0' }, title: '后进' }, '后进');
  return h('span', { class: `stars stars-${s}`, testid: 'stars', dataset: { stars: String(s) }, title: `${s} 星`, 'aria-label': `${s} 星` },
    '★'.repeat(s));
}
export function flagBadges(flags) {
  return (flags || []).map((f) => h('span', { class: `badge flag flag-${f}`, testid: `flag-${f}` }, FLAGS[f] || f));
}

// ---- periods ----
export function thisMonth() { return today().slice(0, 7); }
export function thisQuarter() {
  const t = today();
  return `${t.slice(0, 4)}Q${Math.floor((Number(t.slice(5, 7)) - 1) / 3) + 1}`;
}
export function lastWholeQuarter() {
  const t = today();
  const y = Number(t.slice(0, 4));
  const q = Math.floor((Number(t.slice(5, 7)) - 1) / 3) + 1;
  return q === 1 ? `${y - 1}Q4` : `${y}Q${q - 1}`;
}
// Has the period ended (only then may it be published)?
export function periodEnded(p) {
  const t = today();
  switch (periodKind(p)) {
    case 'month': return p < t.slice(0, 7);
    case 'quarter': return p < thisQuarter();
    case 'year': return Number(p) < Number(t.slice(0, 4));
    default: return false;
  }
}
export function periodKind(p) {
  if (/^\d{4}-\d{2}$/.test(p || '')) return 'month';
  if (/^\d{4}Q[1-4]$/.test(p || '')) return 'quarter';
  if (/^\d{4}$/.test(p || '')) return 'year';
  return '';
}
export function periodName(p) {
  switch (periodKind(p)) {
    case 'month': return `${p.slice(0, 4)}年${Number(p.slice(5))}月`;
    case 'quarter': return `${p.slice(0, 4)}年第${p.slice(5)}季度`;
    case 'year': return `${p}年度`;
    default: return p || '';
  }
}
// The periods offered for a kind, newest first: this one and the ones before.
function periodsOf(kind) {
  const t = today();
  const y = Number(t.slice(0, 4));
  const m = Number(t.slice(5, 7));
  const out = [];
  if (kind === 'month') {
    for (let i = 0; i < 24; i++) {
      const k = y * 12 + (m - 1) - i;
      out.push(`${Math.floor(k / 12)}-${pad2((k % 12) + 1)}`);
    }
  } else if (kind === 'quarter') {
    const q0 = y * 4 + Math.floor((m - 1) / 3);
    for (let i = 0; i < 12; i++) out.push(`${Math.floor((q0 - i) / 4)}Q${((q0 - i) % 4) + 1}`);
  } else {
    for (let i = 0; i < 6; i++) out.push(String(y - i));
  }
  return out;
}
const KIND_NAMES = { month: '月度', quarter: '季度', year: '年度' };
const KIND_DEFAULT = { month: () => thisMonth(), quarter: () => lastWholeQuarter(), year: () => String(Number(today().slice(0, 4)) - 1) };

// Two selects: kind (月度/季度/年度) and the period; allowAll adds “全部时间” (value '').
export function periodPicker(value, onChange, { allowAll = false, testid = 'period' } = {}) {
  let kind = periodKind(value) || (allowAll ? '' : 'quarter');
  const pSel = h('select', { 'aria-label': '期间', testid: `${testid}-value`, class: 'period-value' });
  const fill = () => {
    const list = kind ? periodsOf(kind) : [];
    if (value && periodKind(value) === kind && !list.includes(value)) list.unshift(value);
    pSel.replaceChildren(...list.map((p) => h('option', { value: p }, periodName(p))));
    pSel.hidden = !kind;
    if (kind) pSel.value = value && periodKind(value) === kind ? value : list[0];
  };
  const kSel = h('select', {
    'aria-label': '期间类型', testid: `${testid}-kind`, class: 'period-kind',
    onchange: (e) => {
      kind = e.target.value;
      value = kind ? KIND_DEFAULT[kind]() : '';
      fill();
      onChange(value);
    },
  }, allowAll ? h('option', { value: '' }, '全部时间') : null,
  Object.entries(KIND_NAMES).map(([k, n]) => h('option', { value: k }, n)));
  kSel.value = kind;
  pSel.addEventListener('change', () => { value = pSel.value; onChange(value); });
  fill();
  return h('span', { class: 'period-picker', testid }, kSel, pSel);
}

// ---- the organization in view: ?org= first, else the tree's selection (the scope root by default) ----
export async function pointsOrg(query) {
  const sel = await orgReady();
  const want = query && query.get('org');
  if (want && (!sel || String(sel.id) !== want)) {
    try { return await api.get(`/api/v1/orgs/${want}`); } catch { /* fall back to the tree */ }
  }
  return sel;
}

// The top-level org of an org (indicator sets are kept there): the first id of its path.
export function topOrgId(org) {
  if (!org) return '';
  const first = String(org.path || '').split('/').filter(Boolean)[0];
  return first ? Number(first) : org.id;
}

// An org search box; choosing selects it in the tree too so every points page follows.
export function orgChooser(org) {
  const p = orgPicker({
    id: 'points-org', name: 'org', testid: 'points-org', noun: '组织', placeholder: '查找组织',
    value: org,
    search: async (q) => {
      const root = treeApi() ? await treeApi().ready.catch(() => null) : null;
      const r = await api.get(`/api/v1/orgs${qs({ org: root ? root.id : '', q, per_page: 20 })}`);
      return { items: r.items || [], total: r.total ?? (r.items || []).length };
    },
    describe: (o) => ({ label: o.name, main: o.name, sub: o.parent_name || '' }),
    onChange: (o) => {
      if (!o) return;
      selectOrg(o);
      const tree = treeApi();
      if (tree && o.path) tree.reveal(o.path, o.id).catch(() => {});
      const { path, query } = currentRoute();
      query.delete('org');
      query.delete('page');
      const s = query.toString();
      navigate(`#${path}${s ? `?${s}` : ''}`);
    },
  });
  return h('div', { class: 'points-org-picker' }, p.el);
}

// ---- page head and tabs ----
export function pointsTabs(active) {
  const tab = (key, text, href) => h('a', {
    href, class: `tab${key === active ? ' active' : ''}`, role: 'tab', 'aria-selected': String(key === active),
    testid: `points-tab-${key}`,
  }, text);
  return h('div', { class: 'tabs points-tabs', role: 'tablist' },
    tab('rankings', '排名', '#/points'), tab('ledger', '积分明细', '#/points/ledger'),
    tab('indicators', '指标', '#/points/indicators'), tab('claims', '申报审核', '#/points/claims'),
    isAdmin() && tab('settings', '设置', '#/points/settings'));
}

export function pointsHead(title, org, ...extra) {
  return h('div', { class: 'page-head' },
    h('h2', null, title, org ? h('small', { testid: 'points-org-name' }, ` · ${org.name}`) : null),
    h('div', { class: 'actions' }, extra));
}

// API errors: a rule box with its id, a reload offer on a stale version, else a plain notice.
export function errBox(e, onReload) {
  if (e.status === 409 && (!e.rule || e.rule === 'store.stale') && onReload) {
    return h('div', { class: 'notice notice-error', role: 'alert', testid: 'conflict' },
      e.message || '数据已被他人修改',
      h('button', { class: 'btn', type: 'button', testid: 'conflict-reload', onclick: onReload }, '重新加载'));
  }
  if (e.rule === 'points.disabled') return notice('本组织未启用积分考评。', 'info', 'points-disabled');
  return e.rule ? ruleError(e) : notice(e.message, 'error', 'points-error');
}

export function disabledNotice() {
  return notice('本组织未启用积分考评。', 'info', 'points-disabled');
}

// Prev/next pager for {total, page, per_page}.
export function pager(r, go) {
  const pages = Math.max(1, Math.ceil((r.total || 0) / (r.per_page || 50)));
  if (pages <= 1) return null;
  return h('div', { class: 'pager', testid: 'pager' },
    h('button', { class: 'btn btn-sm', type: 'button', disabled: r.page <= 1, onclick: () => go(r.page - 1) }, '上一页'),
    h('span', null, `第 ${r.page} / ${pages} 页，共 ${r.total} 条`),
    h('button', { class: 'btn btn-sm', type: 'button', disabled: r.page >= pages, onclick: () => go(r.page + 1) }, '下一页'));
}

export { selectedOrg };
