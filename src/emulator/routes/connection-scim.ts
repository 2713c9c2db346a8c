import type { JsonObject } from '../../json.js';
import { fail } from '../errors.js';
import { newScimTokenId, newVerificationToken } from '../ids.js';
import { listResponse } from '../pagination.js';
import { CHECKPOINT_PARAMS, parseQuery } from '../query.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { arr, int, nullable, obj, openObj, str, validateBody } from '../validate.js';
import { requireConnection } from './connection-clients.js';

/**
 * A connection's inbound SCIM configuration and its tokens (OAS `/connections/{id}/scim-configuration`,
 * Terraform's auth0_connection_scim_configuration, the deploy tool's SCIM handler). Both live inside the
 * connection entity under `_scim` (connectionView leaves it out), so deleting the connection takes them:
 *   `_scim`: `{user_id_attribute, mapping, created_at, updated_on, tokens: [{token_id, scopes, created_at, valid_until?}]}`
 * No SCIM endpoint runs here: a token's value is handed out once and never checked.
 *
 * From the OAS: POST 201 (400 "SCIM configuration alreay exists for connection" the second time, the spec's
 * own spelling; 400 for an Azure AD connection on the common endpoint), PATCH 200 with both fields required,
 * DELETE 204, GET 404 "Not Found" while none exists, the answer's eight required keys, at most 2 tokens
 * (409), `token_lifetime` above 900 seconds. Not recorded: the default mapping (the documented defaults for
 * the core attributes), the default token scopes, the token id format.
 */
const mappingItem = openObj({ properties: { auth0: str(), scim: str() } });
const createSchema = nullable(obj({ user_id_attribute: str(), mapping: arr(mappingItem) }));
const updateSchema = obj(
  { user_id_attribute: str(), mapping: arr(mappingItem) },
  { required: ['user_id_attribute', 'mapping'] },
);
const tokenSchema = obj({
  scopes: arr(str(), { minItems: 1 }),
  token_lifetime: nullable(int({ minimum: 901 })),
});

export const DEFAULT_USER_ID_ATTRIBUTE = 'externalId';
const DEFAULT_MAPPING: readonly JsonObject[] = [
  ['preferred_username', 'userName'],
  ['email', 'emails[primary eq true].value'],
  ['app_metadata.external_id', 'externalId'],
  ['blocked', 'active'],
  ['name', 'displayName'],
  ['given_name', 'name.givenName'],
  ['family_name', 'name.familyName'],
  ['nickname', 'nickName'],
  ['picture', 'photos[type eq "photo"].value'],
].map(([auth0, scim]) => ({ auth0, scim }) as JsonObject);
const DEFAULT_TOKEN_SCOPES = ['get:users', 'post:users', 'put:users', 'patch:users', 'delete:users'];
const MAX_TOKENS = 2;

interface Token extends JsonObject {
  token_id: string;
  scopes: string[];
  created_at: string;
}
interface Scim extends JsonObject {
  user_id_attribute: string;
  mapping: JsonObject[];
  created_at: string;
  updated_on: string;
  tokens: Token[];
}

const scimOf = (e: Entity): Scim | undefined => e.data._scim as Scim | undefined;

function setScim(e: Entity, scim: Scim | undefined): void {
  if (scim === undefined) delete e.data._scim;
  else e.data._scim = scim;
}

export function scimView(e: Entity, ctx: Ctx, scim: Scim): JsonObject {
  return {
    tenant_name: ctx.tenant.tenantName,
    connection_id: e.data.id as string,
    connection_name: e.data.name as string,
    strategy: e.data.strategy as string,
    user_id_attribute: scim.user_id_attribute,
    mapping: scim.mapping,
    created_at: scim.created_at,
    updated_on: scim.updated_on,
  };
}

function configured(ctx: Ctx, id: string): { e: Entity; scim: Scim } {
  const e = requireConnection(ctx, id);
  const scim = scimOf(e);
  if (!scim) throw fail(404, 'Not Found');
  return { e, scim };
}

function get(req: ApiRequest, ctx: Ctx) {
  const { e, scim } = configured(ctx, req.params.id as string);
  return { status: 200, body: scimView(e, ctx, scim) };
}

