// 党建课程: the manager's pages. #/courses lists the courses published from the selected organization's subtree;
// #/courses/new and #/courses/{id}/edit the form (text, PDF or video with a duration; the file uploaded from the
// form); #/courses/{id} the course with its assignments (organizations chosen with the org picker, each reaching its
// whole subtree), publish / withdraw, and who has opened and finished it per branch. Completion is what members
// state (opened, 学完); nothing here times anyone.
import { api, qs, ApiError } from './api.js';
import { h, replace, notice, loading, toast, fmtDate, fmtTime } from './dom.js';
import { orgReady } from './layout.js';
import { navigate, rerender } from './router.js';
import { ruleError } from './recruits.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';
import { orgPicker } from './org_picker.js';

const BASE = '#/courses';
const PER_PAGE = 50;
const STATUS = { draft: '草稿', published: '已发布', withdrawn: '已撤回' };
const STATUS_CLASS = { draft: 'status-pending', published: 'state-active', withdrawn: 'state-removed' };
export const KINDS = { text: '图文', pdf: 'PDF 文档', video: '视频' };
const ACCEPT = { pdf: '.pdf,application/pdf', video: '.mp4,video/mp4' };
const LABELS = {
  title: '课程名称', kind: '课程形式', body: '正文', duration_minutes: '时长（分钟）', hours: '学时', org_id: '发布党组织',
  org_ids: '指派党组织', file: '课程文件',
};
const ORG_KIND = { dept: '组织部', committee: '党委', general_branch: '党总支', branch: '党支部', joint_branch: '联合党支部', group: '党小组' };

function errorBox(e) {
  return e && e.rule ? ruleError(e) : notice(e ? e.message : '出错了', 'error', 'course-error');
}

function statusBadge(c) {
  return h('span', { class: `badge ${STATUS_CLASS[c.status] || ''}`, testid: 'course-status' }, c.status_name || STATUS[c.status] || c.status);
}

// the default 学时 as the server computes it: 1 学时 per 45 minutes, to the nearest half, at least 0.5
export function defaultHours(minutes) {
  const halves = Math.floor((2 * minutes + 22) / 45);
  return Math.max(1, halves) / 2;
}

