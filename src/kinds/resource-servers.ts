import { byText } from '../text-order.js';
import { z } from 'zod';
import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { LOCK_IDENTIFIER } from '../lock/record.js';
import { identityOf } from './client-credentials.js';
import { pick, str, builtOnce } from './common.js';
import { resourceServersCatalog } from './fields/resourceServers.js';
import { canonicalFields, type FieldSemantics } from './fields/semantics.js';
import { itemSchemaOf, managedFields, type ItemSchemaSpec } from './fields/zod.js';
import type { KindHandler } from './types.js';
import { restCollection } from './rest.js';

const spec: ItemSchemaSpec = {
  overrides: {
    name: z
      .string()
      .max(200)
      .regex(/^[^<>]+$/, 'must not contain < or >'),
  },
};

// The HS256 signing secret is write-only: sent on create, never shown, never compared. Scopes are a set
// (canonicalScopes sorts them by value).
const semantics: FieldSemantics = { secrets: ['signing_secret'], sets: ['scopes'] };

const FIELDS = managedFields(resourceServersCatalog, spec);

/** Scopes are a set keyed by value; descriptions default to absent. */
function canonicalScopes(scopes: unknown): JsonObject[] | undefined {
  if (!Array.isArray(scopes)) return undefined;
  return scopes
    .map((s: JsonObject) => {
      const out: JsonObject = { value: s.value ?? '' };
      if (s.description !== undefined && s.description !== '') out.description = s.description;
      return out;
    })
    .sort((a, b) => byText(str(a.value), str(b.value)));
}

/**
 * The JWE key's PEM is write-only ("Auth0 will not return key material after initial creation"); reads
 * give its RFC 7638 thumbprint as `thumbprint_sha256` instead. Both sides compare that thumbprint, so a
 * new key is a change and the same key is none.
 */
function canonicalEncryption(value: Json | undefined): Json | undefined {
  if (!isObject(value) || !isObject(value.encryption_key)) return value;
  const { pem, ...key } = value.encryption_key;
  if (typeof pem === 'string') key.thumbprint_sha256 = identityOf({ pem });
  return { ...value, encryption_key: key };
}

/** A PATCH carries the live key with the declared keys changed: its read-only thumbprint must not go back. */
function withoutThumbprint(body: JsonObject): JsonObject {
  const enc = body.token_encryption;
  if (!isObject(enc) || !isObject(enc.encryption_key)) return body;
  const { thumbprint_sha256: _derived, ...key } = enc.encryption_key;
  return { ...body, token_encryption: { ...enc, encryption_key: key } };
}

const rest = restCollection({ path: '/resource-servers', key: 'resource_servers', idField: 'id' });

const itemSchema = builtOnce(() => itemSchemaOf(resourceServersCatalog, spec));

export const resourceServers: KindHandler = {
  kind: 'resourceServers',
  label: 'resource server',
  get itemSchema() {
    return itemSchema();
  },
  fields: { catalog: resourceServersCatalog, spec, semantics },
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
    const out = canonicalFields(pick(body, FIELDS), semantics);
    const scopes = canonicalScopes(out.scopes);
    if (scopes) out.scopes = scopes;
    const encryption = canonicalEncryption(out.token_encryption);
    if (encryption !== undefined) out.token_encryption = encryption;
    return out;
  },
  // "identifier ... Can not be changed once set" (OAS); it is also the key, so a change is a new object.
  replaceFields: ['identifier'],
  mapFields: [],
  secretFields: semantics.secrets,
  dependsOn: [],
  ...rest,
  update: (api, id, body) => rest.update(api, id, withoutThumbprint(body)),
};
