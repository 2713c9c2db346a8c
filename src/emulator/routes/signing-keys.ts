import type { JsonObject } from '../../json.js';
import { fail } from '../errors.js';
import { customSigningKeysSchema } from '../schemas/signing-keys.js';
import { keysOf, rotateSigningKeys, signingKeyView } from '../signing-keys.js';
import { insert } from '../store.js';
import type { ApiRequest, Ctx, Route } from '../types.js';
import { validateBody } from '../validate.js';

/** Rotate and custom-signing PUT need every listed scope, not any one ("expected all of", §12). */
function requireAll(req: ApiRequest, scopes: string[]): void {
  if (scopes.every((s) => req.scopes.has(s))) return;
  throw fail(403, `Insufficient scope, expected all of: ${scopes.join(',')}`, 'insufficient_scope');
}

const keyNotFound = () => fail(404, 'Signing key not found.');

function list(_req: ApiRequest, ctx: Ctx) {
  return { status: 200, body: keysOf(ctx.state).map(signingKeyView) };
}

function get(req: ApiRequest, ctx: Ctx) {
  const e = keysOf(ctx.state).find((k) => k.data.kid === req.params.kid);
  if (!e) throw keyNotFound();
  return { status: 200, body: signingKeyView(e) };
}

/** 201 with the new next key's kid and cert ("Next key id / Next key certificate", OAS). */
function rotate(req: ApiRequest, ctx: Ctx) {
  requireAll(req, ['create:signing_keys', 'update:signing_keys']);
  const next = rotateSigningKeys(ctx.state);
  return { status: 201, body: { kid: next.data.kid ?? null, cert: next.data.cert ?? null } };
}

/**
 * Only a previous key can be revoked (§6.1, "You can only revoke the previously used signing key"); the
 * 400 for current/next/already revoked is inferred, the spec documents only 404. Revocation is permanent.
 */
function revoke(req: ApiRequest, ctx: Ctx) {
  const e = keysOf(ctx.state).find((k) => k.data.kid === req.params.kid);
  if (!e) throw keyNotFound();
  if (e.data.current === true || e.data.next === true) {
    throw fail(400, 'Only the previously used signing key can be revoked.', 'invalid_body');
  }
  if (e.data.revoked === true) throw fail(400, 'The signing key is already revoked.', 'invalid_body');
  Object.assign(e.data, { revoked: true, revoked_at: new Date().toISOString() });
  return { status: 200, body: signingKeyView(e) };
}

const customKeys = (ctx: Ctx): JsonObject[] => ctx.state.collections.customSigningKeys.map((e) => structuredClone(e.data));

function getCustom(_req: ApiRequest, ctx: Ctx) {
  const keys = customKeys(ctx);
  if (keys.length === 0) {
    throw fail(404, 'No custom signing keys found for this tenant. Upload custom signing keys first.');
  }
  return { status: 200, body: { keys } };
}

/** PUT replaces the whole set (§6.2). */
function putCustom(req: ApiRequest, ctx: Ctx) {
  requireAll(req, ['create:custom_signing_keys', 'update:custom_signing_keys']);
  const body = validateBody<{ keys: JsonObject[] }>(customSigningKeysSchema, req.body);
  ctx.state.collections.customSigningKeys = [];
  for (const key of body.keys) insert(ctx.state, 'customSigningKeys', structuredClone(key));
  return { status: 200, body: { keys: customKeys(ctx) } };
}

function deleteCustom(_req: ApiRequest, ctx: Ctx) {
  ctx.state.collections.customSigningKeys = [];
  return { status: 204 };
}

const keys = '/api/v2/keys/signing';
const custom = '/api/v2/keys/custom-signing';
export const signingKeyRoutes: Route[] = [
  { method: 'GET', pattern: keys, scopes: ['read:signing_keys'], handler: list },
  // Rotation draws on its own bucket besides the global one: 5 a day (mgmt-api.md §1.3, §6.1).
  {
    method: 'POST',
    pattern: `${keys}/rotate`,
    scopes: ['create:signing_keys', 'update:signing_keys'],
    handler: rotate,
    bucket: 'signing-rotate',
  },
  { method: 'GET', pattern: `${keys}/{kid}`, scopes: ['read:signing_keys'], handler: get },
  { method: 'PUT', pattern: `${keys}/{kid}/revoke`, scopes: ['update:signing_keys'], handler: revoke },
  { method: 'GET', pattern: custom, scopes: ['read:custom_signing_keys'], handler: getCustom },
  {
    method: 'PUT',
    pattern: custom,
    scopes: ['create:custom_signing_keys', 'update:custom_signing_keys'],
    handler: putCustom,
  },
  { method: 'DELETE', pattern: custom, scopes: ['delete:custom_signing_keys'], handler: deleteCustom },
];
