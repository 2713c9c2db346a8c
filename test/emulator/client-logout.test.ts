import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
beforeEach(() => emu.reset());
afterAll(() => emu.close());

type Obj = Record<string, unknown>;
const URLS = ['https://app.example/oidc-logout'];

describe('client back-channel logout, in both its forms', () => {
  it('answers a client created with oidc_logout with the deprecated oidc_backchannel_logout too', async () => {
    const created = (await emu.api('POST', '/api/v2/clients', { name: 'A', oidc_logout: { backchannel_logout_urls: URLS } }))
      .body as Obj;
    expect(created.oidc_logout).toEqual({ backchannel_logout_urls: URLS });
    expect(created.oidc_backchannel_logout).toEqual({ backchannel_logout_urls: URLS });
  });

  it('keeps oidc_logout in step when the deprecated form is patched, and removes both with null', async () => {
    const { client_id: id } = (await emu.api('POST', '/api/v2/clients', { name: 'B' })).body as { client_id: string };
    const patched = (await emu.api('PATCH', `/api/v2/clients/${id}`, { oidc_backchannel_logout: { backchannel_logout_urls: URLS } }))
      .body as Obj;
    expect(patched.oidc_logout).toEqual({ backchannel_logout_urls: URLS });
    const cleared = (await emu.api('PATCH', `/api/v2/clients/${id}`, { oidc_logout: null })).body as Obj;
    expect(cleared).not.toHaveProperty('oidc_logout');
    expect(cleared).not.toHaveProperty('oidc_backchannel_logout');
  });
});
