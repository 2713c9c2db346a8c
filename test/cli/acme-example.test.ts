import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/**
 * The example tenant shows the whole model, as `npm start` applies it: roles with permissions, a
 * private_key_jwt client, an organization with enabled connections and a member, refresh-token settings
 * and session lifetimes in minutes. Applied once, a second apply has nothing to do.
 */
const ACME = 'examples/tenants/acme';
let emu: TestEmulator;
let env: Record<string, string>;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimit: '1000/1000' });
  env = emulatorEnv(emu);
});
afterAll(() => emu.close());

type Obj = Record<string, unknown> & { id: string; name: string };
const get = async (path: string) => (await emu.api('GET', `/api/v2/${path}`)).body as Obj[];
const named = async (path: string, name: string) => {
  const found = (await get(path)).find((o) => o.name === name);
  if (!found) throw new Error(`${path}: no ${name}`);
  return found;
};

describe('examples/tenants/acme', () => {
  it('applies, and a second apply changes nothing', async () => {
    const first = await tenantctl(['apply', ACME, '--env', 'dev', '--auto-approve'], { env });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const second = await tenantctl(['apply', ACME, '--env', 'dev', '--auto-approve'], { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('No changes. The tenant matches the manifests.');
    const drift = await tenantctl(['drift', ACME, '--env', 'dev'], { env });
    expect(drift.code).toBe(0);
  });

  it('holds roles with permissions, a key-based client, and an organization with a connection and a member', async () => {
    const role = await named('roles', 'order-manager');
    const permissions = (await emu.api('GET', `/api/v2/roles/${role.id}/permissions`)).body as { permission_name: string }[];
    expect(permissions.map((p) => p.permission_name).sort()).toEqual(['read:orders', 'read:stock', 'write:orders']);

    const sync = await named('clients', 'Inventory Sync');
    expect(Object.keys(sync.client_authentication_methods as object)).toEqual(['private_key_jwt']);
    const web = await named('clients', 'Acme Web');
    expect(web.refresh_token).toMatchObject({ rotation_type: 'rotating', expiration_type: 'expiring', idle_token_lifetime: 1296000 });

    const org = await named('organizations', 'acme-partners');
    const enabled = (await emu.api('GET', `/api/v2/organizations/${org.id}/enabled_connections`)).body as {
      connection: { name: string };
      assign_membership_on_login: boolean;
    }[];
    expect(enabled).toEqual([expect.objectContaining({ connection: expect.objectContaining({ name: 'acme-staff' }), assign_membership_on_login: true })]);
    const members = (await emu.api('GET', `/api/v2/organizations/${org.id}/members`)).body as { email: string }[];
    expect(members.map((m) => m.email)).toEqual(['grace@acme.example']);
  });

  it('keeps session lifetimes in minutes, and drift speaks minutes', async () => {
    const settings = (await emu.api('GET', '/api/v2/tenants/settings')).body as Record<string, number>;
    // The API answers in hours: 90 minutes is 1.5.
    expect(settings.idle_ephemeral_session_lifetime).toBe(1.5);
    await emu.api('PATCH', '/api/v2/tenants/settings', { idle_ephemeral_session_lifetime_in_minutes: 45 });
    const drift = await tenantctl(['drift', ACME, '--env', 'dev'], { env });
    expect(drift.code).toBe(2);
    expect(drift.stdout).toMatch(/idle_ephemeral_session_lifetime_in_minutes:?\n\s+manifest: 90\n\s+live:\s+45/);
  });
});
