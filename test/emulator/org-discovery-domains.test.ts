import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimit: '1000/1000' });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

type Obj = Record<string, unknown> & { id: string };

async function org(): Promise<string> {
  const res = await emu.api('POST', '/api/v2/organizations', { name: 'acme' });
  expect(res.status).toBe(201);
  return (res.body as Obj).id;
}

describe('/api/v2/organizations/{id}/discovery-domains', () => {
  it('lists an empty organization as the checkpoint envelope, as the deploy tool reads it', async () => {
    const id = await org();
    const res = await emu.api('GET', `/api/v2/organizations/${id}/discovery-domains`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ domains: [] });
    const unknown = await emu.api('GET', '/api/v2/organizations/org_missing/discovery-domains');
    expect(unknown.status).toBe(404);
    expect((unknown.body as Obj).message).toBe('No organization found by that id or name');
  });

  it('creates (201), reads by id and name, updates (200), pages by checkpoint and deletes (204)', async () => {
    const id = await org();
    const base = `/api/v2/organizations/${id}/discovery-domains`;
    const created = await emu.api('POST', base, { domain: 'Acme.example' });
    expect(created.status).toBe(201);
    const domain = created.body as Obj;
    expect(Object.keys(domain).sort()).toEqual(
      ['domain', 'id', 'status', 'use_for_organization_discovery', 'verification_host', 'verification_txt'].sort(),
    );
    expect(domain).toMatchObject({ domain: 'acme.example', status: 'pending', use_for_organization_discovery: false });
    expect((await emu.api('POST', base, { domain: 'acme.example' })).status).toBe(409);
    expect((await emu.api('GET', `${base}/${domain.id}`)).body).toEqual(domain);
    expect((await emu.api('GET', `${base}/name/acme.example`)).body).toEqual(domain);

    const patched = await emu.api('PATCH', `${base}/${domain.id}`, { status: 'verified', use_for_organization_discovery: true });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: domain.id, status: 'verified', use_for_organization_discovery: true });

    await emu.api('POST', base, { domain: 'second.example', status: 'verified' });
    const first = await emu.api('GET', `${base}?take=1`);
    const page = first.body as { domains: Obj[]; next?: string };
    expect(page.domains.map((d) => d.domain)).toEqual(['acme.example']);
    const second = (await emu.api('GET', `${base}?take=1&from=${page.next}`)).body as { domains: Obj[]; next?: string };
    expect(second).toEqual({ domains: [expect.objectContaining({ domain: 'second.example', status: 'verified' })] });

    expect((await emu.api('DELETE', `${base}/${domain.id}`)).status).toBe(204);
    expect((await emu.api('GET', `${base}/${domain.id}`)).status).toBe(404);
    // The organization itself never shows its domains.
    expect(Object.keys((await emu.api('GET', `/api/v2/organizations/${id}`)).body as Obj)).not.toContain('_discovery_domains');
  });

  it('validates the body with the closed schema', async () => {
    const base = `/api/v2/organizations/${await org()}/discovery-domains`;
    const bad = await emu.api('POST', base, { domain: 'not a domain' });
    expect(bad.status).toBe(400);
    expect((bad.body as Obj).errorCode).toBe('invalid_body');
    expect((await emu.api('POST', base, { domain: 'ok.example', extra: 1 })).status).toBe(400);
    expect((await emu.api('POST', base, { domain: 'ok.example', status: 'done' })).status).toBe(400);
  });
});
