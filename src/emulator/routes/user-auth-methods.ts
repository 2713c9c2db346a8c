import type { JsonObject } from '../../json.js';
import { fail, invalidBody } from '../errors.js';
import { newAuthenticationMethodId } from '../ids.js';
import { listResponse } from '../pagination.js';
import { OFFSET_PARAMS, parseQuery } from '../query.js';
import { insert } from '../store.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { arr, bool, enumOf, obj, str, validateBody } from '../validate.js';
import { findUserById, isLiveUser, memberOf } from './role-model.js';

/**
 * /users/{id}/authentication-methods (OAS CreateUserAuthenticationMethodRequestContent and friends): the
 * factors an administrator enrolls for a user. Stored in `collections.authenticationMethods`, one entity per
 * method, `{owner: {user_id, created_at?}, method}`; like role assignments, a method is shown only while its
 * owner is the very user it was made for, so a deleted user's methods vanish with it.
 *
 * From the OAS: POST takes phone, email, totp, webauthn-roaming or passkey (201), PUT replaces everything with
 * phone, email and totp methods (200, the new list), PATCH changes `name` and `preferred_authentication_method`
 * (200), DELETE one or all 204; an unknown method is 404 "The authentication method could not be found.", a
 * second method with the same type and value 409 "Authentication method already exists.". Which value each
 * type needs (phone_number, email, totp_secret, key_id + public_key) follows the spec's field descriptions;
 * the exact 400 wording for a missing one is not recorded. Secrets (`totp_secret`) are echoed by the writes
 * that set them and never read back. Methods made here are `confirmed` (an administrator enrolled them).
 */
const PREFERRED = ['voice', 'sms'];
const createSchema = obj(
  {
    type: enumOf(['phone', 'email', 'totp', 'webauthn-roaming', 'passkey']),
    name: str(),
    totp_secret: str(),
    phone_number: str({ minLength: 2, maxLength: 30 }),
    email: str(),
    preferred_authentication_method: enumOf(PREFERRED),
    key_id: str(),
    public_key: str(),
    aaguid: str(),
    relying_party_identifier: str(),
    credential_device_type: enumOf(['single_device', 'multi_device']),
    credential_backed_up: bool(),
    identity_user_id: str(),
    user_agent: str(),
    user_handle: str(),
    transports: arr(str()),
  },
  { required: ['type'] },
);
const replaceSchema = arr(
  obj(
    {
      type: enumOf(['phone', 'email', 'totp']),
      preferred_authentication_method: enumOf(PREFERRED),
      name: str({ minLength: 1, maxLength: 20 }),
      phone_number: str({ minLength: 2, maxLength: 30 }),
      email: str({ minLength: 1 }),
      totp_secret: str({ minLength: 1 }),
    },
    { required: ['type'] },
  ),
);
const updateSchema = obj({ name: str(), preferred_authentication_method: enumOf(PREFERRED) });

/** The value that identifies a method of each type; two of a type with the same value are a conflict. */
const NEEDS: Record<string, string[]> = {
  phone: ['phone_number'],
  email: ['email'],
  totp: ['totp_secret'],
  'webauthn-roaming': ['key_id', 'public_key'],
  passkey: ['key_id', 'public_key'],
};
const SECRET = ['totp_secret'];

const notFound = () => fail(404, 'The authentication method could not be found.');
const exists = () => fail(409, 'Authentication method already exists.');

export function methodsOf(ctx: Ctx, user: Entity): Entity[] {
  ctx.state.collections.authenticationMethods ??= [];
  return ctx.state.collections.authenticationMethods.filter((e) => {
    const owner = e.data.owner as { user_id: string; created_at?: string };
    return owner.user_id === user.data.user_id && isLiveUser(ctx, owner) === user;
  });
}

const methodOf = (e: Entity): JsonObject => e.data.method as JsonObject;

/** What reads print: everything but the secrets. */
function view(e: Entity): JsonObject {
  return Object.fromEntries(Object.entries(methodOf(e)).filter(([k]) => !SECRET.includes(k)));
}

/** A user has one authenticator app (totp); other types conflict on their identifying value. */
const sameValue = (a: JsonObject, b: JsonObject): boolean =>
  a.type === b.type && (a.type === 'totp' || (NEEDS[String(a.type)] ?? []).slice(0, 1).every((k) => a[k] === b[k]));

