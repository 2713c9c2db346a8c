import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/json.js';
import { handlers } from '../../src/kinds/index.js';
import type { Kind } from '../../src/kinds/types.js';
import type { Desired } from '../../src/manifest/types.js';
import { plan } from '../../src/plan/plan.js';
import type { Live } from '../../src/plan/types.js';

function desired(kind: Kind, items: JsonObject[]): Desired {
  const kinds = {
    [kind]: items.map((body) => {
      const key = handlers[kind].keyOf(body);
      return { kind, key, address: `${kind}/${key}`, body, sensitive: [] };
    }),
  };
  return { kinds, secrets: [], files: [] };
}

function live(kind: Kind, items: JsonObject[]): Live {
  return {
    domain: 't.example',
    managementAudience: 'https://t.example/api/v2/',
    deployerClientId: 'D',
    kinds: { [kind]: items },
  };
}

const settings = {
  friendly_name: 'Acme',
  session_lifetime: 168,
  flags: { enable_sso: true, revoke_refresh_token_grant: false, universal_login: true },
  sandbox_versions_available: ['22'],
};

describe('tenant settings plan', () => {
  it('sends only the declared flags and settings, as one update of tenant/settings', () => {
    const p = plan(
      desired('tenant', [
        { session_lifetime: 720, flags: { revoke_refresh_token_grant: true, enable_sso: true } },
      ]),
      live('tenant', [settings]),
    );
    expect(p.changes).toHaveLength(1);
    expect(p.changes[0]).toMatchObject({
      address: 'tenant/settings',
      action: 'update',
      body: { session_lifetime: 720, flags: { revoke_refresh_token_grant: true, enable_sso: true } },
    });
  });

  it('treats an unset URL setting and an empty one as the same (the API drops empty ones)', () => {
    const empty = desired('tenant', [{ default_redirection_uri: '', support_email: '' }]);
    const p = plan(empty, live('tenant', [settings]));
    expect(p.changes).toEqual([]);
  });

  it('plans an explicit null for an undeclared default quota, and nothing when none is live', () => {
    const quota = { clients: { client_credentials: { enforce: true, per_day: 10 } } };
    const named = desired('tenant', [{ friendly_name: 'Acme' }]);
    const p = plan(named, live('tenant', [{ ...settings, default_token_quota: quota }]));
    expect(p.changes[0]?.body).toEqual({ default_token_quota: null });
    expect(plan(named, live('tenant', [settings])).changes).toEqual([]);
  });

  it('replaces the default quota whole: a dropped part is a change; PATCH sends the declared quota', () => {
    const liveQuota = {
      clients: { client_credentials: { enforce: true, per_day: 10 } },
      organizations: { client_credentials: { enforce: true, per_day: 20 } },
    };
    const want = { clients: { client_credentials: { per_day: 10 } } };
    const p = plan(
      desired('tenant', [{ default_token_quota: want }]),
      live('tenant', [{ ...settings, default_token_quota: liveQuota }]),
    );
    expect(p.changes[0]?.fields.map((f) => f.path)).toEqual(['default_token_quota.organizations']);
    expect(p.changes[0]?.body).toEqual({ default_token_quota: want });
  });
});

describe('token_quota on clients and organizations', () => {
  it('reads a quota without enforce as enforced, the API default', () => {
    const quota = { client_credentials: { per_day: 100 } };
    const enforced = { client_credentials: { per_day: 100, enforce: true } };
    const want = desired('organizations', [{ name: 'o', token_quota: quota }]);
    const org = (token_quota: JsonObject) => live('organizations', [{ id: 'org_1', name: 'o', token_quota }]);
    expect(plan(want, org(enforced)).changes).toEqual([]);
    const off = { client_credentials: { per_day: 100, enforce: false } };
    expect(plan(want, org(off)).changes).toHaveLength(1);
  });

  it('sends the whole declared quota when a limit is dropped, and null when the quota is dropped', () => {
    const liveQuota = { client_credentials: { per_day: 100, per_hour: 10 } };
    const liveClient = { client_id: 'C1', name: 'Svc', token_quota: liveQuota };
    const smaller = plan(
      desired('clients', [{ name: 'Svc', token_quota: { client_credentials: { per_day: 100 } } }]),
      live('clients', [liveClient]),
    );
    expect(smaller.changes[0]?.body).toEqual({ token_quota: { client_credentials: { per_day: 100 } } });
    const none = plan(desired('clients', [{ name: 'Svc' }]), live('clients', [liveClient]));
    expect(none.changes[0]?.body).toEqual({ token_quota: null });
  });
});
