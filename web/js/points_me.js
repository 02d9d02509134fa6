// A member's own points on the phone: the 我的积分 card on #/me (this quarter's score, stars, award/deduct,
// the 申报 form and the member's claims) and #/me/points, the why-view of their own score.
import { api, qs } from './api.js';
import { h, replace, loading, notice, toast, fmtDate } from './dom.js';
import { navigate } from './router.js';
import { today } from './life_labels.js';
import { fieldBox, showFieldError, clearFieldErrors } from './member_form.js';
import { whyView } from './points_subject.js';
import { claimStatusBadge } from './points_claims.js';
import {
  pointsOn, thisQuarter, periodName, periodPicker, fmtPts, ptsCell, starBadge, errBox,
} from './points_common.js';

const FIELD_LABELS = { indicator: '申报事项', event_on: '发生日期', count: '次数', evidence: '情况说明' };

export function myPointsCard(me) {
  if (!pointsOn()) return document.createComment('积分考评未启用'); // me.js appends natively
  const period = thisQuarter();
  const body = h('div', { 'aria-live': 'polite' }, loading());
  const claims = h('div', { testid: 'me-claims' });
  const formBox = h('div');
  const claimBtn = h('button', {
    class: 'btn btn-block', type: 'button', testid: 'me-claim-open', 'aria-expanded': 'false',
    onclick: () => {
      const open = !formBox.firstChild;
      claimBtn.setAttribute('aria-expanded', String(open));
      if (open) replace(formBox, claimForm(me, () => { formBox.replaceChildren(); claimBtn.setAttribute('aria-expanded', 'false'); loadClaims(); }));
      else formBox.replaceChildren();
    },
  }, '申报积分');
  const card = h('section', { class: 'me-card me-points', testid: 'me-points' },
    h('h2', null, `我的积分（${periodName(period)}）`), body, claimBtn, formBox, claims);

  api.get(`/api/v1/me/points${qs({ period })}`).then((r) => {
    body.replaceChildren(
      h('div', { class: 'me-score' },
        h('span', { class: 'me-score-num', testid: 'me-points-score' }, fmtPts(r.score)),
        h('span', { class: 'me-score-unit' }, '分'),
        h('span', { testid: 'me-points-stars' }, starBadge(r.stars))),
      h('p', { class: 'me-score-parts' }, `基础分 ${fmtPts(r.base)} · 加分 `, ptsCell(r.award), ' · 扣分 ', ptsCell(r.deduct)),
      h('p', null, h('a', { href: `#/me/points${qs({ period })}`, testid: 'me-points-why' }, '查看积分构成 ›')));
  }).catch((e) => {
    if (e.rule === 'points.disabled') { card.remove(); return; }
    body.replaceChildren(notice(e.message, 'error', 'me-points-error'));
  });

  async function loadClaims() {
    try {
      const r = await api.get('/api/v1/points/claims?per_page=20');
      const items = r.items || [];
      replace(claims, items.length ? [h('h3', null, '我的申报'), h('ul', { class: 'me-claims' }, items.map((c) => h('li', {
        class: 'me-claim', testid: 'me-claim', dataset: { id: c.id, status: c.status },
      },
      h('div', { class: 'me-meeting-top' }, h('span', null, fmtDate(c.event_on)), claimStatusBadge(c)),
      h('div', null, (c.indicator && c.indicator.name) || '', ' ', ptsCell(c.points)),
      h('div', { class: 'muted' }, c.evidence || ''),
      c.reason ? h('div', { class: 'muted' }, `理由：${c.reason}`) : null)))] : []);
    } catch { claims.replaceChildren(); }
  }
  loadClaims();
  return card;
}

