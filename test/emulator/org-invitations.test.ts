import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { insufficientScope, scopedApi } from '../helpers/scoped.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimit: '1000/1000' });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

type Obj = Record<string, unknown>;

async function ok(method: string, path: string, body?: unknown, on: TestEmulator = emu): Promise<Obj> {
  const res = await on.api(method, path, body);
  expect(res.status, `${method} ${path} ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body as Obj;
}

interface Setup {
  org: string;
  client: string;
  connection: string;
  role: string;
}

/** An organization with the default database connection enabled, an app that uses organizations, a role. */
async function setUp(on: TestEmulator = emu): Promise<Setup> {
  const org = await ok('POST', '/api/v2/organizations', { name: 'acme' }, on);
  const conns = (await ok('GET', '/api/v2/connections', undefined, on)) as unknown as Obj[];
  const connection = String(conns[0]?.id);
  await ok('POST', `/api/v2/organizations/${String(org.id)}/enabled_connections`, { connection_id: connection }, on);
  const app = await ok(
    'POST',
    '/api/v2/clients',
    { name: 'Portal', app_type: 'regular_web', organization_usage: 'allow', initiate_login_uri: 'https://portal.example/login' },
    on,
  );
  const role = await ok('POST', '/api/v2/roles', { name: 'member' }, on);
  return { org: String(org.id), client: String(app.client_id), connection, role: String(role.id) };
}

const invite = (s: Setup, extra: Obj = {}) => ({
  inviter: { name: 'Jane' },
  invitee: { email: 'joe@example.com' },
  client_id: s.client,
  ...extra,
});

describe('/organizations/{id}/invitations', () => {
  it('creates an invitation with a link on the login route, a 7-day default expiry and the sent fields', async () => {
    const s = await setUp();
    const res = await emu.api('POST', `/api/v2/organizations/${s.org}/invitations`, invite(s, {
      connection_id: s.connection,
      roles: [s.role],
      app_metadata: { plan: 'gold' },
      user_metadata: { lang: 'en' },
    }));
    expect(res.status).toBe(200);
    const body = res.body as Obj;
    expect(body).toMatchObject({
      organization_id: s.org,
      inviter: { name: 'Jane' },
      invitee: { email: 'joe@example.com' },
      client_id: s.client,
      connection_id: s.connection,
      roles: [s.role],
      app_metadata: { plan: 'gold' },
      user_metadata: { lang: 'en' },
    });
    expect(String(body.id)).toMatch(/^uinv_/);
    const url = new URL(String(body.invitation_url));
    expect(`${url.origin}${url.pathname}`).toBe('https://portal.example/login');
    expect(url.searchParams.get('invitation')).toBe(body.ticket_id);
    expect(url.searchParams.get('organization')).toBe(s.org);
    expect(url.searchParams.get('organization_name')).toBe('acme');
    expect(Date.parse(String(body.expires_at)) - Date.parse(String(body.created_at))).toBe(604800 * 1000);

    const short = await ok('POST', `/api/v2/organizations/${s.org}/invitations`, invite(s, { ttl_sec: 3600 }));
    expect(Date.parse(String(short.expires_at)) - Date.parse(String(short.created_at))).toBe(3600 * 1000);
    expect(short).not.toHaveProperty('connection_id');
    expect(short).not.toHaveProperty('roles');
  });

  it('refuses bodies and references the API refuses, with 400s', async () => {
    const s = await setUp();
    const post = (body: unknown) => emu.api('POST', `/api/v2/organizations/${s.org}/invitations`, body);
    const refused = async (body: unknown, message: string | RegExp) => {
      const res = await post(body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect((res.body as Obj).message).toMatch(message);
    };
    await refused({ invitee: { email: 'a@b.co' }, client_id: s.client }, /Missing required property: inviter/);
    await refused(invite(s, { invitee: { email: 'not-an-email' } }), /invitee\.email/);
    await refused(invite(s, { inviter: { name: '' } }), /inviter\.name/);
    await refused(invite(s, { ttl_sec: 2592001 }), /greater than maximum 2592000/);
    await refused(invite(s, { client_id: 'nope' }), 'The specified client_id does not exist.');
    await refused(invite(s, { connection_id: 'con_0000000000000000' }), 'The specified connection does not exist.');
    await refused(invite(s, { roles: ['rol_missing'] }), 'One or more of the specified roles do not exist: rol_missing');
    const other = await ok('POST', '/api/v2/connections', { name: 'other-db', strategy: 'auth0' });
    await refused(invite(s, { connection_id: other.id }), `The specified connection (${String(other.id)}) is not enabled for the organization`);
    const plain = await ok('POST', '/api/v2/clients', { name: 'NoOrgs', app_type: 'regular_web' });
    await refused(invite(s, { client_id: plain.client_id }), 'The specified client_id does not allow organizations.');
    const noRoute = await ok('POST', '/api/v2/clients', { name: 'NoRoute', app_type: 'regular_web', organization_usage: 'require' });
    await refused(invite(s, { client_id: noRoute.client_id }), /A default login route is required/);
    // The tenant's default login route serves clients without their own.
    await ok('PATCH', '/api/v2/tenants/settings', { default_redirection_uri: 'https://tenant.example/login' });
    const viaTenant = await ok('POST', `/api/v2/organizations/${s.org}/invitations`, invite(s, { client_id: noRoute.client_id }));
    expect(String(viaTenant.invitation_url)).toMatch(/^https:\/\/tenant\.example\/login\?invitation=/);
    expect((await emu.api('POST', '/api/v2/organizations/org_nope/invitations', invite(s))).status).toBe(404);
  });

  it('lists newest first, offset paged, with {start, limit, invitations} and projections; reads and deletes one', async () => {
    const s = await setUp();
    const ids: string[] = [];
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) {
      ids.push(String((await ok('POST', `/api/v2/organizations/${s.org}/invitations`, invite(s, { invitee: { email } }))).id));
      await new Promise((r) => setTimeout(r, 5));
    }
    const base = `/api/v2/organizations/${s.org}/invitations`;
    const list = (await ok('GET', base)) as unknown as Obj[];
    expect(list.map((i) => i.id)).toEqual([...ids].reverse());
    const asc = (await ok('GET', `${base}?sort=created_at:1&per_page=2&page=0`)) as unknown as Obj[];
    expect(asc.map((i) => i.id)).toEqual(ids.slice(0, 2));
    expect(await ok('GET', `${base}?include_totals=true&per_page=2&page=1&sort=created_at:1`)).toEqual({
      start: 2,
      limit: 2,
      invitations: [expect.objectContaining({ id: ids[2] })],
    });
    expect(await ok('GET', `${base}?fields=id,invitee&sort=created_at:1&per_page=1`)).toEqual([
      { id: ids[0], invitee: { email: 'a@example.com' } },
    ]);
    expect((await emu.api('GET', `${base}?sort=sideways`)).status).toBe(400);
    expect((await emu.api('GET', `${base}?page=20&per_page=50`)).status).toBe(400);

    expect(await ok('GET', `${base}/${ids[1]}?fields=invitee`)).toEqual({ invitee: { email: 'b@example.com' } });
    expect((await emu.api('DELETE', `${base}/${ids[1]}`)).status).toBe(204);
    const gone = await emu.api('GET', `${base}/${ids[1]}`);
    expect(gone.status).toBe(404);
    expect((gone.body as Obj).message).toBe('The invitation does not exist.');
    expect((await emu.api('DELETE', `${base}/${ids[1]}`)).status).toBe(404);
    expect((await emu.api('GET', '/api/v2/organizations/org_nope/invitations')).status).toBe(404);
    // The organization's own answers never show its invitations.
    expect(await ok('GET', `/api/v2/organizations/${s.org}`)).not.toHaveProperty('_invitations');
  });

  it('checks each operation against its own scope', async () => {
    const s = await setUp();
    const reader = await scopedApi(emu, ['read:organization_invitations']);
    const base = `/api/v2/organizations/${s.org}/invitations`;
    expect((await reader('GET', base)).status).toBe(200);
    const post = await reader('POST', base, invite(s));
    expect(post.status).toBe(403);
    expect(post.body).toEqual(insufficientScope('create:organization_invitations'));
    expect((await reader('DELETE', `${base}/uinv_x`)).body).toEqual(insufficientScope('delete:organization_invitations'));
  });

  it('keeps invitations across a restart from the state file and drops them with their organization', async () => {
    const statePath = join(await mkdtemp(join(tmpdir(), 'emu-inv-')), 'tenant.json');
    let own = await startTestEmulator({ statePath, rateLimit: '1000/1000' });
    try {
      const s = await setUp(own);
      const made = await ok('POST', `/api/v2/organizations/${s.org}/invitations`, invite(s), own);
      await own.close();
      own = await startTestEmulator({ statePath, rateLimit: '1000/1000' });
      expect(await ok('GET', `/api/v2/organizations/${s.org}/invitations/${String(made.id)}`, undefined, own)).toEqual(made);
      expect((await own.api('DELETE', `/api/v2/organizations/${s.org}`)).status).toBe(204);
      await own.close();
      own = await startTestEmulator({ statePath, rateLimit: '1000/1000' });
      expect(await readFile(statePath, 'utf8')).not.toContain(String(made.id));
      const again = await ok('POST', '/api/v2/organizations', { name: 'acme' }, own);
      expect(await ok('GET', `/api/v2/organizations/${String(again.id)}/invitations`, undefined, own)).toEqual([]);
    } finally {
      await own.close();
    }
  });
});
