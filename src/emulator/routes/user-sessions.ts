import { listResponse } from '../pagination.js';
import { CHECKPOINT_PARAMS, OFFSET_PARAMS, parseQuery, type QuerySpec } from '../query.js';
import type { ApiRequest, Ctx, Route } from '../types.js';
import { bool, obj, str, validateBody } from '../validate.js';
import { findUserById } from './role-model.js';

/**
 * What a user accumulates by logging in: sessions, refresh tokens, MFA enrollments and authenticators,
 * connected accounts, federated token sets. Nobody logs in to the emulator, so a user never has any: the
 * reads answer the empty envelope their OAS schema gives (after the user's 404), and the revocations are
 * no-ops with their OAS statuses (sessions and refresh tokens 202, the rest 204). Tools that clean up a
 * user (SDKs, scripts around a deploy) get the answers a real tenant gives for a user who never signed in.
 */
const empty = (spec: QuerySpec, body: (q: ReturnType<typeof parseQuery>) => unknown) => (req: ApiRequest, ctx: Ctx) => {
  const q = parseQuery(req.query, spec);
  findUserById(ctx, req.params.id as string);
  return { status: 200, body: body(q) };
};

const noop = (status: number, bodySchema?: ReturnType<typeof obj>) => (req: ApiRequest, ctx: Ctx) => {
  findUserById(ctx, req.params.id as string);
  if (bodySchema) validateBody(bodySchema, req.body ?? {});
  return { status };
};

const CURSOR = { ...CHECKPOINT_PARAMS, include_totals: { type: 'boolean' } } satisfies QuerySpec;
const revokeSchema = obj({ session_id: str({ maxLength: 50 }), preserve_refresh_tokens: bool() });

const USER = '/api/v2/users/{id}';
export const userSessionRoutes: Route[] = [
  // `{sessions, next?}` and `{tokens, next?}` (checkpoint only).
  { method: 'GET', pattern: `${USER}/sessions`, scopes: ['read:sessions'], handler: empty(CURSOR, () => ({ sessions: [] })) },
  { method: 'DELETE', pattern: `${USER}/sessions`, scopes: ['delete:sessions'], handler: noop(202) },
  {
    method: 'GET',
    pattern: `${USER}/refresh-tokens`,
    scopes: ['read:refresh_tokens'],
    handler: empty(CURSOR, () => ({ tokens: [] })),
  },
  { method: 'DELETE', pattern: `${USER}/refresh-tokens`, scopes: ['delete:refresh_tokens'], handler: noop(202) },
  {
    method: 'POST',
    pattern: `${USER}/revoke-access`,
    scopes: ['delete:sessions', 'delete:refresh_tokens'],
    handler: noop(202, revokeSchema),
  },
  // Offset paging: a bare array, or `{start, limit, total, authenticators}` with include_totals.
  {
    method: 'GET',
    pattern: `${USER}/authentication-methods`,
    scopes: ['read:authentication_methods'],
    handler: empty(OFFSET_PARAMS, (q) => listResponse([], q, { key: 'authenticators', checkpoint: false, view: (e) => e.data })),
  },
  { method: 'DELETE', pattern: `${USER}/authentication-methods`, scopes: ['delete:authentication_methods'], handler: noop(204) },
  { method: 'DELETE', pattern: `${USER}/authenticators`, scopes: ['delete:guardian_enrollments'], handler: noop(204) },
  { method: 'GET', pattern: `${USER}/enrollments`, scopes: ['read:users'], handler: empty({}, () => []) },
  { method: 'DELETE', pattern: `${USER}/multifactor/{provider}`, scopes: ['update:users'], handler: noop(204) },
  {
    method: 'POST',
    pattern: `${USER}/multifactor/actions/invalidate-remember-browser`,
    scopes: ['update:users'],
    handler: noop(204),
  },
  {
    method: 'GET',
    pattern: `${USER}/connected-accounts`,
    scopes: ['read:users'],
    handler: empty(CHECKPOINT_PARAMS, () => ({ connected_accounts: [] })),
  },
  {
    method: 'GET',
    pattern: `${USER}/federated-connections-tokensets`,
    scopes: ['read:federated_connections_tokens'],
    handler: empty({}, () => []),
  },
];
