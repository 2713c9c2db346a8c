import type { JsonObject } from '../json.js';
import { newClientGrantId, newClientId, newClientSecret, newConnectionId, newResourceServerId } from './ids.js';
import { MANAGEMENT_API_SCOPES } from './mgmt-scopes.js';
import { signingKeysFor } from './routes/client-defaults.js';
import { withConnectionDefaults } from './routes/connection-defaults.js';
import { freshTenantSettings } from './routes/tenant-settings.js';
import type { Collections, TenantConfig } from './types.js';

/**
 * What a real tenant holds before anyone touches it, plus the deployer tenantctl logs in as. Everything the
 * recordings read without creating it first lives here, in one place.
 */
export const MANAGEMENT_API_NAME = 'Auth0 Management API';
export const GLOBAL_CLIENT_NAME = 'All Applications';

/** The system API: identifier = the audience (trailing slash), is_system, every Management API permission. */
export function managementApi(audience: string): JsonObject {
  return {
    id: newResourceServerId(),
    name: MANAGEMENT_API_NAME,
    identifier: audience,
    allow_offline_access: false,
    skip_consent_for_verifiable_first_party_clients: false,
    token_lifetime: 86400,
    token_lifetime_for_web: 7200,
    signing_alg: 'RS256',
    scopes: MANAGEMENT_API_SCOPES.map((s) => ({ ...s })),
    is_system: true,
  };
}

/**
 * The Auth0 My Account API is a system API that does not exist until someone creates an API with the
 * identifier `https://{domain}/me/`: that POST answers 201 with the system API (TestAccResourceServer_ACR).
 */
export const myAccountIdentifier = (tenant: TenantConfig): string => `https://${tenant.domain}/me/`;

export function myAccountApi(tenant: TenantConfig): JsonObject {
  const permissions = [
    'create:me:connected_accounts',
    'read:me:connected_accounts',
    'delete:me:connected_accounts',
    'read:me:authentication_methods',
    'delete:me:authentication_methods',
    'update:me:authentication_methods',
    'read:me:factors',
    'create:me:authentication_methods',
  ];
  return {
    id: newResourceServerId(),
    name: 'Auth0 My Account API',
    identifier: myAccountIdentifier(tenant),
    allow_offline_access: true,
    skip_consent_for_verifiable_first_party_clients: true,
    subject_type_authorization: { client: { policy: 'deny_all' }, user: { policy: 'require_client_grant' } },
    token_lifetime: 600,
    token_lifetime_for_web: 600,
    signing_alg: 'RS256',
    scopes: permissions.map((value) => {
      const [action = '', , resource = ''] = value.split(':');
      const words = [action, ...resource.split('_')].map((w) => w.charAt(0).toUpperCase() + w.slice(1));
      return { value, description: words.join(' ') };
    }),
    is_system: true,
    proof_of_possession: { mechanism: 'dpop', required: false },
  };
}

const LEGACY_REFRESH_TOKEN = {
  rotation_type: 'non-rotating',
  expiration_type: 'non-expiring',
  leeway: 0,
  token_lifetime: 2592000,
  infinite_token_lifetime: true,
  infinite_idle_token_lifetime: true,
  idle_token_lifetime: 1296000,
};

/** The tenant's global client ("All Applications"), as GET /clients/{id} shows it (TestAccGlobalClient). */
function globalClient(tenant: TenantConfig): JsonObject {
  return {
    name: GLOBAL_CLIENT_NAME,
    client_id: newClientId(),
    client_secret: newClientSecret(),
    is_first_party: true,
    is_token_endpoint_ip_header_trusted: false,
    oidc_conformant: true,
    callbacks: [],
    jwt_configuration: { alg: 'RS256' },
    signing_keys: signingKeysFor(tenant),
    sso: false,
    sso_disabled: false,
    cross_origin_auth: false,
    custom_login_page_on: true,
    refresh_token: { ...LEGACY_REFRESH_TOKEN },
    global: true,
  };
}

/** A machine-to-machine app created in the dashboard, like the M2M app the recordings list first. */
export function deployerClient(tenant: TenantConfig, clientId: string, clientSecret: string): JsonObject {
  return {
    name: 'tenantctl deployer',
    description: 'Machine-to-machine application tenantctl deploys this tenant with',
    client_id: clientId,
    client_secret: clientSecret,
    app_type: 'non_interactive',
    is_first_party: true,
    is_token_endpoint_ip_header_trusted: false,
    oidc_conformant: true,
    callbacks: [],
    allowed_origins: [],
    web_origins: [],
    client_aliases: [],
    allowed_clients: [],
    allowed_logout_urls: [],
    jwt_configuration: { secret_encoded: false, scopes: {}, alg: 'RS256', lifetime_in_seconds: 36000 },
    signing_keys: signingKeysFor(tenant),
    sso: false,
    sso_disabled: false,
    cross_origin_authentication: false,
    grant_types: ['client_credentials'],
    custom_login_page_on: true,
    token_endpoint_auth_method: 'client_secret_post',
    refresh_token: { ...LEGACY_REFRESH_TOKEN, token_lifetime: 31557600, idle_token_lifetime: 2592000 },
    require_pushed_authorization_requests: false,
    require_proof_of_possession: false,
    global: false,
  };
}

/** The deployer's grant to the Management API with every permission, so it can call every endpoint. */
export function deployerGrant(clientId: string, audience: string): JsonObject {
  return {
    id: newClientGrantId(),
    client_id: clientId,
    audience,
    scope: MANAGEMENT_API_SCOPES.map((s) => s.value),
    subject_type: 'client',
  };
}

/**
 * Every tenant starts with this database connection (seed-digest §10: `strategy: auth0`,
 * `brute_force_protection: true`); users recordings create users in it without creating it first.
 */
export const DEFAULT_CONNECTION_NAME = 'Username-Password-Authentication';

export function defaultConnection(): JsonObject {
  const data: JsonObject = {
    id: newConnectionId(),
    name: DEFAULT_CONNECTION_NAME,
    strategy: 'auth0',
    realms: [DEFAULT_CONNECTION_NAME],
    is_domain_connection: false,
    enabled_clients: [],
  };
  withConnectionDefaults(data);
  return data;
}

export interface Seeded {
  collections: Collections;
  seq: number;
}

/** Fresh seeded collections; the deployer is created first so it leads client lists, as the M2M app does. */
export function seedCollections(
  tenant: TenantConfig,
  deployer: { clientId: string; clientSecret: string },
): Seeded {
  return {
    seq: 5,
    collections: {
      resourceServers: [{ seq: 1, data: managementApi(tenant.audience) }],
      clients: [
        { seq: 2, data: deployerClient(tenant, deployer.clientId, deployer.clientSecret) },
        { seq: 3, data: globalClient(tenant) },
      ],
      clientGrants: [{ seq: 4, data: deployerGrant(deployer.clientId, tenant.audience) }],
      clientCredentials: [],
      connections: [{ seq: 5, data: defaultConnection() }],
      networkAcls: [],
      signingKeys: [],
      customSigningKeys: [],
      organizations: [],
      users: [],
      roles: [],
      userPermissions: [],
      authenticationMethods: [],
      // Settings are not created objects: seq 0 keeps them out of the creation order.
      tenantSettings: [{ seq: 0, data: freshTenantSettings() }],
    },
  };
}

export { newClientSecret as generateSecret };
