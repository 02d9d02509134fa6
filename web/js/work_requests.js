// 工作台账 · 民情诉求: list with filters and statistics, a new-request form, and the detail page that moves a
// request through 受理 → 交办 → 办理 → 答复 → 评价 (one form per step, shown when it is that step's turn).
import { api, qs } from './api.js';
import { h, replace, notice, loading, toast } from './dom.js';
import { orgReady } from './layout.js';
import { navigate } from './router.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';

export const CHANNELS = [['visit', '走访'], ['talk', '恳谈'], ['roundtable', '圆桌夜谈'], ['survey', '问卷'], ['call', '来电来访'], ['other', '其他'], ['suggestion', '合理化建议']];
export const CATEGORIES = [['jobs', '就业'], ['medical', '医疗'], ['education', '教育'], ['infrastructure', '基础设施'], ['dispute', '邻里纠纷'], ['policy', '政策咨询'], ['other', '其他']];
const STATUSES = [['received', '已受理'], ['assigned', '已交办'], ['handled', '已办理'], ['replied', '已答复'], ['rated', '已评价']];
const RATINGS = [['satisfied', '满意'], ['basic', '基本满意'], ['dissatisfied', '不满意']];
const PER_PAGE = 30;
const BASE = '#/work/requests';
const filters = { q: '', status: '', category: '', channel: '', overdue: false, from: '', to: '', page: 1 };

export const todayText = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const options = (list, empty) => [empty ? h('option', { value: '' }, empty) : null, ...list.map(([k, n]) => h('option', { value: k }, n))];

// the branches under the selected org (or the org itself when it has none), for org pickers
export async function orgChoices(org) {
  try {
    const r = await api.get(`/api/v1/orgs${qs({ org: org ? org.id : '', kind: 'branches', per_page: 200 })}`);
    const items = r.items || [];
    if (org && !items.length) items.push(org); // the branches under a 党委; the org itself otherwise
    return items;
  } catch { return org ? [org] : []; }
}

export async function membersOf(orgId) {
  if (!orgId) return [];
  try { return (await api.get(`/api/v1/members${qs({ org: orgId, per_page: 200 })}`)).items || []; } catch { return []; }
}

// a form's submit: clears errors, posts, shows a field error next to its field or a notice in msg
export async function submitForm(form, msg, fn) {
  clearFieldErrors(form);
  msg.replaceChildren();
  const btn = form.querySelector('button[type=submit]');
  if (btn) btn.disabled = true;
  try {
    return await fn();
  } catch (e) {
    if (!(e.field && showFieldError(form, e.field, e.message))) msg.append(notice(e.message, 'error', 'form-error'));
    return null;
  } finally {
    if (btn) btn.disabled = false;
  }
}

export function input(name, attrs = {}) {
  return h(attrs.rows ? 'textarea' : 'input', { id: `f-${name}`, name, type: attrs.rows ? undefined : (attrs.type || 'text'), ...attrs });
}

export function select(name, list, attrs = {}) {
  return h('select', { id: `f-${name}`, name, ...attrs }, list);
}

// the module's own box: the tabs above it (work.js) stay when a page replaces its content
export async function render(outer, sub) {
  const view = h('div', { class: 'work-module' });
  outer.append(view);
  const m = /^\/(\d+)$/.exec(sub);
  const e = /^\/(\d+)\/edit$/.exec(sub);
  if (sub === '/new') return renderNew(view);
  if (e) return renderEdit(view, Number(e[1]));
  if (m) return renderDetail(view, Number(m[1]));
  return renderList(view);
}

function statCard(label, value, testid) {
  return h('div', { class: 'rq-stat', testid }, h('div', { class: 'rq-stat-v' }, value ?? '—'), h('div', { class: 'rq-stat-l muted small' }, label));
}

function groupTable(title, groups, testid) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'grid', testid },
    h('caption', null, title),
    h('thead', null, h('tr', null, ['', '受理', '办结', '答复', '整改', '满意率'].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', null, groups.filter((g) => g.received).map((g) => h('tr', { dataset: { code: g.code } },
      h('th', { scope: 'row' }, g.name), h('td', null, String(g.received)), h('td', null, String(g.handled)),
      h('td', null, String(g.replied)), h('td', null, String(g.rectified)),
      h('td', null, g.satisfaction_rate == null ? '—' : `${g.satisfaction_rate}%`))))));
}

