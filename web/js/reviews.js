// 述职评议: the sessions of the selected (host) organization by year, and the form that sets one up
// (weights of the three rater groups, fixed participants, the draw pool and how many to draw).
import { api, qs } from './api.js';
import { h, replace, notice, loading, toast, fmtDate } from './dom.js';
import { orgReady } from './layout.js';
import { navigate } from './router.js';
import { orgPicker } from './org_picker.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';
import { ruleError } from './recruits.js';
import { today } from './life_labels.js';

// Rater groups in the order the contract lists them (weights, per-group means, the ballot).
export const RATER_GROUPS = [
  { key: 'leader', name: '领导' },
  { key: 'member', name: '党员代表' },
  { key: 'mass', name: '群众代表' },
];
export const GROUP_NAME = Object.fromEntries(RATER_GROUPS.map((g) => [g.key, g.name]));
export const REVIEW_STATUS = { draft: '筹备中', scoring: '评议中', published: '已发布' };
export const STATUS_CLASS = { draft: 'badge-warn', scoring: 'state-active', published: 'status-confirmed' };
// Suggested 分类 for participants; any other text is allowed.
export const GRP_SUGGEST = ['乡镇', '部门'];
const DEFAULT_WEIGHTS = { leader: 40, member: 30, mass: 30 };
// Org kinds that may host a session (the API refuses others with review.org_kind).
const HOST_KINDS = ['dept', 'committee'];

export function statusBadge(status) {
  return h('span', { class: `badge rv-status ${STATUS_CLASS[status] || ''}`, testid: 'review-status', dataset: { status } },
    REVIEW_STATUS[status] || status || '');
}

export function weightsText(w) {
  if (!w) return '';
  return RATER_GROUPS.map((g) => `${g.name} ${w[g.key] ?? 0}%`).join(' · ');
}

function thisYear() { return Number(today().slice(0, 4)); }

function yearOptions(sel) {
  const y = thisYear();
  const out = [h('option', { value: '' }, '全部年度')];
  for (let i = y + 1; i >= y - 5; i--) out.push(h('option', { value: String(i), selected: String(i) === sel }, `${i}年`));
  return out;
}

function reviewsHead(title, org, extra) {
  return h('div', { class: 'page-head' },
    h('h2', null, title, org ? h('small', { testid: 'review-org-name' }, ` · ${org.name}`) : null),
    h('div', { class: 'actions' }, extra || null));
}

