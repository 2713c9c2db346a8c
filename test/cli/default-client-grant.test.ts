import { describe, expect, it } from 'vitest';
import { tenantctl, writeTenant } from '../helpers/cli.js';

const API = `resourceServers:
  - { name: Catalog, identifier: https://catalog.example, scopes: [{ value: read:items }] }
clients:
  - { name: Catalog Sync, app_type: non_interactive }
`;

async function validate(grant: string) {
  const dir = await writeTenant({ 'environments/test.yaml': 'keywords: {}\n', 'tenant.yaml': `${API}clientGrants:\n${grant}` });
  return tenantctl(['validate', dir, '--env', 'test']);
}

describe('a client grant is for one client or the default of third-party clients', () => {
  it('takes default_for without a client', async () => {
    const res = await validate('  - { default_for: third_party_clients, audience: https://catalog.example, scope: [read:items] }\n');
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
  });

  it('refuses both, and neither, at the grant', async () => {
    const both = await validate(
      '  - { client: Catalog Sync, default_for: third_party_clients, audience: https://catalog.example }\n',
    );
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/tenant\.yaml:\d+:\d+ error .*name the client, or set default_for/);
    const neither = await validate('  - { audience: https://catalog.example }\n');
    expect(neither.code).toBe(1);
    expect(neither.stderr).toContain('name the client, or set default_for');
  });
});
