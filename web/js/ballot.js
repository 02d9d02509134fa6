// 述职评议评分 (#/ballot?code=…): the rater's phone page, reachable without logging in. The ballot code
// (from the slip's URL, or typed in) is the only credential; the page shows the session, the rater's name and
// one big score box per participant grouped by 分类. Scores may be resubmitted while the session is scoring.
import { api, qs } from './api.js';
import { h, replace, notice, loading, fmtDate, fmtTime } from './dom.js';
import { navigate } from './router.js';

const GROUP_NAME = { leader: '领导', member: '党员代表', mass: '群众代表' };
const SCORE_RE = /^\d{1,3}$/;

function gradeHint(v) {
  if (!SCORE_RE.test(v)) return '';
  const s = Number(v);
  if (s > 100) return '';
  return s >= 90 ? '好' : s >= 80 ? '较好' : s >= 60 ? '一般' : '差';
}

function shell(...kids) {
  return h('div', { class: 'ballot-page', testid: 'ballot-page' },
    h('header', { class: 'me-top ballot-top' },
      h('span', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '党'), '述职评议 · 评分')),
    ...kids);
}

function codeForm(initial, message) {
  const input = h('input', {
    id: 'ballot-code', name: 'code', type: 'text', value: initial || '', autocomplete: 'off', autocapitalize: 'characters',
    spellcheck: 'false', class: 'mono ballot-code-input', testid: 'ballot-code', 'aria-label': '评议码', enterkeyhint: 'go', maxlength: 64,
  });
  const err = h('div', { class: 'field-error', 'aria-live': 'polite', testid: 'ballot-code-error' });
  const form = h('form', {
    class: 'me-card ballot-code-card', testid: 'ballot-code-form', novalidate: true,
    onsubmit: (e) => {
      e.preventDefault();
      const code = input.value.replace(/\s+/g, '');
      if (!code) { err.textContent = '请输入评议码'; input.focus(); return; }
      navigate(`#/ballot${qs({ code })}`);
    },
  },
  h('h1', null, '输入评议码'),
  h('p', { class: 'muted' }, '评议码印在发给您的评议码条上。也可以直接用手机打开条上的网址。'),
  message || null,
  input, err,
  h('button', { class: 'btn btn-primary btn-block', type: 'submit', testid: 'ballot-code-submit' }, '进入评分'));
  return { form, input };
}

export async function renderBallot(view, m, query) {
  document.title = '述职评议评分';
  const code = (query && query.get('code') || '').trim();
  if (!code) {
    const { form, input } = codeForm('');
    view.append(shell(form));
    setTimeout(() => input.focus(), 0);
    return;
  }
  view.append(shell(loading()));
  let b;
  try {
    b = await api.get(`/api/v1/review-ballot${qs({ code })}`, { quiet401: true });
  } catch (e) {
    // 404 covers both an unknown code and a session that is not scoring (the server tells them apart for nobody)
    const why = e.status === 404 || e.status === 401 || e.status === 403
      ? (e.status === 404 && e.message ? e.message : '评议码无效，请核对后重新输入。')
      : (e.message || '暂时无法打开评分页，请稍后再试。');
    const { form } = codeForm(code, notice(why, 'error', 'ballot-error'));
    replace(view, shell(form));
    return;
  }
  replace(view, shell(ballotForm(code, b)));
}

