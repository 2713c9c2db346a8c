import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimit: '1000/1000' });
});
afterAll(() => emu.close());

/** The reads a real Auth0 deploy tool makes on every export (anchor-deploy-cli.md), each with its envelope. */
const READS: [string, (body: unknown) => void][] = [
  ['/resource-servers?page=0&per_page=100&include_totals=true', (b) => expect(b).toHaveProperty('resource_servers')],
  ['/clients?page=0&per_page=100&include_totals=true&is_global=false', (b) => expect(b).toHaveProperty('total')],
  ['/tenants/settings', (b) => expect(b).toHaveProperty('session_cookie')],
  ['/client-grants?include_totals=true&take=50', (b) => expect(b).toHaveProperty('client_grants')],
  ['/network-acls?page=0&per_page=100&include_totals=true', (b) => expect(b).toHaveProperty('network_acls', [])],
  ['/roles?per_page=100&page=0&include_totals=true&type=tenant', (b) => expect(b).toHaveProperty('roles', [])],
  ['/connections?include_totals=true&take=50&strategy=auth0', (b) => expect(b).toHaveProperty('connections')],
  ['/connections-directory-provisionings?take=50', (b) => expect(b).toEqual({ directory_provisionings: [] })],
  ['/organizations?include_totals=true&take=50', (b) => expect(b).toEqual({ organizations: [] })],
];

describe('what a deploy tool reads on every run', () => {
  it.each(READS)('GET %s answers 200 with the real envelope', async (path, check) => {
    const res = await emu.api('GET', `/api/v2${path}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    check(res.body);
  });

  it('lists organizations with include_client_association_for like the plain list', async () => {
    const org = await emu.api('POST', '/api/v2/organizations', { name: 'acme' });
    const res = await emu.api('GET', '/api/v2/organizations?include_client_association_for=abc123');
    expect(res.status).toBe(200);
    expect(res.body).toEqual([org.body]);
  });
});
