// The organization selected in the tree; kept for the browser tab's life.
const KEY = 'dj.org';
let current = null;
const listeners = new Set();

try { current = JSON.parse(sessionStorage.getItem(KEY) || 'null'); } catch { current = null; }

export function selectedOrg() { return current; }

export function selectOrg(org) {
  current = org ? { id: org.id, name: org.name, kind: org.kind, path: org.path || '' } : null;
  try { sessionStorage.setItem(KEY, JSON.stringify(current)); } catch { /* private mode */ }
  for (const fn of listeners) fn(current);
}

export function onOrgChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }

export function clearState() {
  current = null;
  try { sessionStorage.removeItem(KEY); } catch { /* ignore */ }
}
