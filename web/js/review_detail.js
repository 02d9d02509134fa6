// 述职评议 session page: status and the next step (开始评议 / 发布结果), the public draw with its
// verification, the participants (results by 分类 once published) and the raters with their ballot codes.
// Codes come back from the server exactly once, so the printable slips live outside the part that redraws.
import { api } from './api.js';
import { h, replace, notice, loading, toast, fmtDate, fmtTime } from './dom.js';
import { ruleError } from './recruits.js';
import {
  RATER_GROUPS, GROUP_NAME, statusBadge, weightsText,
} from './reviews.js';

const SEED_RE = /^[0-9a-f]{32}$/;
const GRADE_NAME = { good: '好', fairly_good: '较好', fair: '一般', poor: '差' };
const GRADE_CLASS = { 好: 'g-good', 较好: 'g-fine', 一般: 'g-fair', 差: 'g-poor' };

function gradeOf(p) {
  if (p.grade) return GRADE_NAME[p.grade] || p.grade;
  if (p.score === null || p.score === undefined) return '';
  const s = Number(p.score);
  return s >= 90 ? '好' : s >= 80 ? '较好' : s >= 60 ? '一般' : '差';
}

const fmtScore = (v) => (v === null || v === undefined || v === '' ? '—' : Number(v).toFixed(1));

export function ballotUrl(code) {
  return `${location.origin}${location.pathname}#/ballot?code=${encodeURIComponent(code)}`;
}

function isDrawn(p) { return p.how !== 'fixed' && p.draw_order !== null && p.draw_order !== undefined; }

function drawnOrder(rv) {
  return (rv.participants || []).filter(isDrawn).sort((a, b) => Number(a.draw_order) - Number(b.draw_order));
}

// Groups participants by 分类 keeping the order in which each 分类 first appears.
function byGrp(parts) {
  const m = new Map();
  for (const p of parts) {
    const k = p.grp || '未分类';
    if (!m.has(k)) m.set(k, []);
    m.get(k).push(p);
  }
  return m;
}

function errBox(e, onReload) {
  if (e.status === 409 && (!e.rule || e.rule === 'store.stale') && onReload) {
    return h('div', { class: 'notice notice-error', role: 'alert', testid: 'conflict' },
      e.message || '数据已被他人修改',
      h('button', { class: 'btn', type: 'button', testid: 'conflict-reload', onclick: onReload }, '重新加载'));
  }
  return e.rule ? ruleError(e) : notice(e.message, 'error', 'review-error');
}

