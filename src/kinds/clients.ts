import { z } from 'zod';
import type { Json } from '../json.js';
import { isObject } from '../json.js';
import { pick, str } from './common.js';
import { clientsCatalog } from './fields/clients.js';
import { canonicalFields, type FieldSemantics } from './fields/semantics.js';
import { itemSchemaOf, managedFields, type ItemSchemaSpec } from './fields/zod.js';
import { canonicalQuota, tokenQuotaSchema } from './token-quota.js';
import type { KindHandler } from './types.js';
import { restCollection } from './rest.js';

const spec: ItemSchemaSpec = {
  unmanaged: {
    oidc_backchannel_logout: 'deprecated alias of oidc_logout: declaring both would fight over one setting',
    allowed_clients: 'client ids differ per tenant and are not resolved from names yet',
  },
  overrides: {
    name: z
      .string()
      .min(1)
      .regex(/^[^<>]+$/, 'must not contain < or >'),
    grant_types: z
      .array(z.string().min(1))
      .refine((list) => new Set(list).size === list.length, 'grant types must be unique'),
    // "object of <=10 string values (<=255 chars)" (OAS client_metadata description, not its schema)
    client_metadata: z
      .record(z.string().max(255), z.string().max(255))
      .refine((m) => Object.keys(m).length <= 10, 'at most 10 keys'),
    token_quota: tokenQuotaSchema,
  },
};

const semantics: FieldSemantics = {
  // `callbacks` and `allowed_logout_urls` are ordered: the first callback is the default redirect.
  sets: ['web_origins', 'allowed_origins', 'grant_types', 'client_aliases', 'organization_discovery_methods'],
  // The secret is write-only: sent when the client is created, never shown, never compared.
  secrets: ['client_secret'],
};

const FIELDS = managedFields(clientsCatalog, spec);

function canonicalJwt(value: Json | undefined): Json | undefined {
  if (!isObject(value)) return value;
  // secret_encoded is read-only in practice (deploy-cli strips it from updates); never compare it.
  const { secret_encoded: _ignored, ...rest } = value;
  return rest;
}

export const clients: KindHandler = {
  kind: 'clients',
  label: 'client',
  itemSchema: itemSchemaOf(clientsCatalog, spec),
  keyOf: (item) => str(item.name),
  liveKeyOf: (live) => str(live.name),
  references: () => [],
  protectedReason(live, ctx) {
    if (live.global === true) return 'the global client is managed by Auth0';
    if (ctx.deployerClientId && live.client_id === ctx.deployerClientId)
      return 'tenantctl authenticates as this client';
    return undefined;
  },
  toApi: (item) => pick(item, FIELDS),
  fromLive: (live) => pick(live, FIELDS),
  canonicalize(body) {
    const out = canonicalFields(pick(body, FIELDS), semantics);
    const jwt = canonicalJwt(out.jwt_configuration);
    if (jwt !== undefined) out.jwt_configuration = jwt;
    const quota = canonicalQuota(out.token_quota);
    if (quota !== undefined) out.token_quota = quota;
    return out;
  },
  // "resource_server_identifier" is accepted on create only (OAS): a different one is a different client.
  replaceFields: ['resource_server_identifier'],
  // A quota is compared whole, so a limit dropped from the manifest is dropped from the tenant too.
  mapFields: ['client_metadata', 'token_quota'],
  // A client declared without a quota has none: an old quota left behind would keep limiting it (§5).
  absentMeansNull: ['token_quota'],
  secretFields: semantics.secrets,
  dependsOn: [],
  // The global client ("All Applications") is left out of the list altogether, as deploy-cli does.
  ...restCollection({ path: '/clients', key: 'clients', idField: 'client_id', checkpoint: true, query: { is_global: false } }),
};
