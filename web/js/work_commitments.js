// 工作台账 · 承诺践诺 (目标责任书 and 承诺事项): the statistics card and the item list with filters and Excel
// export, the letters list, a letter's page (complete with 践诺情况 / cancel with a reason / add an item), the
// letter form with its items, and the 我的承诺 card on the member's phone page (myCommitmentsCard, used by me.js).
// Hashes: #/work/commitments[?year&holder_type&status&overdue&q&page] · /letters[?year&q&page] · /new · /letters/{id}
import { api, qs } from './api.js';
import { h, replace, notice, loading, toast } from './dom.js';
import { orgReady } from './layout.js';
import { navigate, rerender } from './router.js';
import { ruleError } from './recruits.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';
import { orgPicker } from './org_picker.js';

const BASE = '#/work/commitments';
const PER_PAGE = 50;
export const CATEGORIES = [
  { key: 'study', name: '学习提高' }, { key: 'duty', name: '履职尽责' }, { key: 'service', name: '服务群众' },
  { key: 'development', name: '发展致富' }, { key: 'integrity', name: '廉洁自律' }, { key: 'other', name: '其他' },
];
const STATUS = { pending: '待践诺', done: '已践诺', cancelled: '已取消' };
const HOLDER = { member: '党员', org: '党组织' };

const todayStr = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const thisYear = () => Number(todayStr().slice(0, 4));

function yearOptions(from = thisYear() + 1, to = thisYear() - 5) {
  const out = [];
  for (let i = from; i >= to; i--) out.push(h('option', { value: String(i) }, `${i}年`));
  return out;
}

function errorBox(e) {
  return e && e.rule ? ruleError(e) : notice(e ? e.message : '出错了', 'error', 'commit-error');
}

export function statusBadge(it) {
  const cls = it.status === 'done' ? 'state-active' : it.status === 'cancelled' ? 'state-removed' : 'status-pending';
  return [h('span', { class: `badge ${cls}`, testid: 'commit-status' }, it.status_name || STATUS[it.status] || it.status),
    it.overdue ? h('span', { class: 'badge work-overdue commit-overdue', testid: 'commit-overdue' }, '已逾期') : null];
}

function subTabs(active) {
  const tab = (key, href, text) => h('a', {
    class: `btn btn-sm${active === key ? ' btn-primary' : ''}`, href, testid: `commit-tab-${key}`,
    'aria-current': active === key ? 'page' : null,
  }, text);
  return h('div', { class: 'work-toolbar' },
    tab('items', BASE, '承诺事项'), tab('letters', `${BASE}/letters`, '责任书'), tab('new', `${BASE}/new`, '+ 签订责任书'));
}

// ---- statistics ----------------------------------------------------------------------------

