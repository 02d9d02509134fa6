// 合理化建议, the managers' pages: #/suggestions (the selected organization's subtree, filters status / source /
// year / q), #/suggestions/{id} (the suggestion, convert into a 民情诉求 or close it with a reply, reveal a public
// sender's phone — audited), #/suggestions/stats (the year's counts by source, status and branch). Also the small
// "提建议" form of the public board page (boardSuggestionForm, placed by board.js).
import { api, qs, ApiError } from './api.js';
import { h, replace, notice, loading, toast, fmtDate, fmtTime } from './dom.js';
import { orgReady } from './layout.js';
import { navigate, rerender } from './router.js';
import { ruleError } from './recruits.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';
import { CATEGORIES } from './work_requests.js';

const BASE = '#/suggestions';
const PER_PAGE = 50;
export const SG_STATUS = { open: '待处理', converted: '已转民情诉求', closed: '已答复办结' };
const SG_STATUS_CLASS = { open: 'status-pending', converted: 'sg-converted', closed: 'status-confirmed' };
const SOURCE = { member: '党员提交', board: '公开栏群众' };
const thisYear = () => new Date(Date.now() + 8 * 3600e3).getUTCFullYear();

function errorBox(e) {
  return e && e.rule ? ruleError(e) : notice(e ? e.message : '出错了', 'error', 'sg-error');
}

export function statusBadge(s) {
  return h('span', { class: `badge ${SG_STATUS_CLASS[s.status] || ''}`, testid: 'sg-status', dataset: { status: s.status } },
    s.status_name || SG_STATUS[s.status] || s.status);
}

function tabs(active) {
  const tab = (key, text, href) => h('a', {
    href, class: `tab${key === active ? ' active' : ''}`, role: 'tab', 'aria-selected': String(key === active), testid: `sg-tab-${key}`,
  }, text);
  return h('div', { class: 'tabs sg-tabs', role: 'tablist' }, tab('list', '建议列表', BASE), tab('stats', '年度统计', `${BASE}/stats`));
}

