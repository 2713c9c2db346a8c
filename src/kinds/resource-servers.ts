import { z } from 'zod';
import type { JsonObject } from '../json.js';
import { LOCK_IDENTIFIER } from '../lock/record.js';
import { pick, str } from './common.js';
import type { KindHandler } from './types.js';
import { restCollection } from './rest.js';

const FIELDS = [
  'name',
  'identifier',
  'scopes',
  'signing_alg',
  'token_lifetime',
  'token_dialect',
  'enforce_policies',
  'allow_offline_access',
  'skip_consent_for_verifiable_first_party_clients',
] as const;

const scope = z.strictObject({
  value: z.string().min(1).max(280),
  description: z.string().max(500).optional(),
});

const itemSchema = z.strictObject({
  name: z
    .string()
    .max(200)
    .regex(/^[^<>]+$/, 'must not contain < or >')
    .optional(),
  identifier: z.string().min(1).max(600),
  scopes: z.array(scope).max(1000).optional(),
  signing_alg: z.enum(['HS256', 'RS256', 'RS512', 'PS256']).optional(),
  token_lifetime: z.number().int().min(0).max(2592000).optional(),
  token_dialect: z
    .enum(['access_token', 'access_token_authz', 'rfc9068_profile', 'rfc9068_profile_authz'])
    .optional(),
  enforce_policies: z.boolean().optional(),
  allow_offline_access: z.boolean().optional(),
  skip_consent_for_verifiable_first_party_clients: z.boolean().optional(),
});

/** Scopes are a set keyed by value; descriptions default to absent. */
function canonicalScopes(scopes: unknown): JsonObject[] | undefined {
  if (!Array.isArray(scopes)) return undefined;
  return scopes
    .map((s: JsonObject) => {
      const out: JsonObject = { value: s.value ?? '' };
      if (s.description !== undefined && s.description !== '') out.description = s.description;
      return out;
    })
    .sort((a, b) => str(a.value).localeCompare(str(b.value)));
}

export const resourceServers: KindHandler = {
  kind: 'resourceServers',
  label: 'resource server',
  itemSchema,
  keyOf: (item) => str(item.identifier),
  liveKeyOf: (live) => str(live.identifier),
  references: () => [],
  protectedReason(live) {
    if (live.is_system === true) return 'system API managed by Auth0';
    if (live.identifier === LOCK_IDENTIFIER) return "tenantctl's apply lock (tenantctl unlock removes it)";
    return undefined;
  },
  toApi: (item) => pick(item, FIELDS),
  fromLive: (live) => pick(live, FIELDS),
  canonicalize(body) {
    const out = pick(body, FIELDS);
    const scopes = canonicalScopes(out.scopes);
    if (scopes) out.scopes = scopes;
    return out;
  },
  // "identifier ... Can not be changed once set" (OAS); it is also the key, so a change is a new object.
  replaceFields: ['identifier'],
  mapFields: [],
  dependsOn: [],
  ...restCollection({ path: '/resource-servers', key: 'resource_servers', idField: 'id' }),
};
