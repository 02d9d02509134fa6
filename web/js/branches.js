// Finding branches (党支部, 联合党支部): within the caller's scope for "所在党支部", anywhere in
// the system for the receiving branch of a transfer. Both feed the search pickers (org_picker.js),
// which keep their own short-lived cache, so a newly added branch shows up on the next page.
import { api, qs } from './api.js';
import { treeApi } from './layout.js';

async function scopeRootId() {
  const tree = treeApi();
  if (!tree) return '';
  try { const root = await tree.ready; return root ? root.id : ''; } catch { return ''; }
}

// Branches of the caller's scope whose name contains q (q may be empty: the first 20).
export async function searchScopeBranches(q) {
  const org = await scopeRootId(); // '' lets the server use the caller's scope root
  const r = await api.get(`/api/v1/orgs${qs({ org, kind: 'branches', q, per_page: 20 })}`);
  return { items: r.items || [], total: r.total ?? (r.items || []).length };
}

// Branches anywhere by name or code (at least two characters): {id,name,code,kind,parent_name}.
export async function lookupBranches(q) {
  const r = await api.get(`/api/v1/orgs/lookup${qs({ q })}`);
  return { items: r.items || [], total: r.total ?? (r.items || []).length };
}

export function isBranchKind(kind) { return kind === 'branch' || kind === 'joint_branch'; }