async function renderList(view) {
  view.append(loading());
  const org = await orgReady();
  view.replaceChildren();
  const params = () => ({
    org: org ? org.id : '', q: filters.q.trim(), status: filters.status, category: filters.category, channel: filters.channel,
    overdue: filters.overdue ? 1 : '', from: filters.from, to: filters.to,
  });
  const search = h('input', { type: 'search', value: filters.q, placeholder: '诉求人、内容或住址', 'aria-label': '搜索诉求', testid: 'rq-search', class: 'search-input' });
  const sel = (key, list, empty) => h('select', {
    'aria-label': empty, value: filters[key], testid: `rq-filter-${key}`,
    onchange: (e) => { filters[key] = e.target.value; filters.page = 1; load(); },
  }, options(list, empty));
  const date = (key, label) => h('label', { class: 'small' }, label, h('input', {
    type: 'date', value: filters[key], 'aria-label': label, testid: `rq-filter-${key}`,
    onchange: (e) => { filters[key] = e.target.value; filters.page = 1; load(); },
  }));
  const overdue = h('label', { class: 'check' }, h('input', {
    type: 'checkbox', checked: filters.overdue, testid: 'rq-filter-overdue',
    onchange: (e) => { filters.overdue = e.target.checked; filters.page = 1; load(); },
  }), ' 只看逾期');
  const exportXlsx = h('a', { class: 'btn', testid: 'export-xlsx', download: '民情诉求.xlsx' }, '导出 Excel');
  const stats = h('div', { class: 'card rq-stats', testid: 'rq-stats' });
  const box = h('div', { class: 'table-wrap' });
  const pager = h('div', { class: 'pager' });
  const msg = h('div', { 'aria-live': 'polite' });
  view.append(
    h('div', { class: 'page-head' }, h('h2', null, '民情诉求', org ? h('small', null, ` · ${org.name}`) : null),
      h('div', { class: 'actions' }, h('a', { class: 'btn btn-primary', href: `${BASE}/new`, testid: 'rq-new' }, '登记诉求'), exportXlsx)),
    stats,
    h('div', { class: 'work-toolbar' },
      h('form', { class: 'search-form', role: 'search', onsubmit: (e) => { e.preventDefault(); filters.q = search.value; filters.page = 1; load(); } },
        search, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'rq-search-btn' }, '搜索')),
      sel('status', STATUSES, '全部状态'), sel('category', CATEGORIES, '全部类别'), sel('channel', CHANNELS, '全部渠道'),
      date('from', '受理自'), date('to', '至'), overdue),
    msg, box, pager);

  async function loadStats() {
    try {
      const s = await api.get(`/api/v1/requests/stats${qs({ org: org ? org.id : '', from: filters.from, to: filters.to })}`);
      replace(stats,
        h('div', { class: 'rq-stat-row' },
          statCard('受理诉求', s.received, 'rq-stat-received'), statCard('已办结', s.handled, 'rq-stat-handled'),
          statCard('已整改', s.rectified, 'rq-stat-rectified'), statCard('已答复', s.replied, 'rq-stat-replied'),
          statCard('满意率', s.satisfaction_rate == null ? '—' : `${s.satisfaction_rate}%`, 'rq-stat-satisfaction'),
          statCard('平均答复天数', s.avg_reply_days, 'rq-stat-days'),
          statCard('逾期', s.overdue, 'rq-stat-overdue')),
        h('p', { class: 'muted small', testid: 'rq-stat-line' }, `共收集 ${s.received} 条诉求、整改 ${s.rectified} 条，已评价 ${s.rated} 条（满意 ${s.satisfied}，基本满意 ${s.basic}，不满意 ${s.dissatisfied}）`),
        h('details', { class: 'rq-groups' }, h('summary', { testid: 'rq-groups-toggle' }, '分类统计'),
          groupTable('按类别', s.by_category || [], 'rq-by-category'), groupTable('按来源渠道', s.by_channel || [], 'rq-by-channel')));
    } catch (e) { replace(stats, notice(e.message, 'error')); }
  }

  let seq = 0;
  async function load() {
    const my = ++seq;
    exportXlsx.href = `/api/v1/requests${qs({ ...params(), format: 'xlsx' })}`;
    msg.replaceChildren();
    loadStats();
    try {
      const r = await api.get(`/api/v1/requests${qs({ ...params(), page: filters.page, per_page: PER_PAGE })}`);
      if (my !== seq) return;
      const items = r.items || [];
      if (!items.length) replace(box, h('p', { class: 'empty', testid: 'rq-empty' }, '没有符合条件的诉求'));
      else {
        replace(box, h('table', { class: 'grid', testid: 'rq-table' },
          h('thead', null, h('tr', null, ['受理日期', '诉求人', '类别', '内容', '渠道', '状态', '承办', '期限'].map((x) => h('th', { scope: 'col' }, x)))),
          h('tbody', null, items.map((x) => h('tr', { testid: 'rq-row', dataset: { id: x.id, status: x.status } },
            h('td', null, x.received_on), h('td', null, h('a', { href: `${BASE}/${x.id}`, testid: 'rq-link' }, x.requester)),
            h('td', null, x.category_name), h('td', { class: 'rq-content' }, x.content), h('td', null, x.channel_name),
            h('td', null, h('span', { class: `badge rq-st-${x.status}` }, x.status_name), x.satisfaction_name ? ` ${x.satisfaction_name}` : ''),
            h('td', null, x.assignee_name || ''),
            h('td', { class: x.overdue ? 'work-overdue' : '' }, x.due_on || '', x.overdue ? h('span', { testid: 'rq-overdue' }, ' 逾期') : null))))));
      }
      const pages = Math.max(1, Math.ceil((r.total || 0) / PER_PAGE));
      replace(pager, h('span', { testid: 'rq-total' }, `共 ${r.total || 0} 条`),
        h('button', { class: 'btn', type: 'button', disabled: filters.page <= 1, onclick: () => { filters.page -= 1; load(); } }, '上一页'),
        h('span', null, `第 ${filters.page} / ${pages} 页`),
        h('button', { class: 'btn', type: 'button', disabled: filters.page >= pages, onclick: () => { filters.page += 1; load(); } }, '下一页'));
    } catch (e) {
      if (my === seq) msg.append(notice(e.message, 'error', 'list-error'));
    }
  }
  await load();
}

