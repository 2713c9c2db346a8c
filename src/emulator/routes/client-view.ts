import type { JsonObject } from '../../json.js';
import type { QueryValues } from '../query.js';
import type { Entity, TenantConfig } from '../types.js';

/**
 * What a caller may read of a client, by token scope (OAS GET /clients notes, mgmt-api.md §7.3):
 * - `client_id`, `app_type`, `name`, `description` with any scope (read:client_summary);
 * - most settings with read:clients or read:client_keys;
 * - secrets and credentials only with read:client_keys or read:client_credentials.
 */
const SUMMARY_FIELDS = ['client_id', 'app_type', 'name', 'description'];
const SECRET_FIELDS = ['client_secret', 'encryption_key', 'signing_keys', 'client_authentication_methods'];

export type Visibility = 'summary' | 'settings' | 'secrets';

export function visibilityFor(scopes: ReadonlySet<string>): Visibility {
  if (scopes.has('read:client_keys') || scopes.has('read:client_credentials')) return 'secrets';
  if (scopes.has('read:clients')) return 'settings';
  return 'summary';
}

export interface ViewOptions {
  visibility: Visibility;
  tenant: TenantConfig;
  fields?: QueryValues;
}

/**
 * The client as the API prints it; `fields` selections print `tenant`, which the API always adds
 * there ("fields=client_id" → `{tenant, client_id}`, TestAccGlobalClient).
 */
export function clientView(e: Entity, o: ViewOptions): JsonObject {
  const data = structuredClone(e.data);
  // A client authenticating with private_key_jwt/mTLS credentials shows no secret (TestAccClientCredentialsImport).
  if (data.client_authentication_methods) delete data.client_secret;
  if (o.visibility !== 'secrets') for (const k of SECRET_FIELDS) delete data[k];
  if (o.visibility === 'summary') {
    for (const k of Object.keys(data)) if (!SUMMARY_FIELDS.includes(k)) delete data[k];
  }
  const fields = typeof o.fields?.fields === 'string' ? o.fields.fields.split(',').filter(Boolean) : [];
  if (fields.length > 0) {
    const include = o.fields?.include_fields !== false;
    const picked: JsonObject = include ? { tenant: o.tenant.tenantName } : {};
    for (const [k, v] of Object.entries(data)) {
      if (include === fields.includes(k)) picked[k] = v;
    }
    if (include && fields.includes('global')) picked.global = e.data.global === true;
    return picked;
  }
  // Recorded client bodies never show `global` (DESIGN: where spec and recordings disagree, recordings win);
  // clients find the global client with the `is_global` filter instead.
  delete data.global;
  return data;
}
