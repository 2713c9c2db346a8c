import type { JsonObject } from '../json.js';
import { defaultPlanKind } from '../plan/kind-plan.js';
import type { Change } from '../plan/types.js';
import { pick } from './common.js';
import type { KindHandler, KindPlanInput, KindPlanOutput } from './types.js';

/**
 * The network-ACL plan: the default match-and-diff, then an order in which no request ever asks for a
 * priority another live ACL holds at that moment (the API answers 409, mgmt-api.md §4.1/§4.4):
 * deletes first (they free priorities), then each create/update once its priority is free; when the
 * remaining updates wait on each other in a cycle (a swap), one ACL first moves to a free temporary
 * priority. Updates are full PUTs, so every update carries the whole declared ACL.
 */
function priorityOf(body: JsonObject | undefined): number | undefined {
  return typeof body?.priority === 'number' ? body.priority : undefined;
}

function duplicatePriorities(input: KindPlanInput): string[] {
  const seen = new Map<number, string>();
  const errors: string[] = [];
  for (const item of input.items) {
    const p = priorityOf(item.body);
    if (p === undefined) continue;
    const first = seen.get(p);
    if (first) errors.push(`${item.address}: priority ${p} is also declared by ${first}; priorities are unique`);
    else seen.set(p, item.address);
  }
  return errors;
}

interface Ordering {
  input: KindPlanInput;
  handler: KindHandler;
  /** priority -> address of the ACL holding it at this point of the plan. */
  holder: Map<number, string>;
  out: KindPlanOutput;
}

/** A free priority no pending change wants, from the bottom (100) up, so the moved rule runs last. */
function freePriority(o: Ordering, pending: Change[]): number | undefined {
  const wanted = new Set(pending.map((c) => priorityOf(c.body)));
  for (let p = 100; p >= 1; p -= 1) if (!o.holder.has(p) && !wanted.has(p)) return p;
  return undefined;
}

function release(holder: Map<number, string>, address: string): void {
  for (const [p, a] of holder) if (a === address) holder.delete(p);
}

/** Moves the ACL holding `wanted` to a temporary priority; false when none is free. */
function moveAside(o: Ordering, pending: Change[], blocked: Change, wanted: number): boolean {
  const address = o.holder.get(wanted);
  const mover = pending.find((c) => c.address === address);
  const live = o.input.live.find((l) => o.handler.idOf(l) === mover?.id);
  const temp = freePriority(o, pending);
  if (!mover || !live || temp === undefined) return false;
  release(o.holder, mover.address);
  o.holder.set(temp, mover.address);
  o.out.changes.push({
    address: mover.address,
    kind: mover.kind,
    key: mover.key,
    action: 'update',
    id: mover.id,
    operation: 'move-priority',
    body: { ...pick(live, ['description', 'active', 'priority', 'rule']), priority: temp },
    fields: [{ path: 'priority', from: wanted, to: temp }],
    ...(mover.liveDigest ? { liveDigest: mover.liveDigest } : {}),
    note: `temporarily at free priority ${temp}: ${blocked.address} needs ${wanted}, and this ACL needs a priority that is still taken (a swap)`,
  });
  return true;
}

export function planNetworkAcls(handler: KindHandler, input: KindPlanInput): KindPlanOutput {
  const base = defaultPlanKind(handler, input);
  base.errors.push(...duplicatePriorities(input));
  if (base.errors.length > 0) return base;
  const items = new Map(input.items.map((i) => [i.address, i]));
  const holder = new Map<number, string>();
  for (const live of input.live) {
    const p = priorityOf(live);
    if (p !== undefined) holder.set(p, `${handler.kind}/${handler.liveKeyOf(live, input.ctx) ?? handler.idOf(live)}`);
  }
  const out: KindPlanOutput = { ...base, changes: [] };
  const o: Ordering = { input, handler, holder, out };
  const deletes = base.changes.filter((c) => c.action === 'delete');
  for (const c of deletes) release(holder, c.address);
  out.changes.push(...deletes);
  // PUT replaces the whole ACL (§4.4): send every declared field, not only the changed ones.
  const pending = base.changes
    .filter((c) => c.action !== 'delete')
    .map((c) => {
      const item = items.get(c.address);
      return c.action === 'update' && item ? { ...c, body: handler.toApi(item.body) } : c;
    });
  let reordered = false;
  while (pending.length > 0) {
    const ready = pending.findIndex((c) => {
      const h = holder.get(priorityOf(c.body) ?? 0);
      return h === undefined || h === c.address;
    });
    if (ready >= 0) {
      const [c] = pending.splice(ready, 1) as [Change];
      release(holder, c.address);
      holder.set(priorityOf(c.body) ?? 0, c.address);
      out.changes.push(c);
      continue;
    }
    const blocked = pending[0] as Change;
    const wanted = priorityOf(blocked.body) ?? 0;
    const owner = holder.get(wanted);
    if (!pending.some((c) => c.address === owner)) {
      out.errors.push(
        `${blocked.address}: priority ${wanted} is held by ${owner}, which is not in the manifests; choose another priority, or pass --allow-delete to delete it first`,
      );
      return out;
    }
    if (!moveAside(o, pending, blocked, wanted)) {
      out.errors.push(`${blocked.address}: no free priority (1..100) to move ${owner} through`);
      return out;
    }
    reordered = true;
  }
  const moves = out.changes.filter((c) => c.action !== 'create' && c.action !== 'delete');
  if (reordered || (moves.length > 1 && moves.some((c) => c.fields.some((f) => f.path === 'priority')))) {
    out.notes.push(
      'networkAcls: priorities are unique, so these changes run one at a time in the order shown and no request takes a priority another ACL still holds',
    );
  }
  return out;
}
