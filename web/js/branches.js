// Branches (党支部, 联合党支部) under the scope root, for "所在党支部" and transfer targets.
import { api, qs } from './api.js';
import { treeApi } from './layout.js';
import { selectedOrg } from './state.js';

let cache = null; // {rootId, list}

export async function loadBranches() {
  const tree = treeApi();
  let root = null;
  if (tree) { try { root = await tree.ready; } catch { root = null; } }
  const rootId = root ? root.id : (selectedOrg() ? selectedOrg().id : '');
  if (cache && cache.rootId === rootId) return cache.list;
  const one = (kind) => api.get(`/api/v1/orgs${qs({ org: rootId, kind, per_page: 200 })}`)
    .then((r) => r.items || []).catch((e) => { if (kind === 'branch') throw e; return []; });
  const [a, b] = await Promise.all([one('branch'), one('joint_branch')]);
  const list = [...a, ...b].sort((x, y) => String(x.path || '').localeCompare(String(y.path || '')));
  cache = { rootId, list };
  return list;
}

export function forgetBranches() { cache = null; }

export function isBranchKind(kind) { return kind === 'branch' || kind === 'joint_branch'; }
