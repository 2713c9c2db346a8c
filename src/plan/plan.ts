import { TenantctlError } from '../errors.js';
import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { isRef } from '../kinds/common.js';
import { handlers, KINDS } from '../kinds/index.js';
import type { Kind, KindContext } from '../kinds/types.js';
import type { Desired, DesiredItem } from '../manifest/types.js';
import { address, digest, keyLive, kindContext, liveCanonical } from './context.js';
import { createFields, diffItem } from './item.js';
import { sortChanges } from './order.js';
import type { Change, Live, Plan, Skip } from './types.js';

export interface PlanOptions {
  allowDelete?: boolean;
  env?: string;
  now?: Date;
}

interface Acc {
  changes: Change[];
  skipped: Skip[];
  warnings: string[];
  errors: string[];
  refs: Record<string, string>;
}

/** Collect `{ $ref }` addresses anywhere in a body. */
function refsIn(value: Json | undefined, out: string[] = []): string[] {
  if (isRef(value)) out.push(value.$ref);
  else if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (isObject(value)) for (const v of Object.values(value)) refsIn(v, out);
  return out;
}

function markSensitive(change: Change, item: DesiredItem): Change {
  if (item.sensitive.length === 0) return change;
  const roots = new Set(item.sensitive.map((s) => String(s.path[0])));
  const fields = change.fields.map((f) =>
    roots.has(f.path.split(/[.[]/)[0] ?? '')
      ? { ...f, ...(f.from === undefined ? {} : { from: '(sensitive)' }), to: '(sensitive)', sensitive: true }
      : f,
  );
  return { ...change, fields, sensitive: item.sensitive };
}

function planKind(
  kind: Kind,
  items: DesiredItem[],
  live: Live,
  ctx: KindContext,
  opts: PlanOptions,
  acc: Acc,
) {
  const handler = handlers[kind];
  const keyed = keyLive(handler, live.kinds[kind] ?? [], ctx);
  const matched = new Set<JsonObject>();
  for (const item of items) {
    const candidates = keyed.byKey.get(item.key) ?? [];
    const desiredApi = handler.toApi(item.body);
    const desired = handler.canonicalize(desiredApi);
    for (const ref of refsIn(desiredApi)) if (!(ref in acc.refs)) acc.refs[ref] = '';
    if (candidates.length > 1) {
      const ids = candidates.map((c) => handler.idOf(c)).join(', ');
      acc.errors.push(
        `${item.address}: ${candidates.length} live ${handler.label}s share this key (ids ${ids}); rename or delete all but one`,
      );
      for (const c of candidates) matched.add(c);
      continue;
    }
    const liveRaw = candidates[0];
    if (liveRaw === undefined) {
      // Creates read in the manifest's own terms (`client: Orders Service`), not the API's (`client_id`).
      const change: Change = {
        address: item.address,
        kind,
        key: item.key,
        action: 'create',
        body: desiredApi,
        fields: createFields(item.body),
      };
      acc.changes.push(markSensitive(change, item));
      continue;
    }
    matched.add(liveRaw);
    const reason = handler.protectedReason(liveRaw, ctx);
    if (reason) {
      acc.skipped.push({
        address: item.address,
        kind,
        reason: 'protected',
        message: `never planned: ${reason}`,
      });
      continue;
    }
    const liveCanon = liveCanonical(handler, liveRaw, ctx);
    const { fields, patch, replace } = diffItem({ handler, desired, live: liveCanon, desiredApi });
    if (fields.length === 0) continue;
    const base = {
      address: item.address,
      kind,
      key: item.key,
      id: handler.idOf(liveRaw),
      fields,
      liveDigest: digest(liveCanon),
    };
    const change: Change = replace
      ? { ...base, action: 'replace', body: desiredApi }
      : { ...base, action: 'update', body: patch };
    acc.changes.push(markSensitive(change, item));
  }
  const leftovers = [...keyed.byKey.values()]
    .flat()
    .concat(keyed.unkeyed)
    .filter((c) => !matched.has(c));
  for (const liveRaw of leftovers) {
    if (handler.protectedReason(liveRaw, ctx)) continue;
    const key = handler.liveKeyOf(liveRaw, ctx) ?? handler.idOf(liveRaw);
    const addr = address(kind, key);
    if (!opts.allowDelete) {
      acc.skipped.push({
        address: addr,
        kind,
        reason: 'would-delete',
        message: 'not in the manifests; pass --allow-delete to delete it',
      });
      continue;
    }
    const liveCanon = liveCanonical(handler, liveRaw, ctx);
    acc.changes.push({
      address: addr,
      kind,
      key,
      action: 'delete',
      id: handler.idOf(liveRaw),
      fields: [],
      liveDigest: digest(liveCanon),
    });
  }
}

/** Resolve `{ $ref }` targets: an existing live object's id now, or a create in this plan later. */
function resolveRefs(live: Live, ctx: KindContext, acc: Acc) {
  const creating = new Set(
    acc.changes.filter((c) => c.action === 'create' || c.action === 'replace').map((c) => c.address),
  );
  for (const ref of Object.keys(acc.refs)) {
    const [kind, ...rest] = ref.split('/');
    const key = rest.join('/');
    const handler = handlers[kind as Kind];
    const found = (live.kinds[kind as Kind] ?? []).filter((o) => handler.liveKeyOf(o, ctx) === key);
    if (creating.has(ref)) delete acc.refs[ref];
    else if (found.length === 1 && found[0]) acc.refs[ref] = handler.idOf(found[0]);
    else {
      delete acc.refs[ref];
      const users = acc.changes.filter((c) => refsIn(c.body).includes(ref)).map((c) => c.address);
      acc.errors.push(
        `${users.join(', ')}: ${handler.label} '${key}' ${found.length === 0 ? 'does not exist in the tenant or the manifests' : 'is ambiguous in the tenant'}`,
      );
    }
  }
}

/**
 * The plan: pure and synchronous. Both sides are canonicalized by the same handler function, matched by
 * natural key, compared on declared fields only, then ordered so dependencies are created first and
 * deleted last.
 */
export function plan(desired: Desired, live: Live, opts: PlanOptions = {}): Plan {
  const ctx = kindContext(live);
  const acc: Acc = { changes: [], skipped: [], warnings: [], errors: [], refs: {} };
  const managedKinds = KINDS.filter((k) => desired.kinds[k] !== undefined);
  for (const kind of managedKinds) planKind(kind, desired.kinds[kind] ?? [], live, ctx, opts, acc);
  resolveRefs(live, ctx, acc);
  checkAudiences(desired, live, acc);
  if (acc.errors.length > 0) {
    throw new TenantctlError('plan_invalid', `the plan cannot be made:\n  ${acc.errors.join('\n  ')}`, {
      hint: 'Fix the manifests or the tenant and plan again.',
    });
  }
  const changes = sortChanges(acc.changes);
  const count = (actions: string[]) => changes.filter((c) => actions.includes(c.action)).length;
  return {
    version: 1,
    tenant: live.domain,
    ...(opts.env ? { env: opts.env } : {}),
    createdAt: (opts.now ?? new Date()).toISOString(),
    changes,
    skipped: acc.skipped,
    warnings: acc.warnings,
    refs: acc.refs,
    managedKinds,
    summary: {
      add: count(['create', 'replace']),
      change: count(['update']),
      destroy: count(['delete', 'replace']),
    },
  };
}

/** A grant's audience must be an API that exists or is declared; the API answers 404 otherwise. */
function checkAudiences(desired: Desired, live: Live, acc: Acc) {
  const known = new Set<string>([live.managementAudience]);
  for (const rs of live.kinds.resourceServers ?? [])
    if (typeof rs.identifier === 'string') known.add(rs.identifier);
  for (const rs of desired.kinds.resourceServers ?? []) known.add(rs.key);
  for (const grant of desired.kinds.clientGrants ?? []) {
    const audience = grant.body.audience;
    if (typeof audience === 'string' && !known.has(audience) && live.kinds.resourceServers !== undefined) {
      acc.errors.push(
        `${grant.address}: audience '${audience}' is not a resource server in the tenant or the manifests`,
      );
    }
  }
}
