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
 * Apply order: creates, replaces and updates by dependency (an API and a client before the grant between
 * them), then deletes in reverse (the grant before its client). Stable by address within a phase.
 */
export function sortChanges(changes: Change[]): Change[] {
  const order = dependencyOrder();
  const rank = (c: Change) => {
    const k = order.indexOf(c.kind);
    return c.action === 'delete' ? order.length * 2 - k : k;
  };
  return [...changes].sort((a, b) => rank(a) - rank(b) || a.address.localeCompare(b.address));
}

/** Changes grouped into phases that may run concurrently inside, in order. */
export function phases(changes: Change[]): Change[][] {
  const order = dependencyOrder();
  const groups = new Map<string, Change[]>();
  for (const change of changes) {
    const phase = `${change.action === 'delete' ? 'd' : 'c'}:${change.kind}`;
    groups.set(phase, [...(groups.get(phase) ?? []), change]);
  }
  const keys = [...order.map((k) => `c:${k}`), ...[...order].reverse().map((k) => `d:${k}`)];
  return keys.map((k) => groups.get(k) ?? []).filter((g) => g.length > 0);
}
