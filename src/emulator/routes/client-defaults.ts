import { isObject, type JsonObject } from '../../json.js';
import type { TenantConfig } from '../types.js';

/**
 * The tenant's signing certificate as clients show it. Recordings redact it to `[{cert}]` (the recorder's
 * go-auth0 structs keep only `cert`), so that is the shape served; the value is a placeholder PEM.
 */
export function signingKeysFor(tenant: TenantConfig): JsonObject[] {
  const body = Buffer.from(`tenantctl emulator signing certificate for ${tenant.domain}`).toString('base64');
  return [{ cert: `-----BEGIN CERTIFICATE-----\r\n${body}\r\n-----END CERTIFICATE-----\r\n` }];
}

const PUBLIC_APP_TYPES = new Set(['spa', 'native']);

/**
 * Server defaults for POST /clients, as the recorded 201 bodies show them (mgmt-api.md §7.3, seed-digest §4.20):
 * - grant_types: public apps (spa/native or auth method `none`) get no client_credentials; resource_server
 *   clients get none at all;
 * - third-party apps are OIDC conformant, use rotating expiring refresh tokens and the permissive
 *   third_party_security_mode; resource_server clients are conformant with an RS256 jwt_configuration;
 * - refresh tokens of clients created with a confidential auth method last a year (idle: 30 days),
 *   everything else keeps the legacy 30 days (idle: 15 days).
 */
export function clientDefaults(body: Record<string, unknown>, tenant: TenantConfig): JsonObject {
  const appType = body.app_type as string | undefined;
  const authMethod = body.token_endpoint_auth_method as string | undefined;
  const thirdParty = body.is_first_party === false;
  const isPublic = authMethod === 'none' || (appType !== undefined && PUBLIC_APP_TYPES.has(appType));
  const resourceServerClient = appType === 'resource_server';
  const confidentialMethod = authMethod === 'client_secret_post' || authMethod === 'client_secret_basic';

  const grantTypes = resourceServerClient
    ? []
    : isPublic
      ? ['authorization_code', 'implicit', 'refresh_token']
      : ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'];
  const refreshToken: JsonObject = thirdParty
    ? {
        rotation_type: 'rotating',
        expiration_type: 'expiring',
        leeway: 0,
        token_lifetime: 2592000,
        infinite_token_lifetime: false,
        infinite_idle_token_lifetime: false,
        idle_token_lifetime: 1296000,
      }
    : {
        rotation_type: 'non-rotating',
        expiration_type: 'non-expiring',
        leeway: 0,
        token_lifetime: confidentialMethod ? 31557600 : 2592000,
        infinite_token_lifetime: true,
        infinite_idle_token_lifetime: true,
        idle_token_lifetime: confidentialMethod ? 2592000 : 1296000,
      };
  const defaults: JsonObject = {
    is_first_party: true,
    is_token_endpoint_ip_header_trusted: false,
    oidc_conformant: thirdParty || resourceServerClient,
    jwt_configuration: resourceServerClient
      ? { secret_encoded: false, alg: 'RS256' }
      : { secret_encoded: false, lifetime_in_seconds: 36000 },
    signing_keys: signingKeysFor(tenant),
    sso_disabled: false,
    cross_origin_authentication: false,
    grant_types: grantTypes,
    custom_login_page_on: true,
    refresh_token: refreshToken,
    global: false,
  };
  if (thirdParty) defaults.third_party_security_mode = 'permissive';
  return defaults;
}

/**
 * `oidc_backchannel_logout` is the deprecated form of `oidc_logout` (OAS: "Deprecated. Use oidc_logout");
 * the API keeps both in step, so a client written with either reads back with both, the back-channel
 * logout URLs shared (seed-digest §4.19, §16.1 "both may appear"). `null` for either removes both.
 */
export function syncBackchannelLogout(data: JsonObject, body: Record<string, unknown>): void {
  if (body.oidc_logout === null || body.oidc_backchannel_logout === null) {
    delete data.oidc_logout;
    delete data.oidc_backchannel_logout;
    return;
  }
  if (isObject(body.oidc_logout) && Array.isArray(body.oidc_logout.backchannel_logout_urls)) {
    data.oidc_backchannel_logout = { backchannel_logout_urls: structuredClone(body.oidc_logout.backchannel_logout_urls) };
  } else if (isObject(body.oidc_backchannel_logout) && Array.isArray(body.oidc_backchannel_logout.backchannel_logout_urls)) {
    const urls = structuredClone(body.oidc_backchannel_logout.backchannel_logout_urls);
    data.oidc_logout = { ...(isObject(data.oidc_logout) ? data.oidc_logout : {}), backchannel_logout_urls: urls };
  }
}