function ballotForm(code, b) {
  const review = b.review || {};
  const rater = b.rater || {};
  const parts = b.participants || [];
  const scores = b.scores || {};
  let submittedAt = b.submitted_at || null;
  const boxes = []; // {p, input, hint}

  const status = h('div', { 'aria-live': 'polite', testid: 'ballot-status' });
  const msg = h('div', { 'aria-live': 'assertive', testid: 'ballot-msg' });
  const progress = h('span', { class: 'ballot-progress', testid: 'ballot-progress' });
  const submit = h('button', { class: 'btn btn-primary ballot-submit', type: 'submit', testid: 'ballot-submit' }, '提交评分');

  function showStatus() {
    status.replaceChildren(submittedAt
      ? notice(`已提交（${fmtTime(submittedAt)}）。评议结束前可以修改后重新提交。`, 'ok', 'ballot-submitted')
      : notice('尚未提交。请为每个单位打分（0–100 的整数）后提交。', 'info', 'ballot-not-submitted'));
    submit.textContent = submittedAt ? '重新提交' : '提交评分';
  }

  function count() {
    const n = boxes.filter((x) => x.input.value.trim() !== '').length;
    progress.textContent = `已评 ${n} / ${boxes.length}`;
  }

  const groups = new Map();
  for (const p of parts) {
    const k = p.grp || '参评单位';
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(p);
  }
  const sections = [];
  for (const [grp, list] of groups) {
    sections.push(h('section', { class: 'me-card ballot-grp', testid: 'ballot-grp', dataset: { grp } },
      h('h2', null, `${grp}（${list.length}）`),
      h('ul', { class: 'ballot-list' }, list.map((p) => {
        const id = `ballot-s-${p.org_id}`;
        const prev = scores[p.org_id] ?? scores[String(p.org_id)];
        const hint = h('span', { class: 'ballot-grade', 'aria-hidden': 'true' });
        const input = h('input', {
          id, type: 'number', inputmode: 'numeric', min: 0, max: 100, step: 1, enterkeyhint: 'next',
          class: 'ballot-score', testid: 'ballot-score', dataset: { org: p.org_id },
          value: prev === undefined || prev === null ? '' : String(prev), 'aria-describedby': `${id}-err`,
        });
        const err = h('div', { class: 'field-error', id: `${id}-err`, 'aria-live': 'polite' });
        const sync = () => { hint.textContent = gradeHint(input.value.trim()); count(); };
        input.addEventListener('input', () => { input.removeAttribute('aria-invalid'); err.textContent = ''; sync(); });
        boxes.push({ p, input, err, hint });
        setTimeout(sync, 0);
        return h('li', { class: 'ballot-item', testid: 'ballot-item', dataset: { org: p.org_id } },
          h('label', { for: id, class: 'ballot-name' }, p.org_name || `单位 ${p.org_id}`),
          h('div', { class: 'ballot-input-wrap' }, input, hint),
          err);
      }))));
  }

  async function onSubmit(e) {
    e.preventDefault();
    msg.replaceChildren();
    const out = {};
    let first = null;
    for (const x of boxes) {
      const v = x.input.value.trim();
      let why = '';
      if (v === '') why = '请打分';
      else if (!SCORE_RE.test(v) || Number(v) > 100) why = '须为 0–100 的整数';
      if (why) {
        x.input.setAttribute('aria-invalid', 'true');
        x.err.textContent = why;
        if (!first) first = x.input;
      } else {
        out[x.p.org_id] = Number(v);
      }
    }
    if (first) {
      msg.append(notice('还有单位未打分或分数不正确，请检查标红的项目。', 'error', 'ballot-invalid'));
      first.focus();
      return;
    }
    submit.disabled = true;
    try {
      const r = await api.post('/api/v1/review-ballot', { code, scores: out }, { quiet401: true });
      submittedAt = (r && r.submitted_at) || new Date().toISOString();
      showStatus();
      msg.append(notice('已提交，谢谢！', 'ok', 'ballot-done'));
      status.scrollIntoView({ block: 'start' });
    } catch (err) {
      msg.append(notice(err.message || '提交失败，请稍后重试', 'error', 'ballot-submit-error'));
    } finally {
      submit.disabled = false;
    }
  }

  showStatus();
  count();
  return h('form', { class: 'ballot-form', testid: 'ballot-form', novalidate: true, onsubmit: onSubmit },
    h('section', { class: 'me-card ballot-head' },
      h('h1', { testid: 'ballot-title' }, review.title || '述职评议'),
      review.held_on ? h('p', { class: 'muted' }, `评议日期 ${fmtDate(review.held_on)}`) : null,
      h('p', { class: 'ballot-rater', testid: 'ballot-rater' }, '评议人：', h('strong', null, rater.name || ''),
        rater.grp ? `（${GROUP_NAME[rater.grp] || rater.grp}）` : ''),
      status),
    parts.length ? sections : h('div', { class: 'me-card' }, notice('本次评议没有参评单位。', 'info')),
    h('div', { class: 'ballot-bar' }, msg, h('div', { class: 'ballot-bar-row' }, progress, submit)),
    h('p', { class: 'muted ballot-foot' }, '90 分及以上为好，80–89 为较好，60–79 为一般，60 分以下为差。评分记名，仅用于本次述职评议。'));
}
