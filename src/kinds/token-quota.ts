import { z } from 'zod';
import type { Json } from '../json.js';
import { isObject } from '../json.js';

/**
 * Token quotas as the API validates them (mgmt-api.md §5, OAS TokenQuota / TokenQuotaClientCredentials):
 * `client_credentials` is required and strict, holds at least one of enforce/per_day/per_hour, and the
 * counts are integers in 1..2147483647.
 */
const count = z.number().int().min(1).max(2147483647);

const clientCredentials = z
  .strictObject({ enforce: z.boolean().optional(), per_day: count.optional(), per_hour: count.optional() })
  .refine((q) => Object.keys(q).length > 0, 'set at least one of enforce, per_day, per_hour');

/** `clients[].token_quota` and `organizations[].token_quota`. */
export const tokenQuotaSchema = z.strictObject({ client_credentials: clientCredentials });

/** The tenant's `default_token_quota`: quotas for clients and organizations that set none of their own. */
export const defaultTokenQuotaSchema = z
  .strictObject({ clients: tokenQuotaSchema.optional(), organizations: tokenQuotaSchema.optional() })
  .refine((q) => Object.keys(q).length > 0, 'set clients, organizations or both');

/**
 * `enforce` defaults to true ("The default is true", mgmt-api.md §5): a quota declared without it and a live
 * quota that prints `enforce: true` are the same quota, whichever way the tenant stores it.
 */
export function canonicalQuota(value: Json | undefined): Json | undefined {
  if (!isObject(value) || !isObject(value.client_credentials)) return value;
  return { ...value, client_credentials: { enforce: true, ...value.client_credentials } };
}

export function canonicalDefaultQuota(value: Json | undefined): Json | undefined {
  if (!isObject(value)) return value;
  const out = { ...value };
  for (const target of ['clients', 'organizations']) {
    const quota = canonicalQuota(out[target]);
    if (quota !== undefined) out[target] = quota;
  }
  return out;
}
