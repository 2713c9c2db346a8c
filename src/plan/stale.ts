import { handlers } from '../kinds/index.js';
import type { JsonObject } from '../json.js';
import type { Kind } from '../kinds/types.js';
import { digest, keyLive, kindContext, liveCanonical } from './context.js';
import type { Live, Plan } from './types.js';

/**
 * Why a saved plan no longer fits the tenant: an object it changes moved since planning, or an object it
 * creates appeared. An empty list means the plan can be applied exactly as written.
 */
export function staleReasons(plan: Plan, live: Live): string[] {
  const ctx = kindContext(live);
  const reasons: string[] = [];
  // Each kind's live objects indexed once, by id and (keyLive, shared with the plan) by key: a saved plan
  // may hold thousands of changes and refs (users, organization members) against lists as long.
  const byIdOf = new Map<Kind, Map<string, JsonObject>>();
  const byId = (kind: Kind, id: string | undefined) => {
    let index = byIdOf.get(kind);
    if (index === undefined) {
      index = new Map((live.kinds[kind] ?? []).map((o) => [handlers[kind].idOf(o), o]));
      byIdOf.set(kind, index);
    }
    return id === undefined ? undefined : index.get(id);
  };
  for (const change of plan.changes) {
    const handler = handlers[change.kind];
    if (change.action === 'create') {
      if (keyLive(handler, live.kinds[change.kind] ?? [], ctx).byKey.has(change.key))
        reasons.push(`${change.address} was created since the plan`);
      continue;
    }
    const current = byId(change.kind, change.id);
    if (current === undefined) reasons.push(`${change.address} was deleted since the plan`);
    else if (digest(liveCanonical(handler, current, ctx)) !== change.liveDigest)
      reasons.push(`${change.address} changed since the plan`);
    else {
      const reason = handler.staleReason?.(change, current);
      if (reason) reasons.push(reason);
    }
  }
  for (const [ref, id] of Object.entries(plan.refs)) {
    const [kind, ...rest] = ref.split('/') as [keyof typeof handlers, ...string[]];
    const found = byId(kind, id);
    if (found === undefined) reasons.push(`${ref} (referenced) was deleted since the plan`);
    // The id now names another object (a user whose email moved): apply would write to the wrong one.
    else {
      const now = handlers[kind].liveKeyOf(found, ctx);
      if (now !== undefined && now !== rest.join('/')) reasons.push(`${ref} (referenced) is now ${kind}/${now}`);
    }
  }
  return reasons;
}
