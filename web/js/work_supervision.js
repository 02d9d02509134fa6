// 工作台账 · 督查整改: the findings ledger (问题台账) with filters and Excel export, inspections (督查记录) and a
// new inspection, an inspection's page where findings are added, a finding's page with its timeline and the next
// move (报告整改 by the inspected side; 验收销号 / 退回重改 with a reason by the inspecting side), and the quarterly
// 督查通报, laid out for printing.
// Hashes: #/work/supervision[?status&category&severity&kind&overdue&q&page] · /inspections · /inspections/new ·
// /inspections/{id} · /findings/{id} · /bulletin[?year&quarter]
import { api, qs } from './api.js';
import { h, replace, notice, loading, toast } from './dom.js';
import { orgReady } from './layout.js';
import { navigate } from './router.js';
import { ruleError } from './recruits.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';
import { orgPicker } from './org_picker.js';
import { isAdmin, isManager } from './session.js';

const BASE = '#/work/supervision';
const PER_PAGE = 50;
export const KINDS = { monthly: '月度督查', special: '专项督查', quarterly: '季度考核' };
export const CATEGORIES = {
  organization: '组织建设', meetings: '组织生活', education: '教育管理', members: '党员管理', dues: '党费收缴',
  positions: '阵地建设', style: '作风纪律', other: '其他',
};
export const SEVERITIES = { minor: '轻微', normal: '一般', serious: '严重' };
const STATUSES = { open: '待整改', rectified: '已整改待验收', closed: '已销号' };

const todayStr = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const options = (map, empty) => [empty ? h('option', { value: '' }, empty) : null,
  ...Object.entries(map).map(([k, v]) => h('option', { value: k }, v))];

function subTabs(active) {
  const tab = (key, href, text) => h('a', {
    class: `btn btn-sm${active === key ? ' btn-primary' : ''}`, href, testid: `sv-tab-${key}`,
    'aria-current': active === key ? 'page' : null,
  }, text);
  return h('div', { class: 'work-toolbar' },
    tab('findings', BASE, '问题台账'), tab('inspections', `${BASE}/inspections`, '督查记录'),
    tab('bulletin', `${BASE}/bulletin`, '督查通报'),
    isAdmin() ? tab('new', `${BASE}/inspections/new`, '+ 新建督查') : null);
}

function errorBox(e, testid = 'sv-error') {
  return e && e.rule ? ruleError(e) : notice(e ? e.message : '出错了', 'error', testid);
}

function statusBadge(f) {
  if (f.overdue) return h('span', { class: 'badge state-removed', testid: 'finding-status' }, '逾期未整改');
  const cls = f.status === 'closed' ? 'state-active' : f.status === 'rectified' ? 'status-pending' : 'badge-warn';
  return h('span', { class: `badge ${cls}`, testid: 'finding-status' }, f.status_name || STATUSES[f.status]);
}

function pager(total, page, go) {
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  return h('div', { class: 'pager' }, `共 ${total} 项`,
    page > 1 ? h('button', { class: 'btn btn-sm', type: 'button', onclick: () => go({ page: page - 1 }) }, '上一页') : null,
    pages > 1 ? `第 ${page}/${pages} 页` : null,
    page < pages ? h('button', { class: 'btn btn-sm', type: 'button', onclick: () => go({ page: page + 1 }) }, '下一页') : null);
}

function findingsTable(items, opts = {}) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'grid sv-table', testid: 'finding-table' },
    h('thead', null, h('tr', null, [opts.noOrg ? null : '被督查单位', '发现问题', '类别', '程度', '整改期限', '责任人', '状态']
      .filter(Boolean).map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, items.map((f) => h('tr', { testid: 'finding-row', dataset: { id: f.id, status: f.status } },
      opts.noOrg ? null : h('td', null, f.org_name),
      h('td', { class: 'sv-problem' }, h('a', { href: `${BASE}/findings/${f.id}` }, f.problem),
        h('div', { class: 'muted' }, `${f.found_on} ${f.kind_name || ''}`)),
      h('td', null, f.category_name), h('td', null, f.severity_name),
      h('td', { class: f.overdue ? 'work-overdue' : '' }, f.deadline),
      h('td', null, f.responsible), h('td', null, statusBadge(f)))))));
}

