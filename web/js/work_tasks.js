// 工作台账 · 目标任务分解 (挂图作战): the task list with filters and Excel export, the wall (tasks × months,
// colored cells; scrolls sideways on a phone), the overdue reminders, a task's page with its monthly
// milestones (report done / undo, complete, reopen with a reason) and the form (12 month rows: a filled
// target is that month's milestone).
// Hashes: #/work/tasks[?year&status&overdue&q&page] · /wall[?year] · /overdue · /new · /{id} · /{id}/edit
import { api, qs } from './api.js';
import { h, replace, notice, loading, toast } from './dom.js';
import { orgReady } from './layout.js';
import { navigate } from './router.js';
import { ruleError } from './recruits.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';
import { orgPicker } from './org_picker.js';

const BASE = '#/work/tasks';
const PER_PAGE = 50;
const CELL = { done: '完成', pending: '推进', overdue: '逾期', none: '' };
const CELL_NAME = { done: '已完成', pending: '推进中', overdue: '逾期未完成', none: '无节点' };

function todayStr() {
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}
const thisYear = () => Number(todayStr().slice(0, 4));

function yearOptions() {
  const y = thisYear();
  const out = [];
  for (let i = y + 1; i >= y - 4; i--) out.push(h('option', { value: String(i) }, `${i}年`));
  return out;
}

function subTabs(active) {
  const tab = (key, href, text) => h('a', {
    class: `btn btn-sm${active === key ? ' btn-primary' : ''}`, href, testid: `tasks-tab-${key}`,
    'aria-current': active === key ? 'page' : null,
  }, text);
  return h('div', { class: 'work-toolbar tasks-tabs' },
    tab('list', BASE, '任务清单'), tab('wall', `${BASE}/wall`, '挂图作战'), tab('overdue', `${BASE}/overdue`, '逾期提醒'),
    tab('new', `${BASE}/new`, '+ 新建任务'));
}

function errorBox(e, testid = 'tasks-error') {
  return e && e.rule ? ruleError(e) : notice(e ? e.message : '出错了', 'error', testid);
}

function statusBadge(t) {
  if (t.status === 'completed') return h('span', { class: 'badge state-active', testid: 'task-status' }, '已完成');
  if (t.overdue) return h('span', { class: 'badge state-removed', testid: 'task-status' }, '逾期');
  return h('span', { class: 'badge status-pending', testid: 'task-status' }, '推进中');
}

function progressBar(p) {
  const pct = (p && p.percent) || 0;
  return h('span', { class: 'task-progress', title: `${p.done}/${p.total}` },
    h('span', { class: 'task-progress-bar' }, h('span', { style: `width:${pct}%` })),
    h('span', { class: 'task-progress-text' }, `${p.done}/${p.total}`));
}

// ---- the list ------------------------------------------------------------------------------

