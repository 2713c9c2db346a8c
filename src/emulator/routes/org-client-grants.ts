import type { JsonObject } from '../../json.js';
import { fail } from '../errors.js';
import { listResponse } from '../pagination.js';
import { CHECKPOINT_PARAMS, OFFSET_PARAMS, parseQuery } from '../query.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { obj, str, validateBody } from '../validate.js';
import { findOrg, grantIdsOf, orgView, setGrantIds } from './org-model.js';

/**
 * Client grants associated with an organization (OAS /organizations/{id}/client-grants and
 * /client-grants/{id}/organizations; mgmt-api.md §7.2): POST `{grant_id}` answers 201 with the grant as an
 * OrganizationClientGrant, a second POST is 409, DELETE 204; only grants whose `organization_usage` is
 * `allow` or `require` can be associated. The association lives in the organization; a deleted grant drops
 * out of every organization without bookkeeping elsewhere.
 */
const associateSchema = obj({ grant_id: str({ minLength: 1 }) }, { required: ['grant_id'] });

const grantNotFound = () => fail(404, 'The grant does not exist.', 'inexistent_client_grant');

const findGrant = (ctx: Ctx, id: string): Entity | undefined =>
  ctx.state.collections.clientGrants.find((g) => g.data.id === id);

/** Associations whose grant still exists, in the order they were made. */
function liveGrants(ctx: Ctx, org: Entity): Entity[] {
  return grantIdsOf(org).flatMap((id) => findGrant(ctx, id) ?? []);
}

/** OrganizationClientGrant: the grant's id, client, audience, scopes and organization settings only. */
function grantView(e: Entity): JsonObject {
  const out: JsonObject = {};
  for (const k of ['id', 'client_id', 'audience', 'scope', 'organization_usage', 'allow_any_organization'])
    if (e.data[k] !== undefined) out[k] = structuredClone(e.data[k]);
  return out;
}

function list(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const q = parseQuery(req.query, {
    ...OFFSET_PARAMS,
    audience: { type: 'string' },
    client_id: { type: 'string' },
    grant_ids: { type: 'string' },
  });
  const ids = typeof q.grant_ids === 'string' ? q.grant_ids.split(',').filter(Boolean) : undefined;
  const items = liveGrants(ctx, org).filter(
    (g) =>
      (q.audience === undefined || g.data.audience === q.audience) &&
      (q.client_id === undefined || g.data.client_id === q.client_id) &&
      (ids === undefined || ids.includes(g.data.id as string)),
  );
  return { status: 200, body: listResponse(items, q, { key: 'client_grants', checkpoint: false, view: grantView }) };
}

function associate(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const body = validateBody<{ grant_id: string }>(associateSchema, req.body);
  const grant = findGrant(ctx, body.grant_id);
  if (!grant) throw grantNotFound();
  // Organizations apply only to grants that opt in (mgmt-api.md §7.2: organization_usage allow or require).
  if (grant.data.organization_usage !== 'allow' && grant.data.organization_usage !== 'require')
    throw fail(400, "The client grant's organization_usage must be 'allow' or 'require'.", 'invalid_body');
  const current = liveGrants(ctx, org);
  if (current.includes(grant)) throw fail(409, 'The client grant has already been added to this organization.');
  setGrantIds(org, [...current.map((g) => g.data.id as string), body.grant_id]);
  return { status: 201, body: grantView(grant) };
}

function dissociate(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const id = req.params.grant_id as string;
  setGrantIds(
    org,
    liveGrants(ctx, org).flatMap((g) => (g.data.id === id ? [] : [g.data.id as string])),
  );
  return { status: 204 };
}

/** GET /client-grants/{id}/organizations: offset (bare or `{organizations, start, limit, total}`) or checkpoint. */
function organizationsOfGrant(req: ApiRequest, ctx: Ctx) {
  const grant = findGrant(ctx, req.params.id as string);
  if (!grant) throw grantNotFound();
  const q = parseQuery(req.query, { ...OFFSET_PARAMS, ...CHECKPOINT_PARAMS });
  const orgs = ctx.state.collections.organizations.filter((o) => grantIdsOf(o).includes(grant.data.id as string));
  return { status: 200, body: listResponse(orgs, q, { key: 'organizations', checkpoint: true, view: orgView }) };
}

const BASE = '/api/v2/organizations/{id}/client-grants';
export const orgClientGrantRoutes: Route[] = [
  { method: 'GET', pattern: BASE, scopes: ['read:organization_client_grants'], handler: list },
  { method: 'POST', pattern: BASE, scopes: ['create:organization_client_grants'], handler: associate },
  {
    method: 'DELETE',
    pattern: `${BASE}/{grant_id}`,
    scopes: ['delete:organization_client_grants'],
    handler: dissociate,
  },
  {
    method: 'GET',
    pattern: '/api/v2/client-grants/{id}/organizations',
    scopes: ['read:organization_client_grants'],
    handler: organizationsOfGrant,
  },
];
