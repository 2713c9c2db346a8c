import { isObject, type JsonObject } from '../json.js';
import type { EmulatorState } from './types.js';

/**
 * Token quotas on client-credentials tokens: a client's own `token_quota`, else the tenant's
 * `default_token_quota.clients`. Each issued token counts against the hour and day windows; the answer
 * carries `Auth0-Client-Quota-Limit: b=per_hour;q=Q;r=R;t=SECONDS,b=per_day;...` (the form the Auth0 SDKs
 * parse), and an enforced quota that is used up answers 429 with the same header. Counts live in memory,
 * per tenant state: a restart or a reset starts the windows afresh.
 */
export interface QuotaAnswer {
  headers: Record<string, string>;
  /** The OAuth error body when an enforced quota is used up: the token is refused. */
  refused?: JsonObject;
}

const WINDOWS = [
  { bucket: 'per_hour', seconds: 3600 },
  { bucket: 'per_day', seconds: 86400 },
] as const;

function quotaOf(state: EmulatorState, clientId: string): JsonObject | undefined {
  const client = state.collections.clients.find((c) => c.data.client_id === clientId)?.data;
  const own = isObject(client?.token_quota) ? client.token_quota.client_credentials : undefined;
  if (isObject(own)) return own;
  const settings = state.collections.tenantSettings[0]?.data;
  const defaults = isObject(settings?.default_token_quota) ? settings.default_token_quota.clients : undefined;
  const fallback = isObject(defaults) ? defaults.client_credentials : undefined;
  return isObject(fallback) ? fallback : undefined;
}

const counts = new WeakMap<EmulatorState, Map<string, number>>();

/** Counts one token for the client, or refuses it when an enforced quota is used up. */
export function countToken(state: EmulatorState, clientId: string, now: number): QuotaAnswer {
  const quota = quotaOf(state, clientId);
  if (!quota) return { headers: {} };
  const used = counts.get(state) ?? new Map<string, number>();
  counts.set(state, used);
  const parts: string[] = [];
  const slots: string[] = [];
  let exhausted = false;
  for (const { bucket, seconds } of WINDOWS) {
    const limit = quota[bucket];
    if (typeof limit !== 'number') continue;
    const slot = `${clientId}:${bucket}:${Math.floor(now / 1000 / seconds)}`;
    const count = used.get(slot) ?? 0;
    if (count >= limit) exhausted = true;
    slots.push(slot);
    const reset = seconds - (Math.floor(now / 1000) % seconds);
    parts.push(`b=${bucket};q=${limit};r=${Math.max(0, limit - count - 1)};t=${reset}`);
  }
  if (parts.length === 0) return { headers: {} };
  const headers = { 'auth0-client-quota-limit': parts.join(',') };
  if (exhausted && quota.enforce !== false)
    return { headers, refused: { error: 'too_many_requests', error_description: 'Token quota exceeded for this client' } };
  for (const slot of slots) used.set(slot, (used.get(slot) ?? 0) + 1);
  return { headers };
}