// ---- 问题台账 ------------------------------------------------------------------------------

async function renderFindings(view, query) {
  const org = await orgReady();
  const keys = ['status', 'category', 'severity', 'kind', 'overdue', 'q'];
  const f = Object.fromEntries(keys.map((k) => [k, query.get(k) || '']));
  f.page = Number(query.get('page')) || 1;
  const go = (over) => navigate(`${BASE}${qs({ ...f, ...over, page: over.page || '' })}`);
  const params = { org: org ? org.id : '', ...Object.fromEntries(keys.map((k) => [k, k === 'q' ? f.q.trim() : f[k]])) };
  const sel = (key, map, empty) => h('select', { 'aria-label': empty, testid: `sv-${key}`, value: f[key], onchange: (e) => go({ [key]: e.target.value }) }, options(map, empty));
  const search = h('input', { type: 'search', class: 'search-input', value: f.q, placeholder: '问题、责任人或单位', 'aria-label': '搜索督查问题', testid: 'sv-q' });
  const box = h('div', { testid: 'finding-list' }, loading());
  view.append(subTabs('findings'), h('div', { class: 'toolbar' },
    h('form', { class: 'search-form', role: 'search', onsubmit: (e) => { e.preventDefault(); go({ q: search.value }); } },
      search, h('button', { class: 'btn', type: 'submit' }, '搜索')),
    h('div', { class: 'filters' },
      sel('status', STATUSES, '全部状态'), sel('category', CATEGORIES, '全部类别'), sel('severity', SEVERITIES, '全部程度'),
      sel('kind', KINDS, '全部督查类型'),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', testid: 'sv-overdue', checked: f.overdue === '1', onchange: (e) => go({ overdue: e.target.checked ? '1' : '' }) }), ' 只看逾期'),
      h('a', { class: 'btn', href: `/api/v1/inspection-findings${qs({ ...params, format: 'xlsx' })}`, download: '', testid: 'sv-export' }, '导出 Excel'))),
  box);
  try {
    const r = await api.get(`/api/v1/inspection-findings${qs({ ...params, page: f.page, per_page: PER_PAGE })}`);
    if (!r.items.length) { replace(box, h('p', { class: 'empty', testid: 'finding-empty' }, '没有符合条件的督查问题')); return; }
    replace(box, findingsTable(r.items), pager(r.total, f.page, go));
  } catch (e) { replace(box, errorBox(e)); }
}

// ---- 督查记录 ------------------------------------------------------------------------------

