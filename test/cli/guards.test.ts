import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handlers } from '../../src/kinds/index.js';
import { digest, liveCanonical } from '../../src/plan/context.js';
import { sealPlanText } from '../../src/plan/file.js';
import { RISKY_CHANGES } from '../../src/plan/risk.js';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/** Every guard the README's Safety section promises, tried as a user would. */
let emu: TestEmulator;
let env: Record<string, string>;
// A fresh tenant per test: signing keys and ACLs from one test must not leak into the next.
beforeEach(async () => {
  emu = await startTestEmulator({ rateLimit: '1000/1000' });
  env = emulatorEnv(emu);
});
afterEach(() => emu.close());

const tenant = (files: Record<string, string>) =>
  writeTenant({ 'environments/test.yaml': 'keywords: {}\n', ...files });

interface Key {
  kid: string;
  current?: boolean;
  next?: boolean;
  previous?: boolean;
  revoked?: boolean;
}
const keys = async () => (await emu.api('GET', '/api/v2/keys/signing')).body as Key[];

describe('signing-key revokes', () => {
  it('shows a revoke by key and age, refuses it without --allow-lockout-risk, and names the revoked key', async () => {
    expect((await emu.api('POST', '/api/v2/keys/signing/rotate')).status).toBe(201);
    await fetch(`${emu.url}/__emulator/signing-keys/age`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ days: 47 }),
    });
    const previous = (await keys()).find((k) => k.previous && !k.current && !k.next && !k.revoked) as Key;
    const dir = await tenant({ 'security.yaml': 'signingKeys:\n  revoke_previous_after_days: 30\n' });

    const plan = await tenantctl(['plan', dir, '--env', 'test'], { env });
    expect(plan.stdout).toContain(`- revoke signing key ${previous.kid} (previous, 47 days old)`);
    expect(plan.stdout).not.toContain('- signingKeys/policy (revoke)');
    expect(plan.stdout).toContain(`! lock-out risk: revoking signing key ${previous.kid} is permanent`);

    const refused = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refusing to apply: 1 change(s)');
    expect(refused.stderr).toContain(`revoke signing key ${previous.kid} (previous, 47 days old): revoking`);
    expect((await keys()).find((k) => k.kid === previous.kid)?.revoked).not.toBe(true);

    const applied = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve', '--allow-lockout-risk'], {
      env,
    });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).toContain(`✓ revoked signing key ${previous.kid} (signingKeys/policy)`);
    // The test's cached token was signed by the revoked key; tenantctl gets a fresh one and sees it done.
    const again = await tenantctl(['plan', dir, '--env', 'test'], { env });
    expect(again.stdout).toContain('No changes. The tenant matches the manifests.');
  });

  it('never revokes the current or the next key, even from an edited plan with --allow-lockout-risk', async () => {
    await emu.api('POST', '/api/v2/keys/signing/rotate');
    await fetch(`${emu.url}/__emulator/signing-keys/age`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ days: 47 }),
    });
    const dir = await tenant({ 'security.yaml': 'signingKeys:\n  revoke_previous_after_days: 30\n' });
    const file = join(dir, 'plan.json');
    expect((await tenantctl(['plan', dir, '--env', 'test', '--out', file], { env })).code).toBe(0);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { changes: Record<string, unknown>[] };
    const ctx = { managementAudience: emu.audience, deployerClientId: emu.clientId, clientNames: new Map() };
    for (const which of ['current', 'next'] as const) {
      const target = (await keys()).find((k) => k[which]);
      if (!target) continue;
      const change = {
        ...saved.changes[0],
        id: target.kid,
        liveDigest: digest(liveCanonical(handlers.signingKeys, target as never, ctx)),
      };
      await writeFile(file, sealPlanText(JSON.stringify({ ...saved, changes: [change] })));
      const res = await tenantctl(['apply', '--plan', file, '--allow-lockout-risk'], { env });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain(`signing key ${target.kid} is the ${which} key; it is never revoked`);
      expect((await keys()).find((k) => k.kid === target.kid)?.revoked).not.toBe(true);
    }
  });
});

describe('lock-out and data-loss guards', () => {
  it('refuses a blocking rule on the tenant scope without --allow-lockout-risk', async () => {
    const dir = await tenant({
      'security.yaml':
        'networkAcls:\n  - description: Tenant block\n    priority: 3\n    rule: { action: { block: true }, match: { asns: [64500] }, scope: tenant }\n',
    });
    const refused = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("networkAcls/Tenant block: an active block rule on scope 'tenant'");
    expect((await emu.api('GET', '/api/v2/network-acls')).body).toEqual([]);
  });

  it('refuses a connection strategy change (a replace that deletes its users) without --allow-lockout-risk', async () => {
    const made = await emu.api('POST', '/api/v2/connections', { name: 'acme-staff', strategy: 'google-oauth2' });
    expect(made.status).toBe(201);
    const dir = await tenant({ 'connections.yaml': 'connections:\n  - name: acme-staff\n    strategy: auth0\n' });
    const plan = await tenantctl(['plan', dir, '--env', 'test'], { env });
    expect(plan.stdout).toContain('-/+ connections/acme-staff');
    expect(plan.stdout).toContain('every user stored in it is deleted');
    const refused = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('connections/acme-staff: the strategy cannot change in place');
    const live = (await emu.api('GET', '/api/v2/connections')).body as { name: string; strategy: string }[];
    expect(live.find((c) => c.name === 'acme-staff')?.strategy).toBe('google-oauth2');
  });

  it("never plans the deployer client's credentials, even when a manifest declares them", async () => {
    const clients = (await emu.api('GET', '/api/v2/clients')).body as Record<string, unknown>[];
    const deployer = clients.find((c) => c.client_id === emu.clientId) as Record<string, unknown>;
    const dir = await tenant({
      'tenant.yaml': `clients:\n  - name: ${JSON.stringify(deployer.name)}\n    token_endpoint_auth_method: none\n`,
    });
    const res = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve', '--allow-lockout-risk'], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('never planned: tenantctl authenticates as this client');
    const after = (await emu.api('GET', `/api/v2/clients/${emu.clientId}`)).body as Record<string, unknown>;
    expect(after.token_endpoint_auth_method).toBe(deployer.token_endpoint_auth_method);
    expect(after.token_endpoint_auth_method).not.toBe('none');
  });
});

describe('the list of risky changes', () => {
  it('is the same in `apply --help` and in the README', async () => {
    const help = await tenantctl(['apply', '--help']);
    const readme = await readFile(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const safety = readme.slice(readme.indexOf('## Safety'));
    expect(safety.length).toBeLessThan(readme.length);
    for (const line of RISKY_CHANGES) {
      expect(help.stdout).toContain(`  - ${line}`);
      expect(safety).toContain(`- ${line}`);
    }
    const listed = (text: string, heading: string) =>
      text
        .slice(text.indexOf(heading))
        .split('\n')
        .slice(1)
        .filter((l, i, all) => all.slice(0, i + 1).every((x) => /^\s*- /.test(x)))
        .map((l) => l.replace(/^\s*- /, ''));
    expect(listed(help.stdout, 'Risky changes')).toEqual([...RISKY_CHANGES]);
    expect(listed(safety, 'Risky changes')).toEqual([...RISKY_CHANGES]);
  });
});
