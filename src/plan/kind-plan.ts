import type { JsonObject } from '../json.js';
import type { KindHandler, KindPlanInput, KindPlanOutput } from '../kinds/types.js';
import type { DesiredItem } from '../manifest/types.js';
import { address, digest, keyLive, liveCanonical } from './context.js';
import { createFields, diffItem } from './item.js';
import type { Change } from './types.js';

/** Fields that came from env-bound keywords show as (sensitive), on both sides. */
export function markSensitive(change: Change, item: DesiredItem): Change {
  if (item.sensitive.length === 0) return change;
  const roots = new Set(item.sensitive.map((s) => String(s.path[0])));
  const fields = change.fields.map((f) =>
    roots.has(f.path.split(/[.[]/)[0] ?? '')
      ? { ...f, ...(f.from === undefined ? {} : { from: '(sensitive)' }), to: '(sensitive)', sensitive: true }
      : f,
  );
  return { ...change, fields, sensitive: item.sensitive };
}

/** One declared item against its live object (or none): a create, an update, a replace, or nothing. */
export function planItem(
  handler: KindHandler,
  item: DesiredItem,
  liveRaw: JsonObject | undefined,
  input: KindPlanInput,
): Change | undefined {
  const { kind } = handler;
  const desiredApi = handler.toApi(item.body);
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
    return markSensitive(change, item);
  }
  const desired = handler.canonicalize(desiredApi);
  const liveCanon = liveCanonical(handler, liveRaw, input.ctx);
  for (const field of handler.absentMeansNull ?? []) {
    const live = liveCanon[field];
    if (!(field in desired) && live !== undefined && live !== null) desired[field] = null;
  }
  const { fields, patch, replace } = diffItem({ handler, desired, live: liveCanon, desiredApi });
  if (fields.length === 0) return undefined;
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
  return markSensitive(change, item);
}

/**
 * The default plan for a kind: match declared items to live objects by natural key, diff declared fields,
 * and list live leftovers as deletes (with --allow-delete) or "would delete, skipped". Protected objects
 * are never planned.
 */
export function defaultPlanKind(handler: KindHandler, input: KindPlanInput): KindPlanOutput {
  const out: KindPlanOutput = { changes: [], skipped: [], warnings: [], notes: [], errors: [] };
  const { kind } = handler;
  const keyed = keyLive(handler, input.live, input.ctx);
  const matched = new Set<JsonObject>();
  for (const item of input.items) {
    const candidates = keyed.byKey.get(item.key) ?? [];
    for (const c of candidates) matched.add(c);
    if (candidates.length > 1) {
      const ids = candidates.map((c) => handler.idOf(c)).join(', ');
      out.errors.push(
        `${item.address}: ${candidates.length} live ${handler.label}s share this key (ids ${ids}); rename or delete all but one`,
      );
      continue;
    }
    const liveRaw = candidates[0];
    const reason = liveRaw && handler.protectedReason(liveRaw, input.ctx);
    if (reason) {
      out.skipped.push({
        address: item.address,
        kind,
        reason: 'protected',
        message: `never planned: ${reason}`,
      });
      continue;
    }
    const change = planItem(handler, item, liveRaw, input);
    if (change) out.changes.push(change);
  }
  const leftovers = [...keyed.byKey.values()]
    .flat()
    .concat(keyed.unkeyed)
    .filter((c) => !matched.has(c));
  for (const liveRaw of leftovers) {
    if (handler.protectedReason(liveRaw, input.ctx) || handler.singleton) continue;
    const key = handler.liveKeyOf(liveRaw, input.ctx) ?? handler.idOf(liveRaw);
    const addr = address(kind, key);
    if (!input.allowDelete) {
      out.skipped.push({
        address: addr,
        kind,
        reason: 'would-delete',
        message: 'not in the manifests; pass --allow-delete to delete it',
      });
      continue;
    }
    const liveDigest = digest(liveCanonical(handler, liveRaw, input.ctx));
    out.changes.push({
      address: addr,
      kind,
      key,
      action: 'delete',
      id: handler.idOf(liveRaw),
      fields: [],
      liveDigest,
    });
  }
  return out;
}
