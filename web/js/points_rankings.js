// 积分考评 · 排名: live standings of the subtree (members or branches) for a month, quarter or year, with
// stars, flags and the star histogram; org admins publish a period (评分/亮分/兑分) and re-derive (重新计算).
import { api, qs } from './api.js';
import { h, replace, loading, toast } from './dom.js';
import { navigate } from './router.js';
import { isAdmin } from './session.js';
import {
  pointsOrg, pointsTabs, pointsHead, orgChooser, periodPicker, periodName, lastWholeQuarter, fmtPts, ptsCell,
  starBadge, flagBadges, errBox, pager, periodEnded, TARGETS,
} from './points_common.js';

const STAR_ROWS = [5, 4, 3, 2, 1, 0];

export async function renderPointsRankings(view, query) {
  view.append(loading());
  const org = await pointsOrg(query);
  const target = query.get('target') === 'branch' ? 'branch' : 'member';
  const period = query.get('period') || lastWholeQuarter();
  const page = Math.max(1, Number(query.get('page')) || 1);
  const go = (changes) => {
    const p = { target, period, ...changes };
    navigate(`#/points${qs({ org: query.get('org') || '', target: p.target === 'member' ? '' : p.target, period: p.period, page: p.page > 1 ? p.page : '' })}`);
  };

  const msg = h('div', { 'aria-live': 'polite', testid: 'points-msg' });
  const syncBtn = isAdmin() && h('button', {
    class: 'btn', type: 'button', testid: 'points-sync', title: '按会议、民主评议等记录重新生成自动积分',
    onclick: async () => {
      if (!org) return;
      msg.replaceChildren();
      syncBtn.disabled = true;
      try {
        const r = await api.post('/api/v1/points/sync', { org_id: org.id, period });
        toast(`重新计算完成：新增 ${r.added || 0} 条，冲正 ${r.reversed || 0} 条`);
        await load();
      } catch (e) { msg.append(errBox(e)); }
      syncBtn.disabled = false;
    },
  }, '重新计算');
  const toggle = h('div', { class: 'tabs seg', role: 'group', 'aria-label': '排名对象' },
    Object.entries(TARGETS).map(([k, n]) => h('button', {
      type: 'button', class: `tab${k === target ? ' active' : ''}`, 'aria-pressed': String(k === target),
      testid: `points-target-${k}`, onclick: () => go({ target: k, page: 1 }),
    }, `${n}排名`)));
  const box = h('div', { testid: 'rankings-box' }, loading());
  view.replaceChildren(
    pointsHead('积分考评', org, syncBtn),
    pointsTabs('rankings'),
    h('div', { class: 'toolbar points-toolbar' }, toggle,
      periodPicker(period, (p) => go({ period: p, page: 1 })),
      orgChooser(org)),
    msg, box);
  if (!org) { replace(box); return; }

  // 一月一评分、一季一亮分、一年一兑分: the button says which of the three this is
  function publishLabel(p) {
    if (/^\d{4}-\d{2}$/.test(p)) return '发布月度评分';
    if (/Q/.test(p)) return '亮分（发布季度排名）';
    return '年度兑分（发布）';
  }

  async function load() {
    let r;
    try {
      r = await api.get(`/api/v1/points/rankings${qs({ org: org.id, target, period, page, per_page: 50 })}`);
    } catch (e) {
      replace(box, errBox(e));
      return;
    }
    draw(r);
  }

  function draw(r) {
    const items = r.items || [];
    const pub = r.published;
    const ended = periodEnded(period);
    const publishBtn = isAdmin() && !pub && h('button', {
      class: 'btn btn-primary', type: 'button', testid: 'points-publish', disabled: !ended,
      title: ended ? '公布本期排名和星级，并封存本期积分' : '期间结束后才能发布',
      onclick: async () => {
        const what = `${org.name} ${periodName(period)}${TARGETS[target]}排名`;
        if (!window.confirm(`发布${what}？发布后该期间不能再录入积分，更正记入当月。`)) return;
        msg.replaceChildren();
        publishBtn.disabled = true;
        try {
          await api.post('/api/v1/points/publications', { org_id: org.id, target, period });
          toast(`已发布${what}`);
          await load();
        } catch (e) { msg.append(errBox(e)); publishBtn.disabled = false; }
      },
    }, publishLabel(period));
    const head = h('div', { class: 'rank-head' },
      h('span', { class: 'rank-title' }, `${periodName(r.period || period)} · ${TARGETS[target]}`),
      pub ? h('span', { class: 'badge state-active', testid: 'points-published', dataset: { id: pub } }, '已发布')
        : h('span', { class: 'badge', testid: 'points-live' }, '实时'),
      h('span', { class: 'muted' }, `共 ${r.total || 0} ${target === 'member' ? '人' : '个'}`),
      publishBtn || null);
    const subjectHref = (it) => `#/points/${target === 'member' ? 'members' : 'branches'}/${it.subject_id}${qs({ period: r.period || period })}`;
    const table = items.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'grid rank-table', testid: 'rank-table' },
      h('thead', null, h('tr', null, ['名次', target === 'member' ? '姓名' : '党支部', '所在组织', '得分', '加分', '扣分', '星级', '标记']
        .map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, items.map((it) => h('tr', {
        testid: 'rank-row', dataset: { subject: it.subject_id, rank: it.rank, stars: it.stars },
      },
      h('td', { class: 'rank-no' }, String(it.rank)),
      h('th', { scope: 'row' }, h('a', { href: subjectHref(it), testid: 'rank-subject' }, it.name)),
      h('td', { class: 'muted' }, it.org_name || ''),
      h('td', { class: 'rank-score', testid: 'rank-score' }, fmtPts(it.score)),
      h('td', null, ptsCell(it.award)),
      h('td', null, ptsCell(it.deduct)),
      h('td', null, starBadge(it.stars)),
      h('td', null, flagBadges(it.flags))))))) : h('p', { class: 'empty', testid: 'rank-empty' }, '该期间没有可排名的对象');
    replace(box, h('div', { class: 'card rank-card' }, head, starsHistogram(r.stars || {}, r.total || 0)), table,
      pager(r, (p) => go({ page: p })));
  }

  await load();
}

// 星级分布: one bar per band, 5★ … 后进.
export function starsHistogram(stars, total) {
  const n = total || STAR_ROWS.reduce((a, s) => a + (Number(stars[s]) || 0), 0);
  return h('ul', { class: 'stars-hist', testid: 'stars-hist', 'aria-label': '星级分布' }, STAR_ROWS.map((s) => {
    const c = Number(stars[s]) || 0;
    const pct = n ? Math.round((c / n) * 100) : 0;
    return h('li', { class: 'hist-row', dataset: { stars: String(s) }, testid: 'hist-row' },
      h('span', { class: `hist-label stars stars-${s}` }, s ? '★'.repeat(s) : '后进'),
      h('span', { class: 'hist-bar' }, h('span', { class: 'hist-fill', style: `width:${pct}%` })),
      h('span', { class: 'hist-count' }, `${c}`));
  }));
}