async function renderInspections(view, query) {
  const org = await orgReady();
  const f = { kind: query.get('kind') || '', q: query.get('q') || '', page: Number(query.get('page')) || 1 };
  const go = (over) => navigate(`${BASE}/inspections${qs({ ...f, ...over, page: over.page || '' })}`);
  const params = { org: org ? org.id : '', kind: f.kind, q: f.q.trim() };
  const box = h('div', { testid: 'inspection-list' }, loading());
  view.append(subTabs('inspections'), h('div', { class: 'toolbar' }, h('div', { class: 'filters' },
    h('select', { 'aria-label': '督查类型', testid: 'sv-insp-kind', value: f.kind, onchange: (e) => go({ kind: e.target.value }) }, options(KINDS, '全部督查类型')),
    h('a', { class: 'btn', href: `/api/v1/inspections${qs({ ...params, format: 'xlsx' })}`, download: '', testid: 'sv-insp-export' }, '导出 Excel'))),
  box);
  try {
    const r = await api.get(`/api/v1/inspections${qs({ ...params, page: f.page, per_page: PER_PAGE })}`);
    if (!r.items.length) { replace(box, h('p', { class: 'empty', testid: 'inspection-empty' }, '没有督查记录')); return; }
    replace(box, h('div', { class: 'table-wrap' }, h('table', { class: 'grid', testid: 'inspection-table' },
      h('thead', null, h('tr', null, ['督查日期', '督查主题', '类型', '督查单位', '督查人员', '问题 / 销号 / 逾期'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, r.items.map((i) => h('tr', { testid: 'inspection-row', dataset: { id: i.id } },
        h('td', null, i.held_on), h('td', null, h('a', { href: `${BASE}/inspections/${i.id}` }, i.title)),
        h('td', null, i.kind_name), h('td', null, i.org_name), h('td', null, i.inspectors),
        h('td', null, `${i.findings} / ${i.closed} / `, h('span', { class: i.overdue ? 'work-overdue' : '' }, String(i.overdue)))))))),
    pager(r.total, f.page, go));
  } catch (e) { replace(box, errorBox(e)); }
}

// shows err next to its field when the form has one, else in msg
function formError(form, msg, e) {
  if (!(e.field && showFieldError(form, e.field, e.message))) replace(msg, errorBox(e, 'sv-form-error'));
}

async function renderInspectionForm(view) {
  const org = await orgReady();
  view.append(subTabs('new'));
  if (!org) { view.append(notice('请先在左侧选择组织督查的单位', 'info')); return; }
  const inp = (key, attrs = {}) => h('input', { id: `insp-${key}`, name: key, testid: `insp-${key}`, autocomplete: 'off', ...attrs });
  const held = inp('held_on', { type: 'date', value: todayStr(), max: todayStr() });
  const kind = h('select', { id: 'insp-kind', name: 'kind', testid: 'insp-kind', value: 'monthly' }, options(KINDS));
  const title = inp('title', { maxlength: 200, placeholder: '如：2026年3月“三会一课”专项督查' });
  const inspectors = inp('inspectors', { maxlength: 200, placeholder: '多人用顿号分隔' });
  const note = h('textarea', { id: 'insp-note', name: 'note', rows: 3, maxlength: 2000, testid: 'insp-note' });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const form = h('form', {
    class: 'card', novalidate: true, testid: 'inspection-form',
    onsubmit: async (e) => {
      e.preventDefault();
      clearFieldErrors(form);
      msg.replaceChildren();
      try {
        const r = await api.post('/api/v1/inspections', { org_id: org.id, held_on: held.value, kind: kind.value, title: title.value, inspectors: inspectors.value, note: note.value });
        toast('督查记录已建立，请登记发现的问题');
        navigate(`${BASE}/inspections/${r.id}`);
      } catch (err) { formError(form, msg, err); }
    },
  }, h('h3', null, `新建督查 · ${org.name}`),
  h('div', { class: 'form-grid' },
    fieldBox('held_on', '督查日期', held, { required: true }), fieldBox('kind', '督查类型', kind, { required: true }),
    fieldBox('title', '督查主题', title, { wide: true, hint: '不填则以督查类型为题' }),
    fieldBox('inspectors', '督查人员', inspectors, { required: true, wide: true }),
    fieldBox('note', '备注', note, { wide: true })),
  msg, h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'insp-save' }, '保存')));
  view.append(form);
}

