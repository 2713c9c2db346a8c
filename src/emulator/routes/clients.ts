import { isObject, type JsonObject } from '../../json.js';
import { fail } from '../errors.js';
import { newClientId, newClientSecret } from '../ids.js';
import { listResponse } from '../pagination.js';
import { CHECKPOINT_PARAMS, OFFSET_PARAMS, parseQuery, type QueryValues } from '../query.js';
import { createClientSchema, updateClientSchema } from '../schemas/clients.js';
import { applyPatch, insert, removeWhere } from '../store.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { validateBody } from '../validate.js';
import { clientDefaults, syncBackchannelLogout } from './client-defaults.js';
import { clientView, type Visibility, visibilityFor } from './client-view.js';
import { enableOnAllConnections, forgetClient } from './connections.js';
import { createCredential, requireCredentials } from './credentials.js';

const notFound = () => fail(404, 'The client does not exist', 'inexistent_client');

const find = (ctx: Ctx, id: string): Entity | undefined =>
  ctx.state.collections.clients.find((e) => e.data.client_id === id);

const FIELD_PARAMS = { fields: { type: 'string' }, include_fields: { type: 'boolean' } } as const;

/** The global client is listed last, after every other client (TestAccDataClients). */
const orderKey = (e: Entity): number => (e.data.global === true ? Number.MAX_SAFE_INTEGER : e.seq);

function render(e: Entity, ctx: Ctx, visibility: Visibility, fields?: QueryValues): JsonObject {
  return clientView(e, { visibility, tenant: ctx.tenant, ...(fields ? { fields } : {}) });
}

function list(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, {
    ...OFFSET_PARAMS,
    ...CHECKPOINT_PARAMS,
    ...FIELD_PARAMS,
    per_page: { type: 'integer', minimum: 0, maximum: 100 },
    is_global: { type: 'boolean' },
    is_first_party: { type: 'boolean' },
    app_type: { type: 'string' },
    external_client_id: { type: 'string', minLength: 1, maxLength: 120 },
    q: { type: 'string' },
  });
  const appTypes = typeof q.app_type === 'string' ? q.app_type.split(',') : undefined;
  const items = ctx.state.collections.clients
    .filter(
      (e) =>
        (q.is_global === undefined || (e.data.global === true) === q.is_global) &&
        (q.is_first_party === undefined || (e.data.is_first_party !== false) === q.is_first_party) &&
        (appTypes === undefined || appTypes.includes(String(e.data.app_type))) &&
        (q.external_client_id === undefined || e.data.external_client_id === q.external_client_id),
    )
    .sort((a, b) => orderKey(a) - orderKey(b));
  const visibility = visibilityFor(req.scopes);
  const view = (e: Entity) => render(e, ctx, visibility, q);
  return { status: 200, body: listResponse(items, q, { key: 'clients', checkpoint: true, view, orderKey }) };
}

function get(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, FIELD_PARAMS);
  const e = find(ctx, req.params.id as string);
  if (!e) throw notFound();
  return { status: 200, body: render(e, ctx, visibilityFor(req.scopes), q) };
}

/** A `jwt_configuration` is stored as sent plus `secret_encoded: false` (REC: `{alg}` → `{secret_encoded, alg}`). */
function normaliseJwtConfiguration(body: Record<string, unknown>): void {
  if (isObject(body.jwt_configuration))
    body.jwt_configuration = { secret_encoded: false, ...body.jwt_configuration };
}

function create(req: ApiRequest, ctx: Ctx) {
  const body = validateBody(createClientSchema, req.body);
  normaliseJwtConfiguration(body);
  const data: JsonObject = { client_id: newClientId(), client_secret: newClientSecret() };
  Object.assign(data, clientDefaults(body, ctx.tenant));
  applyPatch(data, body);
  syncBackchannelLogout(data, body);
  checkAuthMethods(data);
  linkResourceServer(ctx, data);
  const e = insert(ctx.state, 'clients', data);
  createInlineCredentials(ctx, data);
  enableOnAllConnections(ctx.state, data.client_id as string);
  // The creator always sees the generated secret: it is the only way to learn it.
  return { status: 201, body: render(e, ctx, 'secrets') };
}

/**
 * A `resource_server` client is linked to its API: the resource server shows the client's id in
 * `client_id` (TestAccClientResourceServer). The API must exist.
 */
function linkResourceServer(ctx: Ctx, data: JsonObject): void {
  const identifier = data.resource_server_identifier;
  if (typeof identifier !== 'string') return;
  const api = ctx.state.collections.resourceServers.find((r) => r.data.identifier === identifier);
  if (!api) throw fail(404, `No resource with identifier ${identifier}`);
  api.data.client_id = data.client_id as string;
}

/**
 * On create, client_authentication_methods carries full credentials; they are created on the client and
 * replaced by `{id}` references, which is what reads show and PATCH takes (OAS notes, seed-digest §4.6).
 */
function createInlineCredentials(ctx: Ctx, data: JsonObject): void {
  const methods = data.client_authentication_methods;
  if (!isObject(methods)) return;
  for (const method of Object.values(methods)) {
    if (!isObject(method) || !Array.isArray(method.credentials)) continue;
    method.credentials = method.credentials.map((c) => ({
      id: createCredential(ctx.state, data.client_id as string, isObject(c) ? c : {}).data.id as string,
    }));
  }
}

