// #/me/projects: a member's read-only view of the 党建项目 of their own branch and the orgs above it
// (书记领衔 first), each with its public progress ledger — phone layout, public fields only.
import { api } from './api.js';
import { h, notice, loading } from './dom.js';

const ACTIONS = {
  apply: '申报', resubmit: '重新申报', return: '退回', file: '备案', implement: '开始实施', review_approved: '季度评审通过',
  review_returned: '季度评审退回', conclude: '结题', accept: '验收', evaluate: '评估', reward: '激励',
};

function projectCard(p) {
  return h('section', { class: 'me-card me-project', testid: 'me-project', dataset: { id: p.id } },
    h('h2', null, p.name, p.leader_led ? h('span', { class: 'badge', testid: 'me-project-leader' }, ' 书记领衔') : null),
    h('p', { class: 'muted small' }, `${p.org_name} · ${p.type_name || ''} · ${p.year}年`),
    h('p', null, h('span', { class: 'badge', testid: 'me-project-stage' }, p.stage_name),
      p.grade ? h('span', { class: 'muted small' }, ` 评估等次：${p.grade}`) : null),
    h('dl', { class: 'me-info' },
      h('dt', null, '负责书记'), h('dd', null, p.secretary_name || '—'),
      p.goal ? [h('dt', null, '项目目标'), h('dd', null, p.goal)] : null,
      p.start_on || p.end_on ? [h('dt', null, '实施周期'), h('dd', null, `${p.start_on || '…'} 至 ${p.end_on || '…'}`)] : null),
    h('details', null, h('summary', { testid: 'me-project-ledger-toggle' }, `进展台账（${p.ledger.length} 条）`),
      h('ol', { class: 'me-ledger', testid: 'me-project-ledger' }, p.ledger.map((e) => h('li', null,
        h('span', { class: 'muted small' }, `${e.date} `), ACTIONS[e.action] || e.action, e.note ? `：${e.note}` : '')))));
}

export async function renderMyProjects(view) {
  const page = h('div', { class: 'me-page', testid: 'me-projects-page' });
  view.append(page);
  page.append(h('header', { class: 'me-top' },
    h('a', { class: 'btn btn-ghost', href: '#/me', testid: 'me-back' }, '‹ 返回'),
    h('span', { class: 'brand' }, '党建项目')), loading());
  try {
    const r = await api.get('/api/v1/me/projects');
    page.lastChild.replaceWith(h('div', { testid: 'me-projects' },
      h('p', { class: 'muted small me-projects-intro' }, `${r.org_name}及上级党组织已备案的党建项目和进展公开台账`),
      r.items.length ? r.items.map(projectCard) : h('p', { class: 'me-card muted', testid: 'me-projects-empty' }, '暂无公开的党建项目。')));
  } catch (e) {
    page.lastChild.replaceWith(h('div', { class: 'me-card' }, notice(e.message, 'error', 'me-projects-error')));
  }
}