async function renderList(view, query) {
  const org = await orgReady();
  const f = {
    year: query.get('year') || String(thisYear()), status: query.get('status') || '', overdue: query.get('overdue') || '',
    q: query.get('q') || '', page: Number(query.get('page')) || 1,
  };
  const go = (over) => navigate(`${BASE}${qs({ ...f, ...over, page: over.page || '' })}`);
  const params = { org: org ? org.id : '', year: f.year === 'all' ? '' : f.year, status: f.status, overdue: f.overdue, q: f.q.trim() };
  const search = h('input', { type: 'search', class: 'search-input', name: 'q', value: f.q, placeholder: '任务、责任人或责任单位', 'aria-label': '搜索任务', testid: 'tasks-q' });
  const toolbar = h('div', { class: 'toolbar' },
    h('form', { class: 'search-form', role: 'search', onsubmit: (e) => { e.preventDefault(); go({ q: search.value }); } },
      search, h('button', { class: 'btn', type: 'submit' }, '搜索')),
    h('div', { class: 'filters' },
      h('select', { 'aria-label': '年度', testid: 'tasks-year', value: f.year, onchange: (e) => go({ year: e.target.value }) },
        h('option', { value: 'all' }, '全部年度'), yearOptions()),
      h('select', { 'aria-label': '状态', testid: 'tasks-status', value: f.status, onchange: (e) => go({ status: e.target.value }) },
        h('option', { value: '' }, '全部状态'), h('option', { value: 'open' }, '推进中'), h('option', { value: 'completed' }, '已完成')),
      h('label', { class: 'check' }, h('input', {
        type: 'checkbox', testid: 'tasks-overdue', checked: f.overdue === '1', onchange: (e) => go({ overdue: e.target.checked ? '1' : '' }),
      }), ' 只看逾期'),
      h('a', { class: 'btn', href: `/api/v1/tasks${qs({ ...params, format: 'xlsx' })}`, download: '', testid: 'tasks-export' }, '导出 Excel')));
  const box = h('div', { testid: 'tasks-list' }, loading());
  const alert = h('div', { testid: 'tasks-alert' });
  view.append(subTabs('list'), alert, toolbar, box);
  // the reminder: how many tasks and milestones of the subtree are overdue
  api.get(`/api/v1/tasks/overdue${qs({ org: params.org, per_page: 1 })}`).then((r) => {
    if (r && r.total) {
      alert.append(h('div', { class: 'notice notice-error', role: 'status' }, `有 ${r.total} 项任务或月度节点逾期未完成，`,
        h('a', { href: `${BASE}/overdue`, testid: 'tasks-alert-link' }, '查看逾期提醒')));
    }
  }).catch(() => {});
  try {
    const r = await api.get(`/api/v1/tasks${qs({ ...params, page: f.page, per_page: PER_PAGE })}`);
    const items = r.items || [];
    if (!items.length) { replace(box, h('p', { class: 'empty', testid: 'tasks-empty' }, '没有符合条件的任务')); return; }
    replace(box, h('div', { class: 'table-wrap' }, h('table', { class: 'grid tasks-table' },
      h('thead', null, h('tr', null, ['任务名称', '责任单位', '责任人', '完成时限', '节点进度', '状态'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, items.map((t) => h('tr', { testid: 'task-row', dataset: { id: t.id } },
        h('td', null, h('a', { href: `${BASE}/${t.id}` }, t.title),
          t.overdue_milestones ? h('span', { class: 'work-overdue task-late-count' }, ` ${t.overdue_milestones}个节点逾期`) : null),
        h('td', null, t.unit_name), h('td', null, t.person_name),
        h('td', { class: t.overdue ? 'work-overdue' : '' }, t.due_on),
        h('td', null, progressBar(t.progress)), h('td', null, statusBadge(t))))))),
    pager(r.total, f.page, go));
  } catch (e) { replace(box, errorBox(e)); }
}

function pager(total, page, go) {
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  return h('div', { class: 'pager' }, `共 ${total} 项`,
    page > 1 ? h('button', { class: 'btn btn-sm', type: 'button', onclick: () => go({ page: page - 1 }) }, '上一页') : null,
    pages > 1 ? `第 ${page}/${pages} 页` : null,
    page < pages ? h('button', { class: 'btn btn-sm', type: 'button', onclick: () => go({ page: page + 1 }) }, '下一页') : null);
}

// ---- the wall (挂图作战) ----------------------------------------------------------------------

async function renderWall(view, query) {
  const org = await orgReady();
  const year = query.get('year') || String(thisYear());
  const box = h('div', { testid: 'tasks-wall' }, loading());
  view.append(subTabs('wall'), h('div', { class: 'toolbar' }, h('div', { class: 'filters' },
    h('select', { 'aria-label': '年度', testid: 'wall-year', value: year, onchange: (e) => navigate(`${BASE}/wall${qs({ year: e.target.value })}`) }, yearOptions()))),
  box);
  try {
    const w = await api.get(`/api/v1/tasks/wall${qs({ org: org ? org.id : '', year })}`);
    const s = w.summary || {};
    const legend = h('div', { class: 'wall-legend', testid: 'wall-legend' },
      ['done', 'pending', 'overdue'].map((k) => h('span', { class: `wall-key wall-${k}` }, CELL_NAME[k])),
      h('span', { class: 'muted' }, ` 共 ${s.tasks || 0} 项任务，完成节点 ${s.done || 0}，推进中 ${s.pending || 0}，逾期 ${s.overdue || 0}`));
    if (!(w.rows || []).length) { replace(box, legend, h('p', { class: 'empty', testid: 'wall-empty' }, `${year} 年没有分解任务`)); return; }
    replace(box, legend, h('div', { class: 'table-wrap wall-wrap' }, h('table', { class: 'wall', testid: 'wall-table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col', class: 'wall-task' }, '任务 / 责任单位'),
        w.months.map((m) => h('th', { scope: 'col' }, `${m}月`)))),
      h('tbody', null, w.rows.map((r) => h('tr', { testid: 'wall-row', dataset: { id: r.id } },
        h('th', { scope: 'row', class: 'wall-task' }, h('a', { href: `${BASE}/${r.id}` }, r.title),
          h('small', null, `${r.unit_name} · ${r.person_name} · ${r.progress_text}`,
            r.status === 'completed' ? ' · 已完成' : r.overdue ? ' · 任务逾期' : '')),
        r.cells.map((c) => h('td', {
          class: `wall-cell wall-${c.status}`, testid: 'wall-cell', dataset: { month: c.month, status: c.status },
          title: c.target ? `${c.month}月：${c.target}（${CELL_NAME[c.status]}${c.done_on ? ` ${c.done_on}` : ''}）` : CELL_NAME.none,
        }, CELL[c.status]))))))));
    if (w.truncated) box.append(notice('任务太多，只显示了一部分，请在左侧选择下级组织', 'info'));
  } catch (e) { replace(box, errorBox(e)); }
}

