import { isObject, type JsonObject } from '../../json.js';
import { parseQuery } from '../query.js';
import { updateTenantSettingsSchema } from '../schemas/tenant-settings.js';
import { applyPatch } from '../store.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { validateBody } from '../validate.js';

/**
 * A fresh tenant's settings: the keys and defaults every recorded answer shows before a test changes them
 * (TestAccTenant_Main, TestAccTenantDefaults, TestAccTenantDefaultTokenQuota), with the OAS defaults
 * (session lifetimes in hours: 168/72/72/24, friendly_name and picture_url).
 */
export function freshTenantSettings(): JsonObject {
  return {
    change_password: { enabled: false },
    default_directory: 'Username-Password-Authentication',
    enabled_locales: ['en'],
    flags: {
      allow_changing_enable_sso: false,
      allow_legacy_delegation_grant_types: true,
      allow_legacy_ro_grant_types: true,
      allow_other_legacy_grant_types: true,
      disable_impersonation: true,
      enable_dynamic_client_registration: true,
      enable_sso: true,
      universal_login: true,
      revoke_refresh_token_grant: false,
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
    oidc_logout: { rp_logout_end_session_endpoint_discovery: true },
    universal_login: { colors: { page_background: '#FF4F40', primary: '#2A2E35' } },
    resource_parameter_profile: 'audience',
    phone_consolidated_experience: false,
    client_id_metadata_document_supported: true,
    dynamic_client_registration_security_mode: 'permissive',
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