function statsCard(org) {
  const to = thisYear();
  const from = to - 3;
  const body = h('div', { 'aria-live': 'polite' }, loading());
  const card = h('section', { class: 'card commit-stats', testid: 'commit-stats' }, h('h3', null, `承诺践诺统计（${from}–${to} 年）`), body);
  api.get(`/api/v1/commitments/stats${qs({ org: org ? org.id : '', from, to })}`).then((s) => {
    const pct = s.total - s.cancelled > 0 ? Math.round((s.done / (s.total - s.cancelled)) * 100) : 0;
    body.replaceChildren(
      h('p', { class: 'commit-headline', testid: 'commit-headline' },
        `${to - from + 1} 年来共作出承诺 `, h('strong', null, s.total.toLocaleString('zh-CN')), ' 项，已践诺 ',
        h('strong', { testid: 'commit-done' }, s.done.toLocaleString('zh-CN')), ` 项（践诺率 ${pct}%），待践诺 ${s.pending} 项`,
        s.overdue ? h('span', { class: 'work-overdue' }, `（逾期 ${s.overdue} 项）`) : null, `，取消 ${s.cancelled} 项。`),
      h('div', { class: 'table-wrap' }, h('table', { class: 'grid commit-stats-table', testid: 'commit-stats-years' },
        h('thead', null, h('tr', null, ['年度', '承诺', '已践诺', '待践诺', '逾期', '取消'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, (s.by_year || []).map((y) => h('tr', null, h('th', { scope: 'row' }, `${y.year}年`),
          h('td', null, String(y.total)), h('td', null, String(y.done)), h('td', null, String(y.pending)),
          h('td', { class: y.overdue ? 'work-overdue' : '' }, String(y.overdue)), h('td', null, String(y.cancelled))))))),
      h('p', { class: 'muted small' }, '按类别：', (s.by_category || []).filter((c) => c.total)
        .map((c) => `${c.category_name} ${c.done}/${c.total}`).join(' · ') || '暂无'));
  }).catch((e) => body.replaceChildren(errorBox(e)));
  return card;
}

// ---- the item list -------------------------------------------------------------------------

async function renderItems(view, query) {
  const org = await orgReady();
  const f = {
    year: query.get('year') || '', holder_type: query.get('holder_type') || '', status: query.get('status') || '',
    overdue: query.get('overdue') || '', q: query.get('q') || '', page: Number(query.get('page')) || 1,
  };
  const go = (over) => navigate(`${BASE}${qs({ ...f, ...over, page: over.page || '' })}`);
  const params = { org: org ? org.id : '', year: f.year, holder_type: f.holder_type, status: f.status, overdue: f.overdue, q: f.q.trim() };
  const search = h('input', { type: 'search', class: 'search-input', name: 'q', value: f.q, placeholder: '承诺事项或责任主体', 'aria-label': '搜索承诺', testid: 'commit-q' });
  const sel = (key, label, opts) => h('select', { 'aria-label': label, testid: `commit-filter-${key}`, value: f[key], onchange: (e) => go({ [key]: e.target.value }) },
    opts);
  const toolbar = h('div', { class: 'toolbar' },
    h('form', { class: 'search-form', role: 'search', onsubmit: (e) => { e.preventDefault(); go({ q: search.value }); } },
      search, h('button', { class: 'btn', type: 'submit', testid: 'commit-search' }, '搜索')),
    h('div', { class: 'filters' },
      sel('year', '年度', [h('option', { value: '' }, '全部年度'), yearOptions()]),
      sel('holder_type', '责任主体', [h('option', { value: '' }, '全部责任主体'), h('option', { value: 'member' }, '党员'), h('option', { value: 'org' }, '党组织')]),
      sel('status', '状态', [h('option', { value: '' }, '全部状态'), ...Object.entries(STATUS).map(([k, v]) => h('option', { value: k }, v))]),
      h('label', { class: 'check' }, h('input', {
        type: 'checkbox', testid: 'commit-overdue-only', checked: f.overdue === '1', onchange: (e) => go({ overdue: e.target.checked ? '1' : '' }),
      }), ' 只看逾期'),
      h('a', { class: 'btn', href: `/api/v1/commitments${qs({ ...params, format: 'xlsx' })}`, download: '承诺事项.xlsx', testid: 'commit-export' }, '导出 Excel')));
  const box = h('div', { class: 'table-wrap' }, loading());
  const pager = h('div', { class: 'pager' });
  view.append(subTabs('items'), statsCard(org), toolbar, box, pager);
  try {
    const r = await api.get(`/api/v1/commitments${qs({ ...params, page: f.page, per_page: PER_PAGE })}`);
    const items = r.items || [];
    if (!items.length) { replace(box, h('p', { class: 'empty', testid: 'commit-empty' }, '没有符合条件的承诺事项')); return; }
    replace(box, h('table', { class: 'grid commit-table', testid: 'commit-table' },
      h('thead', null, h('tr', null, ['年度', '责任主体', '承诺事项', '类别', '完成时限', '状态'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, items.map((it) => h('tr', { testid: 'commit-row', dataset: { id: it.id, status: it.status, overdue: String(!!it.overdue) } },
        h('td', null, String(it.year)),
        h('td', null, h('a', { href: `${BASE}/letters/${it.letter_id}`, testid: 'commit-letter-link' }, it.holder_name),
          h('div', { class: 'muted small' }, it.holder_type === 'member' ? it.org_name : HOLDER.org)),
        h('td', null, it.title, it.public ? h('span', { class: 'badge commit-public', title: '公开承诺' }, '公开') : null),
        h('td', null, it.category_name),
        h('td', null, it.due_on),
        h('td', null, statusBadge(it)))))));
    const pages = Math.max(1, Math.ceil((r.total || 0) / PER_PAGE));
    replace(pager, h('span', { testid: 'commit-total' }, `共 ${r.total} 项`),
      f.page > 1 ? h('button', { class: 'btn btn-sm', type: 'button', onclick: () => go({ page: f.page - 1 }) }, '上一页') : null,
      pages > 1 ? h('span', null, ` 第 ${f.page} / ${pages} 页 `) : null,
      f.page < pages ? h('button', { class: 'btn btn-sm', type: 'button', onclick: () => go({ page: f.page + 1 }) }, '下一页') : null);
  } catch (e) {
    replace(box, errorBox(e));
  }
}

// ---- the letters list ----------------------------------------------------------------------

async function renderLetters(view, query) {
  const org = await orgReady();
  const f = { year: query.get('year') || '', q: query.get('q') || '', page: Number(query.get('page')) || 1 };
  const go = (over) => navigate(`${BASE}/letters${qs({ ...f, ...over, page: over.page || '' })}`);
  const params = { org: org ? org.id : '', year: f.year, q: f.q.trim() };
  const search = h('input', { type: 'search', class: 'search-input', value: f.q, placeholder: '责任主体或责任书名称', 'aria-label': '搜索责任书', testid: 'letters-q' });
  const box = h('div', { class: 'table-wrap' }, loading());
  view.append(subTabs('letters'), h('div', { class: 'toolbar' },
    h('form', { class: 'search-form', role: 'search', onsubmit: (e) => { e.preventDefault(); go({ q: search.value }); } },
      search, h('button', { class: 'btn', type: 'submit' }, '搜索')),
    h('div', { class: 'filters' },
      h('select', { 'aria-label': '年度', testid: 'letters-year', value: f.year, onchange: (e) => go({ year: e.target.value }) },
        h('option', { value: '' }, '全部年度'), yearOptions()),
      h('a', { class: 'btn', href: `/api/v1/commitments/letters${qs({ ...params, format: 'xlsx' })}`, download: '目标责任书.xlsx', testid: 'letters-export' }, '导出 Excel'))),
  box);
  try {
    const r = await api.get(`/api/v1/commitments/letters${qs({ ...params, page: f.page, per_page: PER_PAGE })}`);
    const items = r.items || [];
    if (!items.length) { replace(box, h('p', { class: 'empty' }, '还没有责任书')); return; }
    replace(box, h('table', { class: 'grid', testid: 'letters-table' },
      h('thead', null, h('tr', null, ['年度', '责任主体', '责任书', '签订', '践诺情况'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, items.map((l) => h('tr', { testid: 'letter-row', dataset: { id: l.id } },
        h('td', null, String(l.year)),
        h('td', null, h('a', { href: `${BASE}/letters/${l.id}` }, l.holder_name), h('div', { class: 'muted small' }, l.holder_type_name)),
        h('td', null, l.title || ''),
        h('td', null, [l.signed_by, l.signed_on].filter(Boolean).join(' ')),
        h('td', null, `${l.summary.done}/${l.summary.total}`, l.summary.overdue ? h('span', { class: 'work-overdue' }, ` 逾期 ${l.summary.overdue}`) : null))))));
  } catch (e) {
    replace(box, errorBox(e));
  }
}

// ---- completing and cancelling (shared by the letter page and the phone card) ----------------

// An inline form under an item: 完成 (evidence + date) or 取消 (reason). post(body) does the request.
function actionForm(it, kind, post, onDone) {
  const done = kind === 'complete';
  const text = h('textarea', {
    name: done ? 'evidence' : 'reason', id: `${kind}-${it.id}`, rows: 3, maxlength: 2000, testid: done ? 'commit-evidence' : 'commit-reason',
    placeholder: done ? '做了什么、成效如何（必填）' : '取消原因（必填）',
  });
  const date = done ? h('input', { type: 'date', name: 'done_on', id: `done-on-${it.id}`, value: todayStr(), max: todayStr(), testid: 'commit-done-on' }) : null;
  const msg = h('div', { 'aria-live': 'polite' });
  const btn = h('button', { class: 'btn btn-primary btn-sm', type: 'submit', testid: done ? 'commit-complete-save' : 'commit-cancel-save' }, done ? '确认完成' : '确认取消');
  const form = h('form', {
    class: 'commit-action', novalidate: true, testid: `commit-${kind}-form`,
    onsubmit: async (e) => {
      e.preventDefault();
      clearFieldErrors(form);
      msg.replaceChildren();
      btn.disabled = true;
      const body = { version: it.version, [done ? 'evidence' : 'reason']: text.value.trim() };
      if (done && date.value) body.done_on = date.value;
      try {
        await post(body);
        toast(done ? '已标记为完成' : '已取消该承诺');
        onDone();
      } catch (err) {
        if (!(err.field && showFieldError(form, err.field, err.message))) msg.append(errorBox(err));
        btn.disabled = false;
      }
    },
  },
  fieldBox(done ? 'evidence' : 'reason', done ? '践诺情况' : '取消原因', text, { required: true }),
  done ? fieldBox('done_on', '完成日期', date) : null, msg, btn);
  return form;
}

function itemActions(it, post, onDone) {
  if (it.status !== 'pending') return null;
  const slot = h('div');
  const toggle = (kind) => {
    if (slot.dataset.kind === kind) { slot.replaceChildren(); slot.dataset.kind = ''; return; }
    slot.dataset.kind = kind;
    replace(slot, actionForm(it, kind, kind === 'complete' ? post.complete : post.cancel, onDone));
  };
  return h('div', { class: 'row-actions' },
    h('button', { class: 'btn btn-sm btn-primary', type: 'button', testid: 'commit-complete', onclick: () => toggle('complete') }, '完成'),
    post.cancel ? h('button', { class: 'btn btn-sm', type: 'button', testid: 'commit-cancel', onclick: () => toggle('cancel') }, '取消') : null,
    slot);
}

function itemCard(it, post, onDone) {
  return h('li', { class: 'commit-item', testid: 'commit-item', dataset: { id: it.id, status: it.status } },
    h('div', { class: 'commit-item-top' },
      h('span', { class: 'commit-item-title' }, it.title),
      h('span', null, statusBadge(it))),
    h('div', { class: 'muted small' }, `${it.category_name} · 完成时限 ${it.due_on}${it.public ? ' · 公开承诺' : ''}`),
    it.status === 'done' ? h('div', { class: 'commit-evidence', testid: 'commit-evidence-text' }, `${it.done_on} 完成：${it.evidence || ''}`) : null,
    it.status === 'cancelled' ? h('div', { class: 'muted' }, `${it.cancelled_on || ''} 取消：${it.cancel_reason || ''}`) : null,
    itemActions(it, post, onDone));
}

// ---- a letter's page -----------------------------------------------------------------------

async function renderLetter(view, id) {
  const box = h('div', null, loading());
  view.append(subTabs(''), box);
  let l;
  try {
    l = await api.get(`/api/v1/commitments/letters/${id}`);
  } catch (e) {
    replace(box, errorBox(e));
    return;
  }
  const s = l.summary;
  const post = (it) => ({
    complete: (body) => api.post(`/api/v1/commitments/items/${it.id}/complete`, body),
    cancel: (body) => api.post(`/api/v1/commitments/items/${it.id}/cancel`, body),
  });
  replace(box,
    h('section', { class: 'card', testid: 'letter-detail', dataset: { id: l.id } },
      h('h2', { testid: 'letter-holder' }, `${l.holder_name} · ${l.year}年`, h('small', null, ` ${l.holder_type_name}`)),
      h('p', null, l.title || '目标责任书'),
      h('dl', { class: 'commit-meta' },
        h('dt', null, '所在组织'), h('dd', null, l.org_name),
        h('dt', null, '签订人'), h('dd', null, l.signed_by || '—'),
        h('dt', null, '签订日期'), h('dd', null, l.signed_on || '—'),
        h('dt', null, '践诺情况'), h('dd', { testid: 'letter-summary' }, `共 ${s.total} 项，已践诺 ${s.done} 项，待践诺 ${s.pending} 项`,
          s.overdue ? h('span', { class: 'work-overdue' }, `（逾期 ${s.overdue} 项）`) : null, s.cancelled ? `，取消 ${s.cancelled} 项` : '')),
      h('ul', { class: 'commit-items', testid: 'letter-items' }, l.items.map((it) => itemCard(it, post(it), rerender))),
      addItemForm(l), signingForm(l)));
}

// 修改签订信息: title, signer and date, saved with the letter's version (409 → reload).
function signingForm(l) {
  const title = h('input', { type: 'text', name: 'title', id: 'sign-title', maxlength: 200, value: l.title || '', testid: 'sign-title' });
  const by = h('input', { type: 'text', name: 'signed_by', id: 'sign-by', maxlength: 60, value: l.signed_by || '', testid: 'sign-by' });
  const on = h('input', { type: 'date', name: 'signed_on', id: 'sign-on', max: todayStr(), value: l.signed_on || '', testid: 'sign-on' });
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', {
    class: 'commit-add', novalidate: true, testid: 'sign-form',
    onsubmit: async (e) => {
      e.preventDefault();
      clearFieldErrors(form);
      msg.replaceChildren();
      try {
        await api.patch(`/api/v1/commitments/letters/${l.id}`, { version: l.version, title: title.value.trim(), signed_by: by.value.trim(), signed_on: on.value || null });
        toast('已保存签订信息');
        rerender();
      } catch (err) {
        if (err.status === 409 && err.rule === 'store.stale') {
          msg.append(h('div', { class: 'notice notice-error', role: 'alert' }, err.message,
            h('button', { class: 'btn', type: 'button', onclick: rerender }, '重新加载')));
        } else if (!(err.field && showFieldError(form, err.field, err.message))) msg.append(errorBox(err));
      }
    },
  },
  h('h3', null, '签订信息'),
  h('div', { class: 'form-grid' }, fieldBox('title', '名称', title, { wide: true }), fieldBox('signed_by', '签订人', by), fieldBox('signed_on', '签订日期', on)),
  msg, h('button', { class: 'btn', type: 'submit', testid: 'sign-save' }, '保存签订信息'));
  return form;
}

function addItemForm(l) {
  const title = h('input', { type: 'text', name: 'title', id: 'add-title', maxlength: 200, testid: 'add-item-title' });
  const cat = h('select', { name: 'category', id: 'add-category', testid: 'add-item-category' }, CATEGORIES.map((c) => h('option', { value: c.key }, c.name)));
  const due = h('input', { type: 'date', name: 'due_on', id: 'add-due', value: `${l.year}-12-31`, testid: 'add-item-due' });
  const pub = h('input', { type: 'checkbox', name: 'public', id: 'add-public' });
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', {
    class: 'commit-add', novalidate: true, testid: 'add-item-form',
    onsubmit: async (e) => {
      e.preventDefault();
      clearFieldErrors(form);
      msg.replaceChildren();
      try {
        await api.post(`/api/v1/commitments/letters/${l.id}/items`, { title: title.value.trim(), category: cat.value, due_on: due.value, public: pub.checked });
        toast('已添加承诺事项');
        rerender();
      } catch (err) {
        if (!(err.field && showFieldError(form, err.field, err.message))) msg.append(errorBox(err));
      }
    },
  },
  h('h3', null, '添加承诺事项'),
  h('div', { class: 'form-grid' }, fieldBox('title', '承诺事项', title, { required: true, wide: true }), fieldBox('category', '类别', cat),
    fieldBox('due_on', '完成时限', due, { required: true }), fieldBox('public', '公开承诺', pub, { bool: true })),
  msg, h('button', { class: 'btn', type: 'submit', testid: 'add-item-save' }, '添加'));
  return form;
}

// ---- the letter form -----------------------------------------------------------------------

async function renderForm(view) {
  const org = await orgReady();
  const year = h('select', { name: 'year', id: 'letter-year', testid: 'letter-year', value: String(thisYear()) }, yearOptions(thisYear() + 1, thisYear() - 3));
  const holderType = h('select', { name: 'holder_type', id: 'letter-holder-type', testid: 'letter-holder-type' },
    h('option', { value: 'member' }, '党员承诺书'), h('option', { value: 'org' }, '党组织目标责任书'));
  const member = orgPicker({
    id: 'letter-member_id', name: 'member_id', testid: 'letter-member', noun: '党员', placeholder: '输入姓名查找党员',
    search: (q) => api.get(`/api/v1/members${qs({ org: org ? org.id : '', q, per_page: 20 })}`),
    describe: (m) => ({ label: m.name, main: m.name, sub: m.org_name || '' }),
  });
  const unit = orgPicker({
    id: 'letter-org_id', name: 'org_id', testid: 'letter-org', noun: '组织', placeholder: '输入名称查找党组织',
    value: org || null,
    search: (q) => api.get(`/api/v1/orgs${qs({ org: org ? org.id : '', q, per_page: 20 })}`),
    describe: (o) => ({ label: o.name, main: o.name, sub: o.kind_name || '' }),
  });
  const memberBox = fieldBox('member_id', '责任党员', member.input, { control: member.el, required: true });
  const orgBox = fieldBox('org_id', '责任党组织', unit.input, { control: unit.el, required: true });
  const showHolder = () => { memberBox.hidden = holderType.value !== 'member'; orgBox.hidden = holderType.value !== 'org'; };
  holderType.addEventListener('change', showHolder);
  showHolder();
  const title = h('input', { type: 'text', name: 'title', id: 'letter-title', maxlength: 200, placeholder: '如：2026年度党员承诺书', testid: 'letter-title' });
  const signedBy = h('input', { type: 'text', name: 'signed_by', id: 'letter-signed_by', maxlength: 60, placeholder: '如：镇党委书记 王某', testid: 'letter-signed-by' });
  const signedOn = h('input', { type: 'date', name: 'signed_on', id: 'letter-signed_on', value: todayStr(), max: todayStr(), testid: 'letter-signed-on' });

  const rows = h('ol', { class: 'commit-rows', testid: 'letter-items' });
  const addRow = () => {
    const i = rows.children.length;
    const err = (k) => h('div', { class: 'field-error', dataset: { errorFor: `items.${i}.${k}` }, 'aria-live': 'polite' });
    rows.append(h('li', { class: 'commit-row-edit', testid: 'letter-item-row' },
      h('input', { type: 'text', name: `items.${i}.title`, maxlength: 200, placeholder: '承诺事项', 'aria-label': `第 ${i + 1} 项承诺事项`, class: 'ci-title', testid: 'ci-title' }),
      h('select', { name: `items.${i}.category`, 'aria-label': `第 ${i + 1} 项类别`, class: 'ci-category', testid: 'ci-category' }, CATEGORIES.map((c) => h('option', { value: c.key }, c.name))),
      h('input', { type: 'date', name: `items.${i}.due_on`, 'aria-label': `第 ${i + 1} 项完成时限`, class: 'ci-due', value: `${year.value}-12-31`, testid: 'ci-due' }),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', class: 'ci-public', testid: 'ci-public' }), ' 公开'),
      err('title'), err('category'), err('due_on')));
  };
  addRow();
  addRow();
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite', testid: 'letter-form-msg' });
  const save = h('button', { class: 'btn btn-primary', type: 'submit', testid: 'letter-save' }, '保存责任书');
  const form = h('form', { class: 'card', novalidate: true, testid: 'letter-form', onsubmit: submit },
    h('h2', null, '签订目标责任书 / 承诺书'),
    h('div', { class: 'form-grid' },
      fieldBox('holder_type', '类型', holderType), fieldBox('year', '年度', year, { required: true }), memberBox, orgBox,
      fieldBox('title', '名称', title, { wide: true }), fieldBox('signed_by', '签订人', signedBy), fieldBox('signed_on', '签订日期', signedOn)),
    h('h3', null, '承诺事项'), rows,
    h('button', { class: 'btn btn-sm', type: 'button', testid: 'letter-add-row', onclick: addRow }, '+ 再加一项'),
    msg, h('div', { class: 'form-actions' }, save, h('a', { class: 'btn', href: BASE }, '返回')));
  view.append(subTabs('new'), form);

  async function submit(e) {
    e.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    const body = { holder_type: holderType.value, year: Number(year.value), title: title.value.trim(), signed_by: signedBy.value.trim(), signed_on: signedOn.value };
    const holder = holderType.value === 'member' ? member.value : unit.value;
    if (holder) body[holderType.value === 'member' ? 'member_id' : 'org_id'] = holder.id;
    // rows left blank are skipped; their positions are kept so errors land on the right row
    const items = [];
    const map = [];
    [...rows.children].forEach((li, i) => {
      const t = li.querySelector('.ci-title').value.trim();
      if (!t) return;
      map.push(i);
      items.push({ title: t, category: li.querySelector('.ci-category').value, due_on: li.querySelector('.ci-due').value, public: li.querySelector('.ci-public').checked });
    });
    body.items = items;
    save.disabled = true;
    try {
      const l = await api.post('/api/v1/commitments/letters', body);
      toast('责任书已保存');
      navigate(`${BASE}/letters/${l.id}`);
    } catch (err) {
      let field = err.field || '';
      const m = /^items\.(\d+)\.(.+)$/.exec(field);
      if (m) field = `items.${map[Number(m[1])]}.${m[2]}`;
      if (!(field && showFieldError(form, field, err.message))) msg.append(errorBox(err));
      save.disabled = false;
    }
  }
}

// ---- the member's phone card ---------------------------------------------------------------

export function myCommitmentsCard() {
  const year = thisYear();
  const body = h('div', { 'aria-live': 'polite' }, loading());
  const card = h('section', { class: 'me-card me-commitments', testid: 'me-commitments' }, h('h2', null, `我的承诺（${year}年）`), body);
  const load = () => api.get(`/api/v1/me/commitments${qs({ year })}`).then((r) => {
    const items = (r.letters || []).flatMap((l) => l.items || []);
    if (!items.length) { replace(body, h('p', { class: 'muted', testid: 'me-commitments-empty' }, '今年还没有签订承诺书。')); return; }
    const done = items.filter((x) => x.status === 'done').length;
    replace(body,
      h('p', { class: 'muted', testid: 'me-commitments-count' }, `共 ${items.length} 项，已践诺 ${done} 项`),
      h('ul', { class: 'commit-items' }, items.map((it) => itemCard(it, {
        complete: (b) => api.post(`/api/v1/me/commitments/${it.id}/complete`, b),
      }, load))));
  }).catch((e) => {
    if (e.status === 404) { card.remove(); return; }
    replace(body, notice(e.message, 'error', 'me-commitments-error'));
  });
  load();
  return card;
}

export async function render(view, sub, query) {
  const m = /^\/letters\/(\d+)$/.exec(sub || '');
  if (m) return renderLetter(view, m[1]);
  if (sub === '/letters') return renderLetters(view, query);
  if (sub === '/new') return renderForm(view);
  if (!sub) return renderItems(view, query);
  view.append(notice('未找到该页面', 'error', 'page-error'));
  return undefined;
}