function findingForm(insp, onAdded) {
  const deadline = new Date(Date.now() + 8 * 3600e3 + 30 * 86400e3).toISOString().slice(0, 10);
  const inp = (key, attrs = {}) => h('input', { id: `fd-${key}`, name: key, testid: `fd-${key}`, autocomplete: 'off', ...attrs });
  const picker = orgPicker({
    id: 'fd-org_id', name: 'org_id', testid: 'fd-org', placeholder: '输入名称查找被督查单位',
    search: async (q) => {
      const r = await api.get(`/api/v1/orgs${qs({ org: insp.org_id, q, per_page: 20 })}`);
      return { ...r, items: (r.items || []).filter((o) => o.id !== insp.org_id) };
    },
    describe: (o) => ({ label: o.name, main: o.name, sub: o.kind_name || '' }),
  });
  const problem = h('textarea', { id: 'fd-problem', name: 'problem', rows: 2, maxlength: 2000, testid: 'fd-problem' });
  const category = h('select', { id: 'fd-category', name: 'category', testid: 'fd-category', value: 'meetings' }, options(CATEGORIES));
  const severity = h('select', { id: 'fd-severity', name: 'severity', testid: 'fd-severity', value: 'normal' }, options(SEVERITIES));
  const due = inp('deadline', { type: 'date', value: deadline });
  const responsible = inp('responsible', { maxlength: 60 });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const form = h('form', {
    class: 'card', novalidate: true, testid: 'finding-form',
    onsubmit: async (e) => {
      e.preventDefault();
      clearFieldErrors(form);
      msg.replaceChildren();
      const o = picker.value;
      try {
        await api.post(`/api/v1/inspections/${insp.id}/findings`, {
          org_id: o ? o.id : null, problem: problem.value, category: category.value, severity: severity.value,
          deadline: due.value, responsible: responsible.value,
        });
        toast('问题已登记');
        onAdded();
      } catch (err) { formError(form, msg, err); }
    },
  }, h('h3', null, '登记发现的问题'),
  h('div', { class: 'form-grid' },
    fieldBox('org_id', '被督查单位', picker.input, { required: true, control: picker.el }),
    fieldBox('problem', '发现问题', problem, { required: true, wide: true }),
    fieldBox('category', '问题类别', category, { required: true }), fieldBox('severity', '严重程度', severity, { required: true }),
    fieldBox('deadline', '整改期限', due, { required: true }), fieldBox('responsible', '整改责任人', responsible, { required: true })),
  msg, h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'fd-save' }, '登记问题')));
  return form;
}

// 修改督查信息: the inspecting side corrects its inspection until a finding is closed; the date only
// while it has no findings (they are dated the inspection)
function inspectionEditForm(i, done) {
  const inp = (key, attrs = {}) => h('input', { id: `ie-${key}`, name: key, testid: `ie-${key}`, autocomplete: 'off', ...attrs });
  const held = inp('held_on', { type: 'date', value: i.held_on, max: todayStr(), disabled: i.findings > 0 });
  const kind = h('select', { id: 'ie-kind', name: 'kind', testid: 'ie-kind', value: i.kind }, options(KINDS));
  const title = inp('title', { maxlength: 200, value: i.title || '' });
  const inspectors = inp('inspectors', { maxlength: 200, value: i.inspectors || '' });
  const note = h('textarea', { id: 'ie-note', name: 'note', rows: 3, maxlength: 2000, testid: 'ie-note', value: i.note || '' });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const form = h('form', {
    class: 'card', novalidate: true, testid: 'inspection-edit-form',
    onsubmit: async (e) => {
      e.preventDefault();
      clearFieldErrors(form);
      msg.replaceChildren();
      const body = { version: i.version, kind: kind.value, title: title.value, inspectors: inspectors.value, note: note.value || null };
      if (!held.disabled) body.held_on = held.value;
      try {
        await api.patch(`/api/v1/inspections/${i.id}`, body);
        toast('督查信息已修改');
        done();
      } catch (err) { formError(form, msg, err); }
    },
  }, h('h3', null, '修改督查信息'),
  h('div', { class: 'form-grid' },
    fieldBox('held_on', '督查日期', held, { required: true, hint: i.findings > 0 ? '已登记问题，督查日期不能再改' : undefined }),
    fieldBox('kind', '督查类型', kind, { required: true }),
    fieldBox('title', '督查主题', title, { wide: true }),
    fieldBox('inspectors', '督查人员', inspectors, { required: true, wide: true }),
    fieldBox('note', '备注', note, { wide: true })),
  msg, h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'ie-save' }, '保存修改'),
    h('button', { class: 'btn', type: 'button', onclick: done }, '取消')));
  return form;
}

