import type { JsonObject } from '../../json.js';
import { fail } from '../errors.js';
import { listResponse } from '../pagination.js';
import { CHECKPOINT_PARAMS, parseQuery } from '../query.js';
import { newSynchronizationId } from '../ids.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { arr, bool, enumOf, nullable, obj, str, validateBody } from '../validate.js';
import { requireConnection } from './connection-clients.js';

/**
 * Inbound directory provisioning of a Google Workspace connection (OAS `/connections/{id}/directory-provisioning`,
 * Terraform's auth0_connection_directory and its synchronized groups). Kept inside the connection entity as
 * `_directory` (connectionView leaves it out): `{mapping, synchronize_automatically, synchronize_groups,
 * created_at, updated_at, groups: [{id}], synchronization?: {id, requested_at}}`. No directory sync runs
 * here, so no `last_synchronization_*` key is ever printed; an on-demand synchronization is accepted (201
 * `{connection_id, synchronization_id, status: 'pending'}`) and stays pending: another request within 30
 * minutes is the OAS's 409, as one still in progress would be.
 *
 * From the OAS: only `google-apps` supports it (400 "The connection strategy does not support inbound
 * directory provisioning"); POST 201 (409 "Directory provisioning is already enabled on the specified
 * connection"), GET 404 "Directory provisioning configuration not found" until then, PATCH 200, DELETE 204,
 * `synchronize_automatically` false unless sent (Terraform's documented default), the answer's seven required
 * keys; synchronized groups `{groups: [{id}], next?}` and PUT 204. Not recorded: the default mapping's
 * entries and `synchronize_groups: off` when not sent.
 */
const mappingItem = obj({ auth0: str(), idp: str() }, { required: ['auth0', 'idp'] });
const configSchema = nullable(
  obj({
    mapping: arr(mappingItem, { minItems: 1 }),
    synchronize_automatically: bool(),
    synchronize_groups: enumOf(['all', 'off', 'selected']),
  }),
);
const groupsSchema = obj({ groups: arr(obj({ id: str() }, { required: ['id'] })) }, { required: ['groups'] });

const DEFAULT_MAPPING: readonly JsonObject[] = [
  ['email', 'primaryEmail'],
  ['given_name', 'name.givenName'],
  ['family_name', 'name.familyName'],
  ['name', 'name.fullName'],
  ['external_id', 'id'],
].map(([auth0, idp]) => ({ auth0, idp }) as JsonObject);

interface Directory extends JsonObject {
  mapping: JsonObject[];
  synchronize_automatically: boolean;
  synchronize_groups: string;
  created_at: string;
  updated_at: string;
  groups: JsonObject[];
}

const directoryOf = (e: Entity): Directory | undefined => e.data._directory as Directory | undefined;
const notFound = () => fail(404, 'Directory provisioning configuration not found');

function supporting(ctx: Ctx, id: string): Entity {
  const e = requireConnection(ctx, id);
  if (e.data.strategy !== 'google-apps')
    throw fail(400, 'The connection strategy does not support inbound directory provisioning');
  return e;
}

function configured(ctx: Ctx, id: string): { e: Entity; dir: Directory } {
  const e = requireConnection(ctx, id);
  const dir = directoryOf(e);
  if (!dir) throw notFound();
  return { e, dir };
}

function view(e: Entity, dir: Directory): JsonObject {
  return {
    connection_id: e.data.id as string,
    connection_name: e.data.name as string,
    strategy: e.data.strategy as string,
    mapping: dir.mapping,
    synchronize_automatically: dir.synchronize_automatically,
    synchronize_groups: dir.synchronize_groups,
    created_at: dir.created_at,
    updated_at: dir.updated_at,
  };
}

function get(req: ApiRequest, ctx: Ctx) {
  const { e, dir } = configured(ctx, req.params.id as string);
  return { status: 200, body: view(e, dir) };
}

function create(req: ApiRequest, ctx: Ctx) {
  const e = supporting(ctx, req.params.id as string);
  const body = validateBody<Partial<Directory> | null>(configSchema, req.body ?? null) ?? {};
  if (directoryOf(e)) throw fail(409, 'Directory provisioning is already enabled on the specified connection');
  const now = new Date().toISOString();
  const dir: Directory = {
    mapping: structuredClone(body.mapping ?? [...DEFAULT_MAPPING]),
    synchronize_automatically: body.synchronize_automatically ?? false,
    synchronize_groups: body.synchronize_groups ?? 'off',
    created_at: now,
    updated_at: now,
    groups: [],
  };
  e.data._directory = dir;
  return { status: 201, body: view(e, dir) };
}

