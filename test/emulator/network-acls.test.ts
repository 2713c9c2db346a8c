import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const acl = (over: Record<string, unknown> = {}) => ({
  description: 'Block a range',
  active: true,
  priority: 10,
  rule: { action: { block: true }, match: { asns: [9453] }, scope: 'tenant' },
  ...over,
});

describe('emulator: network ACLs', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ maxNetworkAcls: 3 });
  });
  afterAll(() => emu.close());
  beforeEach(() => emu.reset());

  it('creates with 201 and an acl_ id, echoes the rule as match, scope, action; GET adds tenant_id and deleted_at', async () => {
    const created = await emu.api('POST', '/api/v2/network-acls', acl());
    expect(created.status).toBe(201);
    const body = created.body as Record<string, unknown>;
    expect(body.id).toMatch(/^acl_[A-Za-z0-9]{22}$/);
    expect(Object.keys(body.rule as object)).toEqual(['match', 'scope', 'action']);
    expect(body).not.toHaveProperty('tenant_id');
    const got = await emu.api('GET', `/api/v2/network-acls/${String(body.id)}`);
    expect(got.body).toMatchObject({ tenant_id: expect.any(String), deleted_at: null, priority: 10 });
    const list = await emu.api('GET', '/api/v2/network-acls');
    expect(list.body).toEqual([body]);
  });

  it('refuses a taken priority with 409, on create and on PUT', async () => {
    await emu.api('POST', '/api/v2/network-acls', acl());
    const other = await emu.api('POST', '/api/v2/network-acls', acl({ description: 'B', priority: 11 }));
    const dup = await emu.api('POST', '/api/v2/network-acls', acl({ description: 'C' }));
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ message: 'A Network ACL with this priority number has already been created.' });
    const id = (other.body as { id: string }).id;
    const put = await emu.api('PUT', `/api/v2/network-acls/${id}`, acl({ description: 'B' }));
    expect(put.status).toBe(409);
  });

  it('validates actions, redirect_uri, scope, match arrays and CIDRs', async () => {
    const post = (body: unknown) => emu.api('POST', '/api/v2/network-acls', body);
    const bad = async (body: unknown, message: string | RegExp) => {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect((res.body as { message: string }).message).toMatch(message);
    };
    await bad(acl({ rule: { action: { block: true, allow: true }, match: { asns: [1] }, scope: 'tenant' } }), /exactly one action/);
    await bad(acl({ rule: { action: { redirect: true }, match: { asns: [1] }, scope: 'tenant' } }), 'Payload validation error: Action type of `redirect` requires a `redirect_uri`');
    await bad(acl({ rule: { action: { block: true, redirect_uri: 'https://x' }, match: { asns: [1] }, scope: 'tenant' } }), /only allowed with action type `redirect`/);
    await bad(acl({ rule: { action: { block: true }, match: { asns: [1] }, scope: 'everything' } }), /No enum match for: "everything"/);
    await bad(acl({ rule: { action: { block: true }, match: { asns: [] }, scope: 'tenant' } }), /Array is too short/);
    await bad(acl({ rule: { action: { block: true }, match: { ipv4_cidrs: ['10.0.0.0/33'] }, scope: 'tenant' } }), /format cidr: 10.0.0.0\/33' on property rule.match.ipv4_cidrs.0/);
    await bad(acl({ rule: { action: { block: true }, match: { ipv6_cidrs: ['10.0.0.1'] }, scope: 'tenant' } }), /format ipv6_cidr/);
    await bad(acl({ rule: { action: { block: true }, scope: 'tenant' } }), /needs `match` or `not_match`/);
    await bad(acl({ priority: 101 }), /Value 101 is greater than maximum 100/);
    await bad(acl({ rule: { action: { block: true }, match: { auth0_managed: ['auth0.nope'] }, scope: 'tenant' } }), 'Invalid curated list name(s): auth0.nope. Allowed curated list names are: auth0.low_reputation, auth0.icloud_relay_proxy');
    expect(await post(acl({ rule: { action: { block: true }, match: { ipv4_cidrs: ['10.0.0.1', '10.0.0.0/8'], ipv6_cidrs: ['2001:db8::/32', '::1'] }, scope: 'tenant' } }))).toMatchObject({ status: 201 });
  });

  it('replaces the whole ACL on PUT, merges top-level fields on PATCH, and 404s a second delete', async () => {
    const { id } = (await emu.api('POST', '/api/v2/network-acls', acl())).body as { id: string };
    const put = await emu.api('PUT', `/api/v2/network-acls/${id}`, {
      description: 'Log only',
      active: false,
      rule: { action: { log: true }, not_match: { geo_country_codes: ['US'] }, scope: 'management' },
    });
    expect(put.body).toMatchObject({ description: 'Log only', priority: 50, active: false });
    expect((put.body as { rule: object }).rule).not.toHaveProperty('match');
    const patch = await emu.api('PATCH', `/api/v2/network-acls/${id}`, { priority: 7 });
    expect(patch.body).toMatchObject({ description: 'Log only', priority: 7 });
    const del = await emu.api('DELETE', `/api/v2/network-acls/${id}`);
    expect(del).toMatchObject({ status: 200, body: { code: 204, object: '' } });
    expect((await emu.api('DELETE', `/api/v2/network-acls/${id}`)).status).toBe(404);
    const invalid = await emu.api('GET', '/api/v2/network-acls/acl_invalid_id');
    expect(invalid.body).toMatchObject({ statusCode: 400, errorCode: 'invalid_uri' });
  });

  it('holds at most the configured number of ACLs', async () => {
    for (const p of [1, 2, 3]) await emu.api('POST', '/api/v2/network-acls', acl({ description: `n${p}`, priority: p }));
    const res = await emu.api('POST', '/api/v2/network-acls', acl({ priority: 4 }));
    expect(res.status).toBe(403);
  });
});
