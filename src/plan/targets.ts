import { refsIn } from './refs.js';
import type { Change, Skip } from './types.js';

function matches(change: Change, target: string): boolean {
  return target === change.kind || target === change.address;
}

/**
 * `--target kind/key` (or a whole `kind`): keep the changes named, plus the creates they need (a grant's
 * client, if it is being created too). Everything else is listed as skipped so nobody mistakes a
 * targeted plan for the whole picture.
 */
export function applyTargets(changes: Change[], targets: string[]): { changes: Change[]; skipped: Skip[] } {
  const keep = new Set(changes.filter((c) => targets.some((t) => matches(c, t))));
  const byAddress = new Map(changes.map((c) => [c.address, c]));
  const pending = [...keep];
  while (pending.length > 0) {
    const change = pending.pop() as Change;
    for (const ref of refsIn(change.body)) {
      const dep = byAddress.get(ref);
      if (dep && !keep.has(dep) && (dep.action === 'create' || dep.action === 'replace')) {
        keep.add(dep);
        pending.push(dep);
      }
    }
  }
  const skipped: Skip[] = changes
    .filter((c) => !keep.has(c))
    .map((c) => ({
      address: c.address,
      kind: c.kind,
      reason: 'untargeted',
      message: `${c.action} left out by --target`,
    }));
  return { changes: changes.filter((c) => keep.has(c)), skipped };
}