function newMethod(body: Record<string, unknown>): JsonObject {
  const type = String(body.type);
  const missing = (NEEDS[type] ?? []).find((k) => body[k] === undefined);
  if (missing) throw invalidBody(`Payload validation error: 'Missing required property: ${missing}'.`);
  return {
    id: newAuthenticationMethodId(type),
    ...(structuredClone(body) as JsonObject),
    confirmed: true,
    created_at: new Date().toISOString(),
  };
}

function add(ctx: Ctx, user: Entity, method: JsonObject): Entity {
  ctx.state.collections.authenticationMethods ??= [];
  return insert(ctx.state, 'authenticationMethods', { owner: memberOf(user), method });
}

function list(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, { ...OFFSET_PARAMS, per_page: { type: 'integer', minimum: 0, maximum: 100 } });
  const user = findUserById(ctx, req.params.id as string);
  return { status: 200, body: listResponse(methodsOf(ctx, user), q, { key: 'authenticators', checkpoint: false, view }) };
}

function create(req: ApiRequest, ctx: Ctx) {
  const user = findUserById(ctx, req.params.id as string);
  const method = newMethod(validateBody(createSchema, req.body));
  if (methodsOf(ctx, user).some((e) => sameValue(methodOf(e), method))) throw exists();
  add(ctx, user, method);
  return { status: 201, body: method };
}

function replace(req: ApiRequest, ctx: Ctx) {
  const user = findUserById(ctx, req.params.id as string);
  const body = validateBody<Record<string, unknown>[]>(replaceSchema, req.body ?? null);
  const methods = body.map(newMethod);
  if (methods.some((m, i) => methods.findIndex((x) => sameValue(x, m)) !== i)) throw exists();
  const old = new Set(methodsOf(ctx, user));
  ctx.state.collections.authenticationMethods = (ctx.state.collections.authenticationMethods ?? []).filter(
    (e) => !old.has(e),
  );
  for (const m of methods) add(ctx, user, m);
  return { status: 200, body: methods };
}

function find(ctx: Ctx, req: ApiRequest): Entity {
  const user = findUserById(ctx, req.params.id as string);
  const id = decodeURIComponent(req.params.authentication_method_id as string);
  const e = methodsOf(ctx, user).find((x) => methodOf(x).id === id);
  if (!e) throw notFound();
  return e;
}

function get(req: ApiRequest, ctx: Ctx) {
  return { status: 200, body: view(find(ctx, req)) };
}

function update(req: ApiRequest, ctx: Ctx) {
  const e = find(ctx, req);
  const body = validateBody<JsonObject>(updateSchema, req.body);
  e.data = { ...e.data, method: { ...methodOf(e), ...structuredClone(body) } };
  return { status: 200, body: view(e) };
}

function remove(req: ApiRequest, ctx: Ctx) {
  const e = find(ctx, req);
  ctx.state.collections.authenticationMethods = (ctx.state.collections.authenticationMethods ?? []).filter((x) => x !== e);
  return { status: 204 };
}

function removeAll(req: ApiRequest, ctx: Ctx) {
  const user = findUserById(ctx, req.params.id as string);
  const old = new Set(methodsOf(ctx, user));
  ctx.state.collections.authenticationMethods = (ctx.state.collections.authenticationMethods ?? []).filter(
    (e) => !old.has(e),
  );
  return { status: 204 };
}

const BASE = '/api/v2/users/{id}/authentication-methods';
const ONE = `${BASE}/{authentication_method_id}`;
export const userAuthMethodRoutes: Route[] = [
  { method: 'GET', pattern: BASE, scopes: ['read:authentication_methods'], handler: list },
  { method: 'POST', pattern: BASE, scopes: ['create:authentication_methods'], handler: create },
  { method: 'PUT', pattern: BASE, scopes: ['update:authentication_methods'], handler: replace },
  { method: 'DELETE', pattern: BASE, scopes: ['delete:authentication_methods'], handler: removeAll },
  { method: 'GET', pattern: ONE, scopes: ['read:authentication_methods'], handler: get },
  { method: 'PATCH', pattern: ONE, scopes: ['update:authentication_methods'], handler: update },
  { method: 'DELETE', pattern: ONE, scopes: ['delete:authentication_methods'], handler: remove },
];
