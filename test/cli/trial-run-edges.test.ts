import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

// Sharp edges found by trying tenantctl as a new user: each test is what that user saw go wrong.
let emu: TestEmulator;
let env: Record<string, string>;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = emulatorEnv(emu);
});
afterAll(() => emu.close());

const DB = 'Username-Password-Authentication';

describe('plan --target users/...', () => {
  it("counts in its users note only the users it targets, not every declared one", async () => {
    const users = ['a', 'b', 'c', 'd'].map((n) => `  - { email: ${n}@example.com, connection: ${DB} }\n`).join('');
    const dir = await writeTenant({ 'tenant.yaml': `connections:\n  - { name: ${DB}, strategy: auth0 }\nusers:\n${users}` });
    const all = await tenantctl(['plan', dir, '--output', 'json'], { env });
    expect(JSON.parse(all.stdout).notes.join('\n')).toContain('users: 4 to create via 1 import job');
    const one = await tenantctl(['plan', dir, '--output', 'json', '--target', `users/${DB}/b@example.com`], { env });
    expect(one.code, one.stderr).toBe(0);
    const plan = JSON.parse(one.stdout);
    expect(plan.changes.map((c: { address: string }) => c.address)).toEqual([`users/${DB}/b@example.com`]);
    expect(plan.notes.join('\n')).toContain('users: 1 to create via 1 import job');
    expect(plan.notes.join('\n')).not.toContain('4 to create');
  });
});