export async function renderSuggestions(view, path, query) {
  const sub = (path || '').replace(/^\//, '');
  if (sub === 'stats') return renderStats(view, query);
  if (/^\d+$/.test(sub)) return renderDetail(view, Number(sub));
  return renderList(view, query);
}

function yearOptions(selected, allLabel) {
  const y = thisYear();
  const years = [y, y - 1, y - 2, y - 3, y - 4];
  return [allLabel ? h('option', { value: '' }, allLabel) : null,
    ...years.map((v) => h('option', { value: String(v), selected: String(v) === String(selected) }, `${v}年`))];
}

// ---- the list ------------------------------------------------------------------------------

async function renderList(view, query) {
  const org = await orgReady();
  const f = {
    status: query.get('status') || '', source: query.get('source') || '', year: query.get('year') || '',
    q: query.get('q') || '', page: Number(query.get('page')) || 1,
  };
  const params = { org: org ? org.id : '', status: f.status, source: f.source, year: f.year, q: f.q };
  const go = (over) => navigate(`${BASE}${qs({ ...f, page: '', ...over })}`);
  const search = h('input', { type: 'search', class: 'search-input', name: 'q', value: f.q, placeholder: '标题或内容', 'aria-label': '搜索建议', testid: 'sg-q' });
  const sel = (name, label, map, testid) => h('select', { 'aria-label': label, testid, value: f[name], onchange: (e) => go({ [name]: e.target.value }) },
    h('option', { value: '' }, `全部${label}`), Object.entries(map).map(([k, v]) => h('option', { value: k, selected: k === f[name] }, v)));
  view.append(
    h('div', { class: 'page-head' }, h('h2', null, '合理化建议', h('small', null, org ? ` · ${org.name}` : '')), tabs('list')),
    h('div', { class: 'toolbar' },
      h('form', { class: 'search-form', role: 'search', onsubmit: (e) => { e.preventDefault(); go({ q: search.value }); } },
        search, h('button', { class: 'btn', type: 'submit' }, '搜索')),
      h('div', { class: 'filters' },
        sel('status', '状态', SG_STATUS, 'sg-filter-status'), sel('source', '来源', SOURCE, 'sg-filter-source'),
        h('select', { 'aria-label': '年度', testid: 'sg-filter-year', onchange: (e) => go({ year: e.target.value }) }, yearOptions(f.year, '全部年度')),
        h('a', { class: 'btn', href: `/api/v1/suggestions${qs({ ...params, format: 'xlsx' })}`, download: '合理化建议.xlsx' }, '导出 Excel'))));
  const box = h('div', { class: 'sg-list', 'aria-live': 'polite' }, loading());
  const pager = h('div', { class: 'pager' });
  view.append(box, pager);
  try {
    const r = await api.get(`/api/v1/suggestions${qs({ ...params, page: f.page, per_page: PER_PAGE })}`);
    const items = r.items || [];
    if (!items.length) { replace(box, h('p', { class: 'empty', testid: 'sg-empty' }, '没有符合条件的建议。')); return; }
    replace(box, h('ul', { class: 'sg-cards', testid: 'sg-list' }, items.map((s) => h('li', { class: 'sg-card', testid: 'sg-row', dataset: { id: s.id, status: s.status } },
      h('div', { class: 'sg-card-top' }, statusBadge(s), h('span', { class: `badge sg-src-${s.source}` }, s.source_name || SOURCE[s.source])),
      h('a', { class: 'sg-card-title', href: `${BASE}/${s.id}`, testid: 'sg-link' }, s.title),
      h('div', { class: 'muted small' }, `${s.org_name} · ${s.submitter}${s.contact ? `（${s.contact}）` : ''} · ${fmtDate(fmtTime(s.created_at))}`)))));
    const pages = Math.max(1, Math.ceil((r.total || 0) / PER_PAGE));
    replace(pager, h('span', { testid: 'sg-total' }, `共 ${r.total} 条`),
      f.page > 1 ? h('button', { class: 'btn btn-sm', type: 'button', onclick: () => go({ page: f.page - 1 }) }, '上一页') : null,
      pages > 1 ? h('span', null, ` 第 ${f.page} / ${pages} 页 `) : null,
      f.page < pages ? h('button', { class: 'btn btn-sm', type: 'button', onclick: () => go({ page: f.page + 1 }) }, '下一页') : null);
  } catch (e) {
    replace(box, errorBox(e));
  }
}

// ---- one suggestion ------------------------------------------------------------------------

function contactLine(s) {
  if (!s.has_contact) return null;
  const shown = h('span', { class: 'mono', testid: 'sg-contact' }, s.contact);
  const btn = h('button', { class: 'btn btn-sm', type: 'button', testid: 'sg-reveal' }, '查看完整号码');
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    try {
      const r = await api.post(`/api/v1/suggestions/${s.id}/reveal`);
      shown.textContent = r.contact;
      btn.remove();
    } catch (e) { btn.disabled = false; toast(e.message, 'error'); }
  });
  return h('p', null, '联系电话：', shown, ' ', btn, h('span', { class: 'muted small' }, '　查看会记入审计日志'));
}

