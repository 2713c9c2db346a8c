import { isObject, type JsonObject } from '../../json.js';
import { parseQuery } from '../query.js';
import { updateTenantSettingsSchema } from '../schemas/tenant-settings.js';
import { applyPatch } from '../store.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { validateBody } from '../validate.js';

/**
 * A fresh tenant's settings: the full key set a 2026 tenant prints (TestAccTenantDefaults' first read: support
 * fields, `sessions`, `session_cookie`, `mtls`, the protocol switches and every flag), with the OAS
 * TenantSettings defaults as values (session lifetimes in hours 168/72/72/24, `session_cookie.mode`
 * persistent, `sessions.oidc_logout_prompt_enabled` true, the example friendly name, logo and support
 * fields). `null` removes a key (TestAccTenant_Main); the rest of the API's key handling is in `update`.
 */
export function freshTenantSettings(): JsonObject {
  return {
    allowed_logout_urls: [],
    acr_values_supported: [],
    change_password: { enabled: false },
    default_audience: '',
    default_directory: 'Username-Password-Authentication',
    enabled_locales: ['en'],
    flags: {
      allow_changing_enable_sso: false,
      allow_legacy_delegation_grant_types: true,
      allow_legacy_ro_grant_types: true,
      allow_other_legacy_grant_types: true,
      disable_impersonation: true,
      disable_management_api_sms_obfuscation: false,
      enable_dynamic_client_registration: true,
      enable_public_signup_user_exists_error: false,
      enable_sso: true,
      universal_login: true,
      use_scope_descriptions_for_consent: false,
      no_disclose_enterprise_connections: false,
      revoke_refresh_token_grant: false,
      disable_fields_map_fix: false,
      mfa_show_factor_list_on_enrollment: false,
      remove_alg_from_jwks: false,
      disable_clickjack_protection_headers: false,
    },
    friendly_name: 'My Company',
    guardian_mfa_page: { enabled: false },
    idle_session_lifetime: 72,
    ephemeral_session_lifetime: 72,
    idle_ephemeral_session_lifetime: 24,
    picture_url: 'https://mycompany.org/logo.png',
    sandbox_version: '22',
    session_lifetime: 168,
    support_email: 'support@mycompany.org',
    support_url: 'https://mycompany.org/support',
    sessions: { oidc_logout_prompt_enabled: true },
    oidc_logout: { rp_logout_end_session_endpoint_discovery: true },
    allow_organization_name_in_authentication_api: false,
    customize_mfa_in_postlogin_action: false,
    pushed_authorization_requests_supported: false,
    mtls: { enable_endpoint_aliases: false },
    universal_login: { colors: { page_background: '#FF4F40', primary: '#2A2E35' } },
    resource_parameter_profile: 'audience',
    phone_consolidated_experience: false,
    client_id_metadata_document_supported: true,
    dynamic_client_registration_security_mode: 'permissive',
    session_cookie: { mode: 'persistent' },
  };
}

/** The settings entity; a state file written before settings were emulated gets the fresh ones. */
function settings(ctx: Ctx): Entity {
  const list = ctx.state.collections.tenantSettings;
  if (list[0] === undefined) list.push({ seq: 0, data: freshTenantSettings() });
  return list[0] as Entity;
}

/** `fields` + `include_fields` pick or drop top-level keys (OAS GET /tenants/settings). */
function select(body: JsonObject, fields: unknown, include: unknown): JsonObject {
  const names = typeof fields === 'string' ? fields.split(',').filter(Boolean) : [];
  if (names.length === 0) return body;
  const keep = include !== false;
  return Object.fromEntries(Object.entries(body).filter(([k]) => names.includes(k) === keep));
}

function get(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, { fields: { type: 'string' }, include_fields: { type: 'boolean' } });
  // GET alone prints the sandbox versions the tenant may pick (every recorded GET, never a PATCH answer).
  const body = { ...structuredClone(settings(ctx).data), sandbox_versions_available: ['22', '18'] };
  return { status: 200, body: select(body, q.fields, q.include_fields) };
}

function update(req: ApiRequest, ctx: Ctx) {
  const body = validateBody(updateTenantSettingsSchema, req.body);
  const e = settings(ctx);
  const { flags, ...rest } = body;
  const next = structuredClone(e.data);
  // Top-level keys replace; null removes one (`default_token_quota: null`, `mtls: null`: TestAccTenant_Main).
  applyPatch(next, rest);
  // A partial `flags` object changes only the flags it names (TestAccTenant_Main keeps the others).
  if (isObject(flags)) next.flags = { ...(isObject(next.flags) ? next.flags : {}), ...flags };
  // Lifetimes written in minutes are kept and answered in hours, as floats (seed-digest: session durations).
  for (const key of Object.keys(next)) {
    const minutes = next[key];
    if (!key.endsWith('_in_minutes') || typeof minutes !== 'number') continue;
    next[key.slice(0, -'_in_minutes'.length)] = minutes / 60;
    delete next[key];
  }
  // An empty default_redirection_uri clears it: the key disappears (TestAccTenant_Main).
  if (next.default_redirection_uri === '') delete next.default_redirection_uri;
  e.data = next;
  // PATCH answers carry two passwordless flags that reads never show (every recorded PATCH answer).
  const answer = structuredClone(next);
  answer.flags = {
    cannot_change_enforce_client_authentication_on_passwordless_start: true,
    enforce_client_authentication_on_passwordless_start: true,
    ...(isObject(next.flags) ? next.flags : {}),
  };
  return { status: 200, body: answer };
}

const BASE = '/api/v2/tenants/settings';
export const tenantSettingsRoutes: Route[] = [
  { method: 'GET', pattern: BASE, scopes: ['read:tenant_settings'], handler: get },
  { method: 'PATCH', pattern: BASE, scopes: ['update:tenant_settings'], handler: update },
];
