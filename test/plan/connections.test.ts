import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/json.js';
import { handlers } from '../../src/kinds/index.js';
import type { Kind } from '../../src/kinds/types.js';
import type { Desired } from '../../src/manifest/types.js';
import { plan } from '../../src/plan/plan.js';
import type { Live } from '../../src/plan/types.js';

function desired(kinds: Partial<Record<Kind, JsonObject[]>>): Desired {
  const out: Desired = { kinds: {}, secrets: [], files: [] };
  for (const [kind, items] of Object.entries(kinds) as [Kind, JsonObject[]][]) {
    out.kinds[kind] = items.map((body) => {
      const key = handlers[kind].keyOf(body);
      return { kind, key, address: `${kind}/${key}`, body, sensitive: [] };
    });
  }
  return out;
}

const web = { client_id: 'WEB', name: 'Web' };
const shop = (extra: JsonObject = {}): JsonObject => ({
  id: 'con_AAAAAAAAAAAAAAAA',
  name: 'shop',
  strategy: 'auth0',
  options: { passwordPolicy: 'good', mfa: { active: true } },
  enabled_clients: ['WEB'],
  ...extra,
});

function live(connection: JsonObject, flags?: JsonObject): Live {
  return {
    domain: 't.example',
    managementAudience: 'https://t.example/api/v2/',
    deployerClientId: 'DEPLOYER',
    kinds: { clients: [web], connections: [connection], ...(flags ? { tenant: [{ flags }] } : {}) },
  };
}

const declared = (extra: JsonObject = {}) => ({ name: 'shop', strategy: 'auth0', enabled_clients: ['Web'], ...extra });

describe('plan: connections', () => {
  it('sends the live options with the declared keys changed, since PATCH replaces options whole', () => {
    const p = plan(desired({ connections: [declared({ options: { passwordPolicy: 'excellent' } })] }), live(shop()));
    expect(p.changes).toHaveLength(1);
    expect(p.changes[0]?.fields).toEqual([{ path: 'options.passwordPolicy', from: 'good', to: 'excellent' }]);
    expect(p.changes[0]?.body).toEqual({ options: { passwordPolicy: 'excellent', mfa: { active: true } } });
  });

  it('turns enabled clients into an enable/disable delta by client id', () => {
    const p = plan(
      desired({ clients: [{ name: 'Web' }, { name: 'New' }], connections: [declared({ enabled_clients: ['New'] })] }),
      live(shop(), { enable_client_connections: false }),
    );
    const change = p.changes.find((c) => c.kind === 'connections');
    expect(change?.body).toEqual({
      enabled_clients: [
        { client_id: { $ref: 'clients/New' }, status: true },
        { client_id: 'WEB', status: false },
      ],
    });
  });

  it('keeps a new client off a connection that does not declare it while the tenant flag is on', () => {
    const d = desired({ clients: [{ name: 'Web' }, { name: 'New' }], connections: [declared()] });
    const on = plan(d, live(shop()));
    const change = on.changes.find((c) => c.kind === 'connections');
    expect(change).toMatchObject({
      action: 'update',
      body: { enabled_clients: [{ client_id: { $ref: 'clients/New' }, status: false }] },
    });
    expect(change?.note).toContain('kept off here: clients/New');
    expect(on.changes.map((c) => c.address)).toEqual(['clients/New', 'connections/shop']);

    expect(plan(d, live(shop(), { enable_client_connections: false })).changes.map((c) => c.address)).toEqual([
      'clients/New',
    ]);
  });

  it('follows the flag as this run sets it, since the tenant phase runs first', () => {
    const d = desired({
      tenant: [{ flags: { enable_client_connections: false } }],
      clients: [{ name: 'Web' }, { name: 'New' }],
      connections: [declared()],
    });
    const p = plan(d, live(shop(), { enable_client_connections: true }));
    expect(p.changes.map((c) => c.address)).toEqual(['tenant/settings', 'clients/New']);
  });

  it('marks a strategy change as a replace that deletes users, which apply refuses without the flag', () => {
    const p = plan(desired({ connections: [declared()] }), live(shop({ strategy: 'email' })));
    expect(p.changes[0]).toMatchObject({ action: 'replace', address: 'connections/shop' });
    expect(p.changes[0]?.risk).toMatch(/every user stored in it is deleted/);
  });

  it('refuses to change options the token could not read', () => {
    const { options: _hidden, ...withoutOptions } = shop();
    expect(() =>
      plan(desired({ connections: [declared({ options: { passwordPolicy: 'fair' } })] }), live(withoutOptions)),
    ).toThrow(/read:connections_options/);
  });
});
