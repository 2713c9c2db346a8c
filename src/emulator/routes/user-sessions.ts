import { fail } from '../errors.js';
import { newRecoveryCode } from '../ids.js';
import { CHECKPOINT_PARAMS, parseQuery, type QuerySpec } from '../query.js';
import type { ApiRequest, Ctx, Route } from '../types.js';
import { arr, bool, enumOf, obj, str, validateBody } from '../validate.js';
import { findUserById } from './role-model.js';
import { methodsOf } from './user-auth-methods.js';

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

/**
 * POST …/recovery-code-regeneration: a recovery code belongs to an MFA enrollment. A user with an enrolled
 * authentication method (user-auth-methods.ts) gets a new code (200 `{recovery_code}`; the real code's
 * format is not recorded); any other user has no enrollment: 404 `Enrollment not found.` (OAS).
 */
function regenerateRecoveryCode(req: ApiRequest, ctx: Ctx) {
  const user = findUserById(ctx, req.params.id as string);
  if (methodsOf(ctx, user).length === 0) throw fail(404, 'Enrollment not found.');
  return { status: 200, body: { recovery_code: newRecoveryCode() } };
}

/** Risk assessors remember a user's devices; nobody logs in here, so there is nothing to clear (204). */
const clearRiskSchema = obj(
  {
    connection: str({ minLength: 1, maxLength: 128, pattern: /^[a-zA-Z0-9](-[a-zA-Z0-9]|[a-zA-Z0-9])*$/ }),
    assessors: arr(enumOf(['new-device']), { minItems: 1 }),
  },
  { required: ['connection', 'assessors'] },
);
function clearRiskAssessments(req: ApiRequest) {
  validateBody(clearRiskSchema, req.body);
  return { status: 204 };
}

/** A token set nobody created is already gone: 204 (the OAS lists no 404); ids longer than the OAS allows are 400. */
function removeTokenset(req: ApiRequest) {
  const tokenset = decodeURIComponent(req.params.tokenset_id as string);
  if (tokenset.length > 36)
    throw fail(400, `Path validation error: 'String is too long (${tokenset.length} chars), maximum 36' on property tokenset_id.`, 'invalid_uri');
  return { status: 204 };
}

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
  {
    method: 'DELETE',
    pattern: `${USER}/federated-connections-tokensets/{tokenset_id}`,
    scopes: ['delete:federated_connections_tokens'],
    handler: removeTokenset,
  },
  { method: 'POST', pattern: `${USER}/recovery-code-regeneration`, scopes: ['update:users'], handler: regenerateRecoveryCode },
  { method: 'POST', pattern: `${USER}/risk-assessments/clear`, scopes: ['update:users'], handler: clearRiskAssessments },
];
