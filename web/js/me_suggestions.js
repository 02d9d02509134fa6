// 合理化建议 on the member's phone: mySuggestionsCard (on #/me: how many I sent, how many are answered, a link) and
// #/me/suggestions (renderMySuggestions: the form — to my own branch — and my suggestions with their status and the
// reply). A member sees only their own (GET /api/v1/me/suggestions).
import { api, ApiError } from './api.js';
import { h, replace, notice, loading, toast, fmtDate, fmtTime } from './dom.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';

const STATUS_CLASS = { open: 'status-pending', converted: 'sg-converted', closed: 'status-confirmed' };

function badge(s) {
  return h('span', { class: `badge ${STATUS_CLASS[s.status] || ''}`, testid: 'me-sg-status', dataset: { status: s.status } }, s.status_name || s.status);
}

export function mySuggestionsCard() {
  const body = h('div', { 'aria-live': 'polite' }, loading());
  const card = h('section', { class: 'me-card me-sg-card', testid: 'me-suggestions' }, h('h2', null, '合理化建议'), body);
  api.get('/api/v1/me/suggestions?per_page=100').then((r) => {
    const items = r.items || [];
    const answered = items.filter((s) => s.status !== 'open').length;
    replace(body,
      h('p', { class: 'muted', testid: 'me-sg-count' }, items.length ? `已提交 ${r.total} 条，已答复 ${answered} 条` : '对支部工作有想法？欢迎提出建议。'),
      items.length ? h('p', { class: 'me-sg-latest' }, badge(items[0]), ' ', items[0].title) : null,
      h('a', { class: 'btn btn-primary btn-block', href: '#/me/suggestions', testid: 'me-sg-open' }, items.length ? '提建议 / 查看答复' : '提建议'));
  }).catch((e) => {
    if (e.status === 404) { card.remove(); return; }
    replace(body, notice(e.message, 'error', 'me-sg-error'));
  });
  return card;
}

function item(s) {
  return h('li', { class: 'me-sg-item', testid: 'me-sg-item', dataset: { id: s.id, status: s.status } },
    h('div', { class: 'me-sg-top' }, badge(s), h('span', { class: 'muted small' }, fmtDate(fmtTime(s.created_at)))),
    h('div', { class: 'me-sg-title', testid: 'me-sg-title' }, s.title),
    h('div', { class: 'me-sg-body' }, s.body),
    s.status === 'closed' ? h('div', { class: 'me-sg-reply', testid: 'me-sg-reply' }, h('strong', null, '支部答复：'), s.reply,
      h('div', { class: 'muted small' }, fmtTime(s.replied_at))) : null,
    s.status === 'converted' ? h('div', { class: 'me-sg-reply', testid: 'me-sg-converted' },
      '已转为民情诉求，由支部跟踪办理。', s.request_reply ? h('div', null, h('strong', null, '办理答复：'), s.request_reply) : null) : null);
}

export async function renderMySuggestions(view) {
  const page = h('div', { class: 'me-page me-sg-page', testid: 'me-suggestions-page' },
    h('header', { class: 'me-top' },
      h('a', { class: 'btn btn-ghost', href: '#/me', testid: 'me-sg-back' }, '‹ 返回'),
      h('span', { class: 'brand' }, '合理化建议'),
      h('span', { class: 'me-top-pad', 'aria-hidden': 'true' })));
  view.append(page);
  const title = h('input', { id: 'msg-title', name: 'title', maxlength: 100, required: true, testid: 'me-sg-title-input' });
  const body = h('textarea', { id: 'msg-body', name: 'body', rows: 5, maxlength: 1500, required: true, testid: 'me-sg-body-input' });
  const msg = h('div', { 'aria-live': 'polite', testid: 'me-sg-msg' });
  const btn = h('button', { class: 'btn btn-primary btn-block', type: 'submit', testid: 'me-sg-submit' }, '提交建议');
  const form = h('form', { class: 'me-card me-sg-form', novalidate: true, testid: 'me-sg-form' },
    h('h2', null, '提建议'),
    h('p', { class: 'muted small' }, '建议提交给您所在的党支部，支部书记会答复或转为民情诉求办理。'),
    fieldBox('title', '标题', title, { required: true, wide: true }),
    fieldBox('body', '建议内容', body, { required: true, wide: true }),
    msg, btn);
  const list = h('section', { class: 'me-card', testid: 'me-sg-list-card' }, h('h2', null, '我的建议'));
  const box = h('div', { 'aria-live': 'polite' }, loading());
  list.append(box);
  page.append(form, list);

  const load = async () => {
    try {
      const r = await api.get('/api/v1/me/suggestions?per_page=100');
      const items = r.items || [];
      replace(box, items.length ? h('ul', { class: 'me-sg-list', testid: 'me-sg-list' }, items.map(item))
        : h('p', { class: 'muted', testid: 'me-sg-empty' }, '还没有提交过建议。'));
    } catch (e) {
      if (e.status === 404) { form.remove(); replace(box, notice('您的账号没有关联在册党员信息，请联系支部书记。', 'error', 'me-sg-error')); return; }
      replace(box, notice(e.message, 'error', 'me-sg-error'));
    }
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    btn.disabled = true;
    try {
      await api.post('/api/v1/me/suggestions', { title: title.value.trim(), body: body.value.trim() });
      form.reset();
      toast('建议已提交');
      await load();
    } catch (err) {
      if (!(err instanceof ApiError && err.field && showFieldError(form, err.field, err.message))) msg.append(notice(err.message, 'error'));
    } finally {
      btn.disabled = false;
    }
  });
  await load();
}
