import type { JsonObject } from '../../json.js';
import { fail, invalidBody } from '../errors.js';
import { parseQuery } from '../query.js';
import { createUserSchema, updateUserSchema } from '../schemas/users.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { checkPassword } from '../users/password-policy.js';
import { userFilter } from '../users/search.js';
import {
  addUser,
  changeUser,
  connectionOf,
  findByEmail,
  findByUsername,
  findConnection,
  findUser,
  newUser,
  project,
  removeUser,
  usersOf,
} from '../users/store.js';
import { validateBody } from '../validate.js';

const notFound = () => fail(404, 'The user does not exist.', 'inexistent_user');
/** 409 on an email or username already taken in the connection (mgmt-api.md §3.1, §8.1). */
const exists = () => fail(409, 'The user already exists.', 'auth0_idp_error');
const queryError = (message: string) => fail(400, message, 'invalid_query_string');
/** "You can only page through the first 1000 records" (OAS GET /users; mgmt-api.md §2.2). */
const SEARCH_CAP = 1000;

function lookup(ctx: Ctx, raw: string): Entity {
  let id = raw;
  try {
    id = decodeURIComponent(raw);
  } catch {
    throw notFound();
  }
  const e = findUser(ctx.state, id);
  if (!e) throw notFound();
  return e;
}

function sortBy(spec: string | undefined): ((a: Entity, b: Entity) => number) | undefined {
  const m = spec ? /^([\w.]+):(1|-1)$/.exec(spec) : null;
  if (spec && !m) throw queryError("'String does not match pattern field:1|-1' on property sort.");
  if (!m) return undefined;
  const field = m[1] as string;
  const dir = m[2] === '1' ? 1 : -1;
  return (a, b) => String(a.data[field] ?? '').localeCompare(String(b.data[field] ?? '')) * dir;
}

function list(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, {
    page: { type: 'integer', minimum: 0 },
    per_page: { type: 'integer', minimum: 1, maximum: 100 },
    include_totals: { type: 'boolean' },
    sort: { type: 'string' },
    connection: { type: 'string' },
    fields: { type: 'string' },
    include_fields: { type: 'boolean' },
    q: { type: 'string' },
    search_engine: { type: 'string', enum: ['v1', 'v2', 'v3'] },
    primary_order: { type: 'boolean' },
  });
  if (q.search_engine === 'v1' || q.search_engine === 'v2') {
    throw queryError(`You are not allowed to use search_engine=${q.search_engine}. Use search_engine=v3 instead.`);
  }
  const perPage = typeof q.per_page === 'number' ? q.per_page : 50;
  const page = typeof q.page === 'number' ? q.page : 0;
  if (page * perPage + perPage > SEARCH_CAP) {
    throw queryError(
      'You can only page through the first 1000 records. See https://auth0.com/docs/users/search/v3/view-search-results-by-page#limitation.',
    );
  }
  const matches = typeof q.q === 'string' && q.q.trim() !== '' ? userFilter(q.q) : undefined;
  const connection = typeof q.connection === 'string' ? q.connection : undefined;
  let found = usersOf(ctx.state).filter(
    (e) => (!matches || matches(e.data)) && (!connection || connectionOf(e.data) === connection),
  );
  const order = sortBy(typeof q.sort === 'string' ? q.sort : undefined);
  if (order) found = [...found].sort(order);
  const fields = typeof q.fields === 'string' ? q.fields : undefined;
  const users = found
    .slice(page * perPage, page * perPage + perPage)
    .map((e) => project(e.data, fields, q.include_fields !== false));
  if (q.include_totals !== true) return { status: 200, body: users };
  // Users add `length` to the usual envelope (TestAccDataSourceUser; mgmt-api.md §2.1).
  const start = page * perPage;
  return { status: 200, body: { start, limit: perPage, length: users.length, users, total: found.length } };
}

function get(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, { fields: { type: 'string' }, include_fields: { type: 'boolean' } });
  const e = lookup(ctx, req.params.id as string);
  const fields = typeof q.fields === 'string' ? q.fields : undefined;
  return { status: 200, body: project(e.data, fields, q.include_fields !== false) };
}

function byEmail(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, {
    email: { type: 'string' },
    fields: { type: 'string' },
    include_fields: { type: 'boolean' },
  });
  if (typeof q.email !== 'string') throw queryError("Query validation error: 'Missing required property: email'.");
  // Exact and case-sensitive against the stored (lower-case) email (mgmt-api.md §8.1).
  const found = usersOf(ctx.state).filter((e) => e.data.email === q.email);
  const fields = typeof q.fields === 'string' ? q.fields : undefined;
  return { status: 200, body: found.map((e) => project(e.data, fields, q.include_fields !== false)) };
}

function databaseConnection(ctx: Ctx, name: string): JsonObject {
  const connection = findConnection(ctx.state, { name });
  if (!connection) throw fail(400, 'The connection does not exist.', 'inexistent_connection');
  return connection;
}