function create(req: ApiRequest, ctx: Ctx) {
  const e = requireConnection(ctx, req.params.id as string);
  const body = validateBody<{ user_id_attribute?: string; mapping?: JsonObject[] } | null>(createSchema, req.body ?? null);
  if (scimOf(e)) throw fail(400, 'SCIM configuration alreay exists for connection');
  const options = (e.data.options ?? {}) as JsonObject;
  if (e.data.strategy === 'waad' && options.useCommonEndpoint === true)
    throw fail(400, 'SCIM cannot be enabled for this connection when the Azure AD common endpoint is used.');
  const now = new Date().toISOString();
  const scim: Scim = {
    user_id_attribute: body?.user_id_attribute ?? DEFAULT_USER_ID_ATTRIBUTE,
    mapping: structuredClone(body?.mapping ?? [...DEFAULT_MAPPING]),
    created_at: now,
    updated_on: now,
    tokens: [],
  };
  setScim(e, scim);
  return { status: 201, body: scimView(e, ctx, scim) };
}

function update(req: ApiRequest, ctx: Ctx) {
  const { e, scim } = configured(ctx, req.params.id as string);
  const body = validateBody<{ user_id_attribute: string; mapping: JsonObject[] }>(updateSchema, req.body);
  const next: Scim = { ...scim, ...structuredClone(body), updated_on: new Date().toISOString() };
  setScim(e, next);
  return { status: 200, body: scimView(e, ctx, next) };
}

function remove(req: ApiRequest, ctx: Ctx) {
  setScim(requireConnection(ctx, req.params.id as string), undefined);
  return { status: 204 };
}

function defaultMapping(req: ApiRequest, ctx: Ctx) {
  requireConnection(ctx, req.params.id as string);
  return { status: 200, body: { mapping: [...DEFAULT_MAPPING] } };
}

/** GetScimTokensResponseContent: a bare array of ScimTokenItem (the token value is never shown again). */
function listTokens(req: ApiRequest, ctx: Ctx) {
  const e = requireConnection(ctx, req.params.id as string);
  return { status: 200, body: scimOf(e)?.tokens ?? [] };
}

function createToken(req: ApiRequest, ctx: Ctx) {
  const { e, scim } = configured(ctx, req.params.id as string);
  const body = validateBody<{ scopes?: string[]; token_lifetime?: number | null }>(tokenSchema, req.body ?? {});
  if (scim.tokens.length >= MAX_TOKENS) throw fail(409, 'Maximum of 2 tokens already issued for this connection');
  const now = new Date();
  const token: Token = {
    token_id: newScimTokenId(),
    scopes: body.scopes ?? DEFAULT_TOKEN_SCOPES,
    created_at: now.toISOString(),
  };
  if (typeof body.token_lifetime === 'number')
    token.valid_until = new Date(now.getTime() + body.token_lifetime * 1000).toISOString();
  setScim(e, { ...scim, tokens: [...scim.tokens, token] });
  const { token_id, ...rest } = token;
  return { status: 201, body: { token_id, token: newVerificationToken(), ...rest } };
}

function removeToken(req: ApiRequest, ctx: Ctx) {
  const e = requireConnection(ctx, req.params.id as string);
  const scim = scimOf(e);
  if (scim) setScim(e, { ...scim, tokens: scim.tokens.filter((t) => t.token_id !== req.params.tokenId) });
  return { status: 204 };
}

/** GET /connections-scim-configurations: `{scim_configurations, next?}` (always the checkpoint envelope). */
function listAll(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, CHECKPOINT_PARAMS);
  const items = ctx.state.collections.connections.filter((e) => scimOf(e) !== undefined);
  const view = (e: Entity) => scimView(e, ctx, scimOf(e) as Scim);
  const body = listResponse(items, { ...q, take: q.take ?? 50 }, { key: 'scim_configurations', checkpoint: true, view });
  return { status: 200, body };
}

const BASE = '/api/v2/connections/{id}/scim-configuration';
export const connectionScimRoutes: Route[] = [
  { method: 'GET', pattern: '/api/v2/connections-scim-configurations', scopes: ['read:scim_config'], handler: listAll },
  { method: 'GET', pattern: BASE, scopes: ['read:scim_config'], handler: get },
  { method: 'POST', pattern: BASE, scopes: ['create:scim_config'], handler: create },
  { method: 'PATCH', pattern: BASE, scopes: ['update:scim_config'], handler: update },
  { method: 'DELETE', pattern: BASE, scopes: ['delete:scim_config'], handler: remove },
  { method: 'GET', pattern: `${BASE}/default-mapping`, scopes: ['read:scim_config'], handler: defaultMapping },
  { method: 'GET', pattern: `${BASE}/tokens`, scopes: ['read:scim_token'], handler: listTokens },
  { method: 'POST', pattern: `${BASE}/tokens`, scopes: ['create:scim_token'], handler: createToken },
  { method: 'DELETE', pattern: `${BASE}/tokens/{tokenId}`, scopes: ['delete:scim_token'], handler: removeToken },
];
