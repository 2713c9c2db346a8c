import { isIP } from 'node:net';
import type { JsonObject } from '../../json.js';
import { fail, invalidBody } from '../errors.js';
import { newNetworkAclId } from '../ids.js';
import { listResponse } from '../pagination.js';
import { OFFSET_PARAMS, parseQuery } from '../query.js';
import { patchNetworkAclSchema, putNetworkAclSchema } from '../schemas/network-acls.js';
import { insert, removeWhere } from '../store.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { validateBody } from '../validate.js';

/** Enterprise with the Attack Protection add-on may hold 10 ACLs (mgmt-api.md §4.3); configurable. */
export const DEFAULT_MAX_NETWORK_ACLS = 10;

/** Curated lists the API accepts today (TestAccNetworkACLAuth0ManagedAPIRejections). */
const CURATED = ['auth0.low_reputation', 'auth0.icloud_relay_proxy'];
const ACTIONS = ['block', 'allow', 'log', 'redirect'] as const;
/** The order real responses echo match signals in (TestAccNetworkACL, …EdgeCases). */
const SIGNAL_ORDER = [
  'asns',
  'ipv4_cidrs',
  'ipv6_cidrs',
  'user_agents',
  'ja3_fingerprints',
  'ja4_fingerprints',
  'geo_country_codes',
  'geo_subdivision_codes',
  'hostnames',
  'connecting_ipv4_cidrs',
  'connecting_ipv6_cidrs',
  'auth0_managed',
];
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

type Body = Record<string, unknown>;
type Rule = { action: Body; match?: Body; not_match?: Body; scope: string; match_all?: boolean };

const notFound = () => fail(404, 'NetworkACL with this ID was not found');

function find(ctx: Ctx, id: string): Entity | undefined {
  // Ids were UUIDs before mid-2025 and `acl_` + 22 since (§4.2); anything else is a 400 (TestAccNetworkACLDataSource).
  if (!/^acl_[A-Za-z0-9]{22}$/.test(id) && !/^[0-9a-f-]{36}$/i.test(id)) {
    throw fail(400, "Network ACL id is not a valid ACL ID in the form 'acl_XXXXXXXXXXXXXXXXXXXXXX'", 'invalid_uri');
  }
  return ctx.state.collections.networkAcls.find((e) => e.data.id === id);
}

function cidr(value: string, family: 4 | 6): boolean {
  const [ip = '', bits, extra] = value.split('/');
  if (extra !== undefined || isIP(ip) !== family) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

const FORMATS: Record<string, [string, (v: string) => boolean]> = {
  ipv4_cidrs: ['cidr', (v) => cidr(v, 4)],
  connecting_ipv4_cidrs: ['cidr', (v) => cidr(v, 4)],
  ipv6_cidrs: ['ipv6_cidr', (v) => cidr(v, 6)],
  connecting_ipv6_cidrs: ['ipv6_cidr', (v) => cidr(v, 6)],
  hostnames: ['hostname', (v) => HOSTNAME.test(v)],
};

/** Format checks in tv4's words ("Object didn't pass validation for format …", §3.2), then curated lists. */
function checkMatch(match: Body | undefined, path: string): void {
  if (!match) return;
  for (const [signal, [format, ok]] of Object.entries(FORMATS)) {
    const values = (match[signal] as string[] | undefined) ?? [];
    for (const [i, v] of values.entries()) {
      if (!ok(v)) {
        throw invalidBody(
          `Payload validation error: 'Object didn't pass validation for format ${format}: ${v}' on property ${path}.${signal}.${i}.`,
        );
      }
    }
  }
  const unknown = ((match.auth0_managed as string[] | undefined) ?? []).filter((v) => !CURATED.includes(v));
  if (unknown.length > 0) {
    throw invalidBody(
      `Invalid curated list name(s): ${unknown.join(', ')}. Allowed curated list names are: ${CURATED.join(', ')}`,
    );
  }
}

/** Rules the schema cannot say (§4.3): exactly one action, redirect_uri with redirect only, a match. */
function checkRule(rule: Rule): void {
  const set = ACTIONS.filter((a) => rule.action[a] !== undefined);
  // Each flag's enum is `[true]` in the spec: `false` is an enum miss, as tv4 words it.
  const off = set.find((a) => rule.action[a] !== true);
  if (off) {
    throw invalidBody(`Payload validation error: 'No enum match for: false' on property rule.action.${off}.`);
  }
  if (set.length !== 1) {
    throw invalidBody('Payload validation error: exactly one action type (block, allow, log or redirect) is required');
  }
  if (set[0] === 'redirect' && rule.action.redirect_uri === undefined) {
    throw invalidBody('Payload validation error: Action type of `redirect` requires a `redirect_uri`');
  }
  if (set[0] !== 'redirect' && rule.action.redirect_uri !== undefined) {
    throw invalidBody('Payload validation error: `redirect_uri` is only allowed with action type `redirect`');
  }
  if (rule.match === undefined && rule.not_match === undefined) {
    throw invalidBody('Payload validation error: a rule needs `match` or `not_match`');
  }
  checkMatch(rule.match, 'rule.match');
  checkMatch(rule.not_match, 'rule.not_match');
}

function ordered(match: Body): JsonObject {
  const out: JsonObject = {};
  for (const key of SIGNAL_ORDER) if (match[key] !== undefined) out[key] = structuredClone(match[key]) as JsonObject[string];
  return out;
}

/** Stored as the API echoes it: rule keys in the order `match, scope, action` (§4.2). */
function storedRule(rule: Rule): JsonObject {
  const out: JsonObject = {};
  if (rule.match) out.match = ordered(rule.match);
  out.scope = rule.scope;
  out.action = structuredClone(rule.action) as JsonObject;
  if (rule.not_match) out.not_match = ordered(rule.not_match);
  if (rule.match_all !== undefined) out.match_all = rule.match_all;
  return out;
}

function checkPriority(ctx: Ctx, priority: unknown, self?: Entity): void {
  const taken = ctx.state.collections.networkAcls.some((e) => e !== self && e.data.priority === priority);
  if (taken) throw fail(409, 'A Network ACL with this priority number has already been created.');
}

const view = (e: Entity): JsonObject => structuredClone(e.data);

/** GET by id adds `tenant_id` (first) and `deleted_at: null`, which POST and list answers lack (§3.3). */
function detailView(e: Entity, ctx: Ctx): JsonObject {
  const { id, ...rest } = view(e);
  return { tenant_id: ctx.tenant.tenantName, ...rest, deleted_at: null, id: id ?? null };
}

function list(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, OFFSET_PARAMS);
  const items = ctx.state.collections.networkAcls;
  return { status: 200, body: listResponse(items, q, { key: 'network_acls', checkpoint: false, view }) };
}

