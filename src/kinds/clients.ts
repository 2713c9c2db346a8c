import { z } from 'zod';
import type { Json } from '../json.js';
import { isObject } from '../json.js';
import { pick, sortSets, str } from './common.js';
import { canonicalQuota, tokenQuotaSchema } from './token-quota.js';
import type { KindHandler } from './types.js';
import { restCollection } from './rest.js';

const FIELDS = [
  'name',
  'app_type',
  'description',
  'callbacks',
  'allowed_logout_urls',
  'web_origins',
  'allowed_origins',
  'grant_types',
  'token_endpoint_auth_method',
  'jwt_configuration',
  'client_metadata',
  'oidc_conformant',
  'is_first_party',
  'token_quota',
] as const;

/** Arrays whose order carries no meaning to Auth0; sorted on both sides so reordering is not drift. */
const SETS = ['callbacks', 'allowed_logout_urls', 'web_origins', 'allowed_origins', 'grant_types'] as const;

const urls = z.array(z.string().min(1));

const itemSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .regex(/^[^<>]+$/, 'must not contain < or >'),
  app_type: z
    .enum([
      'native',
      'spa',
      'regular_web',
      'non_interactive',
      'resource_server',
      'express_configuration',
      'rms',
      'box',
      'sso_integration',
      'oag',
    ])
    .optional(),
  description: z.string().max(140).optional(),
  callbacks: urls.optional(),
  allowed_logout_urls: urls.optional(),
  web_origins: urls.optional(),
  allowed_origins: urls.optional(),
  grant_types: z
    .array(z.string().min(1))
    .refine((list) => new Set(list).size === list.length, 'grant types must be unique')
    .optional(),
  token_endpoint_auth_method: z.enum(['none', 'client_secret_post', 'client_secret_basic']).optional(),
  jwt_configuration: z
    .strictObject({
      lifetime_in_seconds: z.number().int().min(0).optional(),
      scopes: z.record(z.string(), z.string()).optional(),
      alg: z.enum(['HS256', 'RS256', 'RS512', 'PS256']).optional(),
    })
    .optional(),
  // "object of <=10 string values (<=255 chars)" (OAS client_metadata)
  client_metadata: z
    .record(z.string().max(255), z.string().max(255))
    .refine((m) => Object.keys(m).length <= 10, 'at most 10 keys')
    .optional(),
  oidc_conformant: z.boolean().optional(),
  is_first_party: z.boolean().optional(),
  token_quota: tokenQuotaSchema.optional(),
});

function canonicalJwt(value: Json | undefined): Json | undefined {
  if (!isObject(value)) return value;
  // secret_encoded is read-only in practice (deploy-cli strips it from updates); never compare it.
  const { secret_encoded: _ignored, ...rest } = value;
  return rest;
}

export const clients: KindHandler = {
  kind: 'clients',
  label: 'client',
  itemSchema,
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
    const out = sortSets(pick(body, FIELDS), SETS);
    const jwt = canonicalJwt(out.jwt_configuration);
    if (jwt !== undefined) out.jwt_configuration = jwt;
    const quota = canonicalQuota(out.token_quota);
    if (quota !== undefined) out.token_quota = quota;
    return out;
  },
  replaceFields: [],
  // A quota is compared whole, so a limit dropped from the manifest is dropped from the tenant too.
  mapFields: ['client_metadata', 'token_quota'],
  // A client declared without a quota has none: an old quota left behind would keep limiting it (§5).
  absentMeansNull: ['token_quota'],
  dependsOn: [],
  // The global client ("All Applications") is left out of the list altogether, as deploy-cli does.
  ...restCollection({ path: '/clients', key: 'clients', idField: 'client_id', checkpoint: true, query: { is_global: false } }),
};
