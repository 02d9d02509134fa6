// Why is this score what it is: a member's (or a branch's) period — base, awards, deductions, every indicator
// with its raw sum and what counted under the cap, the entries behind it, and the month-by-month scores.
import { api, qs } from './api.js';
import { h, replace, loading, fmtDate } from './dom.js';
import { navigate } from './router.js';
import {
  pointsTabs, pointsHead, periodPicker, periodName, thisQuarter, fmtPts, ptsCell, starBadge, flagBadges, errBox,
  sourceName, loadSources, SIGNS, CAP_PERIODS, MODES, TARGETS,
} from './points_common.js';

export async function renderPointsSubject(view, target, id, query) {
  const period = query.get('period') || thisQuarter();
  const plural = target === 'member' ? 'members' : 'branches';
  view.append(pointsHead(target === 'member' ? '党员积分' : '党支部考评'), pointsTabs(''), loading());
  await loadSources().catch(() => {});
  let r;
  try {
    r = await api.get(`/api/v1/points/${plural}/${id}${qs({ period })}`);
  } catch (e) {
    view.lastChild.replaceWith(errBox(e));
    return;
  }
  view.replaceChildren(
    pointsHead(target === 'member' ? '党员积分' : '党支部考评', null,
      h('a', { class: 'btn', href: `#/points/ledger${qs({ target, subject: id, subject_name: r.name, period })}`, testid: 'why-ledger' }, '积分明细'),
      h('a', { class: 'btn', href: '#/points', testid: 'why-back' }, '返回排名')),
    pointsTabs(''),
    h('div', { class: 'toolbar' }, periodPicker(period, (p) => navigate(`#/points/${plural}/${id}${qs({ period: p })}`))),
    whyView(r, { period }));
}

// The scorecard itself (also the member's own page). opts.monthHref(period) links a month.
export function whyView(r, opts = {}) {
  const isBranch = r.target === 'branch';
  const head = h('div', { class: 'card why-head', testid: 'why-head' },
    h('div', { class: 'why-title' },
      h('h3', { testid: 'why-name' }, r.name || ''),
      h('span', { class: 'muted' }, `${r.org_name || ''} · ${periodName(r.period || opts.period)}`)),
    h('div', { class: 'why-score' },
      h('span', { class: 'why-score-num', testid: 'why-score' }, fmtPts(r.score)),
      h('span', { class: 'why-score-unit' }, '分'),
      starBadge(r.stars)),
    h('div', { class: 'why-parts', testid: 'why-parts' },
      h('span', null, isBranch ? `${MODES[r.mode] || '基础分'} ` : '基础分 ', h('b', null, fmtPts(r.base))),
      h('span', null, '加分 ', ptsCell(r.award)),
      h('span', null, '扣分 ', ptsCell(r.deduct)),
      h('span', { class: 'muted small' }, '得分 = 基础分 + 加分 + 扣分，限 0–100 分')));
  const inds = r.indicators || [];
  const list = inds.length ? h('ul', { class: 'why-list', testid: 'why-indicators' }, inds.map(indicatorItem))
    : h('p', { class: 'empty', testid: 'why-empty' }, `本期间没有${isBranch ? '考评' : '积分'}记录`);
  const months = (r.months || []).length > 1 ? h('div', { class: 'card' }, h('h3', null, '逐月得分'),
    h('ul', { class: 'why-months', testid: 'why-months' }, r.months.map((m) => h('li', null,
      h('span', { class: 'why-month-name' }, periodName(m.period)),
      h('span', { class: 'hist-bar' }, h('span', { class: 'hist-fill', style: `width:${Math.max(0, Math.min(100, Number(m.score) || 0))}%` })),
      h('span', { class: 'why-month-score' }, fmtPts(m.score)))))) : null;
  return h('div', { class: 'why', testid: 'why-view', dataset: { target: r.target || '', subject: r.subject_id || '' } },
    head, h('div', { class: 'card' }, h('h3', null, isBranch ? '考评指标' : '积分指标'), list), months,
    r.subject_id ? historyCard(r.target || 'member', r.subject_id) : null);
}

// 历次公布: the subject's published ranks and stars (filled when the answer comes; hidden when there is none).
function historyCard(target, id) {
  const card = h('div', { class: 'card', testid: 'why-history', hidden: true });
  api.get(`/api/v1/points/history${qs({ target, subject: id })}`).then((r) => {
    const items = r.items || [];
    if (!items.length) return;
    card.append(h('h3', null, '历次公布'), h('ul', { class: 'why-months' }, items.map((x) => h('li', { testid: 'why-history-row' },
      h('span', null, periodName(x.period)),
      h('span', null, `第 ${x.rank} 名 · ${fmtPts(x.score)} 分 `, starBadge(x.stars), ...flagBadges(x.flags)),
      h('span', null)))));
    card.hidden = false;
  }).catch(() => {});
  return card;
}

function indicatorItem(ind) {
  const capped = Number(ind.raw) !== Number(ind.counted);
  const cap = Number(ind.cap) > 0 ? `${CAP_PERIODS[ind.cap_period] || ''}上限 ${fmtPts(ind.cap)} 分` : '';
  const entries = ind.entries || [];
  return h('li', { class: 'why-ind', testid: 'why-indicator', dataset: { code: ind.code } },
    h('details', null,
      h('summary', null,
        h('span', { class: 'why-ind-name' }, ind.name, h('span', { class: 'muted small' }, ` ${ind.category || ''} · ${SIGNS[ind.sign] || ''}`)),
        h('span', { class: 'why-ind-pts' },
          h('span', { testid: 'why-counted' }, ptsCell(ind.counted)),
          capped ? h('span', { class: 'muted small why-raw', testid: 'why-raw' }, ` 原始 ${fmtPts(ind.raw)}`) : null)),
      cap ? h('p', { class: `muted small${capped ? ' why-capped' : ''}` }, capped ? `${cap}，超出部分不计` : cap) : null,
      h('ul', { class: 'why-entries' }, entries.map((en) => h('li', {
        class: `why-entry${en.reversed_by ? ' reversed' : ''}${en.reverses_id ? ' reversal' : ''}`, testid: 'why-entry', dataset: { id: en.id },
      },
      h('span', { class: 'why-entry-date' }, fmtDate(en.event_on)),
      ptsCell(en.points),
      h('span', { class: 'muted small' }, sourceName(en.source)),
      en.reversed_by ? h('span', { class: 'badge status-rejected' }, '已冲正') : null,
      en.reverses_id ? h('span', { class: 'badge' }, `冲正 #${en.reverses_id}`) : null,
      en.evidence ? h('div', { class: 'why-evidence' }, en.evidence) : null)))));
}

export { TARGETS };