export async function renderReviewDetail(view, id) {
  view.append(loading());
  let rv;
  try {
    rv = await api.get(`/api/v1/reviews/${id}`);
  } catch (e) {
    replace(view, notice(e.status === 404 ? '没有找到这次述职评议。' : e.message, 'error', 'review-load-error'),
      h('a', { class: 'btn', href: '#/reviews' }, '返回列表'));
    return;
  }
  const names = new Map(); // org id → name, for the draw pool
  const head = h('div');
  const msg = h('div', { 'aria-live': 'polite', testid: 'review-msg' });
  const slips = h('div', { class: 'rv-slips-box', testid: 'rater-slips-box' });
  const body = h('div');
  view.replaceChildren(head, msg, slips, body);

  async function load() {
    try {
      rv = await api.get(`/api/v1/reviews/${id}`);
      msg.replaceChildren();
      draw();
    } catch (e) {
      msg.replaceChildren(errBox(e));
    }
  }

  // Runs one write; on success reloads the session, on failure shows why next to the status.
  async function act(btn, fn, done) {
    msg.replaceChildren();
    if (btn) btn.disabled = true;
    try {
      const r = await fn();
      if (done) done(r);
      await load();
    } catch (e) {
      msg.replaceChildren(errBox(e, load));
      if (btn) btn.disabled = false;
    }
  }

  function draw() {
    const parts = rv.participants || [];
    const raters = rv.raters || [];
    replace(head,
      h('div', { class: 'page-head' },
        h('h2', { testid: 'review-title' }, rv.title || `述职评议 ${rv.id}`, ' ', statusBadge(rv.status)),
        h('div', { class: 'actions' },
          h('button', { class: 'btn', type: 'button', testid: 'review-refresh', onclick: load }, '刷新'),
          h('a', { class: 'btn', href: '#/reviews' }, '返回列表'))),
      h('p', { class: 'rv-meta muted', testid: 'review-meta' },
        rv.year ? `${rv.year}年度` : '', rv.held_on ? ` · 评议日期 ${fmtDate(rv.held_on)}` : '',
        ` · 权重 ${weightsText(rv.weights)}`));
    replace(body, stepCard(parts, raters), drawCard(), rv.status === 'published' ? resultsCard(parts) : participantsCard(parts),
      ratersCard(raters));
  }

  // What comes next, with the one button that does it.
  function stepCard(parts, raters) {
    const submitted = raters.filter((r) => r.submitted_at).length;
    if (rv.status === 'draft') {
      const needDraw = Number(rv.draw_count) > 0 && !rv.seed;
      const missing = [];
      if (!parts.length && !needDraw) missing.push('参评单位');
      if (needDraw) missing.push('抽签');
      if (!raters.length) missing.push('评议人');
      const btn = h('button', {
        class: 'btn btn-primary', type: 'button', testid: 'review-open',
        onclick: () => {
          if (!window.confirm('开始评议后评议人即可凭评议码打分，参评单位不能再变动。确定开始？')) return;
          act(btn, () => api.post(`/api/v1/reviews/${rv.id}/open`, { version: rv.version }), () => toast('评议已开始'));
        },
      }, '开始评议');
      return h('div', { class: 'card rv-step', testid: 'review-step' },
        h('p', null, '筹备中：', missing.length ? `还需完成：${missing.join('、')}。` : '参评单位和评议人已齐备，可以开始评议。'),
        btn);
    }
    if (rv.status === 'scoring') {
      const btn = h('button', {
        class: 'btn btn-primary', type: 'button', testid: 'review-publish',
        onclick: () => {
          const left = raters.length - submitted;
          const q = left > 0 ? `还有 ${left} 名评议人未提交，发布后不能再打分。确定发布结果？` : '发布后不能再打分。确定发布结果？';
          if (!window.confirm(q)) return;
          act(btn, () => api.post(`/api/v1/reviews/${rv.id}/publish`, { version: rv.version }), () => toast('结果已发布'));
        },
      }, '发布结果');
      return h('div', { class: 'card rv-step', testid: 'review-step' },
        h('p', null, '评议中：评议人凭评议码在手机上打分。',
          h('strong', { testid: 'review-progress' }, `已提交 ${submitted} / ${raters.length} 人`)),
        btn);
    }
    return h('div', { class: 'card rv-step', testid: 'review-step' },
      h('p', null, `结果已发布：${raters.length} 名评议人中 ${submitted} 人提交了评分。`));
  }

  function poolName(it) {
    return it.org_name || names.get(String(it.org_id)) || `单位 ${it.org_id}`;
  }

  // Pool entries may come without names; fetch the missing ones once and redraw.
  function fillNames() {
    const missing = (rv.draw_pool || []).filter((it) => !it.org_name && !names.has(String(it.org_id))).slice(0, 100);
    if (!missing.length) return;
    for (const it of missing) names.set(String(it.org_id), `单位 ${it.org_id}`);
    Promise.all(missing.map((it) => api.get(`/api/v1/orgs/${it.org_id}`).then((o) => names.set(String(it.org_id), o.name)).catch(() => {})))
      .then(draw);
  }

  function drawCard() {
    const pool = rv.draw_pool || [];
    const count = Number(rv.draw_count) || 0;
    if (!pool.length && !count) return null;
    fillNames();
    const order = drawnOrder(rv);
    const poolList = h('details', { class: 'rv-pool-list', testid: 'draw-pool' },
      h('summary', null, `候选单位 ${pool.length} 个，抽取 ${count} 个`),
      h('ol', null, [...pool].sort((a, b) => Number(a.org_id) - Number(b.org_id))
        .map((it) => h('li', null, poolName(it), it.grp ? h('span', { class: 'muted small' }, `（${it.grp}）`) : null))));
    const card = h('section', { class: 'card rv-draw', testid: 'draw-card' }, h('h3', null, '公开抽签'), poolList);
    if (!rv.seed) {
      if (rv.status !== 'draft') { card.append(h('p', { class: 'muted' }, '未抽签。')); return card; }
      const seed = h('input', {
        id: 'rv-seed', type: 'text', class: 'mono rv-seed-input', maxlength: 32, autocomplete: 'off', spellcheck: 'false',
        autocapitalize: 'off', placeholder: '留空则随机生成', testid: 'draw-seed',
      });
      const err = h('div', { class: 'field-error', 'aria-live': 'polite', testid: 'draw-seed-error' });
      const btn = h('button', {
        class: 'btn btn-primary', type: 'button', testid: 'draw-run',
        onclick: () => {
          const s = seed.value.trim().toLowerCase();
          err.textContent = '';
          if (s && !SEED_RE.test(s)) { err.textContent = '种子须为 32 位十六进制数字（0-9、a-f），或留空'; seed.setAttribute('aria-invalid', 'true'); return; }
          seed.removeAttribute('aria-invalid');
          if (!window.confirm(`从 ${pool.length} 个候选单位中抽取 ${count} 个，抽签后不能重抽。确定抽签？`)) return;
          const b = { version: rv.version };
          if (s) b.seed = s;
          act(btn, () => api.post(`/api/v1/reviews/${rv.id}/draw`, b), () => toast('抽签完成'));
        },
      }, '抽签');
      card.append(
        h('div', { class: 'field rv-seed-field' },
          h('label', { for: 'rv-seed' }, '随机种子（可选）'),
          seed,
          h('div', { class: 'hint' }, '可当场由监督人员给出 32 位十六进制数；留空由系统随机生成。种子和候选名单公开后，任何人都能复算抽签结果。'),
          err),
        btn);
      return card;
    }
    const result = h('div', { 'aria-live': 'polite', testid: 'draw-verify-box' });
    const verify = h('button', {
      class: 'btn', type: 'button', testid: 'draw-verify',
      onclick: async () => {
        verify.disabled = true;
        result.replaceChildren();
        try {
          const r = await api.get(`/api/v1/reviews/${rv.id}/draw/verify`);
          const shown = order.map((p) => String(p.org_id));
          const again = (r.drawn || []).map(String);
          const same = r.matches === true && r.seed === rv.seed && again.length === shown.length && again.every((x, i) => x === shown[i]);
          result.append(same
            ? notice('抽签结果可复核：一致', 'ok', 'draw-verify-result')
            : notice('抽签结果不一致：按种子重新计算的结果与记录不符，请联系系统管理员。', 'error', 'draw-verify-result'));
        } catch (e) {
          result.append(errBox(e));
        } finally {
          verify.disabled = false;
        }
      },
    }, '验证');
    card.append(
      h('p', { class: 'rv-seed' }, '随机种子：', h('code', { class: 'mono', testid: 'draw-seed-value' }, rv.seed)),
      h('p', { class: 'muted' }, '抽中顺序：'),
      h('ol', { class: 'rv-drawn', testid: 'draw-order' },
        order.map((p) => h('li', { testid: 'draw-item', dataset: { org: p.org_id } }, p.org_name || `单位 ${p.org_id}`,
          p.grp ? h('span', { class: 'muted small' }, `（${p.grp}）`) : null))),
      h('div', { class: 'rv-verify' }, verify,
        h('span', { class: 'muted small' }, '按记录的种子和候选名单重新计算一遍，与上面的结果比对。')),
      result);
    return card;
  }

  function participantsCard(parts) {
    const card = h('section', { class: 'card', testid: 'participants-card' }, h('h3', null, `参评单位（${parts.length}）`));
    if (!parts.length) { card.append(h('p', { class: 'muted' }, '还没有参评单位。')); return card; }
    for (const [grp, list] of byGrp(parts)) {
      card.append(h('h4', { class: 'rv-grp-head' }, `${grp}（${list.length}）`),
        h('ul', { class: 'rv-parts' }, list.map((p) => h('li', { testid: 'participant-row', dataset: { org: p.org_id, how: p.how || '' } },
          h('span', null, p.org_name || `单位 ${p.org_id}`),
          h('span', { class: `badge ${isDrawn(p) ? 'badge-warn' : ''}` }, isDrawn(p) ? `抽中 第${p.draw_order}` : '固定')))));
    }
    return card;
  }

  function resultsCard(parts) {
    const card = h('section', { class: 'card rv-results', testid: 'results-card' }, h('h3', null, '评议结果'));
    for (const [grp, list] of byGrp(parts)) {
      const rows = [...list].sort((a, b) => (Number(a.rank) || 1e9) - (Number(b.rank) || 1e9));
      card.append(h('h4', { class: 'rv-grp-head' }, `${grp}（${list.length}）`),
        h('div', { class: 'table-wrap' }, h('table', { class: 'grid rv-result-table', testid: 'result-table', dataset: { grp } },
          h('thead', null, h('tr', null,
            h('th', { scope: 'col' }, '名次'), h('th', { scope: 'col' }, '单位'), h('th', { scope: 'col', class: 'num' }, '得分'),
            h('th', { scope: 'col' }, '等次'),
            RATER_GROUPS.map((g) => h('th', { scope: 'col', class: 'num' }, `${g.name}均分`)))),
          h('tbody', null, rows.map((p) => {
            const g = gradeOf(p);
            return h('tr', { testid: 'result-row', dataset: { org: p.org_id, rank: p.rank ?? '', grade: g } },
              h('td', { class: 'rv-rank', testid: 'result-rank' }, p.rank ?? '—'),
              h('td', { class: 'rv-unit-cell' }, p.org_name || `单位 ${p.org_id}`),
              h('td', { class: 'num rv-score', testid: 'result-score' }, fmtScore(p.score)),
              h('td', null, h('span', { class: `rv-grade ${GRADE_CLASS[g] || ''}`, testid: 'result-grade' }, g || '—')),
              RATER_GROUPS.map((rg) => h('td', { class: 'num' }, fmtScore(p.by_group ? p.by_group[rg.key] : null))));
          })))));
    }
    card.append(h('p', { class: 'muted small' }, '得分 = 各类评议人平均分按权重加权（没有打分的类别不计入），保留一位小数；同一分类内按得分排名，同分看领导平均分。'
      + '等次：90 分及以上为好，80 分及以上为较好，60 分及以上为一般，60 分以下为差。'));
    return card;
  }

  function ratersCard(raters) {
    const counts = RATER_GROUPS.map((g) => `${g.name} ${raters.filter((r) => r.grp === g.key).length}`).join(' · ');
    const card = h('section', { class: 'card rv-raters', testid: 'raters-card' },
      h('h3', null, `评议人（${raters.length}）`),
      h('p', { class: 'muted' }, counts));
    if (raters.length) {
      card.append(h('div', { class: 'table-wrap' }, h('table', { class: 'grid', testid: 'rater-table' },
        h('thead', null, h('tr', null, ['姓名', '类别', '评分'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, raters.map((r) => h('tr', { testid: 'rater-row', dataset: { id: r.id, grp: r.grp, submitted: String(!!r.submitted_at) } },
          h('td', null, r.name),
          h('td', null, GROUP_NAME[r.grp] || r.grp),
          h('td', null, r.submitted_at
            ? h('span', { class: 'badge state-active' }, `已提交 ${fmtTime(r.submitted_at).slice(5, 16)}`)
            : h('span', { class: 'badge' }, '未提交'))))))));
    }
    if (rv.status === 'draft' || rv.status === 'scoring') card.append(raterEditor());
    return card;
  }

  // Names are collected first (several at once, separated by 、 or commas), then one request creates them
  // all, so one print run holds the whole batch of slips.
  function raterEditor() {
    const pending = [];
    const name = h('input', {
      id: 'rv-rater-name', type: 'text', maxlength: 200, autocomplete: 'off', testid: 'rater-name',
      placeholder: '姓名，多个用顿号或逗号分隔',
      onkeydown: (e) => { if (e.key === 'Enter' && !e.isComposing) { e.preventDefault(); add(); } },
    });
    const grp = h('select', { id: 'rv-rater-grp', testid: 'rater-grp', 'aria-label': '类别' },
      RATER_GROUPS.map((g) => h('option', { value: g.key }, g.name)));
    const err = h('div', { class: 'field-error', 'aria-live': 'polite', testid: 'rater-error' });
    const list = h('ul', { class: 'rv-pending', testid: 'rater-pending' });
    const save = h('button', { class: 'btn btn-primary', type: 'button', testid: 'rater-save', onclick: submit }, '生成评议码');

    function redraw() {
      replace(list, pending.map((p, i) => h('li', { testid: 'rater-pending-item' },
        h('span', null, p.name), h('span', { class: 'badge' }, GROUP_NAME[p.grp]),
        h('button', {
          class: 'btn btn-sm', type: 'button', 'aria-label': `移除 ${p.name}`,
          onclick: () => { pending.splice(i, 1); redraw(); },
        }, '移除'))));
      save.disabled = !pending.length;
      save.textContent = pending.length ? `生成评议码（${pending.length} 人）` : '生成评议码';
    }

    function add() {
      err.textContent = '';
      const parts = name.value.split(/[,，、;；\n]+/).map((s) => s.trim()).filter(Boolean);
      if (!parts.length) { err.textContent = '请填写评议人姓名'; name.focus(); return; }
      const bad = parts.find((s) => [...s].length > 30);
      if (bad) { err.textContent = `姓名太长：${bad.slice(0, 12)}…`; return; }
      for (const n of parts) pending.push({ name: n, grp: grp.value });
      name.value = '';
      name.focus();
      redraw();
    }

    async function submit() {
      if (!pending.length) return;
      err.textContent = '';
      save.disabled = true;
      try {
        const r = await api.post(`/api/v1/reviews/${rv.id}/raters`, { version: rv.version, raters: pending.map((p) => ({ name: p.name, grp: p.grp })) });
        showSlips((r && r.raters) || []);
        pending.length = 0;
        toast('已生成评议码，请立即打印');
        await load();
      } catch (e) {
        save.disabled = false;
        if (e.status === 409 && (!e.rule || e.rule === 'store.stale')) msg.replaceChildren(errBox(e, load));
        else err.replaceChildren(e.rule ? ruleError(e) : e.message);
      }
    }

    redraw();
    return h('div', { class: 'rv-rater-editor', testid: 'rater-editor' },
      h('h4', null, '添加评议人'),
      h('div', { class: 'rv-rater-add' },
        h('label', { class: 'rv-rater-name', for: 'rv-rater-name' }, h('span', null, '姓名'), name),
        h('label', { class: 'rv-rater-grp', for: 'rv-rater-grp' }, h('span', null, '类别'), grp),
        h('button', { class: 'btn', type: 'button', testid: 'rater-add', onclick: add }, '加入名单')),
      err, list,
      h('div', { class: 'form-actions' }, save),
      h('p', { class: 'muted small' }, '每名评议人一个评议码，只在生成时显示一次。'));
  }

  // The slips: shown once, printable (reviews.css hides everything else while printing them).
  function showSlips(list) {
    if (!list.length) return;
    const printBtn = h('button', {
      class: 'btn btn-primary', type: 'button', testid: 'slips-print',
      onclick: () => {
        document.body.classList.add('print-slips');
        const off = () => { document.body.classList.remove('print-slips'); window.removeEventListener('afterprint', off); };
        window.addEventListener('afterprint', off);
        window.print();
        setTimeout(off, 1000);
      },
    }, '打印评议码');
    const closeBtn = h('button', {
      class: 'btn', type: 'button', testid: 'slips-close',
      onclick: () => { if (window.confirm('关闭后评议码不能再次查看。确定已打印或抄录？')) slips.replaceChildren(); },
    }, '已打印，关闭');
    slips.replaceChildren(h('section', { class: 'card rv-slips', testid: 'rater-codes' },
      h('div', { class: 'notice notice-warn rv-slips-warn', role: 'alert', testid: 'slips-warning' },
        h('strong', null, '评议码只显示这一次。'), '离开或刷新本页后无法再次查看，请立即打印或抄录，逐人发放。'),
      h('div', { class: 'rv-slips-actions no-print' }, printBtn, closeBtn),
      h('div', { class: 'rv-slip-grid' }, list.map((r) => h('div', { class: 'rv-slip', testid: 'rater-slip', dataset: { code: r.code, name: r.name } },
        h('div', { class: 'rv-slip-title' }, rv.title || '述职评议', rv.held_on ? ` · ${fmtDate(rv.held_on)}` : ''),
        h('div', { class: 'rv-slip-who' }, h('strong', null, r.name), ` · ${GROUP_NAME[r.grp] || r.grp}`),
        // grouped by four for reading aloud; the server ignores the spaces
        h('div', { class: 'rv-slip-code mono', testid: 'slip-code' }, String(r.code).replace(/(.{4})(?=.)/g, '$1 ')),
        h('div', { class: 'rv-slip-url mono', testid: 'slip-url' }, ballotUrl(r.code)),
        h('div', { class: 'rv-slip-hint' }, '用手机浏览器打开上面的网址，或在评分页输入评议码。请勿转借。'))))));
    slips.scrollIntoView({ block: 'start' });
  }

  draw();
}