function answerForms(s) {
  const msg = h('div', { 'aria-live': 'polite', testid: 'sg-msg' });
  const category = h('select', { id: 'sg-category', name: 'category', testid: 'sg-category' },
    h('option', { value: '' }, '请选择诉求类别'), CATEGORIES.map(([k, v]) => h('option', { value: k }, v)));
  const convertBtn = h('button', { class: 'btn btn-primary', type: 'submit', testid: 'sg-convert' }, '转为民情诉求');
  const convert = h('form', { class: 'sg-answer', novalidate: true, testid: 'sg-convert-form' },
    h('h3', null, '转为民情诉求办理'),
    h('p', { class: 'muted small' }, '生成一条来源为“合理化建议”的民情诉求，按受理→交办→办理→答复→评价跟踪。'),
    fieldBox('category', '诉求类别', category, { required: true }), h('div', { class: 'form-actions' }, convertBtn));
  const reply = h('textarea', { id: 'sg-reply', name: 'reply', rows: 4, maxlength: 1000, testid: 'sg-reply' });
  const closeBtn = h('button', { class: 'btn', type: 'submit', testid: 'sg-close' }, '答复并办结');
  const close = h('form', { class: 'sg-answer', novalidate: true, testid: 'sg-close-form' },
    h('h3', null, '直接答复办结'),
    fieldBox('reply', '答复内容', reply, { required: true, wide: true, hint: '提交人可在手机上看到答复' }), h('div', { class: 'form-actions' }, closeBtn));
  const send = async (form, url, body, done) => {
    clearFieldErrors(convert);
    clearFieldErrors(close);
    msg.replaceChildren();
    convertBtn.disabled = closeBtn.disabled = true;
    try {
      await api.post(url, body);
      toast(done);
      rerender();
    } catch (e) {
      if (!(e instanceof ApiError && e.field && showFieldError(form, e.field, e.message))) msg.append(errorBox(e));
    } finally {
      convertBtn.disabled = closeBtn.disabled = false;
    }
  };
  convert.addEventListener('submit', (e) => {
    e.preventDefault();
    send(convert, `/api/v1/suggestions/${s.id}/convert`, { version: s.version, category: category.value }, '已转为民情诉求');
  });
  close.addEventListener('submit', (e) => {
    e.preventDefault();
    send(close, `/api/v1/suggestions/${s.id}/close`, { version: s.version, reply: reply.value }, '已答复办结');
  });
  return h('section', { class: 'card sg-answers' }, h('div', { class: 'sg-answer-grid' }, convert, close), msg);
}

async function renderDetail(view, id) {
  view.append(loading());
  let s;
  try {
    s = await api.get(`/api/v1/suggestions/${id}`);
  } catch (e) {
    replace(view, errorBox(e), h('p', null, h('a', { href: BASE }, '返回建议列表')));
    return;
  }
  replace(view,
    h('div', { class: 'page-head' }, h('h2', { testid: 'sg-head' }, s.title), h('div', { class: 'actions' }, h('a', { class: 'btn', href: BASE }, '返回列表'))),
    h('section', { class: 'card sg-detail' },
      h('div', { class: 'sg-card-top' }, statusBadge(s), h('span', { class: `badge sg-src-${s.source}` }, s.source_name)),
      h('p', { class: 'muted small' }, `${s.org_name} · 提交人：${s.submitter} · ${fmtTime(s.created_at)}`),
      contactLine(s),
      h('div', { class: 'sg-text', testid: 'sg-body' }, s.body),
      s.status === 'converted' ? h('p', { testid: 'sg-request' }, '已转为民情诉求：',
        h('a', { href: `#/work/requests/${s.request_id}`, testid: 'sg-request-link' }, `诉求 ${s.request_id}`),
        s.request_reply ? h('span', null, `　答复：${s.request_reply}`) : null) : null,
      s.status === 'closed' ? h('div', { class: 'sg-reply-box', testid: 'sg-reply-text' },
        h('strong', null, '答复：'), s.reply, h('div', { class: 'muted small' }, fmtTime(s.replied_at))) : null),
    s.status === 'open' ? answerForms(s) : null);
}

// ---- the yearly statistics ------------------------------------------------------------------

