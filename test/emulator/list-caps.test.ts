import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
beforeEach(() => emu.reset());
afterAll(() => emu.close());

type Obj = Record<string, unknown>;
const CAP = /exceeds the allowed maximum of 1000 records/;

describe('offset paging stops at 1000 records where the spec says checkpoints must be used beyond', () => {
  it('refuses an organizations page past the cap however few exist, and serves the last page inside it', async () => {
    const past = await emu.api('GET', '/api/v2/organizations?page=10&per_page=100');
    expect(past.status).toBe(400);
    expect((past.body as Obj).message).toMatch(CAP);
    expect((await emu.api('GET', '/api/v2/organizations?page=9&per_page=100')).status).toBe(200);
  });

  it('refuses an organization members page past the cap; checkpoints are not capped', async () => {
    const org = (await emu.api('POST', '/api/v2/organizations', { name: 'capped' })).body as Obj;
    const base = `/api/v2/organizations/${String(org.id)}/members`;
    const past = await emu.api('GET', `${base}?page=20&per_page=50`);
    expect(past.status).toBe(400);
    expect((past.body as Obj).message).toMatch(CAP);
    expect((await emu.api('GET', `${base}?take=50`)).body).toEqual({ members: [] });
  });
});
