// 党务公开栏 (#/board?key=…): the branch's public board, opened without logging in (a QR code on the printed sheet
// leads here). Mobile first, prints on its own. #/board?org=ID opens the managers' settings instead (board_settings.js).
import { api, qs } from './api.js';
import { h, replace, notice, loading } from './dom.js';
import { renderBoardSettings } from './board_settings.js';
import { boardSuggestionForm } from './suggestions.js';

const MONTHS = Array.from({ length: 12 }, (_, i) => `${i + 1}月`);
const AVATAR_COLORS = ['#c8161d', '#d9480f', '#b8860b', '#a61e4d', '#1c7ed6', '#2b8a3e', '#5f3dc4'];

// the first character (the surname) on a colour chosen by the name, as the PDF draws it
export function initialAvatar(name, cls = 'board-avatar') {
  const s = String(name || '');
  let hsh = 5381;
  for (const b of new TextEncoder().encode(s)) hsh = (hsh * 33 + b) >>> 0;
  const first = [...s][0] || '党';
  return h('span', { class: `${cls} board-initial`, style: `background:${AVATAR_COLORS[hsh % AVATAR_COLORS.length]}`, 'aria-hidden': 'true' }, first);
}

function section(title, testid, ...kids) {
  return h('section', { class: 'board-section', testid }, h('h2', null, title), ...kids);
}

function wall(b, key) {
  const members = b.members || [];
  return section(`党员风采墙（${members.length} 名）`, 'board-wall',
    members.length
      ? h('ul', { class: 'board-wall' }, members.map((m) => h('li', { class: 'board-person', testid: 'board-person' },
        m.photo
          ? h('img', { class: 'board-avatar', src: `/api/v1/public/board/photo${qs({ key, member_id: m.id })}`, alt: m.name, loading: 'lazy' })
          : initialAvatar(m.name),
        h('span', { class: 'board-name' }, m.name))))
      : h('p', { class: 'empty' }, '暂无党员'));
}

function duesTable(b) {
  if (!b.show || !b.show.dues) return null;
  const members = b.members || [];
  const cell = (s) => s === 'paid'
    ? h('td', { class: 'dues-paid', title: '已交' }, '✓')
    : s === 'unpaid' ? h('td', { class: 'dues-unpaid', title: '未交' }, '✗') : h('td', { class: 'dues-blank' }, '');
  return section(`${b.year} 年党费交纳情况`, 'board-dues',
    h('p', { class: 'muted board-legend' }, h('span', { class: 'dues-paid' }, '✓'), ' 已交　', h('span', { class: 'dues-unpaid' }, '✗'),
      ' 未交　空白：未到期或尚未开始交纳'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'board-dues-table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, '姓名'), MONTHS.map((m) => h('th', { scope: 'col' }, m)))),
      h('tbody', null, members.map((m) => h('tr', null, h('th', { scope: 'row' }, m.name), (m.dues || []).map(cell)))))));
}

function points(b) {
  if (!b.points) return null;
  const items = b.points.items || [];
  return section(`党员积分排行（${b.points.period}）`, 'board-points',
    items.length
      ? h('ol', { class: 'board-rank' }, items.map((r) => h('li', { class: r.rank <= 3 ? 'top' : '' },
        h('span', { class: 'rank' }, String(r.rank)), h('span', { class: 'name' }, r.name),
        h('span', { class: 'score' }, `${Number(r.score).toFixed(1)} 分`))))
      : h('p', { class: 'empty' }, '本期暂无积分'));
}

function appraisal(b) {
  const a = b.appraisal;
  if (!a) return null;
  const c = a.counts || {};
  return section(`${a.year} 年度民主评议党员结果`, 'board-appraisal',
    h('p', null, `参评 ${a.graded} 人：优秀 ${c.excellent || 0} 人，合格 ${c.qualified || 0} 人，基本合格 ${c.basic || 0} 人，不合格 ${c.unqualified || 0} 人。`),
    (a.excellent || []).length ? h('p', null, h('strong', null, '评为优秀的党员：'), a.excellent.join('、')) : null);
}

