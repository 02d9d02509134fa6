// Main layout: top bar, org tree on the left (a drawer under 768 px), content on the right.
import { h } from './dom.js';
import { session, logout, ROLE_NAMES, isAdmin, isManager } from './session.js';
import { createTree } from './tree.js';
import { selectedOrg, selectOrg, clearState } from './state.js';
import { navigate, currentRoute, rerender } from './router.js';
import { pointsOn } from './session.js';

let shell = null; // {root, content, tree, nav}

export function mountMain() {
  if (shell && document.getElementById('app').contains(shell.root)) return shell.content;
  const user = session.user || {};
  const content = h('main', { class: 'content', id: 'content', testid: 'content' });
  const backdrop = h('div', { class: 'drawer-backdrop', onclick: closeDrawer });
  const tree = createTree({ onSelect: onTreeSelect });
  const side = h('aside', { class: 'sidebar', id: 'sidebar', testid: 'sidebar', 'aria-label': '组织树' },
    h('div', { class: 'sidebar-title' }, '组织机构'), tree.el);
  const drawerBtn = h('button', {
    class: 'btn-icon drawer-toggle', type: 'button', testid: 'drawer-toggle',
    'aria-controls': 'sidebar', 'aria-expanded': 'false', onclick: toggleDrawer,
  }, '☰ 组织');
  const nav = h('nav', { class: 'mainnav', 'aria-label': '功能' },
    navLink('members', '党员名册', '#/members'),
    navLink('org', '组织信息', '#/orgs/'),
    isManager() && navLink('recruits', '发展党员', '#/recruits'),
    isManager() && navLink('life', '组织生活', '#/life'),
    isManager() && pointsOn() && navLink('points', '积分考评', '#/points'),
    isAdmin() && navLink('reviews', '述职评议', '#/reviews'),
    isManager() && navLink('work', '工作台账', '#/work'),
    isManager() && navLink('dues', '党费关怀', '#/dues'),
    isManager() && navLink('stats', '党内统计', '#/stats'),
    isManager() && navLink('notices', '通知公告', '#/notices'),
    isManager() && navLink('courses', '党建课程', '#/courses'),
    isManager() && navLink('suggestions', '合理化建议', '#/suggestions'),
    isManager() && navLink('transfers', '组织关系转接', '#/transfers'),
    isManager() && navLink('import', '导入', '#/import'),
    isAdmin() && navLink('users', '账号管理', '#/users'),
    isAdmin() && navLink('audit', '审计日志', '#/audit'));
  const top = h('header', { class: 'topbar', testid: 'topbar' },
    drawerBtn,
    h('a', { class: 'brand', href: '#/members' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '党'), '党建管理系统'),
    h('div', { class: 'topbar-user' },
      h('span', { class: 'user-name', testid: 'current-user' }, user.display_name || user.username || ''),
      ROLE_NAMES[user.role] !== user.display_name && h('span', { class: 'user-role' }, ROLE_NAMES[user.role] || ''),
      h('button', { class: 'btn btn-ghost', type: 'button', testid: 'logout', onclick: doLogout }, '退出')));
  const root = h('div', { class: 'shell' }, top, nav, h('div', { class: 'body' }, side, backdrop, content));
  document.getElementById('app').replaceChildren(root);
  shell = { root, content, tree, nav, side, drawerBtn };
  tree.ready.then((rootOrg) => {
    const sel = selectedOrg();
    if (!sel && rootOrg) selectOrg(rootOrg);
    const cur = selectedOrg();
    if (cur) tree.reveal(cur.path, cur.id).catch(() => {});
    updateOrgLink();
  }).catch(() => {});
  updateOrgLink();
  return content;
}

export function unmountMain() { shell = null; }

// Resolves with the selected org once the tree knows the scope root.
export async function orgReady() {
  if (shell) { try { await shell.tree.ready; } catch { /* shown in tree */ } }
  return selectedOrg();
}

export function treeApi() { return shell ? shell.tree : null; }

export function setActiveNav(key) {
  if (!shell) return;
  for (const a of shell.nav.querySelectorAll('a')) {
    const on = a.dataset.nav === key;
    a.classList.toggle('active', on);
    if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  updateOrgLink();
}

function updateOrgLink() {
  if (!shell) return;
  const a = shell.nav.querySelector('a[data-nav="org"]');
  const sel = selectedOrg();
  if (a) a.href = sel ? `#/orgs/${sel.id}` : '#/members';
}

function navLink(key, text, href) {
  return h('a', { href, dataset: { nav: key }, testid: `nav-${key}` }, text);
}

function onTreeSelect(org) {
  selectOrg(org);
  updateOrgLink();
  closeDrawer();
  const { path } = currentRoute();
  if (path.startsWith('/orgs/')) navigate(`#/orgs/${org.id}`);
  else if (/^\/members\/(\d+|new)$/.test(path) || path.startsWith('/transfers/')) navigate('#/members');
  else if (/^\/recruits\/(\d+|new)$/.test(path)) navigate('#/recruits');
  else if (/^\/life\/\d+$/.test(path)) navigate('#/life');
  else if (path === '/life/new') navigate('#/life/new');
  else if (path === '/life/appraisal' || path === '/life/plans') navigate(`#${path}`);
  else rerender();
}

function toggleDrawer() {
  if (!shell) return;
  const open = !shell.root.classList.contains('drawer-open');
  shell.root.classList.toggle('drawer-open', open);
  shell.drawerBtn.setAttribute('aria-expanded', String(open));
}

function closeDrawer() {
  if (!shell) return;
  shell.root.classList.remove('drawer-open');
  shell.drawerBtn.setAttribute('aria-expanded', 'false');
}

async function doLogout() {
  await logout();
  clearState();
  shell = null;
  navigate('#/login');
}
