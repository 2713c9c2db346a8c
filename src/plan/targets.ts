import { byText } from '../text-order.js';
import { TenantctlError } from '../errors.js';
import { handlers, KINDS } from '../kinds/index.js';
import type { Kind } from '../kinds/types.js';
import type { Desired } from '../manifest/types.js';
import { levenshtein } from '../manifest/suggest.js';
import { kindContext } from './context.js';
import { refsIn } from './refs.js';
import type { Change, Live, Skip } from './types.js';

/** Every address a target may name: declared items and live objects of the managed kinds. */
export function knownAddresses(desired: Desired, live: Live): Set<string> {
  const ctx = kindContext(live);
  const known = new Set<string>();
  for (const items of Object.values(desired.kinds)) for (const item of items ?? []) known.add(item.address);
  for (const [kind, objects] of Object.entries(live.kinds) as [Kind, Live['kinds'][Kind]][]) {
    for (const object of objects ?? []) {
      const key = handlers[kind].liveKeyOf(object, ctx);
      if (key !== undefined) known.add(`${kind}/${key}`);
    }
  }
  return known;
}

/** Up to three candidates within a plausible typo of `word` (a third of its length, at least 2 edits). */
function nearest(word: string, candidates: Iterable<string>): string[] {
  const limit = Math.max(2, Math.floor(word.length / 3));
  return [...candidates]
    .map((c) => ({ c, d: levenshtein(word.toLowerCase(), c.toLowerCase()) }))
    .filter(({ d }) => d <= limit)
    .sort((a, b) => a.d - b.d || byText(a.c, b.c))
    .slice(0, 3)
    .map(({ c }) => c);
}

/** What is wrong with a target's kind (unknown, or not managed by the manifests), if anything. */
function kindProblem(target: string, managed: readonly string[], known: Set<string>): string | undefined {
  const slash = target.indexOf('/');
  const kind = slash === -1 ? target : target.slice(0, slash);
  if (!(KINDS as readonly string[]).includes(kind)) {
    const rest = slash === -1 ? '' : target.slice(slash);
    const guesses = nearest(kind, KINDS).map((k) => `${k}${rest}`);
    const exact = guesses.filter((g) => slash === -1 || known.has(g));
    const hint = (exact.length > 0 ? exact : guesses).slice(0, 3);
    return `'${target}': unknown kind '${kind}'${hint.length > 0 ? ` (did you mean ${hint.join(' or ')}?)` : ` (kinds are ${KINDS.join(', ')})`}`;
  }
  if (!managed.includes(kind)) {
    return `'${target}': the manifests do not manage ${kind} (no \`${kind}:\` section), so nothing can match it`;
  }
  return undefined;
}

function problemWith(target: string, managed: readonly string[], known: Set<string>): string | undefined {
  const problem = kindProblem(target, managed, known);
  if (problem !== undefined) return problem;
  const slash = target.indexOf('/');
  const kind = slash === -1 ? target : target.slice(0, slash);
  if (slash === -1 || known.has(target)) return undefined;
  const guesses = nearest(target, [...known].filter((a) => a.startsWith(`${kind}/`)));
  return `'${target}' matches no declared or live resource${guesses.length > 0 ? ` (did you mean ${guesses.join(' or ')}?)` : ''}`;
}

/**
 * A target that matches nothing would make an empty plan that reads as "the tenant matches", so a typo in
 * a CI job would pass: every target must name a managed kind or an address that is declared or live.
 */
export function checkTargets(targets: readonly string[], managed: readonly string[], known: Set<string>): void {
  throwIfAny(targets.flatMap((t) => problemWith(t, managed, known) ?? []));
}

/**
 * The targets' kinds, checked before the tenant is read (`declared`: the manifests' addresses): a typo
 * such as `client/Web` was reported only after reading every managed kind, minutes on a large tenant
 * under the rate limit, though the manifests alone show it.
 */
export function checkTargetKinds(targets: readonly string[], managed: readonly string[], declared: Set<string>): void {
  throwIfAny(targets.flatMap((t) => kindProblem(t, managed, declared) ?? []));
}

function throwIfAny(problems: string[]): void {
  if (problems.length === 0) return;
  throw new TenantctlError('unknown_target', `--target ${problems.join('; ')}`, {
    hint: 'Targets are a kind (clients) or kind/key as the plan prints it (clients/Orders Service).',
  });
}

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
