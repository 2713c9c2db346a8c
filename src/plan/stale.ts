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
  }
  for (const [ref, id] of Object.entries(plan.refs)) {
    const [kind] = ref.split('/') as [keyof typeof handlers];
    if (!(live.kinds[kind] ?? []).some((o) => handlers[kind].idOf(o) === id))
      reasons.push(`${ref} (referenced) was deleted since the plan`);
  }
  return reasons;
}