async function renderNew(view) {
  view.append(loading());
  const org = await orgReady();
  const orgs = await orgChoices(org);
  view.replaceChildren();
  const f = {
    org_id: select('org_id', orgs.map((o) => h('option', { value: String(o.id) }, o.name)), { required: true }),
    channel: select('channel', options(CHANNELS), { value: 'visit' }),
    received_on: input('received_on', { type: 'date', value: todayText(), max: todayText() }),
    requester: input('requester', { maxlength: 30, required: true, autocomplete: 'off' }),
    address: input('address', { maxlength: 100 }),
    category: select('category', options(CATEGORIES, '请选择'), { required: true }),
    content: input('content', { rows: 4, maxlength: 2000, required: true }),
  };
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', {
    class: 'card', testid: 'rq-form', novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      const body = Object.fromEntries(Object.entries(f).map(([k, el]) => [k, el.value]));
      body.org_id = Number(body.org_id);
      const r = await submitForm(form, msg, () => api.post('/api/v1/requests', body));
      if (r) { toast('诉求已登记'); navigate(`${BASE}/${r.id}`); }
    },
  },
  h('div', { class: 'form-grid' },
    fieldBox('org_id', '受理组织', f.org_id, { required: true }), fieldBox('channel', '来源渠道', f.channel),
    fieldBox('received_on', '受理日期', f.received_on), fieldBox('requester', '诉求人', f.requester, { required: true, hint: '只记姓名，不登记身份证号和电话' }),
    fieldBox('address', '住址', f.address), fieldBox('category', '类别', f.category, { required: true }),
    fieldBox('content', '诉求内容', f.content, { required: true, wide: true })),
  msg,
  h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'rq-save' }, '保存'),
    h('a', { class: 'btn', href: BASE }, '取消')));
  view.append(h('div', { class: 'page-head' }, h('h2', null, '登记民情诉求')), form);
}

