// 工作台账 · 四议两公开 (五四三二工作法): the list of a subtree's village decisions with the step each has reached,
// filters and Excel export; a new decision (by a 党支部); a decision's page with its six-step timeline and the form
// for the next step only (meetings: 参加人数; 审议/决议: 应到、实到 and the votes, checked for a majority of those
// present; the two 公开: date and place).
// Hashes: #/work/decisions[?status&step&q&page] · /new · /{id}
import { api, qs } from './api.js';
import { h, replace, notice, loading, toast } from './dom.js';
import { orgReady } from './layout.js';
import { navigate } from './router.js';
import { ruleError } from './recruits.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';
import { orgPicker } from './org_picker.js';

const BASE = '#/work/decisions';
const PER_PAGE = 50;
export const STEPS = [
  ['propose', '党支部提议'], ['consult', '两委商议'], ['review', '党员大会审议'],
  ['resolve', '村民代表会议决议'], ['publish_decision', '决议公开'], ['publish_result', '实施结果公开'],
];
const todayStr = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

function errorBox(e, testid = 'dc-error') {
  return e && e.rule ? ruleError(e) : notice(e ? e.message : '出错了', 'error', testid);
}

function subTabs(active) {
  const tab = (key, href, text) => h('a', {
    class: `btn btn-sm${active === key ? ' btn-primary' : ''}`, href, testid: `dc-tab-${key}`,
    'aria-current': active === key ? 'page' : null,
  }, text);
  return h('div', { class: 'work-toolbar' }, tab('list', BASE, '决策事项'), tab('new', `${BASE}/new`, '+ 新建事项'));
}

// the six steps as a bar: done ones filled, the next one marked
function stepBar(done) {
  return h('ol', { class: 'project-stages', testid: 'dc-stages' }, STEPS.map(([code, name], i) => h('li', {
    class: `project-stage${i < done ? ' done' : ''}${i === done ? ' current' : ''}`, dataset: { step: code },
  }, `${i + 1} ${name}`)));
}

async function renderList(view, query) {
  const org = await orgReady();
  const f = { status: query.get('status') || '', step: query.get('step') || '', q: query.get('q') || '', page: Number(query.get('page')) || 1 };
  const go = (over) => navigate(`${BASE}${qs({ ...f, ...over, page: over.page || '' })}`);
  const params = { org: org ? org.id : '', status: f.status, step: f.step, q: f.q.trim() };
  const search = h('input', { type: 'search', class: 'search-input', value: f.q, placeholder: '事项或村名', 'aria-label': '搜索决策事项', testid: 'dc-q' });
  const box = h('div', { testid: 'decision-list' }, loading());
  view.append(subTabs('list'), h('div', { class: 'toolbar' },
    h('form', { class: 'search-form', role: 'search', onsubmit: (e) => { e.preventDefault(); go({ q: search.value }); } },
      search, h('button', { class: 'btn', type: 'submit' }, '搜索')),
    h('div', { class: 'filters' },
      h('select', { 'aria-label': '状态', testid: 'dc-status', value: f.status, onchange: (e) => go({ status: e.target.value }) },
        h('option', { value: '' }, '全部状态'), h('option', { value: 'running' }, '进行中'), h('option', { value: 'done' }, '已完成')),
      h('select', { 'aria-label': '已到步骤', testid: 'dc-step', value: f.step, onchange: (e) => go({ step: e.target.value }) },
        h('option', { value: '' }, '全部步骤'), h('option', { value: 'none' }, '未提议'), STEPS.map(([c, n]) => h('option', { value: c }, `已${n}`))),
      h('a', { class: 'btn', href: `/api/v1/decisions${qs({ ...params, format: 'xlsx' })}`, download: '', testid: 'dc-export' }, '导出 Excel'))),
  box);
  try {
    const r = await api.get(`/api/v1/decisions${qs({ ...params, page: f.page, per_page: PER_PAGE })}`);
    if (!r.items.length) { replace(box, h('p', { class: 'empty', testid: 'decision-empty' }, '没有符合条件的决策事项')); return; }
    const pages = Math.max(1, Math.ceil(r.total / PER_PAGE));
    replace(box, h('div', { class: 'table-wrap' }, h('table', { class: 'grid', testid: 'decision-table' },
      h('thead', null, h('tr', null, ['决策事项', '村党组织', '提议日期', '当前步骤', '下一步', '最近办理'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, r.items.map((d) => h('tr', { testid: 'decision-row', dataset: { id: d.id, step: d.current_step || 'none' } },
        h('td', null, h('a', { href: `${BASE}/${d.id}` }, d.title)), h('td', null, d.org_name), h('td', null, d.started_on || ''),
        h('td', null, h('span', { class: `badge ${d.status === 'done' ? 'state-active' : 'status-pending'}` }, `${d.steps_done}/6 ${d.current_step_name}`)),
        h('td', null, d.next_step_name || '—'), h('td', null, d.last_on || '')))))),
    h('div', { class: 'pager' }, `共 ${r.total} 项`,
      f.page > 1 ? h('button', { class: 'btn btn-sm', type: 'button', onclick: () => go({ page: f.page - 1 }) }, '上一页') : null,
      pages > 1 ? `第 ${f.page}/${pages} 页` : null,
      f.page < pages ? h('button', { class: 'btn btn-sm', type: 'button', onclick: () => go({ page: f.page + 1 }) }, '下一页') : null));
  } catch (e) { replace(box, errorBox(e)); }
}

function formError(form, msg, e) {
  if (!(e.field && showFieldError(form, e.field, e.message))) replace(msg, errorBox(e, 'dc-form-error'));
}

async function renderNew(view) {
  const org = await orgReady();
  view.append(subTabs('new'));
  const branchy = org && (org.kind === 'branch' || org.kind === 'joint_branch');
  const picker = orgPicker({
    id: 'dc-org_id', name: 'org_id', testid: 'dc-org', placeholder: '输入村党支部名称查找',
    value: branchy ? org : null,
    search: async (q) => {
      const r = await api.get(`/api/v1/orgs${qs({ org: org ? org.id : '', q, per_page: 20 })}`);
      return { ...r, items: (r.items || []).filter((o) => o.kind === 'branch' || o.kind === 'joint_branch') };
    },
    describe: (o) => ({ label: o.name, main: o.name, sub: o.kind_name || '' }),
  });
  const title = h('input', { id: 'dc-title', name: 'title', maxlength: 200, testid: 'dc-title', placeholder: '如：村集体鱼塘对外承包' });
  const content = h('textarea', { id: 'dc-content', name: 'content', rows: 4, maxlength: 2000, testid: 'dc-content' });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const form = h('form', {
    class: 'card', novalidate: true, testid: 'decision-form',
    onsubmit: async (e) => {
      e.preventDefault();
      clearFieldErrors(form);
      msg.replaceChildren();
      const o = picker.value;
      try {
        const d = await api.post('/api/v1/decisions', { org_id: o ? o.id : null, title: title.value, content: content.value });
        toast('决策事项已建立，请记录党支部提议');
        navigate(`${BASE}/${d.id}`);
      } catch (err) { formError(form, msg, err); }
    },
  }, h('h3', null, '新建四议两公开事项'), h('div', { class: 'form-grid' },
    fieldBox('org_id', '村党支部', picker.input, { required: true, control: picker.el }),
    fieldBox('title', '决策事项', title, { required: true, wide: true }),
    fieldBox('content', '事项内容', content, { wide: true })),
  msg, h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'dc-save' }, '保存')));
  view.append(form);
}

