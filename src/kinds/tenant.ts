import { z } from 'zod';
import { TenantctlError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { pick, sortSets } from './common.js';
import { canonicalDefaultQuota, defaultTokenQuotaSchema } from './token-quota.js';
import type { KindHandler } from './types.js';

/** The settings tenantctl manages; every other setting is left as it is (only declared fields are sent). */
const FIELDS = [
  'friendly_name',
  'picture_url',
  'support_email',
  'support_url',
  'allowed_logout_urls',
  'default_redirection_uri',
  'session_lifetime',
  'idle_session_lifetime',
  'ephemeral_session_lifetime',
  'idle_ephemeral_session_lifetime',
  'default_audience',
  'default_directory',
  'enabled_locales',
  'flags',
  'session_cookie',
  'sessions',
  'default_token_quota',
] as const;

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

/** Flags from the OAS TenantSettingsFlags, plus one real PATCHes send (TestAccTenant_Main). */
const FLAGS = [
  'change_pwd_flow_v1',
  'enable_apis_section',
  'disable_impersonation',
  'enable_client_connections',
  'enable_pipeline2',
  'allow_legacy_delegation_grant_types',
  'allow_legacy_ro_grant_types',
  'allow_legacy_tokeninfo_endpoint',
  'enable_legacy_profile',
  'enable_idtoken_api2',
  'enable_public_signup_user_exists_error',
  'enable_sso',
  'allow_changing_enable_sso',
  'disable_clickjack_protection_headers',
  'no_disclose_enterprise_connections',
  'enforce_client_authentication_on_passwordless_start',
  'enable_adfs_waad_email_verification',
  'revoke_refresh_token_grant',
  'dashboard_log_streams_next',
  'dashboard_insights_view',
  'disable_fields_map_fix',
  'mfa_show_factor_list_on_enrollment',
  'remove_alg_from_jwks',
  'improved_signup_bot_detection_in_classic',
  'genai_trial',
  'enable_dynamic_client_registration',
  'disable_management_api_sms_obfuscation',
  'trust_azure_adfs_email_verified_connection_property',
  'custom_domains_provisioning',
  'use_scope_descriptions_for_consent',
] as const;

/** OAS TenantSettingsSupportedLocalesEnum. */
const LOCALES = [
  ...['am', 'ar', 'ar-EG', 'ar-SA', 'az', 'bg', 'bn', 'bs', 'ca-ES', 'cnr', 'cs', 'cy', 'da', 'de', 'el'],
  ...['en', 'en-CA', 'es', 'es-419', 'es-AR', 'es-MX', 'et', 'eu-ES', 'fa', 'fi', 'fr', 'fr-CA', 'fr-FR'],
  ...['gl-ES', 'gu', 'he', 'hi', 'hr', 'hu', 'hy', 'id', 'is', 'it', 'ja', 'ka', 'kk', 'kn', 'ko', 'lt'],
  ...['lv', 'mk', 'ml', 'mn', 'mr', 'ms', 'my', 'nb', 'nl', 'nn', 'no', 'pa', 'pl', 'pt', 'pt-BR', 'pt-PT'],
  ...['ro', 'ru', 'sk', 'sl', 'so', 'sq', 'sr', 'sv', 'sw', 'ta', 'te', 'th', 'tl', 'tr', 'uk', 'ur', 'vi'],
  ...['zgh', 'zh-CN', 'zh-HK', 'zh-MO', 'zh-TW'],
] as const;

const url = z.union([z.url(), z.literal('')]);
/** Session lifetimes are whole hours, as the API takes them (OAS: integer, minimum 1). */
const hours = z.number().int().min(1);

const itemSchema = z.strictObject({
  friendly_name: z.string().optional(),
  picture_url: url.optional(),
  support_email: z.union([z.email(), z.literal('')]).optional(),
  support_url: url.optional(),
  allowed_logout_urls: z.array(z.string().min(1)).optional(),
  default_redirection_uri: z
    .union([z.url({ protocol: /^https$/ }), z.literal('')])
    .optional()
    .describe('an absolute https URL, or "" for none'),
  session_lifetime: hours.optional(),
  idle_session_lifetime: hours.optional(),
  ephemeral_session_lifetime: hours.optional(),
  idle_ephemeral_session_lifetime: hours.optional(),
  default_audience: z.string().optional(),
  default_directory: z.string().optional(),
  // The first locale is the default one, so the order matters.
  enabled_locales: z.array(z.enum(LOCALES)).min(1).optional(),
  flags: z.strictObject(Object.fromEntries(FLAGS.map((f) => [f, z.boolean().optional()]))).optional(),
  session_cookie: z.strictObject({ mode: z.enum(['persistent', 'non-persistent']) }).optional(),
  sessions: z.strictObject({ oidc_logout_prompt_enabled: z.boolean().optional() }).optional(),
  default_token_quota: defaultTokenQuotaSchema.optional(),
});

export const TENANT_SETTINGS_KEY = 'settings';

const notPossible = (what: string) =>
  new TenantctlError('tenant_settings', `tenant settings always exist and cannot be ${what}`);

export const tenant: KindHandler = {
  kind: 'tenant',
  label: 'tenant settings',
  itemSchema,
  singleton: true,
  keyOf: () => TENANT_SETTINGS_KEY,
  liveKeyOf: () => TENANT_SETTINGS_KEY,
  references: () => [],
  protectedReason: () => undefined,
  toApi: (item) => pick(item, FIELDS),
  fromLive(live) {
    const out = pick(live, FIELDS);
    for (const [field, empty] of Object.entries(EMPTY_WHEN_ABSENT)) out[field] ??= empty;
    return out;
  },
  canonicalize(body) {
    const out = sortSets(pick(body, FIELDS), ['allowed_logout_urls']);
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
