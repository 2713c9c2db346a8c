import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/json.js';
import { handlers } from '../../src/kinds/index.js';
import type { Kind } from '../../src/kinds/types.js';
import type { Desired } from '../../src/manifest/types.js';
import { plan } from '../../src/plan/plan.js';
import type { Live } from '../../src/plan/types.js';

const rule = { action: { block: true }, match: { ipv4_cidrs: ['203.0.113.0/24'] }, scope: 'authentication' };

function desired(kind: Kind, bodies: JsonObject[]): Desired {
  const items = bodies.map((body) => {
    const key = handlers[kind].keyOf(body);
    return { kind, key, address: `${kind}/${key}`, body, sensitive: [] };
  });
  return { kinds: { [kind]: items }, secrets: [], files: [] };
}

const live = (kinds: Live['kinds']): Live => ({
  domain: 't.example',
  managementAudience: 'https://t.example/api/v2/',
  deployerClientId: 'DEPLOYER',
  kinds,
});

const acl = (id: string, priority: number, created_at: string) => ({
  id,
  description: 'Block a bad range',
  priority,
  active: true,
  rule,
  created_at,
});

describe('duplicates of one key', () => {
  const manifest = desired('networkAcls', [{ description: 'Block a bad range', priority: 5, active: true, rule }]);
  const tenant = live({
    networkAcls: [acl('acl_new', 6, '2026-11-02T10:00:00.000Z'), acl('acl_old', 5, '2026-11-01T10:00:00.000Z')],
  });

  it('keeps the oldest when the API gives creation times, and deletes the rest with --allow-delete', () => {
    const p = plan(manifest, tenant, { allowDelete: true, dir: 'tenants/acme', env: 'prod' });
    expect(p.changes).toEqual([
      expect.objectContaining({
        action: 'delete',
        address: 'networkAcls/Block a bad range',
        id: 'acl_new',
        note: 'duplicate network ACL id acl_new (created 2026-11-02T10:00:00.000Z); keeping id acl_old (created 2026-11-01T10:00:00.000Z, the oldest)',
      }),
    ]);
    expect(p.summary).toEqual({ add: 0, change: 0, destroy: 1 });
  });

  it('without --allow-delete, lists them and says which command resolves it', () => {
    const p = plan(manifest, tenant, { dir: 'tenants/acme', env: 'prod' });
    expect(p.changes).toEqual([]);
    expect(p.skipped).toEqual([
      expect.objectContaining({ address: 'networkAcls/Block a bad range', reason: 'would-delete' }),
    ]);
    expect(p.warnings).toEqual([
      'networkAcls/Block a bad range: 2 live network ACLs share this key (id acl_new (created 2026-11-02T10:00:00.000Z), id acl_old (created 2026-11-01T10:00:00.000Z)); `tenantctl apply tenants/acme --env prod --allow-delete --target "networkAcls/Block a bad range"` keeps id acl_old and deletes the others',
    ]);
  });

  it('keeps the pinned one over the oldest', () => {
    const pinned = desired('networkAcls', [{ description: 'Block a bad range', priority: 6, active: true, rule }]);
    const item = pinned.kinds.networkAcls?.[0];
    if (item) item.pinnedId = 'acl_new';
    const p = plan(pinned, tenant, { allowDelete: true });
    expect(p.changes.map((c) => `${c.action} ${c.id}`)).toEqual(['delete acl_old']);
  });
});
