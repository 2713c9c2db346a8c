import { handlers } from '../kinds/index.js';
import { digest, kindContext, liveCanonical } from './context.js';
import type { Live, Plan } from './types.js';

/**
 * Why a saved plan no longer fits the tenant: an object it changes moved since planning, or an object it
 * creates appeared. An empty list means the plan can be applied exactly as written.
 */
export function staleReasons(plan: Plan, live: Live): string[] {
  const ctx = kindContext(live);
  const reasons: string[] = [];
  for (const change of plan.changes) {
    const handler = handlers[change.kind];
    const objects = live.kinds[change.kind] ?? [];
    if (change.action === 'create') {
      if (objects.some((o) => handler.liveKeyOf(o, ctx) === change.key))
        reasons.push(`${change.address} was created since the plan`);
      continue;
    }
    const current = objects.find((o) => handler.idOf(o) === change.id);
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
    const found = (live.kinds[kind] ?? []).find((o) => handlers[kind].idOf(o) === id);
    if (found === undefined) reasons.push(`${ref} (referenced) was deleted since the plan`);
    // The id now names another object (a user whose email moved): apply would write to the wrong one.
    else {
      const now = handlers[kind].liveKeyOf(found, ctx);
      if (now !== undefined && now !== rest.join('/')) reasons.push(`${ref} (referenced) is now ${kind}/${now}`);
    }
  }
  return reasons;
}