// 修改受理信息: corrects what was received (not the receiving org) until the request is rated
async function renderEdit(view, id) {
  view.append(loading());
  let r;
  try { r = await api.get(`/api/v1/requests/${id}`); } catch (e) { view.replaceChildren(notice(e.message, 'error', 'page-error')); return; }
  view.replaceChildren();
  const back = `${BASE}/${r.id}`;
  if (r.status === 'rated') {
    view.append(h('div', { class: 'page-head' }, h('h2', null, '修改受理信息')),
      notice('该诉求已评价办结，受理信息不能再修改。', 'info', 'rq-edit-closed'), h('a', { class: 'btn', href: back }, '返回'));
    return;
  }
  const f = {
    channel: select('channel', options(CHANNELS), { value: r.channel }),
    received_on: input('received_on', { type: 'date', value: r.received_on, max: todayText() }),
    requester: input('requester', { maxlength: 30, required: true, autocomplete: 'off', value: r.requester }),
    address: input('address', { maxlength: 100, value: r.address || '' }),
    category: select('category', options(CATEGORIES, '请选择'), { required: true, value: r.category }),
    content: input('content', { rows: 4, maxlength: 2000, required: true, value: r.content }),
  };
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', {
    class: 'card', testid: 'rq-edit-form', novalidate: true,
    onsubmit: async (ev) => {
      ev.preventDefault();
      const body = { version: r.version };
      for (const [k, el] of Object.entries(f)) {
        const before = r[k] ?? '';
        if (el.value !== before) body[k] = k === 'address' && el.value === '' ? null : el.value;
      }
      if (Object.keys(body).length === 1) { navigate(back); return; }
      const ok = await submitForm(form, msg, () => api.patch(`/api/v1/requests/${r.id}`, body));
      if (ok) { toast('已保存'); navigate(back); }
    },
  },
  h('div', { class: 'form-grid' },
    fieldBox('channel', '来源渠道', f.channel), fieldBox('received_on', '受理日期', f.received_on),
    fieldBox('requester', '诉求人', f.requester, { required: true, hint: '只记姓名，不登记身份证号和电话' }),
    fieldBox('address', '住址', f.address), fieldBox('category', '类别', f.category, { required: true }),
    fieldBox('content', '诉求内容', f.content, { required: true, wide: true })),
  msg,
  h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'rq-edit-save' }, '保存修改'),
    h('a', { class: 'btn', href: back }, '取消')));
  view.append(h('div', { class: 'page-head' }, h('h2', null, `修改受理信息 · ${r.org_name}`)),
    h('p', { class: 'muted small' }, '受理组织不能修改；评价办结后不能再修改。'), form);
}