/** Credential ids referenced by a PATCHed client_authentication_methods. */
function referencedCredentials(methods: unknown): string[] {
  if (!isObject(methods)) return [];
  return Object.values(methods).flatMap((m) =>
    isObject(m) && Array.isArray(m.credentials)
      ? m.credentials.flatMap((c) => (isObject(c) && typeof c.id === 'string' ? [c.id] : []))
      : [],
  );
}

/** "The client_authentication_methods and token_endpoint_auth_method properties are mutually exclusive." */
function checkAuthMethods(data: JsonObject): void {
  if (data.client_authentication_methods && data.token_endpoint_auth_method) {
    throw fail(
      400,
      'The client_authentication_methods and token_endpoint_auth_method properties are mutually exclusive.',
      'invalid_body',
    );
  }
}

function requireScope(req: ApiRequest, scope: string): void {
  if (!req.scopes.has(scope)) {
    throw fail(403, `Insufficient scope, expected any of: ${scope}`, 'insufficient_scope');
  }
}

function update(req: ApiRequest, ctx: Ctx) {
  const e = find(ctx, req.params.id as string);
  if (!e) throw notFound();
  const body = validateBody(updateClientSchema, req.body);
  // Field-level scopes on PATCH (OAS notes): secrets need update:client_keys, credentials update:client_credentials.
  if (body.client_secret !== undefined) requireScope(req, 'update:client_keys');
  if (body.client_authentication_methods) {
    requireScope(req, 'update:client_credentials');
    requireCredentials(
      ctx,
      e.data.client_id as string,
      referencedCredentials(body.client_authentication_methods),
    );
  }
  if (
    body.third_party_security_mode !== undefined &&
    body.third_party_security_mode !== e.data.third_party_security_mode
  ) {
    throw fail(
      400,
      'third_party_security_mode cannot be changed after the client is created.',
      'invalid_body',
    );
  }
  normaliseJwtConfiguration(body);
  const { client_metadata: metadata, ...rest } = body;
  const next = structuredClone(e.data);
  applyPatch(next, rest);
  syncBackchannelLogout(next, rest);
  // client_metadata merges key by key and `key: null` deletes the key (§7.3).
  if (isObject(metadata)) {
    const merged: JsonObject = isObject(next.client_metadata) ? next.client_metadata : {};
    applyPatch(merged, metadata);
    next.client_metadata = merged;
  }
  // An empty initiate_login_uri clears it (TestAccClientConfig).
  if (next.initiate_login_uri === '') delete next.initiate_login_uri;
  checkAuthMethods(next);
  e.data = next;
  const visibility = visibilityFor(req.scopes);
  return {
    status: 200,
    body: render(
      e,
      ctx,
      visibility === 'settings' && req.scopes.has('update:client_keys') ? 'secrets' : visibility,
    ),
  };
}

/** POST /clients/{id}/rotate-secret: 200 with the whole client and its new secret (seed-digest §4.1). */
function rotateSecret(req: ApiRequest, ctx: Ctx) {
  const e = find(ctx, req.params.id as string);
  if (!e) throw notFound();
  if (e.data.client_authentication_methods) {
    throw fail(
      400,
      'This endpoint cannot be used with clients configured with Private Key JWT authentication method',
      'invalid_body',
    );
  }
  e.data.client_secret = newClientSecret();
  return { status: 200, body: render(e, ctx, 'secrets') };
}

function remove(req: ApiRequest, ctx: Ctx) {
  const e = find(ctx, req.params.id as string);
  if (!e) return { status: 204 }; // idempotent (§3.3)
  if (e.data.global === true) throw fail(400, 'Global client cannot be deleted.', 'invalid_body');
  removeWhere(ctx.state, 'clients', (x) => x === e);
  for (const api of ctx.state.collections.resourceServers) {
    if (api.data.client_id === e.data.client_id) delete api.data.client_id;
  }
  // "Delete a client and related configuration" (OAS): its grants go with it.
  removeWhere(ctx.state, 'clientGrants', (g) => g.data.client_id === e.data.client_id);
  removeWhere(ctx.state, 'clientCredentials', (c) => c.data.client_id === e.data.client_id);
  forgetClient(ctx.state, e.data.client_id as string);
  return { status: 204 };
}

const BASE = '/api/v2/clients';
const READ = ['read:clients', 'read:client_keys', 'read:client_credentials', 'read:client_summary'];
const UPDATE = [
  'update:clients',
  'update:client_keys',
  'update:client_credentials',
  'update:client_token_vault_privileged_access',
];
export const clientRoutes: Route[] = [
  { method: 'GET', pattern: BASE, scopes: READ, handler: list },
  { method: 'POST', pattern: BASE, scopes: ['create:clients'], handler: create },
  { method: 'GET', pattern: `${BASE}/{id}`, scopes: READ, handler: get },
  { method: 'PATCH', pattern: `${BASE}/{id}`, scopes: UPDATE, handler: update },
  { method: 'DELETE', pattern: `${BASE}/{id}`, scopes: ['delete:clients'], handler: remove },
  {
    method: 'POST',
    pattern: `${BASE}/{id}/rotate-secret`,
    scopes: ['update:client_keys'],
    handler: rotateSecret,
  },
];