function get(req: ApiRequest, ctx: Ctx) {
  const e = find(ctx, req.params.id as string);
  if (!e) throw notFound();
  return { status: 200, body: detailView(e, ctx) };
}

function create(req: ApiRequest, ctx: Ctx) {
  const body = validateBody(putNetworkAclSchema, req.body);
  checkRule(body.rule as Rule);
  const priority = body.priority ?? 50; // the spec's default
  checkPriority(ctx, priority);
  const max = ctx.tenant.maxNetworkAcls ?? DEFAULT_MAX_NETWORK_ACLS;
  if (ctx.state.collections.networkAcls.length >= max) {
    // The limit is per subscription (§4.3); the exact wording of the refusal is not recorded.
    throw fail(403, `The maximum number of Network ACLs for this tenant (${max}) has been reached.`);
  }
  const now = new Date().toISOString();
  const data: JsonObject = {
    description: body.description as string,
    active: body.active as boolean,
    priority: priority as number,
    rule: storedRule(body.rule as Rule),
    created_at: now,
    updated_at: now,
    id: newNetworkAclId(),
  };
  return { status: 201, body: view(insert(ctx.state, 'networkAcls', data)) };
}

function update(req: ApiRequest, ctx: Ctx) {
  const e = find(ctx, req.params.id as string);
  if (!e) throw fail(404, 'Network ACL not found and cannot be updated');
  const full = req.method === 'PUT';
  const body = validateBody(full ? putNetworkAclSchema : patchNetworkAclSchema, req.body);
  if (body.rule !== undefined) checkRule(body.rule as Rule);
  // PUT replaces the whole ACL, so an omitted priority falls back to the default like a create.
  const priority = body.priority ?? (full ? 50 : e.data.priority);
  checkPriority(ctx, priority, e);
  const next: JsonObject = {
    description: (body.description ?? e.data.description) as string,
    active: (body.active ?? e.data.active) as boolean,
    priority: priority as number,
    rule: body.rule === undefined ? (e.data.rule as JsonObject) : storedRule(body.rule as Rule),
    created_at: e.data.created_at ?? null,
    updated_at: new Date().toISOString(),
    id: e.data.id ?? null,
  };
  e.data = next;
  return { status: 200, body: view(e) };
}

/** Deleting answers 200 `{"code":204,"object":""}` (REC, though the spec says 204); twice is a 404 (§3.3). */
function remove(req: ApiRequest, ctx: Ctx) {
  const e = find(ctx, req.params.id as string);
  if (!e) throw fail(404, 'This ACL does not exist');
  removeWhere(ctx.state, 'networkAcls', (x) => x === e);
  return { status: 200, body: { code: 204, object: '' } };
}

const path = '/api/v2/network-acls';
export const networkAclRoutes: Route[] = [
  { method: 'GET', pattern: path, scopes: ['read:network_acls'], handler: list },
  { method: 'POST', pattern: path, scopes: ['create:network_acls'], handler: create },
  { method: 'GET', pattern: `${path}/{id}`, scopes: ['read:network_acls'], handler: get },
  { method: 'PUT', pattern: `${path}/{id}`, scopes: ['update:network_acls'], handler: update },
  { method: 'PATCH', pattern: `${path}/{id}`, scopes: ['update:network_acls'], handler: update },
  { method: 'DELETE', pattern: `${path}/{id}`, scopes: ['delete:network_acls'], handler: remove },
];
