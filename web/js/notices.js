// 通知公告: the sender's pages (#/notices list of the selected organization's subtree, #/notices/new the form, sent
// from the organization chosen in the tree, #/notices/{id} the notice with its receipts per branch and who has not
// read or confirmed, publish / withdraw / the one reminder / pin) and the member's phone pages (#/me/notices, the
// list with unread marks, and #/me/notices/{id}, where opening records the reading and the receipt is confirmed).
import { api, qs, ApiError } from './api.js';
import { h, replace, notice, loading, toast, fmtDate, fmtTime } from './dom.js';
import { orgReady } from './layout.js';
import { navigate, rerender } from './router.js';
import { ruleError } from './recruits.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';

const BASE = '#/notices';
const PER_PAGE = 50;
const STATUS = { draft: '草稿', published: '已发布', withdrawn: '已撤回' };
const STATUS_CLASS = { draft: 'status-pending', published: 'state-active', withdrawn: 'state-removed' };
const LABELS = { title: '标题', body: '正文', expires_on: '截止日期', org_id: '发文党组织', receipt: '回执', file: '附件', filename: '附件' };

const todayStr = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

function errorBox(e) {
  return e && e.rule ? ruleError(e) : notice(e ? e.message : '出错了', 'error', 'notice-error');
}

function statusBadge(n) {
  return h('span', { class: `badge ${STATUS_CLASS[n.status] || ''}`, testid: 'notice-status' }, n.status_name || STATUS[n.status] || n.status);
}

function fileLinks(n) {
  const files = n.files || [];
  if (!files.length) return null;
  return h('ul', { class: 'notice-files', testid: 'notice-files' }, files.map((f) => h('li', null,
    h('a', { href: `/api/v1/notices/${n.id}/files/${f.id}`, target: '_blank', rel: 'noopener', testid: 'notice-file' }, f.filename),
    h('span', { class: 'muted small' }, ` ${Math.max(1, Math.round(f.size / 1024))} KB`))));
}

