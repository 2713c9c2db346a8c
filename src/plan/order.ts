import { byText } from '../text-order.js';
import { handlers, KINDS } from '../kinds/index.js';
import type { Kind } from '../kinds/types.js';
import type { Change } from './types.js';

/** Kinds ordered so every kind comes after the kinds it depends on. */
export function dependencyOrder(): Kind[] {
  const out: Kind[] = [];
  const visit = (kind: Kind, path: Kind[]) => {
    if (out.includes(kind)) return;
    if (path.includes(kind)) throw new Error(`kind dependency cycle: ${[...path, kind].join(' -> ')}`);
    for (const dep of handlers[kind].dependsOn) visit(dep, [...path, kind]);
    out.push(kind);
  };
  for (const kind of KINDS) visit(kind, []);
  return out;
}

/**
 * Which phase a change runs in: creates, replaces and updates by dependency (an API and a client before the
 * grant between them), then deletes in reverse (the grant before its client). A sequential kind keeps all
 * its changes in one phase, in the order its plan chose (a freed ACL priority is reused after the move).
 */
function phaseOf(change: Change, order: Kind[]): number {
  const k = order.indexOf(change.kind);
  if (handlers[change.kind].sequential) return k;
  return change.action === 'delete' ? order.length * 2 - k : k;
}

/** Apply order; stable by address within a phase, except sequential kinds, which keep plan order. */
export function sortChanges(changes: Change[]): Change[] {
  const order = dependencyOrder();
  // Each change's phase worked out once, not twice per comparison: a large plan sorts ~100,000 pairs.
  const keyed = changes.map((change, index) => ({ change, index, phase: phaseOf(change, order), sequential: handlers[change.kind].sequential }));
  keyed.sort((a, b) => {
    const byPhase = a.phase - b.phase;
    if (byPhase !== 0) return byPhase;
    if (a.sequential) return a.index - b.index;
    return byText(a.change.address, b.change.address);
  });
  return keyed.map((k) => k.change);
}

/** Changes grouped into phases, in order; changes inside a phase may run concurrently. */
export function phases(changes: Change[]): Change[][] {
  const order = dependencyOrder();
  const groups = new Map<number, Change[]>();
  for (const change of changes) {
    const phase = phaseOf(change, order);
    // Appended in place: copying the group per change is quadratic with thousands of users in one phase.
    const group = groups.get(phase);
    if (group) group.push(change);
    else groups.set(phase, [change]);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
}