// ---- overdue reminders ---------------------------------------------------------------------

async function renderOverdue(view) {
  const org = await orgReady();
  const params = { org: org ? org.id : '' };
  const box = h('div', { testid: 'tasks-overdue-list' }, loading());
  view.append(subTabs('overdue'), h('div', { class: 'toolbar' },
    h('p', { class: 'muted' }, '月度节点在当月最后一天之后仍未完成即为逾期；任务过了完成时限仍未完成即为逾期。按逾期天数从多到少排列。'),
    h('a', { class: 'btn', href: `/api/v1/tasks/overdue${qs({ ...params, format: 'xlsx' })}`, download: '', testid: 'overdue-export' }, '导出 Excel')),
  box);
  try {
    const r = await api.get(`/api/v1/tasks/overdue${qs({ ...params, per_page: 200 })}`);
    const items = r.items || [];
    if (!items.length) { replace(box, h('p', { class: 'empty', testid: 'overdue-empty' }, '没有逾期事项')); return; }
    replace(box, h('div', { class: 'table-wrap' }, h('table', { class: 'grid' },
      h('thead', null, h('tr', null, ['逾期', '事项', '责任单位', '责任人', '应完成'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, items.map((x) => h('tr', { testid: 'overdue-row', dataset: { task: x.task_id, kind: x.kind } },
        h('td', { class: 'work-overdue' }, `${x.days_late} 天`),
        h('td', null, h('a', { href: `${BASE}/${x.task_id}` }, x.title),
          x.month ? h('div', { class: 'muted' }, `${x.month}月节点：${x.target || ''}`) : h('div', { class: 'muted' }, '任务未按期完成')),
        h('td', null, x.unit_name), h('td', null, x.person_name), h('td', null, x.due_on)))))),
    r.total > items.length ? h('p', { class: 'muted' }, `共 ${r.total} 项，只显示前 ${items.length} 项，完整清单请导出`) : null);
  } catch (e) { replace(box, errorBox(e)); }
}

// ---- a task's page -------------------------------------------------------------------------

async function renderDetail(view, id) {
  const box = h('div', { testid: 'task-detail' }, loading());
  const msg = h('div', { 'aria-live': 'polite', testid: 'task-msg' });
  view.append(subTabs(''), msg, box);
  let t;

  async function load() {
    try { t = await api.get(`/api/v1/tasks/${id}`); draw(); } catch (e) { replace(box, errorBox(e)); }
  }

  async function act(fn, ok) {
    msg.replaceChildren();
    try {
      t = await fn();
      toast(ok);
      draw();
    } catch (e) {
      msg.append(e.status === 409 && e.rule === 'store.stale'
        ? h('div', { class: 'notice notice-error', role: 'alert', testid: 'conflict' }, e.message,
          h('button', { class: 'btn', type: 'button', onclick: load }, '重新加载'))
        : errorBox(e));
    }
  }

  function milestoneRow(m) {
    const open = t.status === 'open';
    const note = h('input', { type: 'text', maxlength: 200, placeholder: '完成情况（可不填）', 'aria-label': `${m.month}月完成情况`, testid: 'ms-note' });
    const doneOn = h('input', { type: 'date', value: todayStr(), max: todayStr(), 'aria-label': `${m.month}月完成日期`, testid: 'ms-done-on' });
    const report = h('form', {
      class: 'ms-report', hidden: true, onsubmit: (e) => {
        e.preventDefault();
        act(() => api.post(`/api/v1/tasks/${t.id}/milestones/${m.month}`, { version: t.version, status: 'done', done_on: doneOn.value, note: note.value }), `${m.month}月节点已完成`);
      },
    }, doneOn, note, h('button', { class: 'btn btn-primary btn-sm', type: 'submit', testid: 'ms-save' }, '确认完成'));
    return h('li', { class: `ms ms-${m.cell}`, testid: 'milestone', dataset: { month: m.month, cell: m.cell } },
      h('span', { class: `ms-month wall-${m.cell}` }, `${m.month}月`),
      h('div', { class: 'ms-body' },
        h('div', null, m.target, ' ', h('span', { class: `badge ${m.cell === 'done' ? 'state-active' : m.cell === 'overdue' ? 'state-removed' : 'status-pending'}` }, m.cell_name)),
        m.done_on ? h('div', { class: 'muted' }, `完成于 ${m.done_on}${m.note ? `：${m.note}` : ''}`) : null,
        report),
      open ? (m.status === 'done'
        ? h('button', { class: 'btn btn-sm', type: 'button', testid: 'ms-undo', onclick: () => act(() => api.post(`/api/v1/tasks/${t.id}/milestones/${m.month}`, { version: t.version, status: 'pending' }), `${m.month}月节点已改为未完成`) }, '撤销')
        : h('button', { class: 'btn btn-sm btn-primary', type: 'button', testid: 'ms-done', onclick: () => { report.hidden = !report.hidden; if (!report.hidden) note.focus(); } }, '登记完成'))
        : null);
  }

  function reopenForm() {
    const reason = h('textarea', { id: 'task-reopen-reason', name: 'reason', rows: 2, maxlength: 500, testid: 'reopen-reason' });
    const form = h('form', {
      class: 'card', testid: 'reopen-form', novalidate: true, onsubmit: (e) => {
        e.preventDefault();
        clearFieldErrors(form);
        if (!reason.value.trim()) { showFieldError(form, 'reason', '请填写重新打开的原因'); return; }
        act(() => api.post(`/api/v1/tasks/${t.id}/reopen`, { version: t.version, reason: reason.value }), '任务已重新打开');
      },
    }, fieldBox('reason', '重新打开的原因', reason, { required: true, wide: true }),
    h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'reopen-save' }, '重新打开')));
    return form;
  }

  function draw() {
    const open = t.status === 'open';
    const actions = h('div', { class: 'actions work-toolbar' },
      t.can_plan && open ? h('a', { class: 'btn', href: `${BASE}/${t.id}/edit`, testid: 'task-edit' }, '编辑') : null,
      t.can_plan && open ? h('button', {
        class: 'btn btn-primary', type: 'button', testid: 'task-complete',
        onclick: () => act(() => api.post(`/api/v1/tasks/${t.id}/complete`, { version: t.version }), '任务已标记完成'),
      }, '标记任务完成') : null,
      t.can_plan && !open ? h('button', {
        class: 'btn', type: 'button', testid: 'task-reopen', onclick: (e) => { e.target.replaceWith(reopenForm()); },
      }, '重新打开') : null,
      t.can_plan && open && !t.progress.done ? h('button', {
        class: 'btn', type: 'button', testid: 'task-delete', onclick: async () => {
          if (!window.confirm(`删除任务“${t.title}”？`)) return;
          try { await api.del(`/api/v1/tasks/${t.id}?version=${t.version}`); toast('任务已删除'); navigate(BASE); } catch (e) { msg.append(errorBox(e)); }
        },
      }, '删除') : null);
    replace(box, h('div', { class: 'card', testid: 'task-card', dataset: { id: t.id, status: t.status } },
      h('h2', { class: 'task-title' }, t.title, ' ', statusBadge(t)),
      h('dl', { class: 'task-facts' },
        h('dt', null, '下达单位'), h('dd', null, `${t.org_name}（${t.year}年）`),
        h('dt', null, '责任单位'), h('dd', { testid: 'task-unit' }, t.unit_name),
        h('dt', null, '责任人'), h('dd', null, t.person_member_id ? h('a', { href: `#/members/${t.person_member_id}` }, t.person_name) : t.person_name),
        h('dt', null, '完成时限'), h('dd', { class: t.overdue ? 'work-overdue' : '' }, t.due_on, t.overdue ? '（已逾期）' : ''),
        h('dt', null, '节点进度'), h('dd', { testid: 'task-progress' }, progressBar(t.progress), ` ${t.progress.percent}%`),
        t.completed_on ? [h('dt', null, '完成日期'), h('dd', null, t.completed_on)] : null,
        t.reopen_reason ? [h('dt', null, '重新打开原因'), h('dd', { testid: 'task-reopen-reason' }, t.reopen_reason)] : null),
      t.description ? h('p', { class: 'task-desc' }, t.description) : null,
      actions),
    h('h3', null, '月度节点'),
    t.milestones.length ? h('ol', { class: 'ms-list', testid: 'milestones' }, t.milestones.map(milestoneRow))
      : h('p', { class: 'empty' }, '没有设置月度节点'));
  }
  await load();
}