export async function renderNotices(view, path, query) {
  const sub = (path || '').replace(/^\//, '');
  if (sub === 'new') return renderForm(view);
  if (/^\d+$/.test(sub)) return renderDetail(view, Number(sub), query);
  return renderList(view, query);
}

// ---- the sender's list ---------------------------------------------------------------------

async function renderList(view, query) {
  const org = await orgReady();
  const f = { status: query.get('status') || '', q: query.get('q') || '', page: Number(query.get('page')) || 1 };
  const params = { org: org ? org.id : '', status: f.status, q: f.q };
  const go = (over) => navigate(`${BASE}${qs({ ...f, page: '', ...over })}`);
  const search = h('input', { type: 'search', class: 'search-input', name: 'q', value: f.q, placeholder: '通知标题', 'aria-label': '搜索通知', testid: 'notices-q' });
  view.append(
    h('div', { class: 'page-head' }, h('h2', null, '通知公告', h('small', null, org ? ` · ${org.name}` : '')),
      h('div', { class: 'actions' }, h('a', { class: 'btn btn-primary', href: `${BASE}/new`, testid: 'notice-new' }, '+ 发布通知'))),
    h('div', { class: 'toolbar' },
      h('form', { class: 'search-form', role: 'search', onsubmit: (e) => { e.preventDefault(); go({ q: search.value }); } },
        search, h('button', { class: 'btn', type: 'submit' }, '搜索')),
      h('div', { class: 'filters' },
        h('select', { 'aria-label': '状态', testid: 'notices-status', value: f.status, onchange: (e) => go({ status: e.target.value }) },
          h('option', { value: '' }, '全部状态'), Object.entries(STATUS).map(([k, v]) => h('option', { value: k }, v))),
        h('a', { class: 'btn', href: `/api/v1/notices${qs({ ...params, format: 'xlsx' })}`, download: '通知公告.xlsx' }, '导出 Excel'))));
  const box = h('div', { class: 'notice-list', 'aria-live': 'polite' }, loading());
  const pager = h('div', { class: 'pager' });
  view.append(box, pager);
  try {
    const r = await api.get(`/api/v1/notices${qs({ ...params, page: f.page, per_page: PER_PAGE })}`);
    const items = r.items || [];
    if (!items.length) { replace(box, h('p', { class: 'empty', testid: 'notices-empty' }, '还没有通知。')); return; }
    replace(box, h('ul', { class: 'notice-cards', testid: 'notices-list' }, items.map((n) => h('li', {
      class: `notice-card${n.pinned ? ' is-pinned' : ''}`, testid: 'notice-row', dataset: { id: n.id, status: n.status },
    },
    h('div', { class: 'notice-card-top' },
      n.pinned ? h('span', { class: 'badge notice-pin' }, '置顶') : null, statusBadge(n),
      n.receipt ? h('span', { class: 'badge' }, '需回执') : null,
      n.expired ? h('span', { class: 'badge badge-warn' }, '已过期') : null),
    h('a', { class: 'notice-card-title', href: `${BASE}/${n.id}`, testid: 'notice-link' }, n.title),
    h('div', { class: 'muted small' }, `${n.org_name} · ${n.published_at ? `发布于 ${fmtDate(fmtTime(n.published_at))}` : `创建于 ${fmtDate(fmtTime(n.created_at))}`}`,
      n.status !== 'draft' ? ` · 已读 ${n.read_count} 人` : '', n.receipt && n.status !== 'draft' ? ` · 回执 ${n.confirmed_count} 人` : '',
      n.file_count ? ` · 附件 ${n.file_count} 个` : '')))));
    const pages = Math.max(1, Math.ceil((r.total || 0) / PER_PAGE));
    replace(pager, h('span', { testid: 'notices-total' }, `共 ${r.total} 条`),
      f.page > 1 ? h('button', { class: 'btn btn-sm', type: 'button', onclick: () => go({ page: f.page - 1 }) }, '上一页') : null,
      pages > 1 ? h('span', null, ` 第 ${f.page} / ${pages} 页 `) : null,
      f.page < pages ? h('button', { class: 'btn btn-sm', type: 'button', onclick: () => go({ page: f.page + 1 }) }, '下一页') : null);
  } catch (e) {
    replace(box, errorBox(e));
  }
}

// ---- the form ------------------------------------------------------------------------------

async function renderForm(view) {
  const org = await orgReady();
  const title = h('input', { id: 'nt-title', name: 'title', maxlength: 200, required: true, testid: 'notice-title' });
  const body = h('textarea', { id: 'nt-body', name: 'body', rows: 8, maxlength: 20000, required: true, testid: 'notice-body' });
  const expires = h('input', { id: 'nt-expires', name: 'expires_on', type: 'date', min: todayStr(), testid: 'notice-expires' });
  const receipt = h('input', { id: 'nt-receipt', name: 'receipt', type: 'checkbox', testid: 'notice-receipt' });
  const pinned = h('input', { id: 'nt-pinned', name: 'pinned', type: 'checkbox', testid: 'notice-pinned' });
  const files = h('input', { id: 'nt-files', name: 'file', type: 'file', multiple: true, accept: '.pdf,.jpg,.jpeg,.png,.mp4', testid: 'notice-files-input' });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite', testid: 'notice-form-msg' });
  const publishBtn = h('button', { class: 'btn btn-primary', type: 'submit', testid: 'notice-publish' }, '发布');
  const draftBtn = h('button', { class: 'btn', type: 'button', testid: 'notice-save-draft', onclick: () => submit(false) }, '存为草稿');
  const form = h('form', { class: 'card notice-form', novalidate: true, testid: 'notice-form', onsubmit: (e) => { e.preventDefault(); submit(true); } },
    h('p', { class: 'notice-sender', testid: 'notice-sender' }, '发文党组织：', h('strong', null, org ? org.name : '（请在左侧选择）'),
      h('span', { class: 'muted small' }, '　通知发给该组织及其下属全部党组织的党员')),
    h('div', { class: 'form-grid' },
      fieldBox('title', '标题', title, { required: true, wide: true }),
      fieldBox('body', '正文', body, { required: true, wide: true }),
      fieldBox('expires_on', '截止日期', expires, { hint: '过了这一天党员不再看到；可不填' }),
      fieldBox('file', '附件', files, { hint: 'PDF、JPEG、PNG 或 MP4' }),
      fieldBox('receipt', '需要党员回执（确认已阅）', receipt, { bool: true }),
      fieldBox('pinned', '置顶', pinned, { bool: true })),
    msg,
    h('div', { class: 'form-actions' }, publishBtn, draftBtn, h('a', { class: 'btn', href: BASE }, '返回')));
  view.append(h('div', { class: 'page-head' }, h('h2', null, '发布通知')), form);

  async function submit(publish) {
    clearFieldErrors(form);
    msg.replaceChildren();
    const chosen = [...(files.files || [])];
    const data = { title: title.value.trim(), body: body.value, receipt: receipt.checked, pinned: pinned.checked, publish: publish && !chosen.length };
    if (org && org.id) data.org_id = Number(org.id);
    if (expires.value) data.expires_on = expires.value;
    publishBtn.disabled = draftBtn.disabled = true;
    let n = null;
    try {
      n = await api.post('/api/v1/notices', data);
      for (const f of chosen) await api.upload(`/api/v1/notices/${n.id}/files${qs({ filename: f.name })}`, f);
      if (publish && chosen.length) await api.post(`/api/v1/notices/${n.id}/publish`, { version: n.version });
      toast(publish ? '通知已发布' : '草稿已保存');
      navigate(`${BASE}/${n.id}`);
    } catch (e) {
      if (n) { toast(`通知已保存为草稿，但${e.message}`, 'error'); navigate(`${BASE}/${n.id}`); return; }
      if (!(e instanceof ApiError && e.field && showFieldError(form, e.field, e.message, LABELS[e.field] || e.field))) msg.append(errorBox(e));
    } finally {
      publishBtn.disabled = draftBtn.disabled = false;
    }
  }
}

// ---- one notice: the sender's view -----------------------------------------------------------

async function renderDetail(view, id, query) {
  view.append(loading());
  let n;
  try {
    n = await api.get(`/api/v1/notices/${id}`);
  } catch (e) {
    replace(view, errorBox(e), h('p', null, h('a', { href: BASE }, '返回通知列表')));
    return;
  }
  view.replaceChildren();
  const msg = h('div', { 'aria-live': 'polite', testid: 'notice-msg' });
  const act = async (fn, done) => {
    msg.replaceChildren();
    try { await fn(); toast(done); rerender(); } catch (e) { msg.append(errorBox(e)); }
  };
  const c = n.counts || {};
  const actions = [];
  if (n.status === 'draft') actions.push(h('button', { class: 'btn btn-primary', type: 'button', testid: 'notice-do-publish',
    onclick: () => act(() => api.post(`/api/v1/notices/${id}/publish`, { version: n.version }), '通知已发布') }, '发布'));
  if (n.status === 'published') {
    actions.push(n.reminded_at
      ? h('span', { class: 'muted small', testid: 'notice-reminded' }, `已于 ${fmtDate(fmtTime(n.reminded_at))} 提醒（每条通知只提醒一次）`)
      : h('button', { class: 'btn', type: 'button', testid: 'notice-remind',
        onclick: () => { if (window.confirm('提醒只能发一次，确定现在提醒尚未阅读或回执的党员吗？')) act(() => api.post(`/api/v1/notices/${id}/remind`), '已提醒'); } }, '提醒未读党员'));
    actions.push(h('button', { class: 'btn', type: 'button', testid: 'notice-withdraw', onclick: () => {
      const reason = window.prompt('撤回原因（可不填）', '');
      if (reason === null) return;
      act(() => api.post(`/api/v1/notices/${id}/withdraw`, reason.trim() ? { version: n.version, reason: reason.trim() } : { version: n.version }), '通知已撤回');
    } }, '撤回'));
  }
  if (n.status !== 'withdrawn') actions.push(h('button', { class: 'btn', type: 'button', testid: 'notice-pin',
    onclick: () => act(() => api.patch(`/api/v1/notices/${id}`, { version: n.version, pinned: !n.pinned }), n.pinned ? '已取消置顶' : '已置顶') }, n.pinned ? '取消置顶' : '置顶'));

  view.append(
    h('div', { class: 'page-head' }, h('h2', { testid: 'notice-head' }, n.title),
      h('div', { class: 'actions' }, h('a', { class: 'btn', href: BASE }, '返回列表'))),
    h('section', { class: 'card notice-detail' },
      h('div', { class: 'notice-card-top' }, statusBadge(n), n.pinned ? h('span', { class: 'badge notice-pin' }, '置顶') : null,
        n.receipt ? h('span', { class: 'badge' }, '需回执') : null, n.expired ? h('span', { class: 'badge badge-warn' }, '已过期') : null),
      h('p', { class: 'muted small' }, `发文党组织：${n.org_name}`, n.published_at ? ` · 发布于 ${fmtTime(n.published_at)}` : '',
        n.expires_on ? ` · 截止 ${n.expires_on}` : '', n.withdrawn_at ? ` · 撤回于 ${fmtTime(n.withdrawn_at)}${n.withdraw_reason ? `（${n.withdraw_reason}）` : ''}` : ''),
      h('div', { class: 'notice-text', testid: 'notice-text' }, n.body),
      fileLinks(n),
      n.status === 'draft' ? uploadBox(n) : null,
      h('div', { class: 'form-actions' }, actions),
      msg));
  if (n.status === 'draft') return;
  view.append(h('section', { class: 'card', testid: 'notice-counts' },
    h('h3', null, '阅读与回执'),
    h('p', { class: 'notice-tally' },
      h('span', null, '应读 ', h('strong', { testid: 'notice-recipients' }, String(c.recipients)), ' 人'),
      h('span', null, ' · 已读 ', h('strong', { testid: 'notice-read-count' }, String(c.read)), ' 人'),
      n.receipt ? h('span', null, ' · 已回执 ', h('strong', { testid: 'notice-confirmed-count' }, String(c.confirmed)), ' 人') : null),
    receiptsTable(n), peopleList(n, query)));
}

function uploadBox(n) {
  const input = h('input', { type: 'file', multiple: true, accept: '.pdf,.jpg,.jpeg,.png,.mp4', 'aria-label': '添加附件', testid: 'notice-add-file' });
  const box = h('div', { class: 'notice-upload' }, input);
  input.addEventListener('change', async () => {
    try {
      for (const f of [...input.files]) await api.upload(`/api/v1/notices/${n.id}/files${qs({ filename: f.name })}`, f);
      toast('附件已上传');
      rerender();
    } catch (e) { box.append(errorBox(e)); }
  });
  return box;
}

function receiptsTable(n) {
  const box = h('div', { class: 'table-wrap' }, loading());
  api.get(`/api/v1/notices/${n.id}/receipts`).then((r) => {
    const rows = r.branches || [];
    if (!rows.length) { replace(box, h('p', { class: 'empty' }, '该组织下暂无在册党员。')); return; }
    replace(box, h('table', { class: 'grid notice-receipts', testid: 'notice-receipts' },
      h('thead', null, h('tr', null, ['党组织', '应读', '已读', n.receipt ? '已回执' : null].filter(Boolean).map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, rows.map((b) => h('tr', { testid: 'notice-branch', dataset: { org: b.org_id } },
        h('td', null, b.name), h('td', null, String(b.recipients)),
        h('td', { class: b.read < b.recipients ? 'notice-short' : '' }, String(b.read)),
        n.receipt ? h('td', { class: b.confirmed < b.recipients ? 'notice-short' : '', testid: 'notice-branch-confirmed' }, String(b.confirmed)) : null)))));
  }).catch((e) => replace(box, errorBox(e)));
  return box;
}

function peopleList(n, query) {
  const state = query.get('state') || (n.receipt ? 'unconfirmed' : 'unread');
  const page = Number(query.get('page')) || 1;
  const go = (over) => navigate(`${BASE}/${n.id}${qs({ state, page: '', ...over })}`);
  const states = [['unread', '未读'], ['read', '已读'], ...(n.receipt ? [['unconfirmed', '未回执'], ['confirmed', '已回执']] : [])];
  const box = h('div', { class: 'table-wrap' }, loading());
  const pager = h('div', { class: 'pager' });
  const el = h('div', { class: 'notice-people' },
    h('div', { class: 'work-toolbar', role: 'group', 'aria-label': '名单' }, states.map(([k, v]) => h('button', {
      class: `btn btn-sm${k === state ? ' btn-primary' : ''}`, type: 'button', 'aria-pressed': String(k === state), testid: `notice-people-${k}`, onclick: () => go({ state: k }),
    }, v)), h('a', { class: 'btn btn-sm', href: `/api/v1/notices/${n.id}/receipts/members${qs({ state, format: 'xlsx' })}`, download: '回执情况.xlsx' }, '导出')),
    box, pager);
  api.get(`/api/v1/notices/${n.id}/receipts/members${qs({ state, page, per_page: PER_PAGE })}`).then((r) => {
    const items = r.items || [];
    if (!items.length) { replace(box, h('p', { class: 'empty', testid: 'notice-people-empty' }, '没有。')); return; }
    replace(box, h('table', { class: 'grid', testid: 'notice-people' },
      h('thead', null, h('tr', null, ['姓名', '党组织', '阅读时间', n.receipt ? '回执时间' : null].filter(Boolean).map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, items.map((x) => h('tr', { testid: 'notice-person' },
        h('td', null, x.name), h('td', null, x.org_name), h('td', null, x.read_at ? fmtTime(x.read_at) : '—'),
        n.receipt ? h('td', null, x.confirmed_at ? fmtTime(x.confirmed_at) : '—') : null)))));
    const pages = Math.max(1, Math.ceil((r.total || 0) / PER_PAGE));
    replace(pager, h('span', null, `共 ${r.total} 人`),
      page > 1 ? h('button', { class: 'btn btn-sm', type: 'button', onclick: () => go({ page: page - 1 }) }, '上一页') : null,
      page < pages ? h('button', { class: 'btn btn-sm', type: 'button', onclick: () => go({ page: page + 1 }) }, '下一页') : null);
  }).catch((e) => replace(box, errorBox(e)));
  return el;
}

// ---- the member's phone pages ------------------------------------------------------------------

function phonePage(view, heading, back) {
  const page = h('div', { class: 'me-page notice-me', testid: 'me-notices-page' },
    h('header', { class: 'me-top' },
      h('a', { class: 'btn btn-ghost', href: back, testid: 'me-notices-back' }, '‹ 返回'),
      h('span', { class: 'brand' }, heading),
      h('span', { class: 'notice-top-pad', 'aria-hidden': 'true' })));
  view.append(page);
  return page;
}

export async function renderMyNotices(view, path) {
  const id = Number((path || '').replace(/^\//, '')) || 0;
  if (id) return renderMyNotice(view, id);
  const page = phonePage(view, '通知公告', '#/me');
  const box = h('div', { 'aria-live': 'polite' }, loading());
  page.append(box);
  let r;
  try {
    r = await api.get('/api/v1/me/notices?per_page=100');
  } catch (e) {
    replace(box, notice(e.status === 404 ? '您的账号没有关联在册党员信息，请联系支部书记。' : e.message, 'error', 'me-notices-error'));
    return;
  }
  const items = r.items || [];
  replace(box,
    h('p', { class: 'notice-me-sum', testid: 'me-notices-unread' }, r.unread ? `${r.unread} 条未读` : '全部已读'),
    items.length ? h('ul', { class: 'notice-me-list', testid: 'me-notices-list' }, items.map((n) => h('li', null,
      h('a', {
        class: `notice-me-item${n.read ? '' : ' is-unread'}`, href: `#/me/notices/${n.id}`, testid: 'me-notice',
        dataset: { id: n.id, read: String(n.read) },
      },
      h('span', { class: 'notice-dot', 'aria-hidden': 'true' }),
      h('span', { class: 'notice-me-main' },
        h('span', { class: 'notice-me-title' }, n.read ? '' : h('span', { class: 'sr-only' }, '未读：'), n.title),
        h('span', { class: 'notice-me-meta' },
          n.pinned ? h('span', { class: 'badge notice-pin' }, '置顶') : null,
          n.reminded ? h('span', { class: 'badge badge-warn', testid: 'me-notice-reminded' }, '提醒') : null,
          n.receipt ? h('span', { class: `badge ${n.confirmed ? 'state-active' : 'status-pending'}`, testid: 'me-notice-receipt' }, n.confirmed ? '已回执' : '待回执') : null,
          `${n.org_name} · ${fmtDate(fmtTime(n.published_at))}`))))))
      : h('p', { class: 'me-card muted', testid: 'me-notices-empty' }, '暂时没有通知。'));
}

async function renderMyNotice(view, id) {
  const page = phonePage(view, '通知', '#/me/notices');
  const box = h('div', { 'aria-live': 'polite' }, loading());
  page.append(box);
  let n;
  try {
    n = await api.get(`/api/v1/me/notices/${id}`);
  } catch (e) {
    replace(box, notice(e.status === 404 ? '没有这条通知，或它不是发给您的。' : e.message, 'error', 'me-notice-error'));
    return;
  }
  const receiptBox = h('div', { class: 'notice-receipt-box', testid: 'me-notice-receipt-box' });
  const showReceipt = () => {
    if (!n.receipt) return receiptBox.replaceChildren();
    if (n.confirmed) {
      return replace(receiptBox, h('p', { class: 'notice-confirmed', testid: 'me-notice-confirmed' }, `已回执 · ${fmtTime(n.confirmed_at)}`));
    }
    const btn = h('button', { class: 'btn btn-primary btn-block', type: 'button', testid: 'me-notice-confirm' }, '确认已阅（回执）');
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        n = await api.post(`/api/v1/me/notices/${id}/confirm`);
        toast('已回执');
        showReceipt();
      } catch (e) {
        btn.disabled = false;
        receiptBox.append(notice(e.message));
      }
    });
    return replace(receiptBox, h('p', { class: 'muted small' }, '发文单位请您确认已阅读本通知。'), btn);
  };
  showReceipt();
  replace(box, h('article', { class: 'me-card notice-me-article', testid: 'me-notice-article' },
    h('h1', { class: 'notice-me-h', testid: 'me-notice-title' }, n.title),
    h('p', { class: 'muted small' }, `${n.org_name} · ${fmtTime(n.published_at)}`, n.expires_on ? ` · 截止 ${n.expires_on}` : ''),
    h('div', { class: 'notice-text', testid: 'me-notice-body' }, n.body),
    fileLinks(n),
    receiptBox));
}