async function renderInspection(view, id) {
  const box = h('div', { testid: 'inspection-detail' }, loading());
  view.append(subTabs(''), box);
  async function load() {
    try {
      const i = await api.get(`/api/v1/inspections/${id}`);
      const head = h('div', { testid: 'inspection-head' }, h('h2', null, i.title, h('small', null, ` · ${i.kind_name}`)),
        h('dl', { class: 'kv-list' },
          h('div', { class: 'kv' }, h('dt', null, '督查单位'), h('dd', null, i.org_name)),
          h('div', { class: 'kv' }, h('dt', null, '督查日期'), h('dd', null, i.held_on)),
          h('div', { class: 'kv' }, h('dt', null, '督查人员'), h('dd', null, i.inspectors)),
          i.note ? h('div', { class: 'kv' }, h('dt', null, '备注'), h('dd', null, i.note)) : null),
        isAdmin() && !i.closed ? h('button', { class: 'btn', type: 'button', testid: 'insp-edit', onclick: () => head.replaceWith(inspectionEditForm(i, load)) }, '修改督查信息') : null);
      replace(box, head,
        h('h3', null, `发现问题（${i.items.length}）`),
        i.items.length ? findingsTable(i.items) : h('p', { class: 'empty', testid: 'finding-empty' }, '尚未登记问题'),
        isAdmin() ? findingForm(i, load) : null);
    } catch (e) { replace(box, errorBox(e)); }
  }
  await load();
}

// ---- a finding ------------------------------------------------------------------------------

