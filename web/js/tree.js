// Lazy organization tree: GET /orgs/root, then /orgs/{id}/children when a node opens.
import { api } from './api.js';
import { h, replace } from './dom.js';

export function createTree({ onSelect }) {
  const el = h('ul', { class: 'tree', role: 'tree', testid: 'org-tree' });
  const nodes = new Map(); // id -> {org, li, group, loaded}
  let selectedId = null;

  function node(org) {
    const hasKids = (org.child_count ?? 1) > 0;
    const group = h('ul', { class: 'tree-group', role: 'group', hidden: true });
    const toggle = hasKids
      ? h('button', {
        class: 'tree-toggle', type: 'button', testid: 'tree-toggle', 'aria-label': `展开 ${org.name}`,
        'aria-expanded': 'false', onclick: () => toggleNode(org.id),
      }, '▸')
      : h('span', { class: 'tree-toggle tree-leaf', 'aria-hidden': 'true' }, '·');
    const labelBtn = h('button', {
      class: 'tree-label', type: 'button', testid: 'tree-node',
      dataset: { id: org.id, kind: org.kind || '' }, title: org.kind_name || '',
      onclick: () => { mark(org.id); onSelect(entry.org); },
    }, h('span', { class: 'tree-name' }, org.name),
    h('span', { class: 'tree-count', title: '党员数' }, String(org.member_count ?? 0)));
    const li = h('li', { class: 'tree-item', role: 'treeitem', dataset: { id: org.id } },
      h('div', { class: 'tree-row' }, toggle, labelBtn), group);
    const entry = { org, li, group, toggle, labelBtn, loaded: false };
    nodes.set(String(org.id), entry);
    return li;
  }

  async function load(entry) {
    replace(entry.group, h('li', { class: 'tree-loading' }, '加载中……'));
    try {
      const r = await api.get(`/api/v1/orgs/${entry.org.id}/children`);
      const items = Array.isArray(r) ? r : (r.items || []);
      replace(entry.group, items.length ? items.map(node) : h('li', { class: 'tree-empty' }, '无下级组织'));
      entry.loaded = true;
      if (selectedId) mark(selectedId);
    } catch (e) {
      replace(entry.group, h('li', { class: 'tree-error' }, e.message));
    }
  }

  async function toggleNode(id, forceOpen) {
    const entry = nodes.get(String(id));
    if (!entry || entry.toggle.tagName !== 'BUTTON') return;
    const open = forceOpen ?? entry.group.hidden;
    entry.group.hidden = !open;
    entry.toggle.setAttribute('aria-expanded', String(open));
    entry.toggle.textContent = open ? '▾' : '▸';
    entry.li.setAttribute('aria-expanded', String(open));
    if (open && !entry.loaded) await load(entry);
  }

  function mark(id) {
    selectedId = id ? String(id) : null;
    for (const [k, e] of nodes) {
      const on = k === selectedId;
      e.labelBtn.classList.toggle('selected', on);
      e.labelBtn.setAttribute('aria-selected', String(on));
    }
  }

  const ready = (async () => {
    el.append(h('li', { class: 'tree-loading' }, '加载中……'));
    try {
      const root = await api.get('/api/v1/orgs/root');
      replace(el, node(root));
      await toggleNode(root.id, true);
      return root;
    } catch (e) {
      replace(el, h('li', { class: 'tree-error' }, `组织树加载失败：${e.message}`));
      throw e;
    }
  })();

  // Reload a node's children (after adding a child org).
  async function reload(id) {
    const entry = nodes.get(String(id));
    if (!entry) return;
    if (entry.toggle.tagName !== 'BUTTON') return; // leaf rendered without a toggle; next tree load shows it
    entry.loaded = false;
    await toggleNode(id, true);
  }

  // Opens the ancestors of an org (path "/1/2/3/") so the selected node is visible.
  async function reveal(path, id) {
    const ids = String(path || '').match(/\d+/g) || [];
    for (const a of ids.slice(0, -1)) {
      if (nodes.has(String(a))) await toggleNode(a, true);
    }
    mark(id);
  }

  return { el, ready, mark, reload, reveal, open: (id) => toggleNode(id, true) };
}