function create(req: ApiRequest, ctx: Ctx) {
  const body = validateBody(createUserSchema, req.body);
  const name = body.connection as string;
  const connection = databaseConnection(ctx, name);
  const email = typeof body.email === 'string' ? body.email.toLowerCase() : undefined;
  if (connection.strategy === 'auth0') {
    if (email === undefined) throw invalidBody("Payload validation error: 'Missing required property: email'.");
    if (typeof body.password !== 'string')
      throw invalidBody("Payload validation error: 'Missing required property: password'.");
    checkPassword(connection, body.password);
  }
  if (email !== undefined && findByEmail(ctx.state, name, email)) throw exists();
  if (typeof body.username === 'string' && findByUsername(ctx.state, name, body.username)) throw exists();
  if (typeof body.user_id === 'string' && findUser(ctx.state, `auth0|${body.user_id}`)) throw exists();
  return { status: 201, body: addUser(ctx.state, newUser(name, body)).data };
}

/**
 * Root fields are replaced and null unsets them; user_metadata and app_metadata merge at the first level,
 * where null deletes a key; `{}` wipes: TestAccUser shows user_metadata then reads `{}` and app_metadata is
 * gone (mgmt-api.md §8.1).
 */
function mergeInto(data: JsonObject, body: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(body)) {
    if (key === 'user_metadata' || key === 'app_metadata') {
      if (value === null || (typeof value === 'object' && Object.keys(value as object).length === 0)) {
        if (key === 'user_metadata') data[key] = {};
        else delete data[key];
        continue;
      }
      const merged = { ...((data[key] as JsonObject | undefined) ?? {}) };
      for (const [k, v] of Object.entries(value as JsonObject)) {
        if (v === null) delete merged[k];
        else merged[k] = structuredClone(v);
      }
      data[key] = merged;
    } else if (value === null) delete data[key];
    else data[key] = structuredClone(value) as JsonObject[string];
  }
}

const WRITE_ONLY = ['password', 'connection', 'verify_email', 'verify_phone_number', 'client_id'];

function update(req: ApiRequest, ctx: Ctx) {
  const e = lookup(ctx, req.params.id as string);
  const body = validateBody(updateUserSchema, req.body);
  const name = connectionOf(e.data);
  if (typeof body.password === 'string') checkPassword(databaseConnection(ctx, name), body.password);
  const email = typeof body.email === 'string' ? body.email.toLowerCase() : undefined;
  if (email !== undefined && email !== e.data.email && findByEmail(ctx.state, name, email)) throw exists();
  const username = typeof body.username === 'string' ? body.username : undefined;
  if (username !== undefined && username !== e.data.username && findByUsername(ctx.state, name, username))
    throw exists();
  const changes = Object.fromEntries(Object.entries(body).filter(([k]) => !WRITE_ONLY.includes(k)));
  if (email !== undefined) {
    changes.email = email;
    // A new email is unverified unless the request says otherwise (OAS PATCH /users/{id}).
    if (email !== e.data.email && body.email_verified === undefined) changes.email_verified = false;
  }
  changeUser(ctx.state, e, (data) => {
    mergeInto(data, changes);
    data.updated_at = new Date().toISOString();
  });
  return { status: 200, body: e.data };
}

function remove(req: ApiRequest, ctx: Ctx) {
  let id = req.params.id as string;
  try {
    id = decodeURIComponent(id);
  } catch {
    return { status: 204 };
  }
  const e = findUser(ctx.state, id);
  if (e) removeUser(ctx.state, e);
  return { status: 204 }; // deleting twice is an idempotent 204 (§3.3)
}

/**
 * DELETE /connections/{id}/users?email= (OAS delete_users_by_email): removes the connection's user with that
 * email; 204 whether or not one existed ("The user no longer exists."), 404 for an unknown connection, 400
 * "Connection must be a database connection" for any other strategy.
 */
function removeByEmail(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, { email: { type: 'string' } });
  if (typeof q.email !== 'string') throw queryError("Query validation error: 'Missing required property: email'.");
  const connection = findConnection(ctx.state, { id: req.params.id as string });
  if (!connection) throw fail(404, 'The connection does not exist', 'inexistent_connection');
  if (connection.strategy !== 'auth0') throw fail(400, 'Connection must be a database connection');
  const e = findByEmail(ctx.state, String(connection.name), q.email.toLowerCase());
  if (e) removeUser(ctx.state, e);
  return { status: 204 };
}

const BASE = '/api/v2/users';
export const userRoutes: Route[] = [
  { method: 'GET', pattern: BASE, scopes: ['read:users'], handler: list },
  { method: 'POST', pattern: BASE, scopes: ['create:users'], handler: create },
  { method: 'GET', pattern: `${BASE}/{id}`, scopes: ['read:users'], handler: get },
  {
    method: 'PATCH',
    pattern: `${BASE}/{id}`,
    scopes: ['update:users', 'update:users_app_metadata'],
    handler: update,
  },
  { method: 'DELETE', pattern: `${BASE}/{id}`, scopes: ['delete:users'], handler: remove },
  { method: 'GET', pattern: '/api/v2/users-by-email', scopes: ['read:users'], handler: byEmail },
  { method: 'DELETE', pattern: '/api/v2/connections/{id}/users', scopes: ['delete:users'], handler: removeByEmail },
];