// 述职评议 list: the host's sessions, newest first.
export async function renderReviews(view, query) {
  view.append(loading());
  const org = await orgReady();
  const year = query.get('year') || '';
  view.replaceChildren();
  view.append(reviewsHead('述职评议', org,
    h('a', { class: 'btn btn-primary', href: '#/reviews/new', testid: 'review-new' }, '新建述职评议')));
  const yearSel = h('select', {
    'aria-label': '年度', testid: 'review-year', value: year,
    onchange: (e) => navigate(`#/reviews${qs({ year: e.target.value })}`),
  }, yearOptions(year));
  view.append(h('div', { class: 'toolbar' }, h('div', { class: 'filters' }, yearSel)));
  const box = h('div', { testid: 'review-list-box' }, loading());
  view.append(box,
    h('p', { class: 'muted' }, '述职评议由上级党组织主持：固定单位（如各乡镇）加上从候选单位中公开抽签的单位述职，'
      + '领导、党员代表、群众代表凭评议码在手机上记名打分，按权重计算得分后分类排名。'));
  if (!org) { replace(box, notice('请在左侧组织树中选择主办的党组织。', 'info', 'review-noorg')); return; }
  let r;
  try {
    r = await api.get(`/api/v1/reviews${qs({ org: org.id, year, per_page: 100 })}`);
  } catch (e) {
    replace(box, notice(e.message, 'error', 'review-list-error'));
    return;
  }
  const items = (r && r.items) || [];
  if (!items.length) {
    replace(box, h('div', { class: 'card empty', testid: 'review-empty' },
      year ? `${year} 年还没有述职评议。` : '还没有述职评议。', ' ',
      h('a', { href: '#/reviews/new' }, '新建述职评议')));
    return;
  }
  replace(box, h('div', { class: 'table-wrap' }, h('table', { class: 'grid rv-list', testid: 'review-list' },
    h('thead', null, h('tr', null, ['名称', '年度', '评议日期', '状态', '述职单位', '评议人提交', '主办组织'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, items.map((it) => h('tr', { testid: 'review-row', dataset: { id: it.id, status: it.status } },
      h('td', { class: 'wrap' }, h('a', { href: `#/reviews/${it.id}`, testid: 'review-link' }, it.title || `述职评议 ${it.id}`)),
      h('td', null, it.year ? `${it.year}年` : ''),
      h('td', null, fmtDate(it.held_on)),
      h('td', null, statusBadge(it.status)),
      h('td', { class: 'num' }, it.participants_count ?? ''),
      h('td', { class: 'num' }, it.raters_count !== undefined ? `${it.submitted_count ?? 0} / ${it.raters_count}` : ''),
      h('td', null, it.org_name || (it.org_id === org.id ? org.name : ''))))))),
  r.total > items.length ? h('p', { class: 'muted' }, `共 ${r.total} 项，只列出最近的 ${items.length} 项，请按年度筛选。`) : null);
}

// A list of units with their 分类: an org picker over the host's subtree, a 分类 box (乡镇 / 部门 /
// any text) and the chosen rows, each with its own 分类 box and a remove button.
// taken(id) tells whether another list already holds the org (a unit is either fixed or in the pool).
function unitList({ key, host, defaultGrp, taken, onChange }) {
  const rows = []; // {org: {id, name, kind_name}, grp: <input>}
  const has = (id) => rows.some((r) => String(r.org.id) === String(id));
  const picker = orgPicker({
    id: `rv-${key}-org`, testid: `${key}-org`, noun: '单位', minChars: 0,
    placeholder: '输入单位名称查找',
    search: (q) => api.get(`/api/v1/orgs${qs({ org: host.id, q, per_page: 20 })}`),
    describe: (o) => {
      const used = has(o.id) || (taken && taken(o.id));
      const self = String(o.id) === String(host.id);
      return {
        label: o.name, main: o.name, sub: o.kind_name ? `（${o.kind_name}）` : '',
        note: self ? '主办组织' : (used ? '已添加' : (o.code || '')), disabled: self || used,
      };
    },
  });
  const grp = h('input', {
    id: `rv-${key}-grp`, type: 'text', maxlength: 20, value: defaultGrp, list: 'rv-grp-suggest', class: 'rv-grp',
    testid: `${key}-grp`, 'aria-label': '分类', placeholder: '乡镇 / 部门',
  });
  const msg = h('div', { class: 'field-error', 'aria-live': 'polite', testid: `${key}-msg` });
  const list = h('ul', { class: 'rv-units', testid: `${key}-list` });
  const count = h('span', { class: 'muted', testid: `${key}-count` }, '');

  function redraw() {
    replace(list, rows.map((r, i) => h('li', { class: 'rv-unit', testid: `${key}-item`, dataset: { id: r.org.id } },
      h('span', { class: 'rv-unit-name' }, r.org.name, r.org.kind_name ? h('span', { class: 'muted small' }, ` ${r.org.kind_name}`) : null),
      r.grp,
      h('button', {
        class: 'btn btn-sm rv-unit-del', type: 'button', 'aria-label': `移除 ${r.org.name}`, testid: `${key}-remove`,
        onclick: () => { rows.splice(i, 1); redraw(); },
      }, '移除'))));
    count.textContent = rows.length ? `已选 ${rows.length} 个` : '尚未选择';
    if (onChange) onChange(rows.length);
  }

  function addOrg(org, grpText) {
    if (has(org.id) || (taken && taken(org.id)) || String(org.id) === String(host.id)) return false;
    rows.push({
      org: { id: org.id, name: org.name, kind_name: org.kind_name || '' },
      grp: h('input', {
        type: 'text', maxlength: 20, value: grpText, list: 'rv-grp-suggest', class: 'rv-grp',
        'aria-label': `${org.name} 的分类`, testid: `${key}-item-grp`,
      }),
    });
    return true;
  }

  const addBtn = h('button', {
    class: 'btn', type: 'button', testid: `${key}-add`,
    onclick: () => {
      msg.textContent = '';
      const o = picker.value;
      if (!o) { msg.textContent = '请先查找并选择单位'; picker.input.focus(); return; }
      if (!grp.value.trim()) { msg.textContent = '请填写分类（如 乡镇、部门）'; grp.focus(); return; }
      if (!addOrg(o, grp.value.trim())) { msg.textContent = `${o.name} 已在名单中`; return; }
      picker.set(null);
      redraw();
    },
  }, '添加');
  // Adds the chosen org's direct children (e.g. every 党支部 of a 党委) in one go: pools are long.
  const kidsBtn = h('button', {
    class: 'btn', type: 'button', testid: `${key}-add-children`,
    onclick: async () => {
      msg.textContent = '';
      const o = picker.value;
      if (!o) { msg.textContent = '请先查找并选择上级单位'; picker.input.focus(); return; }
      if (!grp.value.trim()) { msg.textContent = '请填写分类（如 乡镇、部门）'; grp.focus(); return; }
      kidsBtn.disabled = true;
      try {
        const r = await api.get(`/api/v1/orgs/${o.id}/children`);
        const kids = (Array.isArray(r) ? r : (r.items || [])).filter((k) => !k.dissolved_on && k.kind !== 'group');
        let n = 0;
        for (const k of kids) if (addOrg(k, grp.value.trim())) n++;
        msg.textContent = n ? '' : `${o.name} 没有可添加的下级单位`;
        if (n) { toast(`已添加 ${n} 个下级单位`); picker.set(null); }
        redraw();
      } catch (e) {
        msg.textContent = e.message;
      } finally {
        kidsBtn.disabled = false;
      }
    },
  }, '添加其下级单位');

  const el = h('div', { class: 'rv-unit-editor', testid: `${key}-editor` },
    h('div', { class: 'rv-unit-add' },
      h('div', { class: 'rv-unit-pick' }, picker.el),
      h('label', { class: 'rv-grp-label' }, h('span', null, '分类'), grp),
      h('div', { class: 'rv-unit-btns' }, addBtn, kidsBtn)),
    msg, count, list);
  redraw();
  return {
    el,
    has,
    get length() { return rows.length; },
    // [{org_id, grp}] or an error message for the first row without a 分类.
    collect() {
      const out = [];
      for (const r of rows) {
        const g = r.grp.value.trim();
        if (!g) { r.grp.setAttribute('aria-invalid', 'true'); return { error: `请填写 ${r.org.name} 的分类` }; }
        r.grp.removeAttribute('aria-invalid');
        out.push({ org_id: r.org.id, grp: g });
      }
      return { items: out };
    },
  };
}

// 新建述职评议
export async function renderReviewNew(view) {
  view.append(loading());
  const host = await orgReady();
  view.replaceChildren();
  view.append(reviewsHead('新建述职评议', host, h('a', { class: 'btn', href: '#/reviews' }, '返回列表')));
  if (!host) { view.append(notice('请在左侧组织树中选择主办的党组织。', 'info', 'review-noorg')); return; }
  if (host.kind && !HOST_KINDS.includes(host.kind)) {
    view.append(notice(`述职评议由党委或组织部主办，“${host.name}”不是党委。请在左侧组织树中选择主办的党委或组织部。`, 'info', 'review-host-kind'));
    return;
  }

  const year = thisYear();
  const inp = (key, attrs = {}) => h('input', { id: `rv-${key}`, name: key, testid: `review-${key}`, autocomplete: 'off', ...attrs });
  const title = inp('title', { maxlength: 100, value: `${year}年度基层党组织书记抓党建工作述职评议` });
  const yearIn = inp('year', { type: 'number', inputmode: 'numeric', min: 2000, max: 2100, step: 1, value: String(year) });
  const heldOn = inp('held_on', { type: 'date', value: today() });
  const weightIns = RATER_GROUPS.map((g) => h('input', {
    id: `rv-w-${g.key}`, name: `weight_${g.key}`, type: 'number', inputmode: 'numeric', min: 0, max: 100, step: 1,
    value: String(DEFAULT_WEIGHTS[g.key]), class: 'rv-weight', testid: `review-weight-${g.key}`,
  }));
  const weightSum = h('span', { class: 'rv-wsum', testid: 'review-weight-sum', 'aria-live': 'polite' });
  const weightErr = h('div', { class: 'field-error', id: 'err-weights', dataset: { errorFor: 'weights' }, testid: 'field-error-weights', 'aria-live': 'polite' });

  function readWeights() {
    const w = {};
    let sum = 0;
    let ok = true;
    RATER_GROUPS.forEach((g, i) => {
      const t = weightIns[i].value.trim();
      const n = Number(t);
      if (t === '' || !Number.isInteger(n) || n < 0 || n > 100) ok = false;
      w[g.key] = n;
      sum += Number.isFinite(n) ? n : 0;
    });
    return { w, sum, ok };
  }
  function showSum() {
    const { sum, ok } = readWeights();
    const good = ok && sum === 100;
    weightSum.textContent = `合计 ${sum}${good ? '' : '（须为 100）'}`;
    weightSum.className = `rv-wsum ${good ? 'ok' : 'bad'}`;
    return good;
  }
  for (const i of weightIns) i.addEventListener('input', showSum);
  showSum();

  let fixed = null;
  let pool = null;
  fixed = unitList({ key: 'fixed', host, defaultGrp: '乡镇', taken: (id) => pool && pool.has(id) });
  const drawCount = inp('draw_count', { type: 'number', inputmode: 'numeric', min: 0, step: 1, value: '0', class: 'rv-count' });
  pool = unitList({
    key: 'pool', host, defaultGrp: '部门', taken: (id) => fixed.has(id),
    onChange: (n) => { drawCount.max = String(n); },
  });

  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite', testid: 'form-msg' });
  const save = h('button', { class: 'btn btn-primary', type: 'submit', testid: 'review-save' }, '创建');
  const form = h('form', { class: 'card rv-form', novalidate: true, testid: 'review-form', onsubmit: submit },
    h('datalist', { id: 'rv-grp-suggest' }, GRP_SUGGEST.map((g) => h('option', { value: g }))),
    h('p', { class: 'muted' }, `主办组织：${host.name}（在左侧组织树中切换）。参评单位须是主办组织的下级单位。`),
    h('div', { class: 'form-grid' },
      fieldBox('title', '评议名称', title, { required: true, wide: true }),
      fieldBox('year', '年度', yearIn, { required: true }),
      fieldBox('held_on', '评议日期', heldOn, { required: true })),
    h('fieldset', { class: 'rv-weights', testid: 'review-weights' },
      h('legend', null, '评分权重（%）'),
      h('div', { class: 'rv-weight-row' },
        RATER_GROUPS.map((g, i) => h('label', { class: 'rv-weight-label', for: weightIns[i].id }, h('span', null, g.name), weightIns[i])),
        weightSum),
      h('div', { class: 'hint' }, '三个整数，合计 100。某一类评议人没有打分时，按其余各类的权重折算。'),
      weightErr),
    h('fieldset', { class: 'rv-fixed' },
      h('legend', null, '固定参评单位'),
      h('div', { class: 'hint' }, '每次都参加述职的单位，如各乡镇党委。分类用于分组排名。'),
      fixed.el,
      h('div', { class: 'field-error', dataset: { errorFor: 'participants' }, testid: 'field-error-participants' })),
    h('fieldset', { class: 'rv-pool' },
      h('legend', null, '抽签候选单位'),
      h('div', { class: 'hint' }, '从中公开抽签确定参加述职的单位（如县直部门）。抽签在创建后进行，可复核。'),
      pool.el,
      h('div', { class: 'field-error', dataset: { errorFor: 'draw_pool' }, testid: 'field-error-draw_pool' }),
      h('div', { class: 'form-grid' }, fieldBox('draw_count', '抽取数量', drawCount, { hint: '不抽签时填 0' }))),
    msg,
    h('div', { class: 'form-actions' }, save, h('a', { class: 'btn', href: '#/reviews' }, '取消')));
  view.append(form);

  async function submit(ev) {
    ev.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    const errs = [];
    const fx = fixed.collect();
    const pl = pool.collect();
    const { w } = readWeights();
    const n = Number(drawCount.value || 0);
    const y = Number(yearIn.value);
    if (!title.value.trim()) errs.push(['title', '请填写评议名称']);
    if (!Number.isInteger(y) || y < 2000 || y > 2100) errs.push(['year', '请填写正确的年度']);
    if (!heldOn.value) errs.push(['held_on', '请选择评议日期']);
    if (!showSum()) errs.push(['weights', '三项权重须为 0–100 的整数，合计 100']);
    if (fx.error) errs.push(['participants', fx.error]);
    if (pl.error) errs.push(['draw_pool', pl.error]);
    if (!Number.isInteger(n) || n < 0) errs.push(['draw_count', '抽取数量须为不小于 0 的整数']);
    else if (n > pool.length) errs.push(['draw_count', `抽取数量不能超过候选单位数（${pool.length}）`]);
    else if (pool.length && n === 0) errs.push(['draw_count', '已添加候选单位，请填写抽取数量']);
    if (!fixed.length && n === 0 && !errs.some((e) => e[0] === 'participants')) {
      errs.push(['participants', '请添加固定参评单位，或添加候选单位并填写抽取数量']);
    }
    if (errs.length) {
      for (const [f, m] of errs) showFieldError(form, f, m);
      msg.append(notice('请按提示修改后再创建。', 'error', 'form-invalid'));
      return;
    }
    const body = {
      org_id: host.id, title: title.value.trim(), year: y, held_on: heldOn.value, weights: w,
      participants: fx.items, draw_pool: pl.items, draw_count: n,
    };
    save.disabled = true;
    try {
      const r = await api.post('/api/v1/reviews', body);
      toast('已创建述职评议');
      navigate(`#/reviews/${r.id}`);
    } catch (e) {
      save.disabled = false;
      const f = e.field ? String(e.field).split(/[.[]/)[0] : '';
      if (!(f && showFieldError(form, f, e.message))) msg.append(e.rule ? ruleError(e) : notice(e.message, 'error', 'review-save-error'));
    }
  }
}
