import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { scenarioSuite } from '../helpers/scenarios.js';

scenarioSuite('network-acls');

describe('network ACLs: lock-out risk', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ rateLimit: '1000/1000' });
  });
  afterAll(() => emu.close());

  it('warns about a blocking rule on the management scope, and applies it only with --allow-lockout-risk', async () => {
    const dir = await writeTenant({
      'environments/test.yaml': 'keywords: {}\n',
      'security.yaml': [
        'networkAcls:',
        '  - description: Block everyone but the office',
        '    priority: 5',
        '    rule:',
        '      action: { block: true }',
        '      not_match: { ipv4_cidrs: [198.51.100.0/24] }',
        '      scope: management',
        '',
      ].join('\n'),
    });
    const env = emulatorEnv(emu);
    const plan = await tenantctl(['plan', dir, '--env', 'test'], { env });
    expect(plan.stdout).toContain("! lock-out risk: an active block rule on scope 'management'");
    expect(plan.stdout).toContain('apply refuses it without --allow-lockout-risk');

    const refused = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refusing to apply: 1 change(s) could lock you out');
    expect((await emu.api('GET', '/api/v2/network-acls')).body).toEqual([]);

    const applied = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve', '--allow-lockout-risk'], {
      env,
    });
    expect(applied.code, applied.stderr).toBe(0);
    expect((await emu.api('GET', '/api/v2/network-acls')).body).toMatchObject([
      { description: 'Block everyone but the office', priority: 5 },
    ]);
  });

  it('does not flag a disabled blocking rule or one on the authentication scope', async () => {
    const dir = await writeTenant({
      'environments/test.yaml': 'keywords: {}\n',
      'security.yaml': [
        'networkAcls:',
        '  - description: Disabled block',
        '    priority: 6',
        '    active: false',
        '    rule: { action: { block: true }, match: { asns: [1] }, scope: tenant }',
        '  - description: Login block',
        '    priority: 7',
        '    rule: { action: { redirect: true, redirect_uri: "https://example.com/blocked" }, match: { asns: [2] }, scope: authentication }',
        '',
      ].join('\n'),
    });
    const plan = await tenantctl(['plan', dir, '--env', 'test'], { env: emulatorEnv(emu) });
    expect(plan.stdout).toContain('Plan: 2 to add');
    expect(plan.stdout).not.toContain('lock-out risk');
  });
});