export async function renderCourses(view, path, query) {
  const sub = (path || '').replace(/^\//, '');
  if (sub === 'new') return renderForm(view, null);
  let m = /^(\d+)\/edit$/.exec(sub);
  if (m) return renderForm(view, Number(m[1]));
  m = /^(\d+)$/.exec(sub);
  if (m) return renderDetail(view, Number(m[1]), query);
  return renderList(view, query);
}

// ---- the list ----------------------------------------------------------------------------------

async function renderList(view, query) {
  const org = await orgReady();
  const f = { status: query.get('status') || '', q: query.get('q') || '', page: Number(query.get('page')) || 1 };
  const params = { org: org ? org.id : '', status: f.status, q: f.q };
  const go = (over) => navigate(`${BASE}${qs({ ...f, page: '', ...over })}`);
  const search = h('input', { type: 'search', class: 'search-input', name: 'q', value: f.q, placeholder: '课程名称', 'aria-label': '搜索课程', testid: 'courses-q' });
  view.append(
    h('div', { class: 'page-head' }, h('h2', null, '党建课程', h('small', null, org ? ` · ${org.name}` : '')),
      h('div', { class: 'actions' }, h('a', { class: 'btn btn-primary', href: `${BASE}/new`, testid: 'course-new' }, '+ 新建课程'))),
    h('p', { class: 'muted small' }, '课程学完即按学时计入党员年度学习时数（每年计入上限按本地规则）；只记录“打开”和“学完”，不计在线时长。'),
    h('div', { class: 'toolbar' },
      h('form', { class: 'search-form', role: 'search', onsubmit: (e) => { e.preventDefault(); go({ q: search.value }); } },
        search, h('button', { class: 'btn', type: 'submit' }, '搜索')),
      h('div', { class: 'filters' },
        h('select', { 'aria-label': '状态', testid: 'courses-status', value: f.status, onchange: (e) => go({ status: e.target.value }) },
          h('option', { value: '' }, '全部状态'), Object.entries(STATUS).map(([k, v]) => h('option', { value: k }, v))),
        h('a', { class: 'btn', href: `/api/v1/courses${qs({ ...params, format: 'xlsx' })}`, download: '党建课程.xlsx' }, '导出 Excel'))));
  const box = h('div', { class: 'course-list', 'aria-live': 'polite' }, loading());
  const pager = h('div', { class: 'pager' });
  view.append(box, pager);
  try {
    const r = await api.get(`/api/v1/courses${qs({ ...params, page: f.page, per_page: PER_PAGE })}`);
    const items = r.items || [];
    if (!items.length) { replace(box, h('p', { class: 'empty', testid: 'courses-empty' }, '还没有课程。')); return; }
    replace(box, h('ul', { class: 'course-cards', testid: 'courses-list' }, items.map((c) => h('li', {
      class: 'course-card', testid: 'course-row', dataset: { id: c.id, status: c.status },
    },
    h('div', { class: 'course-card-top' }, statusBadge(c), h('span', { class: 'badge' }, c.kind_name || KINDS[c.kind]),
      h('span', { class: 'badge course-hours' }, `${c.hours} 学时`)),
    h('a', { class: 'course-card-title', href: `${BASE}/${c.id}`, testid: 'course-link' }, c.title),
    h('div', { class: 'muted small' }, `${c.org_name} · ${c.duration_minutes} 分钟`,
      c.published_at ? ` · 发布于 ${fmtDate(fmtTime(c.published_at))}` : ` · 创建于 ${fmtDate(fmtTime(c.created_at))}`,
      ` · 指派 ${c.assignment_count} 个组织`, c.status !== 'draft' ? ` · 学习 ${c.opened_count} 人 · 学完 ${c.finished_count} 人` : '')))));
    const pages = Math.max(1, Math.ceil((r.total || 0) / PER_PAGE));
    replace(pager, h('span', { testid: 'courses-total' }, `共 ${r.total} 门`),
      f.page > 1 ? h('button', { class: 'btn btn-sm', type: 'button', onclick: () => go({ page: f.page - 1 }) }, '上一页') : null,
      pages > 1 ? h('span', null, ` 第 ${f.page} / ${pages} 页 `) : null,
      f.page < pages ? h('button', { class: 'btn btn-sm', type: 'button', onclick: () => go({ page: f.page + 1 }) }, '下一页') : null);
  } catch (e) {
    replace(box, errorBox(e));
  }
}

// ---- the form: new, or a draft's edit ------------------------------------------------------------

async function renderForm(view, id) {
  let c = null;
  if (id) {
    view.append(loading());
    try { c = await api.get(`/api/v1/courses/${id}`); } catch (e) { replace(view, errorBox(e)); return; }
    view.replaceChildren();
  }
  const org = c ? { id: c.org_id, name: c.org_name } : await orgReady();
  const locked = c && c.status !== 'draft'; // kind, duration, hours and file fixed once published
  const title = h('input', { id: 'cs-title', name: 'title', maxlength: 200, required: true, value: c ? c.title : '', testid: 'course-title' });
  const kind = h('select', { id: 'cs-kind', name: 'kind', testid: 'course-kind', disabled: locked, value: c ? c.kind : 'text', onchange: kindChanged },
    Object.entries(KINDS).map(([k, v]) => h('option', { value: k }, v)));
  const body = h('textarea', { id: 'cs-body', name: 'body', rows: 10, maxlength: 50000, value: c ? c.body : '', testid: 'course-body' });
  const minutes = h('input', {
    id: 'cs-minutes', name: 'duration_minutes', type: 'number', min: 1, max: 1440, step: 1, inputmode: 'numeric', class: 'narrow-num',
    required: true, disabled: locked, value: c ? String(c.duration_minutes) : '45', testid: 'course-minutes', oninput: () => showDefault(),
  });
  const hours = h('input', {
    id: 'cs-hours', name: 'hours', type: 'number', min: 0.5, max: 40, step: 0.5, inputmode: 'decimal', class: 'narrow-num',
    disabled: locked, testid: 'course-hours', value: c ? String(c.hours) : '',
  });
  const hoursHint = h('span', { testid: 'course-hours-default' });
  const file = h('input', { id: 'cs-file', name: 'file', type: 'file', disabled: locked, testid: 'course-file' });
  const fileBox = fieldBox('file', '课程文件', file, { hint: c && c.file ? `当前：${c.file.filename}（重新选择将替换）` : 'PDF 课程上传 PDF，视频课程上传 MP4' });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite', testid: 'course-form-msg' });
  const saveBtn = h('button', { class: 'btn btn-primary', type: 'submit', testid: 'course-save' }, c ? '保存' : '保存草稿');
  const form = h('form', { class: 'card course-form', novalidate: true, testid: 'course-form', onsubmit: (e) => { e.preventDefault(); submit(); } },
    h('p', { class: 'course-publisher', testid: 'course-publisher' }, '发布党组织：', h('strong', null, org ? org.name : '（请在左侧选择）'),
      h('span', { class: 'muted small' }, '　课程可指派给该组织及其下级党组织')),
    h('div', { class: 'form-grid' },
      fieldBox('title', '课程名称', title, { required: true, wide: true }),
      fieldBox('kind', '课程形式', kind, { required: true }),
      fieldBox('duration_minutes', '时长（分钟）', minutes, { required: true }),
      fieldBox('hours', '学时', hours, { hint: hoursHint }),
      fileBox,
      fieldBox('body', '正文（图文课程的内容；PDF、视频课程可写简介）', body, { wide: true })),
    msg,
    h('div', { class: 'form-actions' }, saveBtn, h('a', { class: 'btn', href: c ? `${BASE}/${c.id}` : BASE }, '返回')));
  view.append(h('div', { class: 'page-head' }, h('h2', null, c ? '修改课程' : '新建课程')), form);
  kindChanged();
  showDefault();

  function showDefault() {
    const n = Number(minutes.value);
    hoursHint.textContent = n > 0 ? `不填则按每 45 分钟 1 学时计：${defaultHours(n)} 学时` : '每 45 分钟 1 学时';
  }
  function kindChanged() {
    const k = kind.value;
    fileBox.hidden = k === 'text';
    file.setAttribute('accept', ACCEPT[k] || '');
  }

  async function submit() {
    clearFieldErrors(form);
    msg.replaceChildren();
    const data = { title: title.value.trim(), body: body.value };
    if (!locked) {
      data.kind = kind.value;
      if (minutes.value) data.duration_minutes = Number(minutes.value);
      if (hours.value) data.hours = Number(hours.value);
    }
    const chosen = !locked && kind.value !== 'text' && file.files && file.files[0];
    saveBtn.disabled = true;
    let saved = null;
    try {
      if (c) saved = await api.patch(`/api/v1/courses/${c.id}`, { ...data, version: c.version });
      else {
        if (org && org.id) data.org_id = Number(org.id);
        saved = await api.post('/api/v1/courses', data);
      }
      if (chosen) await api.upload(`/api/v1/courses/${saved.id}/file${qs({ filename: chosen.name })}`, chosen);
      toast('课程已保存');
      navigate(`${BASE}/${saved.id}`);
    } catch (e) {
      if (saved) { toast(`课程已保存，但${e.message}`, 'error'); navigate(`${BASE}/${saved.id}`); return; }
      if (!(e instanceof ApiError && e.field && showFieldError(form, e.field, e.message, LABELS[e.field] || e.field))) msg.append(errorBox(e));
    } finally {
      saveBtn.disabled = false;
    }
  }
}

// ---- one course: the manager's view ----------------------------------------------------------------

async function renderDetail(view, id, query) {
  view.append(loading());
  let c;
  try {
    c = await api.get(`/api/v1/courses/${id}`);
  } catch (e) {
    replace(view, errorBox(e), h('p', null, h('a', { href: BASE }, '返回课程列表')));
    return;
  }
  view.replaceChildren();
  const msg = h('div', { 'aria-live': 'polite', testid: 'course-msg' });
  const act = async (fn, done) => {
    msg.replaceChildren();
    try { await fn(); toast(done); rerender(); } catch (e) { msg.append(errorBox(e)); }
  };
  const actions = [];
  if (c.status !== 'withdrawn') actions.push(h('a', { class: 'btn', href: `${BASE}/${id}/edit`, testid: 'course-edit' }, '修改'));
  if (c.status === 'draft') actions.push(h('button', { class: 'btn btn-primary', type: 'button', testid: 'course-publish',
    onclick: () => act(() => api.post(`/api/v1/courses/${id}/publish`, { version: c.version }), '课程已发布') }, '发布'));
  if (c.status === 'published') actions.push(h('button', { class: 'btn', type: 'button', testid: 'course-withdraw', onclick: () => {
    if (window.confirm('撤回后党员不再看到这门课程（已学完的学时保留）。确定撤回吗？')) {
      act(() => api.post(`/api/v1/courses/${id}/withdraw`, { version: c.version }), '课程已撤回');
    }
  } }, '撤回'));
  view.append(
    h('div', { class: 'page-head' }, h('h2', { testid: 'course-head' }, c.title),
      h('div', { class: 'actions' }, h('a', { class: 'btn', href: BASE }, '返回列表'))),
    h('section', { class: 'card course-detail' },
      h('div', { class: 'course-card-top' }, statusBadge(c), h('span', { class: 'badge' }, c.kind_name),
        h('span', { class: 'badge course-hours', testid: 'course-hours-badge' }, `${c.hours} 学时`)),
      h('p', { class: 'muted small' }, `发布党组织：${c.org_name} · 时长 ${c.duration_minutes} 分钟`,
        c.published_at ? ` · 发布于 ${fmtTime(c.published_at)}` : '', c.withdrawn_at ? ` · 撤回于 ${fmtTime(c.withdrawn_at)}` : ''),
      c.file ? h('p', { class: 'course-file' }, '课程文件：',
        h('a', { href: `/api/v1/courses/${id}/file`, target: '_blank', rel: 'noopener', testid: 'course-file-link' }, c.file.filename),
        h('span', { class: 'muted small' }, ` ${Math.max(1, Math.round(c.file.size / 1024))} KB`))
        : c.kind !== 'text' ? notice('还没有上传课程文件，上传后才能发布。', 'info', 'course-no-file') : null,
      c.body ? h('div', { class: 'course-text', testid: 'course-text' }, c.body) : null,
      h('div', { class: 'form-actions' }, actions),
      msg),
    assignCard(c));
  if (c.status !== 'draft') view.append(completionsCard(c, query));
}

// the assignment editor: chips of the chosen organizations, the org picker to add one, then save
function assignCard(c) {
  let chosen = (c.assignments || []).map((a) => ({ id: a.org_id, name: a.name, kind: a.kind }));
  const editable = c.status !== 'withdrawn';
  const chips = h('ul', { class: 'course-assign-list', testid: 'course-assignments' });
  const msg = h('div', { 'aria-live': 'polite', testid: 'course-assign-msg' });
  const pickerBox = h('div', { class: 'course-assign-picker' });
  const saveBtn = h('button', { class: 'btn btn-primary', type: 'button', testid: 'course-assign-save', onclick: save }, '保存指派');
  const search = async (q) => {
    const r = await api.get(`/api/v1/orgs${qs({ org: c.org_id, q, per_page: 20 })}`);
    return { items: r.items || [], total: r.total ?? (r.items || []).length };
  };
  function drawPicker() {
    const picker = orgPicker({
      id: `course-assign-${c.id}`, name: 'org_ids', testid: 'course-assign-picker', noun: '党组织', minChars: 0, search,
      placeholder: '输入党组织名称，选择后加入', describe: (o) => ({ label: o.name, main: o.name, sub: ORG_KIND[o.kind] ? `（${ORG_KIND[o.kind]}）` : '' }),
      onChange: (o) => {
        if (o && !chosen.some((x) => x.id === o.id)) chosen.push({ id: o.id, name: o.name, kind: o.kind });
        drawChips();
        if (o) setTimeout(drawPicker, 0); // a fresh, empty box for the next one
      },
    });
    replace(pickerBox, picker.el);
  }
  function drawChips() {
    replace(chips, chosen.length ? chosen.map((o) => h('li', { class: 'course-chip', testid: 'course-assignment', dataset: { id: o.id } },
      h('span', null, o.name),
      editable ? h('button', { class: 'btn btn-ghost btn-sm', type: 'button', 'aria-label': `移除 ${o.name}`, onclick: () => {
        chosen = chosen.filter((x) => x.id !== o.id);
        drawChips();
      } }, '×') : null))
      : h('li', { class: 'muted', testid: 'course-assign-none' }, '尚未指派：党员看不到这门课程。'));
  }
  async function save() {
    msg.replaceChildren();
    saveBtn.disabled = true;
    try {
      await api.put(`/api/v1/courses/${c.id}/assignments`, { org_ids: chosen.map((o) => Number(o.id)) });
      toast('指派已保存');
      rerender();
    } catch (e) {
      msg.append(errorBox(e));
    } finally {
      saveBtn.disabled = false;
    }
  }
  drawChips();
  if (editable) drawPicker();
  return h('section', { class: 'card', testid: 'course-assign' },
    h('h3', null, '指派范围'),
    h('p', { class: 'muted small' }, '指派给某个党组织，即该组织及其下级全部党支部的党员都能学习。'),
    chips, editable ? pickerBox : null, editable ? h('div', { class: 'form-actions' }, saveBtn) : null, msg);
}

// who has opened and finished it: per branch, then one page of members
function completionsCard(c, query) {
  const state = query.get('state') || '';
  const page = Number(query.get('page')) || 1;
  const body = h('div', { 'aria-live': 'polite' }, loading());
  const go = (over) => navigate(`${BASE}/${c.id}${qs({ state, page: '', ...over })}`);
  api.get(`/api/v1/courses/${c.id}/completions${qs({ state, page, per_page: PER_PAGE })}`).then((r) => {
    const t = r.totals || {};
    const pages = Math.max(1, Math.ceil((r.total || 0) / PER_PAGE));
    replace(body,
      h('p', { class: 'course-tally' },
        h('span', null, '应学 ', h('strong', { testid: 'course-assigned-count' }, String(t.assigned)), ' 人'),
        h('span', null, ' · 已打开 ', h('strong', { testid: 'course-opened-count' }, String(t.opened)), ' 人'),
        h('span', null, ' · 已学完 ', h('strong', { testid: 'course-finished-count' }, String(t.finished)), ' 人')),
      (r.branches || []).length ? h('table', { class: 'grid', testid: 'course-branches' },
        h('thead', null, h('tr', null, ['党组织', '应学', '已打开', '已学完'].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', null, r.branches.map((b) => h('tr', { testid: 'course-branch' },
          h('td', null, b.name), h('td', null, String(b.assigned)), h('td', null, String(b.opened)), h('td', null, String(b.finished))))))
        : null,
      h('div', { class: 'toolbar' },
        h('select', { 'aria-label': '学习情况', testid: 'course-people-state', value: state, onchange: (e) => go({ state: e.target.value }) },
          h('option', { value: '' }, '全部党员'), h('option', { value: 'unopened' }, '未打开'), h('option', { value: 'opened' }, '学习中'),
          h('option', { value: 'finished' }, '已学完')),
        h('a', { class: 'btn', href: `/api/v1/courses/${c.id}/completions${qs({ state, format: 'xlsx' })}`, download: '课程学习情况.xlsx' }, '导出 Excel')),
      (r.items || []).length ? h('table', { class: 'grid', testid: 'course-people' },
        h('thead', null, h('tr', null, ['姓名', '党组织', '打开时间', '学完时间'].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', null, r.items.map((x) => h('tr', { testid: 'course-person' },
          h('td', null, x.name), h('td', null, x.org_name), h('td', null, x.opened_at ? fmtTime(x.opened_at) : '—'),
          h('td', null, x.finished_at ? fmtTime(x.finished_at) : '—')))))
        : h('p', { class: 'empty' }, '没有。'),
      h('div', { class: 'pager' }, h('span', null, `共 ${r.total} 人`),
        page > 1 ? h('button', { class: 'btn btn-sm', type: 'button', onclick: () => go({ page: page - 1 }) }, '上一页') : null,
        page < pages ? h('button', { class: 'btn btn-sm', type: 'button', onclick: () => go({ page: page + 1 }) }, '下一页') : null));
  }).catch((e) => replace(body, errorBox(e)));
  return h('section', { class: 'card', testid: 'course-completions' }, h('h3', null, '学习情况'), body);
}
