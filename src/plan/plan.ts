import { TenantctlError } from '../errors.js';
import { handlers, KINDS } from '../kinds/index.js';
import type { Kind, KindContext, KindPlanOutput } from '../kinds/types.js';
import type { Desired, Loc } from '../manifest/types.js';
import { exclusionMatcher } from '../manifest/exclude.js';
import { shownPath } from '../manifest/format.js';
import { didYouMean } from '../manifest/suggest.js';
import { keyLive, kindContext } from './context.js';
import { resolveDuplicates } from './duplicates.js';
import { defaultPlanKind } from './kind-plan.js';
import { dependencyOrder, sortChanges } from './order.js';
import { refsIn } from './refs.js';
import { unsetSecretsSent } from '../unset-secret.js';
import { riskOf } from './risk.js';
import { applyTargets } from './targets.js';
import type { Change, KindCount, Live, Plan } from './types.js';

export interface PlanOptions {
  allowDelete?: boolean;
  env?: string;
  now?: Date;
  /** `--target` filters: `kind` or `kind/key`; dependencies of targeted changes come along. */
  targets?: string[];
  /** Manifest paths in error messages are shown relative to this directory. */
  cwd?: string;
  /** The tenant directory as the user wrote it, for commands the plan suggests. */
  dir?: string;
}

/** Resolve `{ $ref }` targets: an existing live object's id now, or a create in this plan later. */
function resolveRefs(
  changes: Change[],
  live: Live,
  ctx: KindContext,
  errors: string[],
): Record<string, string> {
  const creating = new Set(
    changes.filter((c) => c.action === 'create' || c.action === 'replace').map((c) => c.address),
  );
  const refs: Record<string, string> = {};
  // The body's references, and the ids a handler's apply needs besides them (users-import jobs).
  const refsOf = (c: Change) => {
    const out = refsIn(c.body);
    const ids = handlers[c.kind].idsNeeded?.(c);
    if (ids) for (let i = 0; i < ids.length; i++) out.push(ids[i]!);
    return out;
  };
  // Indexed loops, no spreads: they run once per change of the plan, without the optimizing compiler.
  const wanted = new Set<string>();
  for (let i = 0; i < changes.length; i++) {
    const found = refsOf(changes[i]!);
    for (let j = 0; j < found.length; j++) wanted.add(found[j]!);
  }
  for (const ref of wanted) {
    if (creating.has(ref)) continue;
    const [kind, ...rest] = ref.split('/');
    const key = rest.join('/');
    const handler = handlers[kind as Kind];
    const objects = live.kinds[kind as Kind] ?? [];
    // Keyed once per list (cached): a plan may name thousands of users as organization members.
    const found = keyLive(handler, objects, ctx).byKey.get(key) ?? [];
    if (found.length === 1 && found[0]) refs[ref] = handler.idOf(found[0]);
    else {
      const keys = () => objects.flatMap((o) => handler.liveKeyOf(o, ctx) ?? []);
      const problem =
        found.length === 0
          ? `does not exist in the tenant or the manifests${didYouMean(key, keys())}`
          : 'is ambiguous in the tenant';
      // One line per item that names it, so each can point at its own place in the manifests.
      for (const user of changes.filter((c) => refsOf(c).includes(ref)))
        errors.push(`${user.address}: ${handler.label} '${key}' ${problem}`);
    }
  }
  return refs;
}

/** A grant's audience must be an API that exists or is declared; the API answers 404 otherwise. */
function checkAudiences(desired: Desired, live: Live, errors: string[]) {
  if (live.kinds.resourceServers === undefined) return;
  const known = new Set<string>([live.managementAudience]);
  for (const rs of live.kinds.resourceServers)
    if (typeof rs.identifier === 'string') known.add(rs.identifier);
  for (const rs of desired.kinds.resourceServers ?? []) known.add(rs.key);
  for (const grant of desired.kinds.clientGrants ?? []) {
    const audience = grant.body.audience;
    if (typeof audience === 'string' && !known.has(audience)) {
      errors.push(
        `${grant.address}: audience '${audience}' is not a resource server in the tenant or the manifests`,
      );
    }
  }
}

/**
 * Errors that begin with a declared item's address (`clients/Web: ...`) are about that item: they get its
 * `file:line:col` in front, as load-time diagnostics have, so the fix is one click away.
 */
function locateErrors(errors: string[], desired: Desired, cwd: string | undefined): string[] {
  const places = new Map<string, Loc>();
  for (const items of Object.values(desired.kinds))
    for (const item of items ?? []) if (item.loc) places.set(item.address, item.loc);
  const place = (loc: Loc) => `${shownPath(loc.file, cwd)}:${loc.line}:${loc.col}`;
  return errors.map((message) => {
    // Addresses may hold ': ' themselves (names are free text): try every split, longest address first.
    const splits = [...message.matchAll(/: /g)].map((m) => m.index).reverse();
    for (const at of splits) {
      const loc = places.get(message.slice(0, at));
      if (loc) return `${place(loc)}: ${message}`;
    }
    return message;
  });
}

function countKind(kind: Kind, desired: Desired, out: KindPlanOutput): KindCount {
  const skipped = out.skipped.length;
  const unmanaged = out.skipped.filter((s) => s.reason === 'would-delete').length;
  return { managed: (desired.kinds[kind] ?? []).length, unmanaged, skipped };
}

