/**
 * The objects the conformance pass (emulator-conformance.ts) points the spec's path parameters at: one of
 * each managed kind, linked the way a deploy links them, so sub-resource reads hit real parents.
 */

export type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: unknown }>;

export interface Fixtures {
  /** Path parameter values by the first path segment, then by parameter name. */
  byPrefix: Record<string, Record<string, string>>;
  /** Parameters named the same under every prefix (`kid`, `user_id`, …). */
  common: Record<string, string>;
}

async function create(call: Call, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await call('POST', path, body);
  if (res.status >= 300) throw new Error(`fixture POST ${path} -> ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body ?? {}) as Record<string, unknown>;
}

export async function createFixtures(call: Call): Promise<Fixtures> {
  const api = await create(call, '/resource-servers', {
    name: 'Conformance API',
    identifier: 'https://conformance.example/api',
    scopes: [{ value: 'read:things', description: 'Read things' }],
  });
  const client = await create(call, '/clients', { name: 'Conformance App', app_type: 'non_interactive' });
  const clientId = String(client.client_id);
  const grant = await create(call, '/client-grants', {
    client_id: clientId,
    audience: api.identifier,
    scope: ['read:things'],
    organization_usage: 'allow',
  });
  const role = await create(call, '/roles', { name: 'conformance-role' });
  await call('POST', `/roles/${String(role.id)}/permissions`, {
    permissions: [{ resource_server_identifier: api.identifier, permission_name: 'read:things' }],
  });
  const connection = await create(call, '/connections', {
    name: 'conformance-db',
    strategy: 'auth0',
    enabled_clients: [clientId],
  });
  const user = await create(call, '/users', {
    connection: 'conformance-db',
    email: 'conformance@example.com',
    password: 'Conformance-Passw0rd!',
  });
  const userId = String(user.user_id);
  await call('POST', `/users/${encodeURIComponent(userId)}/roles`, { roles: [role.id] });
  const org = await create(call, '/organizations', { name: 'conformance-org' });
  const orgId = String(org.id);
  await call('POST', `/organizations/${orgId}/enabled_connections`, { connection_id: connection.id });
  await call('POST', `/organizations/${orgId}/members`, { members: [userId] });
  await call('POST', `/organizations/${orgId}/members/${encodeURIComponent(userId)}/roles`, { roles: [role.id] });
  await call('POST', `/organizations/${orgId}/client-grants`, { grant_id: grant.id });
  // An application that uses organizations and has a login route, so an invitation can be made for it.
  const app = await create(call, '/clients', {
    name: 'Conformance Web App',
    app_type: 'regular_web',
    organization_usage: 'allow',
    initiate_login_uri: 'https://conformance.example/login',
  });
  const invitation = await create(call, `/organizations/${orgId}/invitations`, {
    inviter: { name: 'Conformance' },
    invitee: { email: 'invitee@example.com' },
    client_id: String(app.client_id),
    connection_id: String(connection.id),
    roles: [role.id],
  });
  const method = await create(call, `/users/${encodeURIComponent(userId)}/authentication-methods`, {
    type: 'email',
    email: 'conformance@example.com',
  });
  const acl = await create(call, '/network-acls', {
    description: 'conformance',
    active: true,
    priority: 7,
    rule: { action: { block: true }, match: { ipv4_cidrs: ['203.0.113.0/24'] }, scope: 'authentication' },
  });
  const keys = (await call('GET', '/keys/signing')).body as { kid: string; current?: boolean }[];
  const kid = keys.find((k) => k.current)?.kid ?? keys[0]?.kid ?? 'none';

  return {
    byPrefix: {
      'resource-servers': { id: String(api.id) },
      clients: { id: clientId, client_id: clientId },
      'client-grants': { id: String(grant.id) },
      connections: { id: String(connection.id) },
      roles: { id: String(role.id) },
      users: { id: userId, user_id: userId, authentication_method_id: String(method.id) },
      organizations: {
        id: orgId,
        organization_id: orgId,
        name: 'conformance-org',
        connectionId: String(connection.id),
        connection_id: String(connection.id),
        grant_id: String(grant.id),
        user_id: userId,
        invitation_id: String(invitation.id),
      },
      'network-acls': { id: String(acl.id) },
      keys: { kid },
    },
    // Required query parameters: the fixture role, and the permission it carries.
    common: {
      kid,
      role_id: String(role.id),
      resource_server_identifier: String(api.identifier),
      permission_name: 'read:things',
    },
  };
}
