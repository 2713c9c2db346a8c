import type { JsonObject } from '../../json.js';
import { fail } from '../errors.js';
import { newDiscoveryDomainId, newVerificationToken } from '../ids.js';
import { listResponse } from '../pagination.js';
import { CHECKPOINT_PARAMS, parseQuery } from '../query.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { bool, enumOf, obj, str, validateBody } from '../validate.js';
import { findOrg } from './org-model.js';

/**
 * /organizations/{id}/discovery-domains (OAS CreateOrganizationDiscoveryDomainRequestContent and friends).
 * The deploy tool reads this list for every organization it exports, and the Terraform provider manages
 * the domains as their own resource. Domains live inside the organization entity (`_discovery_domains`),
 * so deleting the organization takes them along. The list is always the checkpoint envelope `{domains,
 * next?}` (its OAS schema requires `domains`); POST 201 (409 for a domain the organization already has),
 * PATCH 200 (`status`, `use_for_organization_discovery`), DELETE 204.
 *
 * Not recorded, chosen from the schema: the `dd_` id prefix, `status: pending` and
 * `use_for_organization_discovery: false` when not sent, the TXT host `_auth0-challenge.<domain>` and
 * token, and the 404 wording for an unknown domain.
 */
const DOMAIN = /^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])$/;
const STATUS = ['pending', 'verified'] as const;

const createSchema = obj(
  {
    domain: str({ minLength: 3, maxLength: 255, pattern: DOMAIN }),
    status: enumOf(STATUS),
    use_for_organization_discovery: bool(),
  },
  { required: ['domain'] },
);
const updateSchema = obj({ status: enumOf(STATUS), use_for_organization_discovery: bool() });

/** A stored domain: the answer's fields plus `seq`, which orders checkpoint cursors and is never shown. */
type Stored = JsonObject & { seq: number; id: string; domain: string };

const domainsOf = (org: Entity): Stored[] => (org.data._discovery_domains ?? []) as unknown as Stored[];

function setDomains(org: Entity, list: Stored[]): void {
  org.data._discovery_domains = list as unknown as JsonObject[];
}

function view(d: Stored): JsonObject {
  const { seq: _seq, ...rest } = d;
  return rest;
}

const notFound = () => fail(404, 'The discovery domain does not exist.');

function find(org: Entity, pred: (d: Stored) => boolean): Stored {
  const d = domainsOf(org).find(pred);
  if (!d) throw notFound();
  return d;
}

function list(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const q = parseQuery(req.query, CHECKPOINT_PARAMS);
  const items = domainsOf(org).map((d) => ({ seq: d.seq, data: view(d) }));
  // Always the checkpoint envelope, even without from/take.
  const body = listResponse(items, { ...q, take: q.take ?? 50 }, { key: 'domains', checkpoint: true, view: (e) => e.data });
  return { status: 200, body };
}

function create(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const body = validateBody<{ domain: string; status?: string; use_for_organization_discovery?: boolean }>(
    createSchema,
    req.body,
  );
  const domain = body.domain.toLowerCase();
  if (domainsOf(org).some((d) => d.domain === domain))
    throw fail(409, 'An organization discovery domain with this domain is already registered to this organization.');
  ctx.state.seq += 1;
  const stored: Stored = {
    seq: ctx.state.seq,
    id: newDiscoveryDomainId(),
    domain,
    status: body.status ?? 'pending',
    use_for_organization_discovery: body.use_for_organization_discovery ?? false,
    verification_txt: `auth0-domain-verification=${newVerificationToken()}`,
    verification_host: `_auth0-challenge.${domain}`,
  };
  setDomains(org, [...domainsOf(org), stored]);
  return { status: 201, body: view(stored) };
}

function getById(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  return { status: 200, body: view(find(org, (d) => d.id === req.params.domain_id)) };
}

function getByName(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const name = decodeURIComponent(req.params.name as string).toLowerCase();
  return { status: 200, body: view(find(org, (d) => d.domain === name)) };
}

function update(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const body = validateBody<JsonObject>(updateSchema, req.body);
  const current = find(org, (d) => d.id === req.params.domain_id);
  const next: Stored = { ...current, ...body };
  setDomains(org, domainsOf(org).map((d) => (d === current ? next : d)));
  return { status: 200, body: view(next) };
}

function remove(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  setDomains(org, domainsOf(org).filter((d) => d.id !== req.params.domain_id));
  return { status: 204 };
}

const BASE = '/api/v2/organizations/{id}/discovery-domains';
const READ = ['read:organization_discovery_domains'];
export const orgDiscoveryDomainRoutes: Route[] = [
  { method: 'GET', pattern: BASE, scopes: READ, handler: list },
  { method: 'POST', pattern: BASE, scopes: ['create:organization_discovery_domains'], handler: create },
  { method: 'GET', pattern: `${BASE}/name/{name}`, scopes: READ, handler: getByName },
  { method: 'GET', pattern: `${BASE}/{domain_id}`, scopes: READ, handler: getById },
  {
    method: 'PATCH',
    pattern: `${BASE}/{domain_id}`,
    scopes: ['update:organization_discovery_domains'],
    handler: update,
  },
  {
    method: 'DELETE',
    pattern: `${BASE}/{domain_id}`,
    scopes: ['delete:organization_discovery_domains'],
    handler: remove,
  },
];
