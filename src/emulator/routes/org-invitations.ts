import type { JsonObject } from '../../json.js';
import { fail } from '../errors.js';
import { newInvitationId, newTicketId } from '../ids.js';
import { checkOffsetCap } from '../pagination.js';
import { FIELD_PARAMS, project } from '../projection.js';
import { OFFSET_PARAMS, parseQuery } from '../query.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { arr, bool, int, obj, openObj, str, validateBody } from '../validate.js';
import { connectionsOf, findOrg } from './org-model.js';

/**
 * /organizations/{id}/invitations (OAS CreateOrganizationInvitationRequestContent, OrganizationInvitation).
 * Invitations live inside the organization entity (`_invitations`, hidden from its views), so deleting the
 * organization takes them along and the state file keeps them like members. Nobody accepts an invitation
 * here, so one stays until it is deleted.
 *
 * From the OAS: `ttl_sec` 0 or absent is 604800 s (7 days), at most 2592000; the client must exist and use
 * organizations; the invitation URL is built on a login route (the client's `initiate_login_uri`, else the
 * tenant's `default_redirection_uri`), 400 without one; a connection must exist, be enabled for the
 * organization and not be passwordless; roles must exist. Lists are offset paged, newest first by default,
 * and `include_totals` gives `{start, limit, invitations}` (the OAS: no total). A create answers 200, as
 * the OAS prints it (unlike the 201 of the organization's other sub-resources; no recording says otherwise).
 */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DEFAULT_TTL = 604800;
const createSchema = obj(
  {
    inviter: obj({ name: str({ minLength: 1, maxLength: 300 }) }, { required: ['name'] }),
    invitee: obj({ email: str({ pattern: EMAIL }) }, { required: ['email'] }),
    client_id: str(),
    connection_id: str(),
    app_metadata: openObj(),
    user_metadata: openObj(),
    ttl_sec: int({ minimum: 0, maximum: 2592000 }),
    roles: arr(str(), { minItems: 1 }),
    send_invitation_email: bool(),
  },
  { required: ['inviter', 'invitee', 'client_id'] },
);

interface CreateBody {
  inviter: { name: string };
  invitee: { email: string };
  client_id: string;
  connection_id?: string;
  app_metadata?: JsonObject;
  user_metadata?: JsonObject;
  ttl_sec?: number;
  roles?: string[];
  send_invitation_email?: boolean;
}

const invitationsOf = (org: Entity): JsonObject[] => (org.data._invitations ?? []) as JsonObject[];
const notFound = () => fail(404, 'The invitation does not exist.');
const badBody = (message: string) => fail(400, message, 'invalid_body');

/** The login route the invitation link starts at: the client's, else the tenant's default. */
function loginRoute(ctx: Ctx, client: Entity): string {
  if (typeof client.data.initiate_login_uri === 'string' && client.data.initiate_login_uri !== '')
    return client.data.initiate_login_uri;
  const settings = ctx.state.collections.tenantSettings[0]?.data;
  const fallback = settings?.default_redirection_uri;
  if (typeof fallback === 'string' && fallback !== '') return fallback;
  throw badBody(
    'A default login route is required to generate the invitation url. For more information, see https://auth0.com/docs/universal-login/configure-default-login-routes',
  );
}

function checkConnection(ctx: Ctx, org: Entity, id: string): void {
  const conn = ctx.state.collections.connections.find((c) => c.data.id === id);
  if (!conn) throw badBody('The specified connection does not exist.');
  if (conn.data.strategy === 'sms' || conn.data.strategy === 'email')
    throw badBody('Passwordless connections are not supported.');
  if (!connectionsOf(org).some((c) => c.connection_id === id && c.is_enabled !== false))
    throw badBody(`The specified connection (${id}) is not enabled for the organization`);
}

