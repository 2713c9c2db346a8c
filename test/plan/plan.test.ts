import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/json.js';
import { handlers } from '../../src/kinds/index.js';
import type { Kind } from '../../src/kinds/types.js';
import type { Desired, DesiredItem } from '../../src/manifest/types.js';
import { plan } from '../../src/plan/plan.js';
import type { Live } from '../../src/plan/types.js';

const AUD = 'https://t.example/api/v2/';

function item(kind: Kind, body: JsonObject): DesiredItem {
  const key = handlers[kind].keyOf(body);
  return { kind, key, address: `${kind}/${key}`, body, sensitive: [] };
}

function desired(kinds: Partial<Record<Kind, JsonObject[]>>): Desired {
  const out: Desired = { kinds: {}, secrets: [], files: [] };
  for (const [kind, items] of Object.entries(kinds) as [Kind, JsonObject[]][])
    out.kinds[kind] = items.map((b) => item(kind, b));
  return out;
}

function live(kinds: Partial<Record<Kind, JsonObject[]>>, deployer = 'DEPLOYER'): Live {
  return { domain: 't.example', managementAudience: AUD, deployerClientId: deployer, kinds };
}

const mgmtApi = { id: 'rs0', name: 'Auth0 Management API', identifier: AUD, is_system: true, scopes: [] };
const globalClient = { client_id: 'GLOBAL', name: 'All Applications', global: true };
const deployer = { client_id: 'DEPLOYER', name: 'tenantctl', global: false };
const deployerGrant = { id: 'cgr_0', client_id: 'DEPLOYER', audience: AUD, scope: ['read:clients'] };

