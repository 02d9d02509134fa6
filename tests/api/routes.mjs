// The route table of src/http/routes.c, parsed once for the tests that walk every route
// (security.test.mjs: CSRF; me_access.test.mjs: the member routes; authz_matrix.test.mjs: the
// authorization matrix). Comments are dropped first, so a commented-out route does not count.
import { readFileSync } from 'node:fs';

export const ROLE_RANK = { ROLE_NONE: 0, ROLE_MEMBER: 1, ROLE_SECRETARY: 2, ROLE_ORG_ADMIN: 3, ROLE_SYSADMIN: 4 };

// [{ method, path, handler, role ('ROLE_…'), rank (0..4), flags (the flags text), public (bool) }]
export function routeTable() {
  const src = readFileSync(new URL('../../src/http/routes.c', import.meta.url), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const re = /\{\s*"(GET|HEAD|POST|PUT|PATCH|DELETE)"\s*,\s*"([^"]+)"\s*,\s*(\w+)\s*,\s*(\w+)\s*,\s*([^}]*?)\s*\}/g;
  return [...src.matchAll(re)].map((m) => ({
    method: m[1], path: m[2], handler: m[3], role: m[4], rank: ROLE_RANK[m[4]] ?? -1, flags: m[5],
    public: /ROUTE_PUBLIC/.test(m[5]),
  }));
}
