import { arr, bool, enumOf, int, obj, type Schema, str } from '../validate.js';

/**
 * Request schema for /network-acls, written from mgmt-api.md §4.2/§4.3 (OAS CreateNetworkAclRequestContent,
 * NetworkAclRule, NetworkAclMatch): every match array is non-empty and unique; 10 entries per signal, 20 for
 * hostnames and the connecting_* signals. Formats (CIDRs, hostnames) and "exactly one action" are checked in
 * the route, after the schema, as the real API reports schema problems first (TestAccNetworkACLAuth0Managed…).
 */
const list = (items: Schema, maxItems: number): Schema =>
  arr(items, { minItems: 1, maxItems, uniqueItems: true });

const text = str({ minLength: 1 });

export const MATCH_SIGNALS: Record<string, Schema> = {
  asns: list(int(), 10),
  geo_country_codes: list(str({ pattern: /^[A-Z]{2}$/ }), 10),
  geo_subdivision_codes: list(str({ pattern: /^[A-Z]{2}-[A-Z0-9]{1,3}$/ }), 10),
  ipv4_cidrs: list(text, 10),
  ipv6_cidrs: list(text, 10),
  ja3_fingerprints: list(text, 10),
  ja4_fingerprints: list(text, 10),
  user_agents: list(text, 10),
  hostnames: list(text, 20),
  connecting_ipv4_cidrs: list(text, 20),
  connecting_ipv6_cidrs: list(text, 20),
  auth0_managed: list(str({ pattern: /^auth0\.[^.\s]+$/ }), 10),
};

const match = obj(MATCH_SIGNALS);

/** Each flag's enum is `[true]` in the spec; `false` is refused in the route with the other action rules. */
const action = obj({
  block: bool(),
  allow: bool(),
  log: bool(),
  redirect: bool(),
  redirect_uri: str({ minLength: 1, maxLength: 2000 }),
});

export const ACL_SCOPES = ['management', 'authentication', 'tenant', 'dynamic_client_registration'] as const;

const rule = obj(
  { action, match, not_match: match, scope: enumOf(ACL_SCOPES), match_all: bool() },
  { required: ['action', 'scope'] },
);

const fields: Record<string, Schema> = {
  description: str({ maxLength: 255 }),
  active: bool(),
  priority: int({ minimum: 1, maximum: 100 }),
  rule,
};

/** POST and PUT (a full replace): description, active and rule are required (§4.1). */
export const putNetworkAclSchema = obj(fields, { required: ['description', 'active', 'rule'] });

/** PATCH: any subset, but a `rule` must still be a complete rule (§4.4). */
export const patchNetworkAclSchema = obj(fields);