async function renderStats(view, query) {
  const org = await orgReady();
  const year = query.get('year') || String(thisYear());
  view.append(
    h('div', { class: 'page-head' }, h('h2', null, '合理化建议 · 年度统计', h('small', null, org ? ` · ${org.name}` : '')), tabs('stats')),
    h('div', { class: 'toolbar' }, h('div', { class: 'filters' },
      h('select', { 'aria-label': '年度', testid: 'sg-stats-year', onchange: (e) => navigate(`${BASE}/stats${qs({ year: e.target.value })}`) },
        yearOptions(year, null)))));
  const box = h('div', { 'aria-live': 'polite' }, loading());
  view.append(box);
  let s;
  try {
    s = await api.get(`/api/v1/suggestions/stats${qs({ org: org ? org.id : '', year })}`);
  } catch (e) { replace(box, errorBox(e)); return; }
  const link = (n, over) => h('a', { href: `${BASE}${qs({ year: s.year, ...over })}` }, String(n));
  const tile = (label, n, testid, over) => h('div', { class: 'sg-tile', testid }, h('span', { class: 'sg-tile-num' }, link(n, over)), h('span', { class: 'sg-tile-label' }, label));
  replace(box,
    h('div', { class: 'sg-tiles', testid: 'sg-stats-totals' },
      tile('建议总数', s.total, 'sg-stats-total', {}), tile('党员提交', s.member, 'sg-stats-member', { source: 'member' }),
      tile('公开栏群众', s.board, 'sg-stats-board', { source: 'board' }), tile('待处理', s.open, 'sg-stats-open', { status: 'open' }),
      tile('已转民情诉求', s.converted, 'sg-stats-converted', { status: 'converted' }), tile('已答复办结', s.closed, 'sg-stats-closed', { status: 'closed' })),
    h('section', { class: 'card' }, h('h3', null, `${s.year} 年各党支部情况`),
      (s.branches || []).length ? h('div', { class: 'table-wrap' }, h('table', { class: 'grid sg-stats-table', testid: 'sg-stats-table' },
        h('thead', null, h('tr', null, ['党支部', '总数', '党员', '群众', '待处理', '已转诉求', '已办结'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, s.branches.map((b) => h('tr', { testid: 'sg-stats-branch', dataset: { org: b.org_id } },
          h('td', null, b.name), h('td', null, String(b.total)), h('td', null, String(b.member)), h('td', null, String(b.board)),
          h('td', { class: b.open ? 'sg-open-cell' : '' }, String(b.open)), h('td', null, String(b.converted)), h('td', null, String(b.closed)))))))
        : h('p', { class: 'empty', testid: 'sg-stats-empty' }, '本年度还没有建议。')),
    (s.years || []).length ? h('section', { class: 'card' }, h('h3', null, '历年建议数'),
      h('ul', { class: 'sg-years', testid: 'sg-years' }, s.years.map((y) => h('li', null,
        h('a', { href: `${BASE}/stats${qs({ year: y.year })}` }, `${y.year}年`), `：${y.total} 条`)))) : null);
}

// ---- the public board's form -----------------------------------------------------------------

export function boardSuggestionForm(key) {
  const title = h('input', { id: 'bs-title', name: 'title', maxlength: 100, required: true, testid: 'board-sg-title' });
  const body = h('textarea', { id: 'bs-body', name: 'body', rows: 4, maxlength: 1500, required: true, testid: 'board-sg-body' });
  const name = h('input', { id: 'bs-name', name: 'name', maxlength: 30, autocomplete: 'name', testid: 'board-sg-name' });
  const contact = h('input', { id: 'bs-contact', name: 'contact', type: 'tel', inputmode: 'tel', maxlength: 20, testid: 'board-sg-contact' });
  const msg = h('div', { 'aria-live': 'polite', testid: 'board-sg-msg' });
  const btn = h('button', { class: 'btn btn-primary', type: 'submit', testid: 'board-sg-submit' }, '提交建议');
  const form = h('form', { class: 'board-sg-form', novalidate: true, testid: 'board-sg-form' },
    fieldBox('title', '标题', title, { required: true, wide: true }),
    fieldBox('body', '建议内容', body, { required: true, wide: true }),
    fieldBox('name', '姓名（可不填）', name),
    fieldBox('contact', '联系电话（可不填，仅支部书记可见）', contact),
    msg, h('div', { class: 'form-actions' }, btn));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    const data = { title: title.value.trim(), body: body.value.trim() };
    if (name.value.trim()) data.name = name.value.trim();
    if (contact.value.trim()) data.contact = contact.value.trim();
    btn.disabled = true;
    try {
      await api.post(`/api/v1/public/board/suggestions${qs({ key })}`, data, { quiet401: true });
      form.reset();
      msg.append(notice('建议已提交，感谢您的参与！支部将认真研究。', 'ok', 'board-sg-done'));
    } catch (err) {
      if (!(err instanceof ApiError && err.field && showFieldError(form, err.field, err.message))) msg.append(notice(err.message, 'error', 'board-sg-error'));
    } finally {
      btn.disabled = false;
    }
  });
  return h('section', { class: 'board-section board-sg', testid: 'board-suggest' }, h('h2', null, '提建议'),
    h('p', { class: 'muted small' }, '欢迎对本支部工作提出意见和建议。'), form);
}
