import type { JsonObject } from '../json.js';
import { digest, liveCanonical } from '../plan/context.js';
import type { Change } from '../plan/types.js';
import { canonicalJwks, describeJwk } from './jwks.js';
import { equal } from '../plan/diff.js';
import type { KindHandler, KindPlanInput, KindPlanOutput } from './types.js';

/** The id of the one live object that holds the custom signing keys. */
export const CUSTOM_KEYS_ID = 'custom-signing-keys';
const DAY = 86_400_000;

const days = (ms: number): number => Math.floor(ms / DAY);

function ageSince(value: unknown, now: Date): number | undefined {
  const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isFinite(at) ? now.getTime() - at : undefined;
}

interface Ctx {
  handler: KindHandler;
  input: KindPlanInput;
  address: string;
  out: KindPlanOutput;
}

const base = (c: Ctx, live: JsonObject) => ({
  address: c.address,
  kind: c.handler.kind,
  key: 'policy',
  id: c.handler.idOf(live),
  liveDigest: digest(liveCanonical(c.handler, live, c.input.ctx)),
});

/**
 * Previous keys older than the policy allows, by the time they stopped being current. The current and the
 * next key are never revoked, whatever their flags say (the recorded synthetic list marks a current key
 * `previous: true` too: MANIFEST.md caveat 3).
 */
function revokes(c: Ctx, keys: JsonObject[], afterDays: number): Change[] {
  const changes: Change[] = [];
  for (const key of keys) {
    if (key.current === true || key.next === true || key.previous !== true || key.revoked === true) continue;
    const age = ageSince(key.current_until, c.input.now);
    if (age === undefined || age < afterDays * DAY) continue;
    changes.push({
      ...base(c, key),
      action: 'delete',
      operation: 'revoke',
      title: `revoke signing key ${String(key.kid)} (previous, ${days(age)} days old)`,
      fields: [{ path: 'previous key', from: String(key.kid) }],
      note: `previous key for ${days(age)} days (policy: revoke after ${afterDays}); revoking is permanent and tokens signed with it stop verifying`,
    });
  }
  return changes;
}

function rotation(c: Ctx, current: JsonObject | undefined, maxAgeDays: number): Change | undefined {
  if (!current) {
    c.out.warnings.push(`${c.address}: the tenant reports no current signing key; nothing to rotate`);
    return undefined;
  }
  const age = ageSince(current.current_since, c.input.now);
  if (age === undefined || age < maxAgeDays * DAY) return undefined;
  return {
    ...base(c, current),
    action: 'update',
    operation: 'rotate',
    fields: [{ path: 'current key', from: `${String(current.kid)} (${days(age)} days old)`, to: 'the next key' }],
    note: `rotation (policy: at most ${maxAgeDays} days): the next key signs new tokens; tokens signed with the old key stay valid until it is revoked, but relying parties that pin keys must pick up the new one from /.well-known/jwks.json (Auth0 allows 5 rotations a day)`,
  };
}

/** The declared custom key set against the live one: one PUT, or a DELETE for an explicit `[]`. */
function customKeys(c: Ctx, declared: JsonObject[], live: JsonObject | undefined): Change | undefined {
  const have = canonicalJwks(live?.custom_signing_keys);
  const want = canonicalJwks(declared);
  if (equal(have, want)) return undefined;
  const field = { path: 'custom_signing_keys', from: have.map(describeJwk), to: want.map(describeJwk) };
  const liveObject = live ?? { custom_signing_keys: [] };
  if (want.length === 0) {
    if (!c.input.allowDelete) {
      c.out.skipped.push({
        address: c.address,
        kind: c.handler.kind,
        reason: 'would-delete',
        message: `custom signing keys (${have.length}) are not in the manifests; pass --allow-delete to delete them`,
      });
      return undefined;
    }
    return { ...base(c, liveObject), action: 'delete', fields: [{ ...field, to: [] }] };
  }
  const body = { keys: declared };
  if (have.length === 0) {
    const { address, kind, key } = base(c, liveObject);
    return { address, kind, key, action: 'create', body, fields: [{ path: field.path, to: field.to }] };
  }
  return { ...base(c, liveObject), action: 'update', body, fields: [field] };
}

/** Compares the policy with the live keys, relative to `input.now`. */
export function planSigningKeys(handler: KindHandler, input: KindPlanInput): KindPlanOutput {
  const out: KindPlanOutput = { changes: [], skipped: [], warnings: [], notes: [], errors: [] };
  const item = input.items[0];
  if (!item) return out;
  const c: Ctx = { handler, input, address: item.address, out };
  const policy = item.body;
  const keys = input.live.filter((l) => typeof l.kid === 'string');
  const custom = input.live.find((l) => handler.idOf(l) === CUSTOM_KEYS_ID);
  if (Array.isArray(policy.custom_signing_keys)) {
    const change = customKeys(c, policy.custom_signing_keys as JsonObject[], custom);
    if (change) out.changes.push(change);
  }
  if (typeof policy.revoke_previous_after_days === 'number')
    out.changes.push(...revokes(c, keys, policy.revoke_previous_after_days));
  const rotate = policy.rotation as { max_age_days?: number } | undefined;
  if (typeof rotate?.max_age_days === 'number') {
    const change = rotation(c, keys.find((k) => k.current === true), rotate.max_age_days);
    if (change) out.changes.push(change);
  }
  return out;
}