function dl(pairs) {
  return h('dl', { class: 'rq-dl' }, pairs.filter(([, v]) => v !== null && v !== undefined && v !== '').flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

async function renderDetail(view, id) {
  view.append(loading());
  let r;
  try { r = await api.get(`/api/v1/requests/${id}`); } catch (e) { view.replaceChildren(notice(e.message, 'error', 'page-error')); return; }
  const org = await orgReady();
  view.replaceChildren();
  const idx = STATUSES.findIndex(([k]) => k === r.status);
  const steps = h('ol', { class: 'rq-steps', testid: 'rq-steps' }, STATUSES.map(([k, n], i) => h('li', { class: i <= idx ? 'done' : '', dataset: { step: k } }, n)));
  view.append(
    h('div', { class: 'page-head' }, h('h2', null, `民情诉求 · ${r.requester}`),
      h('div', { class: 'actions' },
        r.status !== 'rated' ? h('a', { class: 'btn', href: `${BASE}/${r.id}/edit`, testid: 'rq-edit' }, '修改受理信息') : null,
        h('a', { class: 'btn', href: BASE }, '返回列表'))),
    steps,
    h('div', { class: 'card', testid: 'rq-detail', dataset: { status: r.status } },
      h('p', null, h('span', { class: `badge rq-st-${r.status}`, testid: 'rq-status' }, r.status_name),
        r.overdue ? h('span', { class: 'work-overdue', testid: 'rq-detail-overdue' }, ' 已逾期') : null),
      dl([['受理组织', r.org_name], ['受理日期', r.received_on], ['来源渠道', r.channel_name], ['诉求人', r.requester], ['住址', r.address],
        ['类别', r.category_name], ['诉求内容', r.content], ['承办', r.assignee_name], ['办理期限', r.due_on],
        ['办理情况', r.handling ? `${r.handling}（${r.handled_on}${r.rectified ? '，已整改' : '，未涉及整改'}）` : null],
        ['答复', r.reply ? `${r.reply}（${r.replied_on}，受理后 ${r.days_to_reply} 天）` : null],
        ['满意度', r.satisfaction_name ? `${r.satisfaction_name}（${r.rated_on}）` : null],
        ['来自走访', r.visit_id ? h('a', { href: `#/work/visits/${r.visit_id}` }, `走访记录 ${r.visit_id}`) : null]]),
      (r.assignments || []).length > 1 ? h('div', null, h('h3', null, '交办记录'), h('ul', { testid: 'rq-assignments' },
        r.assignments.map((a) => h('li', null, `${a.assigned_on} 交办 ${a.assignee_name || ''}，期限 ${a.due_on}${a.reason ? `；改派原因：${a.reason}` : ''}`)))) : null));
  const next = await stepForm(r, org);
  if (next) view.append(next);
}

// the form for the request's next step (and 改派 while it is assigned)
async function stepForm(r, org) {
  const msg = h('div', { 'aria-live': 'polite' });
  const post = (action, body, form, box = msg) => submitForm(form, box, async () => {
    await api.post(`/api/v1/requests/${r.id}/${action}`, { version: r.version, ...body });
    toast('已保存');
    navigate(`${BASE}/${r.id}`);
    return true;
  });
  const wrap = (title, form) => h('div', { class: 'card', testid: 'rq-step' }, h('h3', null, title), form, msg);
  if (r.status === 'received' || r.status === 'assigned') {
    const orgs = await orgChoices(org);
    const reassign = r.status === 'assigned';
    const kind = select('kind', [h('option', { value: 'member' }, '党员'), h('option', { value: 'org' }, '组织')], { 'aria-label': '承办类型' });
    const orgSel = select('org_id', orgs.map((o) => h('option', { value: String(o.id) }, o.name)), { value: String(r.org_id) });
    const memberSel = select('member_id', [h('option', { value: '' }, '请选择党员')]);
    const fillMembers = async () => replace(memberSel, h('option', { value: '' }, '请选择党员'),
      (await membersOf(Number(orgSel.value))).map((m) => h('option', { value: String(m.id) }, m.name)));
    orgSel.addEventListener('change', fillMembers);
    await fillMembers();
    const due = input('due_on', { type: 'date', value: '' });
    const reason = input('reason', { maxlength: 200 });
    const form = h('form', {
      testid: 'rq-assign-form', novalidate: true,
      onsubmit: (e) => {
        e.preventDefault();
        const body = { due_on: due.value, reason: reason.value || undefined };
        if (kind.value === 'member') body.member_id = memberSel.value ? Number(memberSel.value) : null;
        else body.org_id = Number(orgSel.value);
        post('assign', body, form);
      },
    }, h('div', { class: 'form-grid' }, fieldBox('kind', '交办给', kind), fieldBox('org_id', '组织', orgSel),
      fieldBox('member_id', '承办党员', memberSel), fieldBox('due_on', '办理期限', due, { required: true }),
      reassign ? fieldBox('reason', '改派原因', reason, { required: true }) : null),
    h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'rq-assign' }, reassign ? '改派' : '交办')));
    const out = [wrap(reassign ? '改派（办理前可改派，须说明原因）' : '交办', form)];
    if (reassign) out.push(handleForm(r, post));
    return h('div', null, out);
  }
  if (r.status === 'handled') {
    const reply = input('reply', { rows: 3, maxlength: 2000 });
    const form = h('form', { testid: 'rq-reply-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); post('reply', { reply: reply.value }, form); } },
      fieldBox('reply', '答复内容', reply, { required: true, wide: true }),
      h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'rq-reply' }, '登记答复')));
    return wrap('答复群众', form);
  }
  if (r.status === 'replied') {
    const sat = select('satisfaction', options(RATINGS, '请选择'));
    const form = h('form', { testid: 'rq-rate-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); post('rate', { satisfaction: sat.value }, form); } },
      fieldBox('satisfaction', '群众满意度', sat, { required: true }),
      h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'rq-rate' }, '登记评价')));
    return wrap('满意度评价', form);
  }
  return null;

  function handleForm(req, postFn) {
    const handling = input('handling', { rows: 3, maxlength: 2000 });
    const rect = h('input', { type: 'checkbox', name: 'rectified', id: 'f-rectified', checked: true });
    const m2 = h('div', { 'aria-live': 'polite' });
    const form = h('form', { testid: 'rq-handle-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); postFn('handle', { handling: handling.value, rectified: rect.checked }, form, m2); } },
      fieldBox('handling', '办理情况', handling, { required: true, wide: true }), fieldBox('rectified', '已整改（不勾选表示作了解释或转办）', rect, { bool: true }),
      h('div', { class: 'form-actions' }, h('button', { class: 'btn btn-primary', type: 'submit', testid: 'rq-handle' }, '登记办结')));
    return h('div', { class: 'card', testid: 'rq-step-handle' }, h('h3', null, `办理（承办：${req.assignee_name || ''}）`), form, m2);
  }
}