async function renderFinding(view, id) {
  const box = h('div', { testid: 'finding-detail' }, loading());
  const msg = h('div', { 'aria-live': 'polite', testid: 'finding-msg' });
  view.append(subTabs(''), msg, box);
  let f;

  async function load() {
    try { f = await api.get(`/api/v1/inspection-findings/${id}`); draw(); } catch (e) { replace(box, errorBox(e)); }
  }

  async function act(path, body, ok, form) {
    msg.replaceChildren();
    if (form) clearFieldErrors(form);
    try {
      f = await api.post(`/api/v1/inspection-findings/${id}/${path}`, { version: f.version, ...body });
      toast(ok);
      draw();
    } catch (e) {
      if (e.status === 409 && e.rule === 'store.stale') {
        msg.append(h('div', { class: 'notice notice-error', role: 'alert', testid: 'conflict' }, e.message,
          h('button', { class: 'btn', type: 'button', onclick: load }, '重新加载')));
      } else if (!(form && e.field && showFieldError(form, e.field, e.message))) {
        msg.append(errorBox(e));
      }
    }
  }

  function rectifyForm() {
    const text = h('textarea', { id: 'rf-rectification', name: 'rectification', rows: 3, maxlength: 2000, testid: 'rf-text' }, f.rectification || '');
    const on = h('input', { id: 'rf-on', name: 'rectified_on', type: 'date', value: todayStr(), max: todayStr(), testid: 'rf-on' });
    const ev = h('input', { id: 'rf-evidence', name: 'evidence', maxlength: 2000, testid: 'rf-evidence', placeholder: '如：会议记录第12页、照片3张' });
    const form = h('form', {
      class: 'card', novalidate: true, testid: 'rectify-form',
      onsubmit: (e) => { e.preventDefault(); act('rectify', { rectification: text.value, rectified_on: on.value, evidence: ev.value }, '整改情况已报告', form); },
    }, h('h3', null, '报告整改情况'), h('div', { class: 'form-grid' },
      fieldBox('rectification', '整改情况', text, { required: true, wide: true }),
      fieldBox('rectified_on', '整改完成日期', on, { required: true }), fieldBox('evidence', '佐证材料', ev)),
    h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'rf-save' }, '报告整改')));
    return form;
  }

  function verifyForm() {
    const on = h('input', { id: 'vf-on', name: 'closed_on', type: 'date', value: todayStr(), max: todayStr(), testid: 'vf-on' });
    const reason = h('textarea', { id: 'vf-reason', name: 'reason', rows: 2, maxlength: 2000, testid: 'vf-reason', placeholder: '退回时必须写明原因' });
    const form = h('form', { class: 'card', novalidate: true, testid: 'verify-form', onsubmit: (e) => e.preventDefault() },
      h('h3', null, '验收'), h('div', { class: 'form-grid' },
        fieldBox('closed_on', '验收日期', on), fieldBox('reason', '退回原因', reason, { wide: true })),
      h('div', { class: 'form-actions' },
        h('button', { class: 'btn btn-primary', type: 'button', testid: 'vf-close', onclick: () => act('close', { closed_on: on.value }, '已验收销号', form) }, '验收销号'),
        h('button', { class: 'btn', type: 'button', testid: 'vf-return', onclick: () => act('return', { reason: reason.value }, '已退回重新整改', form) }, '退回重改')));
    return form;
  }

  function draw() {
    const kv = (k, v, cls) => (v === null || v === undefined || v === '' ? null : h('div', { class: 'kv' }, h('dt', null, k), h('dd', { class: cls || '' }, String(v))));
    replace(box,
      h('h2', null, f.org_name, ' ', statusBadge(f)),
      h('dl', { class: 'kv-list' },
        kv('发现问题', f.problem), kv('问题类别', f.category_name), kv('严重程度', f.severity_name),
        kv('督查', `${f.found_on} ${f.inspecting_org_name} ${f.inspection_title || f.kind_name}`),
        kv('整改期限', f.deadline, f.overdue ? 'work-overdue' : ''), kv('整改责任人', f.responsible),
        kv('整改情况', f.rectification), kv('整改完成日期', f.rectified_on ? `${f.rectified_on}${f.late ? '（超期）' : ''}` : ''),
        kv('佐证材料', f.evidence), kv('销号日期', f.closed_on),
        f.returns ? kv('退回', `${f.returns} 次，最近原因：${f.return_reason}`) : null),
      h('h3', null, '办理过程'),
      h('ol', { class: 'project-ledger', testid: 'finding-timeline' }, (f.events || []).map((e) => h('li', { testid: 'finding-event', dataset: { action: e.action } },
        h('strong', null, e.action_name), h('span', { class: 'ledger-date' }, e.on_date), e.username ? h('span', { class: 'ledger-who' }, e.username) : null,
        e.note ? h('div', { class: 'ledger-note' }, e.note) : null, e.evidence ? h('div', { class: 'ledger-note' }, `佐证：${e.evidence}`) : null))),
      f.status === 'open' && isManager() ? rectifyForm() : null,
      f.status === 'rectified' && f.can_verify ? verifyForm() : null);
  }
  await load();
}

// ---- 督查通报 ------------------------------------------------------------------------------

