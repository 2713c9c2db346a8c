import { z } from 'zod';
import type { Json } from '../json.js';
import { isObject } from '../json.js';
import { pick, str, builtOnce } from './common.js';
import { clientsCatalog } from './fields/clients.js';
import { canonicalFields, type FieldSemantics, withLiveDefaults } from './fields/semantics.js';
import { itemSchemaOf, managedFields, type ItemSchemaSpec } from './fields/zod.js';
import { canonicalQuota, tokenQuotaSchema } from './token-quota.js';
import {
  canonicalCredentials,
  credentialIdsInUse,
  credentialsFromLive,
  credentialsSchema,
  credentialsToApi,
  loadCredentialFiles,
} from './client-credentials.js';
import { planClients, withCredentials } from './client-credentials-plan.js';
import { syncCredentials } from './client-credentials-sync.js';
import type { KindHandler } from './types.js';
import { restCollection } from './rest.js';

const spec: ItemSchemaSpec = {
  unmanaged: {
    oidc_backchannel_logout: 'deprecated alias of oidc_logout: declaring both would fight over one setting',
    allowed_clients: 'client ids differ per tenant and are not resolved from names yet',
  },
  // Reads answer client_authentication_methods with credential ids only, so declared as such it would
  // differ forever: manifests declare the keys as `credentials`, which sets it consistently.
  declaredAs: { client_authentication_methods: 'credentials' },
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
  // The secret is write-only: sent when the client is created, never shown, never compared. So are the
  // keys and passwords add-ons hold for the services they sign tokens for.
  secrets: [
    'client_secret',
    'addons.azure_blob.storageAccessKey',
    'addons.azure_sb.sasKey',
    'addons.firebase.secret',
    'addons.firebase.private_key',
    'addons.layer.privateKey',
    'addons.sap_api.servicePassword',
    'addons.wams.masterkey',
  ],
  // A PATCH of `initiate_login_uri: ""` clears it and reads leave the key out (TestAccClientConfig).
  liveDefaults: { initiate_login_uri: '' },
};

const FIELDS = managedFields(clientsCatalog, spec);

// The global client ("All Applications") is left out of the list altogether, as deploy-cli does.
const rest = restCollection({ path: '/clients', key: 'clients', idField: 'client_id', checkpoint: true, query: { is_global: false } });

const itemSchema = builtOnce(() =>
  itemSchemaOf(clientsCatalog, spec)
    .extend({ credentials: credentialsSchema.optional() })
    .superRefine((item, ctx) => {
      // "The client_authentication_methods and token_endpoint_auth_method properties are mutually exclusive."
      if (Array.isArray(item.credentials) && item.credentials.length > 0 && item.token_endpoint_auth_method !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['token_endpoint_auth_method'],
          message: 'cannot be set with credentials: the client authenticates with its credentials (private_key_jwt or mTLS)',
        });
    }),
);

function canonicalJwt(value: Json | undefined): Json | undefined {
  if (!isObject(value)) return value;
  // secret_encoded is read-only in practice (deploy-cli strips it from updates); never compare it.
  const { secret_encoded: _ignored, ...rest } = value;
  return rest;
}

export const clients: KindHandler = {
  kind: 'clients',
  label: 'client',
  get itemSchema() {
    return itemSchema();
  },
  fields: { catalog: clientsCatalog, spec, semantics },
  keyOf: (item) => str(item.name),
  liveKeyOf: (live) => str(live.name),
  references: () => [],
  protectedReason(live, ctx) {
    if (live.global === true) return 'the global client is managed by Auth0';
    if (ctx.deployerClientId && live.client_id === ctx.deployerClientId)
      return 'tenantctl authenticates as this client';
    return undefined;
  },
  toApi(item) {
    const out = pick(item, FIELDS);
    if (item.credentials !== undefined) out.credentials = credentialsToApi(item.credentials);
    return out;
  },
  fromLive(live) {
    const out = pick(withLiveDefaults(live, semantics), FIELDS);
    out.credentials = credentialsFromLive(live.credentials, credentialIdsInUse(live.client_authentication_methods));
    return out;
  },
  loadFiles: loadCredentialFiles,
  canonicalize(body) {
    const out = canonicalFields(pick(body, FIELDS), semantics);
    const credentials = canonicalCredentials(body.credentials);
    if (credentials !== undefined) out.credentials = credentials;
    const jwt = canonicalJwt(out.jwt_configuration);
    if (jwt !== undefined) out.jwt_configuration = jwt;
    const quota = canonicalQuota(out.token_quota);
    if (quota !== undefined) out.token_quota = quota;
    return out;
  },
  // "resource_server_identifier" is accepted on create only (OAS): a different one is a different client.
  // third_party_security_mode is fixed at create too: a PATCH that changes it is a 400 (mgmt-api.md §7.3).
  replaceFields: ['resource_server_identifier', 'third_party_security_mode'],
  // A quota is compared whole, so a limit dropped from the manifest is dropped from the tenant too.
  // Credentials compare by name: one dropped from the manifest is removed after the switch to the others.
  mapFields: ['client_metadata', 'token_quota', 'credentials'],
  // A client declared without a quota has none: an old quota left behind would keep limiting it (§5).
  absentMeansNull: ['token_quota'],
  secretFields: [...(semantics.secrets ?? []), 'credentials.*.private_key'],
  dependsOn: [],
  plan: planClients,
  ...rest,
  subResources: ['credentials'],
  list: async (api, read) => {
    const live = await rest.list(api);
    return read && !read.has('credentials') ? live : withCredentials(api, live);
  },
  // Grants and connections name clients: the id and the name are all they need (no credentials per client).
  listRefs: (api) =>
    api.list('/clients', 'clients', { checkpoint: true, query: { is_global: false, fields: 'client_id,name', include_fields: true } }),
  async create(api, body) {
    // POST /clients takes no client_secret (OAS: update body only): the declared secret follows in a PATCH.
    const { credentials, client_secret: secret, ...fields } = body;
    const created = await rest.create(api, fields);
    if (typeof secret === 'string') await rest.update(api, str(created.client_id), { client_secret: secret });
    if (isObject(credentials)) await syncCredentials(api, str(created.client_id), credentials);
    return created;
  },
  async update(api, id, body) {
    const { credentials, ...fields } = body;
    // Back to a secret: the credentials go first, as the API refuses both methods at once.
    const first = isObject(credentials) && !Object.values(credentials).some(isObject);
    if (first) await syncCredentials(api, id, credentials);
    const out = Object.keys(fields).length > 0 ? await rest.update(api, id, fields) : {};
    if (isObject(credentials) && !first) await syncCredentials(api, id, credentials);
    return out;
  },
};