function update(req: ApiRequest, ctx: Ctx) {
  const { e, dir } = configured(ctx, req.params.id as string);
  const body = validateBody<Partial<Directory> | null>(configSchema, req.body ?? null) ?? {};
  const next: Directory = { ...dir, ...structuredClone(body), updated_at: new Date().toISOString() };
  e.data._directory = next;
  return { status: 200, body: view(e, next) };
}

function remove(req: ApiRequest, ctx: Ctx) {
  delete requireConnection(ctx, req.params.id as string).data._directory;
  return { status: 204 };
}

function defaultMapping(req: ApiRequest, ctx: Ctx) {
  supporting(ctx, req.params.id as string);
  return { status: 200, body: { mapping: [...DEFAULT_MAPPING] } };
}

/** `{groups, next?}`: the selected groups, or empty for a connection without provisioning. */
function listGroups(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, CHECKPOINT_PARAMS);
  const e = requireConnection(ctx, req.params.id as string);
  const items = (directoryOf(e)?.groups ?? []).map((data, i) => ({ seq: i + 1, data }));
  const body = listResponse(items, { ...q, take: q.take ?? 50 }, { key: 'groups', checkpoint: true, view: (x) => x.data });
  return { status: 200, body };
}

function replaceGroups(req: ApiRequest, ctx: Ctx) {
  const { e, dir } = configured(ctx, req.params.id as string);
  const body = validateBody<{ groups: JsonObject[] }>(groupsSchema, req.body);
  e.data._directory = { ...dir, groups: structuredClone(body.groups) };
  return { status: 204 };
}

/** GET /connections-directory-provisionings: `{directory_provisionings, next?}`, the configured ones. */
function listAll(req: ApiRequest, ctx: Ctx) {
  const q = parseQuery(req.query, CHECKPOINT_PARAMS);
  const items = ctx.state.collections.connections.filter((e) => directoryOf(e) !== undefined);
  const body = listResponse(items, { ...q, take: q.take ?? 50 }, {
    key: 'directory_provisionings',
    checkpoint: true,
    view: (e) => view(e, directoryOf(e) as Directory),
  });
  return { status: 200, body };
}

const SYNC_WINDOW_MS = 30 * 60 * 1000;

function synchronize(req: ApiRequest, ctx: Ctx) {
  const { e, dir } = configured(ctx, req.params.id as string);
  const last = dir.synchronization as { requested_at?: string } | undefined;
  if (last?.requested_at && Date.now() - Date.parse(last.requested_at) < SYNC_WINDOW_MS)
    throw fail(409, 'A synchronization has already been requested or is in progress for the connection');
  const synchronization = { id: newSynchronizationId(), requested_at: new Date().toISOString() };
  e.data._directory = { ...dir, synchronization };
  return { status: 201, body: { connection_id: String(e.data.id), synchronization_id: synchronization.id, status: 'pending' } };
}

const BASE = '/api/v2/connections/{id}/directory-provisioning';
const READ = ['read:directory_provisionings'];
export const connectionDirectoryRoutes: Route[] = [
  { method: 'GET', pattern: '/api/v2/connections-directory-provisionings', scopes: READ, handler: listAll },
  { method: 'GET', pattern: BASE, scopes: READ, handler: get },
  { method: 'POST', pattern: BASE, scopes: ['create:directory_provisionings'], handler: create },
  { method: 'PATCH', pattern: BASE, scopes: ['update:directory_provisionings'], handler: update },
  { method: 'DELETE', pattern: BASE, scopes: ['delete:directory_provisionings'], handler: remove },
  { method: 'GET', pattern: `${BASE}/default-mapping`, scopes: READ, handler: defaultMapping },
  { method: 'GET', pattern: `${BASE}/synchronized-groups`, scopes: READ, handler: listGroups },
  { method: 'PUT', pattern: `${BASE}/synchronized-groups`, scopes: ['update:directory_provisionings'], handler: replaceGroups },
  { method: 'POST', pattern: `${BASE}/synchronizations`, scopes: ['create:directory_provisionings'], handler: synchronize },
];
