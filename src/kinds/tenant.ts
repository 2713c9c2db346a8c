import { TenantctlError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { pick, builtOnce } from './common.js';
import { tenantCatalog } from './fields/tenant.js';
import { fieldSchema, itemSchemaOf, managedFields, type ItemSchemaSpec } from './fields/zod.js';
import { canonicalDefaultQuota, defaultTokenQuotaSchema } from './token-quota.js';
import type { KindHandler } from './types.js';

/**
 * Settings the API leaves out of its answer while they are empty: a PATCH of `default_redirection_uri: ""`
 * removes the key (TestAccTenant_Main), and a fresh tenant prints no support_email/support_url.
 */
const EMPTY_WHEN_ABSENT: Record<string, string | string[]> = {
  picture_url: '',
  support_email: '',
  support_url: '',
  default_redirection_uri: '',
  default_audience: '',
  default_directory: '',
  allowed_logout_urls: [],
};

/** A flag real PATCHes send that the OAS TenantSettingsFlags does not list (TestAccTenant_Main). */
const flagsField = tenantCatalog.fields.flags!;
const flags = fieldSchema({
  ...flagsField,
  properties: { ...flagsField.properties, use_scope_descriptions_for_consent: { type: 'boolean' } },
});

/**
 * Session lifetimes: the API takes whole hours or `*_in_minutes`, and answers in hours (a float once set in
 * minutes; seed-digest "Session durations"). A manifest declares one form per lifetime; the plan compares
 * and speaks the form it declared.
 */
const LIFETIMES = [
  'session_lifetime',
  'idle_session_lifetime',
  'ephemeral_session_lifetime',
  'idle_ephemeral_session_lifetime',
] as const;

const spec: ItemSchemaSpec = { overrides: { flags, default_token_quota: defaultTokenQuotaSchema } };

const FIELDS = managedFields(tenantCatalog, spec);

const itemSchema = builtOnce(() =>
  itemSchemaOf(tenantCatalog, spec).superRefine((item, ctx) => {
    for (const hours of LIFETIMES) {
      if (item[hours] !== undefined && item[`${hours}_in_minutes`] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [`${hours}_in_minutes`],
          message: `declare either '${hours}' (hours) or '${hours}_in_minutes', not both`,
        });
    }
  }),
);

/** Live lifetimes in hours -> the minutes forms, rounded as the deploy tool does (Math.round(hours*60)). */
function withMinutes(live: JsonObject): JsonObject {
  const out = { ...live };
  for (const hours of LIFETIMES) {
    const value = live[hours];
    if (typeof value === 'number') out[`${hours}_in_minutes`] = Math.round(value * 60);
  }
  return out;
}

export const TENANT_SETTINGS_KEY = 'settings';

const notPossible = (what: string) =>
  new TenantctlError('tenant_settings', `tenant settings always exist and cannot be ${what}`);

export const tenant: KindHandler = {
  kind: 'tenant',
  label: 'tenant settings',
  get itemSchema() {
    return itemSchema();
  },
  fields: { catalog: tenantCatalog, spec },
  singleton: true,
  keyOf: () => TENANT_SETTINGS_KEY,
  liveKeyOf: () => TENANT_SETTINGS_KEY,
  references: () => [],
  protectedReason: () => undefined,
  toApi: (item) => pick(item, FIELDS),
  fromLive(live) {
    const out = pick(withMinutes(live), FIELDS);
    for (const [field, empty] of Object.entries(EMPTY_WHEN_ABSENT)) out[field] ??= empty;
    return out;
  },
  canonicalize(body) {
    // allowed_logout_urls is ordered, as on clients: the first entry is the default after logout.
    const out = pick(body, FIELDS);
    const quota = canonicalDefaultQuota(out.default_token_quota);
    if (quota !== undefined) out.default_token_quota = quota;
    return out;
  },
  replaceFields: [],
  // The default quota is compared whole and sent whole: the declared quota replaces the live one.
  mapFields: ['default_token_quota'],
  // PATCH merges `flags` per key (TestAccTenant_Main): only the declared flags are sent; so is the quota.
  mergedObjects: ['flags', 'default_token_quota'],
  // Declared settings without a default quota remove the live one (`default_token_quota: null`, §5).
  absentMeansNull: ['default_token_quota'],
  dependsOn: [],
  idOf: () => TENANT_SETTINGS_KEY,
  async list(api) {
    const res = await api.request({ method: 'GET', path: '/tenants/settings' });
    return [res.body as JsonObject];
  },
  create: () => Promise.reject(notPossible('created')),
  async update(api, _id, body) {
    const res = await api.request({ method: 'PATCH', path: '/tenants/settings', body });
    return res.body as JsonObject;
  },
  remove: () => Promise.reject(notPossible('deleted')),
};
