import { isObject } from '../json.js';
import { defaultPlanKind } from '../plan/kind-plan.js';
import { permissionPairs } from './role-permissions.js';
import type { KindHandler, KindPlanInput, KindPlanOutput } from './types.js';

/**
 * The default match-and-diff, plus a check the offline rules cannot make when resource servers are not
 * managed: each permission must name a scope the live API has (or one this plan creates), or
 * POST /roles/{id}/permissions answers 404 half-way through an apply.
 */
export function planRoles(handler: KindHandler, input: KindPlanInput): KindPlanOutput {
  const out = defaultPlanKind(handler, input);
  const live = input.ctx.liveScopes;
  if (!live) return out;
  const planned = new Map<string, Set<string>>();
  for (const change of input.planned) {
    if (change.kind !== 'resourceServers' || !Array.isArray(change.body?.scopes)) continue;
    const scopes = change.body.scopes.filter(isObject).map((s) => String(s.value));
    planned.set(change.key, new Set(scopes));
  }
  for (const item of input.items) {
    for (const p of permissionPairs(item.body.permissions)) {
      const api = p.resource_server_identifier;
      const scopes = planned.get(api) ?? live.get(api);
      if (!scopes) out.errors.push(`${item.address}: API '${api}' is not a resource server in the tenant or the manifests`);
      else if (!scopes.has(p.permission_name))
        out.errors.push(`${item.address}: API '${api}' has no scope '${p.permission_name}'; add it to the API's scopes or fix the name`);
    }
  }
  return out;
}