/** The notes of what a --target plan keeps: none for a kind it left out, recounted for a kind it cut. */
function targetedNotes(notesOf: Map<Kind, Pick<KindPlanOutput, 'notes' | 'notesFor'>>, changes: Change[]): string[] {
  return [...notesOf].flatMap(([kind, { notes, notesFor }]) => {
    const kept = changes.filter((c) => c.kind === kind);
    if (kept.length === 0) return [];
    return notesFor ? notesFor(kept) : notes;
  });
}

/**
 * The plan: pure and synchronous. Both sides are canonicalized by the same handler function, matched by
 * natural key, compared on declared fields only, then ordered so dependencies are created first and
 * deleted last.
 */
export function plan(desired: Desired, live: Live, opts: PlanOptions = {}): Plan {
  const ctx = kindContext(live);
  const now = opts.now ?? new Date();
  const managedKinds = KINDS.filter((k) => desired.kinds[k] !== undefined);
  const all: KindPlanOutput = { changes: [], skipped: [], warnings: [], notes: [], errors: [] };
  const counts: Plan['counts'] = {};
  const excluded = exclusionMatcher(desired.exclude ?? []);
  const removed = new Map<Kind, Set<string>>();
  // A kind's notes (how its users will be written) count its changes: with --target, only those kept.
  const notesOf = new Map<Kind, Pick<KindPlanOutput, 'notes' | 'notesFor'>>();
  // Dependencies first, so a kind's plan can see what its dependencies will change (new clients).
  for (const kind of dependencyOrder().filter((k) => managedKinds.includes(k))) {
    const handler = handlers[kind];
    const items = desired.kinds[kind] ?? [];
    // Objects people manage by hand (`exclude:`) are invisible to the plan: never changed or deleted.
    const liveOfKind = live.kinds[kind] ?? [];
    const visible = (desired.exclude ?? []).length === 0 ? liveOfKind : liveOfKind.filter((o) => {
      const key = handler.liveKeyOf(o, ctx);
      return key === undefined || excluded(kind, key) === undefined;
    });
    const dups = resolveDuplicates({
      handler,
      items,
      live: visible,
      ctx,
      allowDelete: opts.allowDelete ?? false,
      removed,
      command: { dir: opts.dir ?? 'DIR', env: opts.env ?? 'ENV' },
      cwd: opts.cwd,
    });
    const input = {
      items,
      live: dups.live,
      ctx,
      allowDelete: opts.allowDelete ?? false,
      now,
      planned: [...all.changes],
      liveKinds: live.kinds,
      ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    };
    const own = handler.plan ? handler.plan(handler, input) : defaultPlanKind(handler, input);
    const out: KindPlanOutput = {
      ...own,
      changes: [...own.changes, ...dups.changes],
      skipped: [...own.skipped, ...dups.skipped],
      warnings: [...own.warnings, ...dups.warnings],
      errors: [...dups.errors, ...own.errors],
    };
    counts[kind] = countKind(kind, desired, out);
    for (const field of ['changes', 'skipped', 'warnings', 'errors'] as const) (all[field] as unknown[]).push(...out[field]);
    notesOf.set(kind, out);
  }
  const targeted = opts.targets?.length
    ? applyTargets(all.changes, opts.targets)
    : { changes: all.changes, skipped: [] };
  const refs = resolveRefs(targeted.changes, live, ctx, all.errors);
  checkAudiences(desired, live, all.errors);
  if (all.errors.length > 0) {
    const errors = locateErrors(all.errors, desired, opts.cwd);
    throw new TenantctlError('plan_invalid', `the plan cannot be made:\n  ${errors.join('\n  ')}`, {
      hint: 'Fix the manifests or the tenant and plan again.',
    });
  }
  const changes = sortChanges(targeted.changes).map((c) => {
    const risk = riskOf(c);
    return risk ? { ...c, risk } : c;
  });
  const needSecrets: string[] = [];
  for (const c of changes) {
    if (c.risk) all.warnings.push(`${c.address}: lock-out risk; apply refuses it without --allow-lockout-risk`);
    const unset = unsetSecretsSent(c);
    if (unset.length > 0) needSecrets.push(`${c.address}: this ${c.action} sends a secret from ${unset.join(', ')}, which is not set here; apply needs it`);
  }
  // An exported tenant applied to a new one sends every secret: a few lines say so, not thousands.
  all.warnings.push(...needSecrets.slice(0, 5));
  if (needSecrets.length > 5) all.warnings.push(`${needSecrets.length - 5} more change(s) send secrets whose variables are not set here; apply needs them`);
  const count = (actions: string[]) => changes.filter((c) => actions.includes(c.action)).length;
  return {
    version: 1,
    tenant: live.domain,
    ...(opts.env ? { env: opts.env } : {}),
    createdAt: now.toISOString(),
    changes,
    skipped: [...all.skipped, ...targeted.skipped],
    warnings: all.warnings,
    notes: opts.targets?.length ? targetedNotes(notesOf, changes) : [...notesOf.values()].flatMap((o) => o.notes),
    refs,
    managedKinds,
    // What the live read covered, so a saved plan's apply re-reads exactly that.
    ...(live.subReads ? { subReads: live.subReads } : {}),
    summary: {
      add: count(['create', 'replace']),
      change: count(['update']),
      destroy: count(['delete', 'replace']),
    },
    counts,
    ...(opts.targets?.length ? { targets: opts.targets } : {}),
  };
}
