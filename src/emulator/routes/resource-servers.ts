import type { JsonObject } from '../../json.js';
import { fail } from '../errors.js';
import { newResourceServerId } from '../ids.js';
import { listResponse } from '../pagination.js';
import { jwkThumbprint, publicKeyFromPem } from '../pem.js';
import { OFFSET_PARAMS, parseQuery } from '../query.js';
import {
  createResourceServerSchema,
  SYSTEM_PATCHABLE_FIELDS,
  updateResourceServerSchema,
  updateSystemResourceServerSchema,
} from '../schemas/resource-servers.js';
import { MANAGEMENT_API_NAME, myAccountApi, myAccountIdentifier } from '../seed.js';
import { applyPatch, decodeVariants, insert, removeWhere } from '../store.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { validateBody } from '../validate.js';

const notFound = () => fail(404, 'The resource server does not exist', 'inexistent_resource_server');

/** `{id}` is "ID or audience" (OAS): the 24-hex id, or the identifier URL-encoded once or twice. */
function find(ctx: Ctx, idOrIdentifier: string): Entity | undefined {
  const all = ctx.state.collections.resourceServers;
  for (const v of decodeVariants(idOrIdentifier)) {
    const hit = all.find((e) => e.data.id === v || e.data.identifier === v);
    if (hit) return hit;
  }
  return undefined;
}

/** The token_encryption key's PEM is write-only: "Auth0 will not return key material" (§7.1). */
function view(e: Entity): JsonObject {
  const data = structuredClone(e.data);
  const enc = data.token_encryption as JsonObject | undefined;
  const key = enc?.encryption_key as JsonObject | undefined;
  if (key) delete key.pem;
  return data;
}

/** A JWE key is stored with its `thumbprint_sha256` (the API derives it from the PEM, §7.1). */
function addThumbprint(body: Record<string, unknown>): void {
  const enc = body.token_encryption as { encryption_key?: Record<string, unknown> } | null | undefined;
  const key = enc?.encryption_key;
  if (key && typeof key.pem === 'string') {
    key.thumbprint_sha256 = jwkThumbprint(publicKeyFromPem(key.pem, 'token_encryption.encryption_key.pem'));
  }
}

function list(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, {
    ...OFFSET_PARAMS,
    identifiers: { type: 'list', maxItems: 10 },
    include_fields: { type: 'boolean' },
  });
  let items = ctx.state.collections.resourceServers;
  const ids = q.identifiers;
  if (Array.isArray(ids) && ids.length > 0)
    items = items.filter((e) => ids.includes(String(e.data.identifier)));
  return { status: 200, body: listResponse(items, q, { key: 'resource_servers', checkpoint: false, view }) };
}

function get(req: ApiRequest, ctx: Ctx) {
  parseQuery(req.query, { include_fields: { type: 'boolean' } });
  const e = find(ctx, req.params.id as string);
  if (!e) throw notFound();
  return { status: 200, body: view(e) };
}

/**
 * Real defaults on create (REC): RS256 (not the OAS's HS256), 24 h tokens, 2 h for web flows. Also what
 * `tenantctl export` leaves out as "the server's default".
 */
export function resourceServerDefaults(): JsonObject {
  return {
    allow_offline_access: false,
    skip_consent_for_verifiable_first_party_clients: false,
    subject_type_authorization: {
      user: { policy: 'allow_all' },
      client: { policy: 'require_client_grant' },
    },
    token_lifetime: 86400,
    token_lifetime_for_web: 7200,
    signing_alg: 'RS256',
  };
}

function create(req: ApiRequest, ctx: Ctx) {
  const body = validateBody(createResourceServerSchema, req.body);
  addThumbprint(body);
  if (ctx.state.collections.resourceServers.some((e) => e.data.identifier === body.identifier)) {
    throw fail(409, 'A resource server with the same identifier already exists.');
  }
  if (body.identifier === myAccountIdentifier(ctx.tenant)) {
    // Creating it activates the system API; only the fields a system API takes are applied.
    const data = myAccountApi(ctx.tenant);
    applyPatch(
      data,
      Object.fromEntries(Object.entries(body).filter(([k]) => SYSTEM_PATCHABLE_FIELDS.includes(k))),
    );
    return { status: 201, body: view(insert(ctx.state, 'resourceServers', data)) };
  }
  const data: JsonObject = { id: newResourceServerId(), identifier: body.identifier as string, ...resourceServerDefaults() };
  applyPatch(data, body);
  return { status: 201, body: view(insert(ctx.state, 'resourceServers', data)) };
}

function update(req: ApiRequest, ctx: Ctx) {
  const e = find(ctx, req.params.id as string);
  if (!e) throw notFound();
  // System APIs take only a handful of fields; anything else is an unknown property for them (§7.1).
  const schema = e.data.is_system === true ? updateSystemResourceServerSchema : updateResourceServerSchema;
  const body = validateBody(schema, req.body);
  addThumbprint(body);
  applyPatch(e.data, body);
  return { status: 200, body: view(e) };
}

function remove(req: ApiRequest, ctx: Ctx) {
  const e = find(ctx, req.params.id as string);
  if (!e) return { status: 204 }; // deleting twice is an idempotent 204 (§3.3)
  // The Management API cannot go; the My Account API can be deleted again (TestAccResourceServer_ACR).
  if (e.data.is_system === true && e.data.name === MANAGEMENT_API_NAME) {
    throw fail(400, 'System resource servers cannot be deleted.');
  }
  removeWhere(ctx.state, 'resourceServers', (x) => x === e);
  // Grants to a deleted API are removed with it (seed-digest §2.10), so none dangle.
  removeWhere(ctx.state, 'clientGrants', (g) => g.data.audience === e.data.identifier);
  return { status: 204 };
}

const BASE = '/api/v2/resource-servers';
export const resourceServerRoutes: Route[] = [
  { method: 'GET', pattern: BASE, scopes: ['read:resource_servers'], handler: list },
  { method: 'POST', pattern: BASE, scopes: ['create:resource_servers'], handler: create },
  { method: 'GET', pattern: `${BASE}/{id}`, scopes: ['read:resource_servers'], handler: get },
  { method: 'PATCH', pattern: `${BASE}/{id}`, scopes: ['update:resource_servers'], handler: update },
  { method: 'DELETE', pattern: `${BASE}/{id}`, scopes: ['delete:resource_servers'], handler: remove },
];
