import { handlers } from '../kinds/index.js';
import { refsIn } from './refs.js';
import type { Change, Skip } from './types.js';

function matches(change: Change, target: string): boolean {
  return target === change.kind || target === change.address;
}

/**
 * Addresses a change needs to exist first: its `$ref`s, and objects of a kind it depends on that its body
 * names by natural key rather than by reference (a grant's `audience` is an API's identifier).
 */
function needs(change: Change): string[] {
  const values = Object.values(change.body ?? {}).filter((v): v is string => typeof v === 'string');
  const named = handlers[change.kind].dependsOn.flatMap((kind) => values.map((v) => `${kind}/${v}`));
  return [...refsIn(change.body), ...named];
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
    for (const ref of needs(change)) {
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
