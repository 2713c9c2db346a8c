import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/api/client.js';
import { parseDomain } from '../../src/api/domain.js';
import { createTokenProvider } from '../../src/api/token.js';
import { unsetSecret } from '../../src/unset-secret.js';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

// A client secret is write-only and never compared: plan, drift and an apply of updates run without the
// variable that holds it (a scheduled drift job need not hold every secret); a change that sends it does not.
let emu: TestEmulator;
let env: Record<string, string>;
let dir: string;
const ENV_FILE = 'keywords:\n  WEB_SECRET: { env: WEB_SECRET }\n  NEW_SECRET: { env: NEW_SECRET }\n';
const web = (description: string) =>
  `  - name: Unset Web\n    app_type: non_interactive\n    description: ${description}\n    client_secret: "@@WEB_SECRET@@"\n`;
const fresh = '  - name: Unset New\n    app_type: non_interactive\n    client_secret: "@@NEW_SECRET@@"\n';

beforeAll(async () => {
  emu = await startTestEmulator();
  env = emulatorEnv(emu);
  dir = await writeTenant({ 'environments/test.yaml': ENV_FILE, 'clients.yaml': `clients:\n${web('one')}` });
  const created = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env: { ...env, WEB_SECRET: 'web-secret-value-0001' } });
  expect(created.code, created.stderr).toBe(0);
});
afterAll(() => emu.close());

async function liveClient(name: string): Promise<Record<string, unknown> | undefined> {
  const clients = (await emu.api('GET', '/api/v2/clients?per_page=100')).body as Record<string, unknown>[];
  return clients.find((c) => c.name === name);
}

describe('secret keywords whose variable is not set', () => {
  it('plan, apply of an update and drift run without them, and the secret stays as it was', async () => {
    await writeFile(join(dir, 'clients.yaml'), `clients:\n${web('two')}`);
    const plan = await tenantctl(['plan', dir, '--env', 'test', '--detailed-exitcode'], { env });
    expect(plan.stderr).not.toContain('error');
    expect(plan.stdout).toContain('description: "one" → "two"');
    expect(plan.code).toBe(2);
    const applied = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(applied.code, applied.stderr).toBe(0);
    const live = await liveClient('Unset Web');
    expect(live).toMatchObject({ description: 'two', client_secret: 'web-secret-value-0001' });
    const drift = await tenantctl(['drift', dir, '--env', 'test'], { env });
    expect(drift.code, drift.stdout + drift.stderr).toBe(0);
  });

  it('refuses an apply that would create an object with one, before sending anything', async () => {
    await writeFile(join(dir, 'clients.yaml'), `clients:\n${web('two')}${fresh}`);
    const plan = await tenantctl(['plan', dir, '--env', 'test'], { env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('clients/Unset New: this create sends a secret from NEW_SECRET, which is not set here');
    await emu.resetStats();
    const applied = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain('clients/Unset New (create) needs NEW_SECRET');
    expect(applied.stderr).toContain('nothing was applied');
    expect(await liveClient('Unset New')).toBeUndefined();
    // Reads, the token and the lock only: no write of a client was sent.
    const routes = Object.keys((await emu.stats()).byRoute);
    expect(routes.filter((r) => !r.startsWith('GET') && r.includes('/clients'))).toEqual([]);
    expect(routes.some((r) => r.startsWith('GET /api/v2/clients'))).toBe(true);
  });

  it('saves the create in a plan file as a variable to read at apply, never as a value', async () => {
    const file = join(dir, 'plan.json');
    const planned = await tenantctl(['plan', dir, '--env', 'test', '--out', file], { env });
    expect(planned.code, planned.stderr).toBe(0);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('tenantctl:unset-env');
    expect(JSON.parse(text).changes[0].body.client_secret).toEqual({ $env: 'NEW_SECRET' });
    const refused = await tenantctl(['apply', '--plan', file, '--auto-approve'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('NEW_SECRET');
    expect(await liveClient('Unset New')).toBeUndefined();
    const applied = await tenantctl(['apply', '--plan', file, '--auto-approve'], { env: { ...env, NEW_SECRET: 'new-secret-value-0002' } });
    expect(applied.code, applied.stderr).toBe(0);
    expect(await liveClient('Unset New')).toMatchObject({ client_secret: 'new-secret-value-0002' });
  });
});

describe('many creates that need secrets', () => {
  it('are summed up after five warnings', async () => {
    const clients = Array.from({ length: 7 }, (_, i) => `  - { name: Many ${i}, app_type: non_interactive, client_secret: "@@S${i}@@" }`);
    const keywords = Array.from({ length: 7 }, (_, i) => `  S${i}: { env: MANY_SECRET_${i} }`);
    const many = await writeTenant({
      'environments/test.yaml': `keywords:\n${keywords.join('\n')}\n`,
      'clients.yaml': `clients:\n${clients.join('\n')}\n`,
    });
    const plan = await tenantctl(['plan', many, '--env', 'test'], { env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout.match(/this create sends a secret from MANY_SECRET_\d/g)).toHaveLength(5);
    expect(plan.stdout).toContain('2 more change(s) send secrets whose variables are not set here; apply needs them');
  });
});

describe('the API client', () => {
  it('never sends a stand-in of an unset secret, whatever asks it to', async () => {
    const endpoint = parseDomain(emu.url);
    const tokens = createTokenProvider(endpoint, { kind: 'secret', clientId: emu.clientId, clientSecret: emu.clientSecret });
    const api = createApiClient({ endpoint, tokens });
    try {
      await emu.resetStats();
      const body = { name: 'Stand In', client_secret: unsetSecret('SOME_SECRET') };
      await expect(api.request({ method: 'POST', path: '/clients', body })).rejects.toThrow(/stand-in of an unset secret/);
      expect((await emu.stats()).byRoute['POST /api/v2/clients']).toBeUndefined();
    } finally {
      await api.close();
    }
  });
});
