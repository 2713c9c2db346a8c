import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
let env: Record<string, string>;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = emulatorEnv(emu);
});
afterAll(() => emu.close());

const settings = (body: string) => `tenant:\n${body}`;

describe('tenant session lifetimes in minutes', () => {
  it('apply, re-plan empty, and a change reads in minutes, the unit the manifest used', async () => {
    const dir = await writeTenant({
      'tenant.yaml': settings('  session_lifetime_in_minutes: 90\n  idle_session_lifetime_in_minutes: 30\n'),
    });
    const applied = await tenantctl(['apply', dir, '--auto-approve'], { env });
    expect(applied.code).toBe(0);
    // The API answers in hours: 1.5 and 0.5 once set in minutes.
    const live = (await emu.api('GET', '/api/v2/tenants/settings')).body as Record<string, unknown>;
    expect(live.session_lifetime).toBe(1.5);
    expect(live.idle_session_lifetime).toBe(0.5);

    const again = await tenantctl(['plan', dir], { env });
    expect(again.stdout).toContain('No changes.');

    await writeFile(join(dir, 'tenant.yaml'), settings('  session_lifetime_in_minutes: 120\n  idle_session_lifetime_in_minutes: 30\n'));
    const changed = await tenantctl(['plan', dir], { env });
    expect(changed.stdout).toMatch(/session_lifetime_in_minutes: 90 → 120/);
    expect(changed.stdout).not.toMatch(/\bsession_lifetime: /);
  });

  it('a manifest in hours still reads in hours', async () => {
    const dir = await writeTenant({ 'tenant.yaml': settings('  session_lifetime: 3\n') });
    const plan = await tenantctl(['plan', dir], { env });
    expect(plan.stdout).toMatch(/session_lifetime: 1\.5 → 3/);
    expect(plan.stdout).not.toContain('in_minutes');
  });

  it('refuses both forms of one lifetime, at the minutes form', async () => {
    const dir = await writeTenant({ 'tenant.yaml': settings('  session_lifetime: 3\n  session_lifetime_in_minutes: 180\n') });
    const res = await tenantctl(['validate', dir], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      "tenant.yaml:3:32 error [invalid_value] tenant/settings: 'session_lifetime_in_minutes': declare either 'session_lifetime' (hours) or 'session_lifetime_in_minutes', not both",
    );
  });
});