function create(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const body = validateBody<CreateBody>(createSchema, req.body);
  const client = ctx.state.collections.clients.find((c) => c.data.client_id === body.client_id);
  if (!client) throw badBody('The specified client_id does not exist.');
  if (client.data.organization_usage !== 'allow' && client.data.organization_usage !== 'require')
    throw badBody('The specified client_id does not allow organizations.');
  const route = loginRoute(ctx, client);
  if (body.connection_id !== undefined) checkConnection(ctx, org, body.connection_id);
  if (body.roles) {
    const roles = ctx.state.collections.roles ?? [];
    const missing = body.roles.filter((id) => !roles.some((r) => r.data.id === id));
    if (missing.length > 0) throw badBody(`One or more of the specified roles do not exist: ${missing.join(', ')}`);
  }
  const now = new Date();
  const ttl = body.ttl_sec === undefined || body.ttl_sec === 0 ? DEFAULT_TTL : body.ttl_sec;
  const ticket = newTicketId();
  const link = new URL(route);
  link.searchParams.set('invitation', ticket);
  link.searchParams.set('organization', String(org.data.id));
  link.searchParams.set('organization_name', String(org.data.name));
  const invitation: JsonObject = {
    id: newInvitationId(),
    organization_id: String(org.data.id),
    inviter: { name: body.inviter.name },
    invitee: { email: body.invitee.email },
    invitation_url: link.toString(),
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + ttl * 1000).toISOString(),
    client_id: body.client_id,
    ...(body.connection_id === undefined ? {} : { connection_id: body.connection_id }),
    ...(body.app_metadata ? { app_metadata: structuredClone(body.app_metadata) } : {}),
    ...(body.user_metadata ? { user_metadata: structuredClone(body.user_metadata) } : {}),
    ...(body.roles ? { roles: [...body.roles] } : {}),
    ticket_id: ticket,
  };
  // A new array, not a push into the stored one: the state journal sees top-level changes only.
  org.data._invitations = [...invitationsOf(org), invitation];
  return { status: 200, body: invitation };
}

/** `field:1|-1` on a top-level string field; the OAS default is `created_at:-1`. */
function sorter(spec: unknown): (a: JsonObject, b: JsonObject) => number {
  const m = /^(\w+):(1|-1)$/.exec(typeof spec === 'string' ? spec : 'created_at:-1');
  if (!m) throw fail(400, "Query validation error: 'String does not match pattern field:1|-1' on property sort.", 'invalid_query_string');
  const field = m[1] as string;
  const dir = m[2] === '1' ? 1 : -1;
  return (a, b) => String(a[field] ?? '').localeCompare(String(b[field] ?? '')) * dir;
}

function list(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const q = parseQuery(req.query, { ...OFFSET_PARAMS, ...FIELD_PARAMS, sort: { type: 'string' } });
  const perPage = typeof q.per_page === 'number' ? q.per_page : 50;
  const page = typeof q.page === 'number' ? q.page : 0;
  checkOffsetCap(page, perPage);
  const items = [...invitationsOf(org)]
    .sort(sorter(q.sort))
    .slice(page * perPage, page * perPage + perPage)
    .map((i) => project(i, q));
  const body = q.include_totals === true ? { start: page * perPage, limit: perPage, invitations: items } : items;
  return { status: 200, body };
}

function find(org: Entity, raw: string): JsonObject {
  const id = decodeURIComponent(raw);
  const found = invitationsOf(org).find((i) => i.id === id);
  if (!found) throw notFound();
  return found;
}

function get(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const q = parseQuery(req.query, FIELD_PARAMS);
  return { status: 200, body: project(find(org, req.params.invitation_id as string), q) };
}

function remove(req: ApiRequest, ctx: Ctx) {
  const org = findOrg(ctx, req.params.id as string);
  const gone = find(org, req.params.invitation_id as string);
  org.data._invitations = invitationsOf(org).filter((i) => i !== gone);
  return { status: 204 };
}

const BASE = '/api/v2/organizations/{id}/invitations';
export const orgInvitationRoutes: Route[] = [
  { method: 'GET', pattern: BASE, scopes: ['read:organization_invitations'], handler: list },
  { method: 'POST', pattern: BASE, scopes: ['create:organization_invitations'], handler: create },
  { method: 'GET', pattern: `${BASE}/{invitation_id}`, scopes: ['read:organization_invitations'], handler: get },
  { method: 'DELETE', pattern: `${BASE}/{invitation_id}`, scopes: ['delete:organization_invitations'], handler: remove },
];