// 申报: manual member indicators of the set in force for the month of the event.
function claimForm(me, onSaved) {
  const form = h('form', { class: 'me-form claim-form', novalidate: true, testid: 'claim-form' });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite', testid: 'claim-msg' });
  const indSel = h('select', { id: 'cl-indicator', name: 'indicator', testid: 'claim-indicator' });
  const eventOn = h('input', { id: 'cl-event', name: 'event_on', type: 'date', max: today(), value: today(), testid: 'claim-event-on' });
  const count = h('input', { id: 'cl-count', name: 'count', type: 'number', min: 1, max: 100, value: '1', inputmode: 'numeric', testid: 'claim-count' });
  const evidence = h('textarea', { id: 'cl-evidence', name: 'evidence', rows: 3, maxlength: 500, testid: 'claim-evidence', placeholder: '时间、地点、事情经过，可供核实' });
  const save = h('button', { class: 'btn btn-primary btn-block', type: 'submit', testid: 'claim-submit' }, '提交申报');
  let month = '';
  async function fill() {
    const m = (eventOn.value || today()).slice(0, 7);
    if (m === month) return;
    month = m;
    indSel.replaceChildren(h('option', { value: '' }, '正在加载……'));
    try {
      const set = await api.get(`/api/v1/points/sets/current${qs({ org: me.org_id, period: m })}`);
      const list = (set.indicators || []).filter((i) => i.target === 'member' && i.source === 'manual');
      replace(indSel, h('option', { value: '' }, list.length ? '请选择申报事项' : '没有可申报的事项'),
        list.map((i) => h('option', { value: i.code }, `${i.name}（${i.sign === 'deduct' ? '−' : '+'}${fmtPts(i.points)}）`)));
    } catch (e) {
      indSel.replaceChildren(h('option', { value: '' }, e.status === 404 ? '尚未制定积分指标' : '加载失败'));
    }
  }
  eventOn.addEventListener('change', fill);
  form.append(
    fieldBox('indicator', FIELD_LABELS.indicator, indSel, { required: true }),
    fieldBox('event_on', FIELD_LABELS.event_on, eventOn, { required: true }),
    fieldBox('count', FIELD_LABELS.count, count),
    fieldBox('evidence', FIELD_LABELS.evidence, evidence, { required: true }),
    msg, save);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    msg.replaceChildren();
    if (!indSel.value) { showFieldError(form, 'indicator', '请选择申报事项'); return; }
    if (!evidence.value.trim()) { showFieldError(form, 'evidence', '请填写情况说明'); return; }
    save.disabled = true;
    try {
      await api.post('/api/v1/points/claims', {
        target: 'member', subject_id: me.id, indicator: indSel.value, event_on: eventOn.value,
        count: Math.max(1, Number(count.value) || 1), evidence: evidence.value.trim(),
      });
      toast('已提交申报，等待支部审核');
      onSaved();
    } catch (e) {
      save.disabled = false;
      if (!(e.field && !e.rule && showFieldError(form, e.field, e.message, FIELD_LABELS[e.field]))) msg.append(errBox(e));
    }
  });
  fill();
  return form;
}

// #/me/points: the member's own why-view, phone layout.
export async function renderMyPoints(view, query) {
  const period = query.get('period') || thisQuarter();
  const page = h('div', { class: 'me-page', testid: 'me-points-page' });
  view.append(page);
  page.append(h('header', { class: 'me-top' },
    h('a', { class: 'btn btn-ghost', href: '#/me', testid: 'me-back' }, '‹ 返回'),
    h('span', { class: 'brand' }, '我的积分')));
  if (!pointsOn()) { page.append(notice('本组织未启用积分考评。', 'info', 'points-disabled')); return; }
  page.append(h('div', { class: 'me-card' }, periodPicker(period, (p) => navigate(`#/me/points${qs({ period: p })}`))), loading());
  try {
    const r = await api.get(`/api/v1/me/points${qs({ period })}`);
    page.lastChild.replaceWith(h('div', { class: 'me-why' }, whyView(r, { period })));
  } catch (e) {
    page.lastChild.replaceWith(h('div', { class: 'me-card' }, errBox(e)));
  }
}