function plan(b) {
  const items = b.plan || [];
  const any = items.some((p) => p.topic);
  return section(`${b.year} 年主题党日活动计划`, 'board-plan',
    any
      ? h('ol', { class: 'board-plan' }, items.map((p) => h('li', { class: p.month === b.month ? 'current' : '' },
        h('span', { class: 'month' }, `${p.month} 月`), h('span', { class: 'topic' }, p.topic || '—'),
        p.held ? h('span', { class: 'held' }, '已开展') : null)))
      : h('p', { class: 'empty' }, '本年度计划尚未公布'));
}

function projects(b) {
  const items = b.projects || [];
  if (!items.length) return null;
  return section('书记领衔项目', 'board-projects', items.map((p) => h('article', { class: 'board-project' },
    h('h3', null, p.name),
    h('p', { class: 'muted' }, `${p.year} 年 · ${p.type_name} · 当前阶段：${p.stage_name}`),
    h('ol', { class: 'board-ledger' }, (p.ledger || []).map((e) => h('li', null,
      h('span', { class: 'date' }, e.date), ` ${e.action}（${e.stage_name}）`, e.note ? `：${e.note}` : ''))))));
}

function commitments(b) {
  const items = b.commitments || [];
  if (!items.length) return null;
  return section('公开承诺', 'board-commitments', h('ul', { class: 'board-promises' }, items.map((c) => h('li', null,
    h('div', null, h('strong', null, c.holder_name), '：', c.title),
    h('div', { class: 'muted' }, `${c.category_name} · 时限 ${c.due_on} · `,
      h('span', { class: c.done_on ? 'done' : '' }, c.status_name + (c.done_on ? ` ${c.done_on}` : '')))))));
}

function shell(...kids) {
  return h('div', { class: 'board-page', testid: 'board-page' }, ...kids);
}

export async function renderBoard(view, query) {
  const org = query && query.get('org');
  if (org && /^\d+$/.test(org)) { await renderBoardSettings(view, org); return; }
  document.title = '党务公开栏';
  const key = (query && query.get('key') || '').trim();
  if (!key) {
    view.append(shell(h('header', { class: 'board-top' }, h('h1', null, '党务公开栏')),
      notice('请扫描公开栏上的二维码，或使用支部提供的链接打开。', 'warn', 'board-error')));
    return;
  }
  view.append(shell(loading()));
  let b;
  try {
    b = await api.get(`/api/v1/public/board${qs({ key })}`, { quiet401: true });
  } catch (e) {
    replace(view, shell(h('header', { class: 'board-top' }, h('h1', null, '党务公开栏')),
      notice(e.status === 404 ? '公开栏不存在或未开放：链接可能已更换，请向支部索取新的链接。' : (e.message || '暂时无法打开公开栏'), 'error', 'board-error')));
    return;
  }
  document.title = `党务公开栏 · ${b.org.name}`;
  const pdf = `/api/v1/public/board/pdf${qs({ key })}`;
  replace(view, shell(
    h('header', { class: 'board-top' },
      h('div', null, h('h1', null, '党务公开栏'), h('p', { class: 'board-org', testid: 'board-org' }, b.org.name),
        h('p', { class: 'board-date' }, `${b.year} 年 · 更新于 ${b.today}`)),
      h('div', { class: 'board-actions no-print' },
        h('a', { class: 'btn', href: pdf, target: '_blank', rel: 'noopener', testid: 'board-pdf' }, 'PDF 版'),
        h('button', { class: 'btn', type: 'button', onclick: () => window.print() }, '打印'))),
    b.notice ? h('section', { class: 'board-notice', testid: 'board-notice' }, h('h2', null, '公告'), h('p', null, b.notice)) : null,
    wall(b, key), duesTable(b), points(b), appraisal(b), plan(b), projects(b), commitments(b),
    boardSuggestionForm(key),
    h('footer', { class: 'board-foot muted' }, `${b.org.name} · 欢迎党员群众监督`)));
}