// ---- the form ------------------------------------------------------------------------------

async function renderForm(view, id) {
  view.append(subTabs(id ? '' : 'new'));
  const org = await orgReady();
  let t = null;
  if (id) {
    try { t = await api.get(`/api/v1/tasks/${id}`); } catch (e) { view.append(errorBox(e)); return; }
  }
  const assigner = t ? { id: t.org_id, name: t.org_name } : org;
  if (!assigner) { view.append(notice('请先在左侧选择下达任务的组织', 'info', 'task-noorg')); return; }
  const inp = (key, attrs = {}) => h('input', { id: `task-${key}`, name: key, testid: `task-${key}`, autocomplete: 'off', ...attrs });
  const title = inp('title', { maxlength: 200, value: t ? t.title : '' });
  const year = h('select', { id: 'task-year', name: 'year', testid: 'task-year', disabled: !!t, value: String(t ? t.year : thisYear()) }, yearOptions());
  const due = inp('due_on', { type: 'date', value: t ? t.due_on : `${thisYear()}-12-31` });
  const person = inp('person_name', { maxlength: 60, value: t ? t.person_name : '' });
  const desc = h('textarea', { id: 'task-description', name: 'description', rows: 3, maxlength: 2000, testid: 'task-description' }, t && t.description ? t.description : '');
  const unit = orgPicker({
    id: 'task-unit_org_id', name: 'unit_org_id', testid: 'task-unit', noun: '组织', placeholder: '输入名称查找责任单位',
    value: t ? { id: t.unit_org_id, name: t.unit_name } : null,
    search: (q) => api.get(`/api/v1/orgs${qs({ org: assigner.id, q, per_page: 20 })}`),
    describe: (o) => ({ label: o.name, main: o.name, sub: o.kind_name || '' }),
  });
  // 关联党员 (optional): the responsible person's member record, searched in the assigning org's subtree
  const member = orgPicker({
    id: 'task-person_member_id', name: 'person_member_id', testid: 'task-member', noun: '党员', placeholder: '输入姓名查找（可不填）',
    minChars: 1, value: t && t.person_member_id ? { id: t.person_member_id, name: t.person_name } : null,
    search: (q) => api.get(`/api/v1/members${qs({ org: assigner.id, q, per_page: 20 })}`),
    describe: (m) => ({ label: m.name, main: m.name, sub: m.org_name || '' }),
    onChange: (m) => { if (m && !person.value.trim()) person.value = m.name; },
  });
  const targets = new Map((t ? t.milestones : []).map((m) => [m.month, m.target]));
  const monthInputs = [];
  for (let m = 1; m <= 12; m++) {
    monthInputs.push(h('input', { type: 'text', maxlength: 200, name: `m${m}`, 'aria-label': `${m}月节点目标`, testid: `task-m${m}`, placeholder: '不填则该月无节点', value: targets.get(m) || '' }));
  }
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite', testid: 'task-form-msg' });
  const form = h('form', { class: 'card', novalidate: true, testid: 'task-form', onsubmit: submit },
    h('h3', null, t ? '编辑任务' : `新建任务 · ${assigner.name}下达`),
    h('div', { class: 'form-grid' },
      fieldBox('title', '任务名称', title, { required: true, wide: true }),
      fieldBox('year', '年度', year, { required: true }),
      fieldBox('due_on', '完成时限', due, { required: true }),
      fieldBox('unit_org_id', '责任单位', unit.input, { required: true, control: unit.el, hint: `${assigner.name}或其下属组织` }),
      fieldBox('person_name', '责任人', person, { required: true }),
      fieldBox('person_member_id', '关联党员', member.input, { control: member.el, hint: '责任人是党员时可关联其党员档案' }),
      fieldBox('description', '任务内容', desc, { wide: true })),
    h('fieldset', { class: 'ms-plan', testid: 'task-plan' }, h('legend', null, '月度节点（挂图作战：填写的月份即为该月要完成的目标）'),
      h('div', { class: 'ms-plan-grid' }, monthInputs.map((x, i) => h('label', { class: 'ms-plan-row' }, h('span', null, `${i + 1}月`), x))),
      h('div', { class: 'field-error', 'aria-live': 'polite', dataset: { errorFor: 'milestones' }, testid: 'field-error-milestones' })),
    msg,
    h('div', { class: 'form-actions' },
      h('button', { class: 'btn btn-primary', type: 'submit', testid: 'task-save' }, t ? '保存' : '创建任务'),
      h('a', { class: 'btn', href: t ? `${BASE}/${t.id}` : BASE }, '取消')));
  view.append(form);
  // a field's error goes once the field is being corrected
  form.addEventListener('input', (e) => {
    const box = e.target.closest('.field');
    if (!box) return;
    box.classList.remove('has-error');
    const err = box.querySelector('.field-error');
    if (err) err.textContent = '';
    e.target.removeAttribute('aria-invalid');
  });

  async function submit(ev) {
    ev.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    const errs = [];
    if (!title.value.trim()) errs.push(['title', '请填写任务名称']);
    if (!due.value) errs.push(['due_on', '请填写完成时限']);
    if (!unit.value) errs.push(['unit_org_id', '请选择责任单位']);
    if (!person.value.trim()) errs.push(['person_name', '请填写责任人']);
    if (errs.length) { errs.reverse().forEach(([k, m]) => showFieldError(form, k, m)); return; }
    const body = {
      title: title.value, description: desc.value, due_on: due.value, unit_org_id: Number(unit.value.id), person_name: person.value,
      person_member_id: member.value ? Number(member.value.id) : null,
      milestones: monthInputs.map((x, i) => ({ month: i + 1, target: x.value.trim() })).filter((m) => m.target),
    };
    try {
      const r = t ? await api.patch(`/api/v1/tasks/${t.id}`, { ...body, version: t.version })
        : await api.post('/api/v1/tasks', { ...body, org_id: assigner.id, year: Number(year.value) });
      toast(t ? '任务已保存' : '任务已创建');
      navigate(`${BASE}/${r.id}`);
    } catch (e) {
      if (!(e.field && showFieldError(form, e.field, e.message))) msg.append(errorBox(e));
    }
  }
}

export async function render(view, sub, query) {
  const m = /^\/(\d+)(\/edit)?$/.exec(sub || '');
  if (!sub) return renderList(view, query);
  if (sub === '/wall') return renderWall(view, query);
  if (sub === '/overdue') return renderOverdue(view);
  if (sub === '/new') return renderForm(view, null);
  if (m && m[2]) return renderForm(view, m[1]);
  if (m) return renderDetail(view, m[1]);
  view.append(notice('未找到该页面', 'error', 'page-error'));
  return null;
}