function stepFacts(s) {
  const bits = [];
  if (s.kind === 'meeting' && s.participants != null) bits.push(`参加 ${s.participants} 人`);
  if (s.kind === 'vote' && s.present != null) {
    bits.push(`应到 ${s.participants} 人，实到 ${s.present} 人`);
    bits.push(`赞成 ${s.votes_for}、反对 ${s.votes_against ?? 0}、弃权 ${s.votes_abstain ?? 0}`);
  }
  if (s.kind === 'publish' && s.place) bits.push(`公开地点：${s.place}`);
  return bits.join('；');
}

async function renderDetail(view, id) {
  const box = h('div', { testid: 'decision-detail' }, loading());
  const msg = h('div', { 'aria-live': 'polite', testid: 'decision-msg' });
  view.append(subTabs(''), msg, box);
  let d;

  async function load() {
    try { d = await api.get(`/api/v1/decisions/${id}`); draw(); } catch (e) { replace(box, errorBox(e)); }
  }

  function nextForm() {
    const s = d.steps[d.steps_done];
    const num = (key, label, attrs = {}) => fieldBox(key, label, h('input', { id: `st-${key}`, name: key, type: 'number', min: 0, inputmode: 'numeric', testid: `st-${key}`, ...attrs }), { required: attrs.required });
    const held = h('input', { id: 'st-held_on', name: 'held_on', type: 'date', value: todayStr(), max: todayStr(), testid: 'st-held_on' });
    const note = h('textarea', { id: 'st-note', name: 'note', rows: 2, maxlength: 2000, testid: 'st-note' });
    const fields = [fieldBox('held_on', s.kind === 'publish' ? '公开日期' : '会议日期', held, { required: true })];
    if (s.kind === 'meeting') fields.push(num('participants', '参加人数', { required: true }));
    if (s.kind === 'vote') {
      fields.push(num('participants', s.step === 'review' ? '应到党员' : '应到村民代表', { required: true }),
        num('present', '实到人数', { required: true }), num('votes_for', '赞成票', { required: true }),
        num('votes_against', '反对票'), num('votes_abstain', '弃权票'));
    }
    if (s.kind === 'publish') {
      fields.push(fieldBox('place', '公开地点（方式）', h('input', { id: 'st-place', name: 'place', maxlength: 200, testid: 'st-place', placeholder: '如：村务公开栏、村民微信群' }), { required: true }));
    }
    fields.push(fieldBox('note', '备注', note, { wide: true }));
    const form = h('form', {
      class: 'card', novalidate: true, testid: 'step-form', dataset: { step: s.step },
      onsubmit: async (e) => {
        e.preventDefault();
        clearFieldErrors(form);
        msg.replaceChildren();
        const body = { version: d.version, step: s.step };
        for (const el of form.querySelectorAll('input[name], textarea[name]')) {
          if (el.value === '') continue;
          body[el.name] = el.type === 'number' ? Number(el.value) : el.value;
        }
        try {
          d = await api.post(`/api/v1/decisions/${d.id}/steps`, body);
          toast(`已记录「${s.name}」`);
          draw();
        } catch (err) {
          if (err.status === 409 && err.rule === 'store.stale') {
            msg.append(h('div', { class: 'notice notice-error', role: 'alert', testid: 'conflict' }, err.message,
              h('button', { class: 'btn', type: 'button', onclick: load }, '重新加载')));
          } else if (!(err.field && err.rule !== 'decision.vote' && err.rule !== 'decision.quorum' && showFieldError(form, err.field, err.message))) {
            msg.append(errorBox(err));
          }
        }
      },
    }, h('h3', null, `记录第 ${d.steps_done + 1} 步：${s.name}`),
    s.kind === 'vote' ? h('p', { class: 'hint' }, '须过半数到会，且赞成票超过实到人数的一半方为通过。') : null,
    h('div', { class: 'form-grid' }, fields),
    h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'st-save' }, '保存本步')));
    return form;
  }

  // 修改事项: title and content while the six steps are not all recorded
  function editForm() {
    const title = h('input', { id: 'de-title', name: 'title', maxlength: 200, testid: 'de-title', value: d.title });
    const content = h('textarea', { id: 'de-content', name: 'content', rows: 4, maxlength: 2000, testid: 'de-content', value: d.content || '' });
    const form = h('form', {
      class: 'card', novalidate: true, testid: 'decision-edit-form',
      onsubmit: async (e) => {
        e.preventDefault();
        clearFieldErrors(form);
        msg.replaceChildren();
        try {
          d = await api.patch(`/api/v1/decisions/${d.id}`, { version: d.version, title: title.value, content: content.value || null });
          toast('已保存修改');
          draw();
        } catch (err) {
          if (err.status === 409 && err.rule === 'store.stale') {
            msg.append(h('div', { class: 'notice notice-error', role: 'alert', testid: 'conflict' }, err.message,
              h('button', { class: 'btn', type: 'button', onclick: load }, '重新加载')));
          } else if (!(err.field && showFieldError(form, err.field, err.message))) msg.append(errorBox(err));
        }
      },
    }, h('h3', null, '修改决策事项'), h('div', { class: 'form-grid' },
      fieldBox('title', '决策事项', title, { required: true, wide: true }),
      fieldBox('content', '事项内容', content, { wide: true })),
    h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'de-save' }, '保存修改'),
      h('button', { class: 'btn', type: 'button', onclick: draw }, '取消')));
    return form;
  }

  function draw() {
    const head = h('div', { testid: 'decision-head' },
      h('h2', null, d.title, h('small', null, ` · ${d.org_name}`)),
      d.content ? h('p', { class: 'task-desc' }, d.content) : null,
      d.steps_done < 6 ? h('button', { class: 'btn', type: 'button', testid: 'dc-edit', onclick: () => head.replaceWith(editForm()) }, '修改事项') : null);
    replace(box,
      head,
      stepBar(d.steps_done),
      h('ol', { class: 'project-ledger', testid: 'decision-timeline' }, d.steps.map((s) => h('li', { testid: 'decision-step', dataset: { step: s.step, done: s.done ? '1' : '0' } },
        h('strong', null, `${s.step_no}. ${s.name}`),
        s.done ? [h('span', { class: 'ledger-date' }, s.held_on), s.username ? h('span', { class: 'ledger-who' }, s.username) : null,
          h('div', { class: 'ledger-note' }, stepFacts(s)), s.note ? h('div', { class: 'ledger-note' }, s.note) : null]
          : h('span', { class: 'ledger-date muted' }, '未进行')))),
      d.steps_done < 6 ? nextForm() : notice('六个步骤均已完成', 'info', 'decision-done'));
  }
  await load();
}

export async function render(view, sub, query) {
  const q = query instanceof URLSearchParams ? query : new URLSearchParams(query || '');
  let m;
  if (!sub || sub === '/') return renderList(view, q);
  if (sub === '/new') return renderNew(view);
  if ((m = /^\/(\d+)$/.exec(sub))) return renderDetail(view, m[1]);
  view.append(notice('未找到该页面', 'error', 'page-error'));
  return null;
}