describe('plan', () => {
  it('creates what is missing and orders APIs and clients before the grant between them', () => {
    const p = plan(
      desired({
        clientGrants: [{ client: 'Svc', audience: 'https://api/', scope: ['b', 'a'] }],
        clients: [{ name: 'Svc', app_type: 'non_interactive' }],
        resourceServers: [{ identifier: 'https://api/', name: 'API' }],
      }),
      live({ resourceServers: [mgmtApi], clients: [globalClient, deployer], clientGrants: [deployerGrant] }),
    );
    expect(p.changes.map((c) => `${c.action} ${c.address}`)).toEqual([
      'create resourceServers/https://api/',
      'create clients/Svc',
      'create clientGrants/Svc -> https://api/',
    ]);
    expect(p.changes[2]?.body).toEqual({
      client_id: { $ref: 'clients/Svc' },
      audience: 'https://api/',
      scope: ['b', 'a'],
    });
    expect(p.summary).toEqual({ add: 3, change: 0, destroy: 0 });
  });

  it('compares only declared fields, so server defaults and set order are not drift', () => {
    const p = plan(
      desired({
        clients: [
          { name: 'Web', web_origins: ['https://b', 'https://a'], jwt_configuration: { alg: 'RS256' } },
        ],
      }),
      live({
        clients: [
          {
            client_id: 'W1',
            name: 'Web',
            web_origins: ['https://a', 'https://b'],
            grant_types: ['implicit'],
            jwt_configuration: { alg: 'RS256', lifetime_in_seconds: 36000, secret_encoded: false },
            is_first_party: true,
          },
        ],
      }),
    );
    expect(p.changes).toEqual([]);
  });

  it('reads a reorder of callbacks or logout URLs as a change: the first callback is the default redirect', () => {
    const p = plan(
      desired({ clients: [{ name: 'Web', callbacks: ['https://b', 'https://a'], allowed_logout_urls: ['https://y', 'https://x'] }] }),
      live({
        clients: [
          { client_id: 'W1', name: 'Web', callbacks: ['https://a', 'https://b'], allowed_logout_urls: ['https://x', 'https://y'] },
        ],
      }),
    );
    expect(p.changes.map((c) => c.fields.map((f) => f.path))).toEqual([['callbacks', 'allowed_logout_urls']]);
  });

  it('updates only the changed fields and names old and new values', () => {
    const p = plan(
      desired({
        clients: [
          { name: 'Web', callbacks: ['https://a'], description: 'same', jwt_configuration: { alg: 'RS256' } },
        ],
      }),
      live({
        clients: [
          {
            client_id: 'W1',
            name: 'Web',
            callbacks: ['https://evil'],
            description: 'same',
            jwt_configuration: { alg: 'HS256', lifetime_in_seconds: 60 },
          },
        ],
      }),
    );
    expect(p.changes).toHaveLength(1);
    const change = p.changes[0]!;
    expect(change.action).toBe('update');
    expect(change.id).toBe('W1');
    // nested objects are sent whole with the live settings kept, so PATCH cannot reset lifetime_in_seconds
    expect(change.body).toEqual({
      callbacks: ['https://a'],
      jwt_configuration: { alg: 'RS256', lifetime_in_seconds: 60 },
    });
    expect(change.fields).toEqual([
      { path: 'callbacks', from: ['https://evil'], to: ['https://a'] },
      { path: 'jwt_configuration.alg', from: 'HS256', to: 'RS256' },
    ]);
    expect(p.summary).toEqual({ add: 0, change: 1, destroy: 0 });
  });

  it('sends explicit nulls for map keys removed from the manifest', () => {
    const p = plan(
      desired({ clients: [{ name: 'Web', client_metadata: { team: 'a' } }] }),
      live({ clients: [{ client_id: 'W1', name: 'Web', client_metadata: { team: 'a', old: 'x' } }] }),
    );
    expect(p.changes[0]?.body).toEqual({ client_metadata: { team: 'a', old: null } });
  });

  it('lists live objects missing from a managed section as skipped unless deletes are allowed', () => {
    const d = desired({ clients: [] });
    const l = live({ clients: [globalClient, deployer, { client_id: 'X', name: 'Legacy' }] });
    const without = plan(d, l);
    expect(without.changes).toEqual([]);
    expect(without.skipped).toEqual([
      {
        address: 'clients/Legacy',
        kind: 'clients',
        reason: 'would-delete',
        message: expect.stringContaining('--allow-delete'),
      },
    ]);
    const withDelete = plan(d, l, { allowDelete: true });
    expect(withDelete.changes.map((c) => `${c.action} ${c.address} ${c.id}`)).toEqual([
      'delete clients/Legacy X',
    ]);
    expect(withDelete.summary.destroy).toBe(1);
  });

  it('never plans the deployer, its Management API grant, the global client or system APIs', () => {
    const p = plan(
      desired({
        resourceServers: [],
        clients: [{ name: 'tenantctl', description: 'hijack' }],
        clientGrants: [],
      }),
      live({ resourceServers: [mgmtApi], clients: [globalClient, deployer], clientGrants: [deployerGrant] }),
      { allowDelete: true },
    );
    expect(p.changes).toEqual([]);
    expect(p.skipped).toEqual([
      expect.objectContaining({ address: 'clients/tenantctl', reason: 'protected' }),
    ]);
  });

  it('deletes grants before the clients they belong to', () => {
    const p = plan(
      desired({ clients: [], clientGrants: [] }),
      live({
        clients: [{ client_id: 'C', name: 'Old' }],
        clientGrants: [{ id: 'cgr_1', client_id: 'C', audience: 'https://api/' }],
      }),
      { allowDelete: true },
    );
    expect(p.changes.map((c) => c.address)).toEqual(['clientGrants/Old -> https://api/', 'clients/Old']);
  });

  it('resolves a grant to an existing client by its live id', () => {
    const p = plan(
      desired({ clientGrants: [{ client: 'Svc', audience: 'https://api/', scope: ['a'] }] }),
      live({
        resourceServers: [{ id: 'r', identifier: 'https://api/' }],
        clients: [{ client_id: 'S1', name: 'Svc' }],
        clientGrants: [],
      }),
    );
    expect(p.refs).toEqual({ 'clients/Svc': 'S1' });
  });

  it('refuses a grant whose client or audience exists nowhere', () => {
    expect(() =>
      plan(
        desired({ clientGrants: [{ client: 'Ghost', audience: 'https://nowhere/' }] }),
        live({ resourceServers: [], clients: [], clientGrants: [] }),
      ),
    ).toThrow(/client 'Ghost' does not exist[\s\S]*audience 'https:\/\/nowhere\/' is not a resource server/);
  });

  it('refuses to guess between two live clients with the same name', () => {
    expect(() =>
      plan(
        desired({ clients: [{ name: 'Dup' }] }),
        live({
          clients: [
            { client_id: 'A', name: 'Dup' },
            { client_id: 'B', name: 'Dup' },
          ],
        }),
      ),
    ).toThrow(/2 live clients share this key.*id A \(created unknown\), id B \(created unknown\)/);
  });

  it('treats scopes of an API as a set keyed by value', () => {
    const p = plan(
      desired({
        resourceServers: [
          { identifier: 'https://api/', scopes: [{ value: 'b' }, { value: 'a', description: 'A' }] },
        ],
      }),
      live({
        resourceServers: [
          {
            id: 'r',
            identifier: 'https://api/',
            scopes: [
              { value: 'a', description: 'A' },
              { value: 'b', description: '' },
            ],
          },
        ],
      }),
    );
    expect(p.changes).toEqual([]);
  });

  it('limits a plan to --target resources plus the creates they need, and lists the rest as left out', () => {
    const d = desired({
      clients: [{ name: 'Svc' }, { name: 'Other', description: 'new text' }],
      clientGrants: [{ client: 'Svc', audience: 'https://api/', scope: ['a'] }],
      resourceServers: [{ identifier: 'https://api/' }],
    });
    const l = live({
      resourceServers: [{ id: 'r', identifier: 'https://api/' }],
      clients: [{ client_id: 'O', name: 'Other' }],
      clientGrants: [],
    });
    const p = plan(d, l, { targets: ['clientGrants/Svc -> https://api/'] });
    expect(p.changes.map((c) => c.address)).toEqual(['clients/Svc', 'clientGrants/Svc -> https://api/']);
    expect(p.skipped).toEqual([expect.objectContaining({ address: 'clients/Other', reason: 'untargeted' })]);
    expect(plan(d, l, { targets: ['clients'] }).changes.map((c) => c.address)).toEqual([
      'clients/Other',
      'clients/Svc',
    ]);
  });

  it('counts managed, unmanaged and skipped objects per kind', () => {
    const p = plan(
      desired({ clients: [{ name: 'A' }, { name: 'tenantctl' }] }),
      live({ clients: [globalClient, deployer, { client_id: 'X', name: 'Stray' }] }),
    );
    expect(p.counts).toEqual({ clients: { managed: 2, unmanaged: 1, skipped: 2 } });
  });
});
