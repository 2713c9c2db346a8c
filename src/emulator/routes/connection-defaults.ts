import { isObject, type JsonObject } from '../../json.js';

/**
 * Server defaults for POST /connections, per strategy. The key sets are the OAS response schemas'
 * (ConnectionOptionsAuth0: mfa, passwordPolicy, strategy_version, authentication_methods, passkey_options,
 * brute_force_protection; CreateConnectionResponseContent: authentication, connected_accounts), the values
 * the documented defaults: brute-force protection and MFA on, the "good" password policy (the dashboard's
 * default, users/password-policy.ts), strategy version 2, password login on and passkeys off with their
 * default options (seed-digest §10 for the database connection's `brute_force_protection: true`).
 */
function databaseOptions(): JsonObject {
  return {
    mfa: { active: true, return_enroll_settings: true },
    passwordPolicy: 'good',
    passkey_options: { challenge_ui: 'both', local_enrollment_enabled: true, progressive_enrollment_enabled: true },
    strategy_version: 2,
    authentication_methods: { passkey: { enabled: false }, password: { enabled: true } },
    brute_force_protection: true,
  };
}

/**
 * Passwordless connections (OAS ConnectionOptionsEmail/Sms): a one-time code of 6 digits valid 300 s, brute
 * force protection on, sign-ups allowed.
 */
function passwordlessOptions(): JsonObject {
  return { totp: { time_step: 300, length: 6 }, brute_force_protection: true, disable_signup: false };
}

const OPTION_DEFAULTS: Record<string, () => JsonObject> = {
  auth0: databaseOptions,
  email: passwordlessOptions,
  sms: passwordlessOptions,
};

/** Top-level objects every connection answers with: used for login, not for Token Vault (OAS purposes). */
const PURPOSES: JsonObject = { authentication: { active: true }, connected_accounts: { active: false } };

/**
 * The defaults for a new connection of this strategy: the body's own options win key by key (a database
 * connection created with `{passwordPolicy: 'fair'}` still gets MFA and brute-force protection), and the
 * purposes are added unless the body set them. PATCH never re-applies them: it replaces `options` whole
 * (OAS) and keeps everything else.
 */
export function withConnectionDefaults(data: JsonObject): void {
  const options = OPTION_DEFAULTS[String(data.strategy)]?.() ?? {};
  data.options = { ...options, ...(isObject(data.options) ? data.options : {}) };
  for (const [key, value] of Object.entries(PURPOSES)) if (data[key] === undefined) data[key] = structuredClone(value);
}

/**
 * A connection created with only its name and strategy: not a domain connection, its name as its one
 * realm ("If the array is empty or the property is not specified, the connection name will be added as
 * realm", OAS), no enabled clients, and the strategy's default options. Also what `tenantctl export`
 * leaves out as "the server's default".
 */
export function freshConnection(name: string, strategy: string): JsonObject {
  const data: JsonObject = { name, strategy, options: {}, is_domain_connection: false, realms: [name], enabled_clients: [] };
  withConnectionDefaults(data);
  return data;
}