async function renderBulletin(view, query) {
  const org = await orgReady();
  const now = todayStr();
  const year = query.get('year') || now.slice(0, 4);
  const quarter = query.get('quarter') || String(Math.floor((Number(now.slice(5, 7)) - 1) / 3) + 1);
  const go = (over) => navigate(`${BASE}/bulletin${qs({ year, quarter, ...over })}`);
  const years = [];
  for (let y = Number(now.slice(0, 4)); y >= Number(now.slice(0, 4)) - 4; y--) years.push(h('option', { value: String(y) }, `${y}年`));
  const box = h('div', { class: 'sv-bulletin', testid: 'bulletin' }, loading());
  view.append(subTabs('bulletin'), h('div', { class: 'toolbar no-print' }, h('div', { class: 'filters' },
    h('select', { 'aria-label': '年度', testid: 'bl-year', value: year, onchange: (e) => go({ year: e.target.value }) }, years),
    h('select', { 'aria-label': '季度', testid: 'bl-quarter', value: quarter, onchange: (e) => go({ quarter: e.target.value }) },
      [1, 2, 3, 4].map((q) => h('option', { value: String(q) }, `第${'一二三四'[q - 1]}季度`))),
    h('button', { class: 'btn btn-primary', type: 'button', testid: 'bl-print', onclick: () => window.print() }, '打印通报'))),
  box);
  try {
    const b = await api.get(`/api/v1/inspection-bulletin${qs({ org: org ? org.id : '', year, quarter })}`);
    const t = b.totals;
    const head = ['单位', '问题数', '按期整改', '超期整改', '未整改', '其中逾期', '已销号'];
    const row = (name, g, testid) => h('tr', { testid }, h('th', { scope: 'row' }, name),
      ['total', 'on_time', 'late', 'open', 'overdue', 'closed'].map((k) => h('td', { class: k === 'overdue' && g[k] ? 'work-overdue' : '' }, String(g[k]))));
    const table = (first, rows, testid) => h('table', { class: 'grid sv-bulletin-table', testid },
      h('thead', null, h('tr', null, [first, ...head.slice(1)].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', null, rows), h('tfoot', null, row('合计', t)));
    const rate = t.total ? Math.round(((t.on_time + t.late) * 100) / t.total) : 0;
    replace(box,
      h('h2', { class: 'sv-bulletin-title' }, `${b.org_name}${b.year}年第${'一二三四'[b.quarter - 1]}季度督查通报`),
      h('p', { testid: 'bl-summary' }, `${b.from} 至 ${b.to}，共开展督查 ${b.inspections} 次，发现问题 ${t.total} 个；已整改 ${t.on_time + t.late} 个（按期 ${t.on_time} 个、超期 ${t.late} 个，整改率 ${rate}%），已验收销号 ${t.closed} 个；尚未整改 ${t.open} 个，其中已逾期 ${t.overdue} 个。统计截至 ${b.as_of}。`),
      h('h3', null, '一、分单位情况'),
      b.by_org.length ? table('单位', b.by_org.map((g) => row(g.name, g, 'bl-org-row')), 'bl-by-org') : h('p', { class: 'empty' }, '本季度没有督查问题'),
      h('h3', null, '二、分类别情况'),
      b.by_category.length ? table('问题类别', b.by_category.map((g) => row(g.name, g, 'bl-cat-row')), 'bl-by-category') : h('p', { class: 'empty' }, '无'),
      h('h3', null, '三、逾期未整改问题'),
      b.overdue.length ? h('table', { class: 'grid', testid: 'bl-overdue' },
        h('thead', null, h('tr', null, ['单位', '问题', '整改期限', '责任人'].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', null, b.overdue.map((f) => h('tr', { testid: 'bl-overdue-row' }, h('td', null, f.org_name),
          h('td', null, f.problem), h('td', { class: 'work-overdue' }, f.deadline), h('td', null, f.responsible)))))
        : h('p', { testid: 'bl-no-overdue' }, '无逾期未整改问题。'));
  } catch (e) { replace(box, errorBox(e)); }
}

export async function render(view, sub, query) {
  const q = query instanceof URLSearchParams ? query : new URLSearchParams(query || '');
  let m;
  if (!sub || sub === '/') return renderFindings(view, q);
  if (sub === '/inspections') return renderInspections(view, q);
  if (sub === '/inspections/new') return renderInspectionForm(view);
  if (sub === '/bulletin') return renderBulletin(view, q);
  if ((m = /^\/inspections\/(\d+)$/.exec(sub))) return renderInspection(view, m[1]);
  if ((m = /^\/findings\/(\d+)$/.exec(sub))) return renderFinding(view, m[1]);
  view.append(notice('未找到该页面', 'error', 'page-error'));
  return null;
}
