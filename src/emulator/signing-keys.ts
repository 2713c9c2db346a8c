import type { JWK } from 'jose';
import type { JsonObject } from '../json.js';
import { newKeyMaterial, publicFields } from './rsa-keys.js';
import { insert } from './store.js';
import type { EmulatorState, Entity } from './types.js';

/**
 * The tenant's application signing keys (mgmt-api.md §6.1): exactly one current and one next key, and any
 * number of previous keys. Each stored key keeps its JWKs under `jwk` (public) and `private_jwk`; the API
 * view (`signingKeyView`) never shows either.
 */
const DAY = 86_400_000;
const VIEW_FIELDS = [
  'kid',
  'cert',
  'pkcs7',
  'current',
  'next',
  'previous',
  'current_since',
  'current_until',
  'fingerprint',
  'thumbprint',
  'revoked',
  'revoked_at',
];

export const keysOf = (state: EmulatorState): Entity[] => state.collections.signingKeys;

function keyData(material: { kid: string; publicJwk: JWK; privateJwk: JWK }, role: JsonObject): JsonObject {
  return {
    kid: material.kid,
    ...publicFields(material.publicJwk),
    current: false,
    next: false,
    previous: false,
    revoked: false,
    ...role,
    jwk: material.publicJwk as JsonObject,
    private_jwk: material.privateJwk as JsonObject,
  };
}

export function signingKeyView(e: Entity): JsonObject {
  const out: JsonObject = {};
  for (const field of VIEW_FIELDS) if (e.data[field] !== undefined) out[field] = e.data[field];
  return out;
}

/**
 * A state without signing keys (new, or written before they existed) gets its token key as the current
 * key, so tokens already issued stay valid, and a fresh next key.
 */
export function ensureSigningKeys(state: EmulatorState, now = new Date()): void {
  state.collections.signingKeys ??= [];
  state.collections.customSigningKeys ??= [];
  const keys = keysOf(state);
  if (!keys.some((e) => e.data.current === true)) {
    const { kid, publicJwk, privateJwk } = state.signingKey;
    insert(state, 'signingKeys', keyData({ kid, publicJwk, privateJwk }, { current: true, current_since: now.toISOString() }));
  }
  if (!keys.some((e) => e.data.next === true)) insert(state, 'signingKeys', keyData(newKeyMaterial(), { next: true }));
}

/** Rotate: next becomes current, current becomes previous, and a new next key is made (§6.1). */
export function rotateSigningKeys(state: EmulatorState, now = new Date()): Entity {
  const at = now.toISOString();
  for (const e of keysOf(state)) {
    if (e.data.current === true) Object.assign(e.data, { current: false, previous: true, current_until: at });
    else if (e.data.next === true) Object.assign(e.data, { next: false, current: true, current_since: at });
  }
  return insert(state, 'signingKeys', keyData(newKeyMaterial(), { next: true }));
}

/** Moves every key timestamp `days` into the past (a control endpoint: tests age keys without waiting). */
export function ageSigningKeys(state: EmulatorState, days: number): void {
  for (const e of keysOf(state)) {
    for (const field of ['current_since', 'current_until', 'revoked_at']) {
      const value = e.data[field];
      if (typeof value === 'string') e.data[field] = new Date(Date.parse(value) - days * DAY).toISOString();
    }
  }
}

/** What /.well-known/jwks.json serves: current, next, and previous keys that are not revoked (§6.1). */
export function publishedJwks(state: EmulatorState): JWK[] {
  const rank = (e: Entity) => (e.data.current === true ? 0 : e.data.next === true ? 1 : 2);
  return keysOf(state)
    .filter((e) => e.data.revoked !== true)
    .sort((a, b) => rank(a) - rank(b))
    .map((e) => e.data.jwk as JWK);
}

/** The key `/oauth/token` signs with: the current one (the legacy `state.signingKey` before any exists). */
export function currentSigningKey(state: EmulatorState): { kid: string; privateJwk: JWK } {
  const current = (state.collections.signingKeys ?? []).find((e) => e.data.current === true);
  if (!current) return state.signingKey;
  return { kid: String(current.data.kid), privateJwk: current.data.private_jwk as JWK };
}
