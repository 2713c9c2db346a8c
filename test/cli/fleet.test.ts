import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

// Three tenants, each its own emulator: "eu" is healthy, "us" has a wrong client secret, "ap" drifted.
let eu: TestEmulator;
let us: TestEmulator;
let ap: TestEmulator;
let root: string;
let env: Record<string, string>;

const tenantFiles = (prefix: string, description: string) => ({
  [`${prefix}/environments/prod.yaml`]: 'keywords: {}\n',
  [`${prefix}/tenant.yaml`]: `clients:\n  - { name: Web, description: ${description} }\n`,
});
const FLEET = `tenants:
  - { name: eu, dir: tenants/eu, env: prod, domain_env: EU_DOMAIN, client_id_env: EU_ID, client_secret_env: EU_SECRET }
  - { name: us, dir: tenants/us, env: prod, domain_env: US_DOMAIN, client_id_env: US_ID, client_secret_env: US_SECRET }
  - { name: ap, dir: tenants/ap, env: prod, domain_env: AP_DOMAIN, client_id_env: AP_ID, client_secret_env: AP_SECRET }
`;
const WRONG_SECRET = 'not-the-us-secret-0123456789';

beforeAll(async () => {
  [eu, us, ap] = await Promise.all([startTestEmulator(), startTestEmulator(), startTestEmulator()]);
  root = await writeTenant({
    'fleet.yaml': FLEET,
    'good.yaml': FLEET.split('\n').filter((l) => !l.includes('name: us')).join('\n'),
    'broken.yaml': 'tenants:\n  - name: eu\n    dirr: tenants/eu\n',
    ...tenantFiles('tenants/eu', 'europe'),
    ...tenantFiles('tenants/us', 'america'),
    ...tenantFiles('tenants/ap', 'asia'),
  });
  env = {
    EU_DOMAIN: eu.url, EU_ID: eu.clientId, EU_SECRET: eu.clientSecret,
    US_DOMAIN: us.url, US_ID: us.clientId, US_SECRET: WRONG_SECRET,
    AP_DOMAIN: ap.url, AP_ID: ap.clientId, AP_SECRET: ap.clientSecret,
  };
  // "ap" was applied once, then someone edited its client by hand.
  await ap.api('POST', '/api/v2/clients', { name: 'Web', description: 'edited by hand' });
}, 60_000);
afterAll(async () => {
  await Promise.all([eu.close(), us.close(), ap.close()]);
});

const fleet = (args: string[], file = 'fleet.yaml') =>
  tenantctl([...args, '--fleet', file], { env, cwd: root });
const webDescription = async (emu: TestEmulator) =>
  ((await emu.api('GET', '/api/v2/clients')).body as { name: string; description?: string }[]).find((c) => c.name === 'Web')
    ?.description;

describe('plan, apply and drift over a fleet', () => {
  it('drift names every tenant in one summary and exits with the worst code (1 over 2)', async () => {
    const res = await fleet(['drift']);
    expect(res.code).toBe(1);
    const lines = res.stdout.split('\n');
    expect(lines.find((l) => l.trim().startsWith('eu'))).toMatch(/exit 2\s+drift: 1 to add, 0 to change, 0 to destroy/);
    expect(lines.find((l) => l.trim().startsWith('us'))).toMatch(/exit 1\s+error: .*/);
    expect(lines.find((l) => l.trim().startsWith('ap'))).toMatch(/exit 2\s+drift: 0 to add, 1 to change, 0 to destroy/);
    expect(res.stdout).toContain('Fleet drift: 3 tenant(s), 1 failed; exit 1');
    expect(res.stdout + res.stderr).not.toContain(WRONG_SECRET);
    expect(res.stdout + res.stderr).not.toContain(eu.clientSecret);
  });

  it('apply --output json: the good tenants apply despite the bad one, one JSON document, worst code', async () => {
    const res = await fleet(['apply', '--auto-approve', '--parallel', '2', '--output', 'json']);
    expect(res.code).toBe(1);
    const doc = JSON.parse(res.stdout) as {
      tenants: { name: string; code: number; result?: { applied: string[] }; error?: { message: string } }[];
    };
    expect(doc.tenants.map((t) => [t.name, t.code])).toEqual([['eu', 0], ['us', 1], ['ap', 0]]);
    expect(doc.tenants[0]?.result?.applied).toEqual(['clients/Web']);
    expect(doc.tenants[2]?.result?.applied).toEqual(['clients/Web']);
    expect(doc.tenants[1]?.error?.message).toMatch(/token|credential|client|401|403|unauthori/i);
    expect(res.stdout).not.toContain(WRONG_SECRET);
    expect(await webDescription(eu)).toBe('europe');
    expect(await webDescription(ap)).toBe('asia');
    expect(await webDescription(us)).toBeUndefined();
  });

  it('after the apply the good tenants are clean (exit 0); new drift in one makes the fleet exit 2', async () => {
    const clean = await fleet(['drift'], 'good.yaml');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/eu\s+exit 0\s+no drift/);
    const id = ((await ap.api('GET', '/api/v2/clients')).body as { name: string; client_id: string }[]).find(
      (c) => c.name === 'Web',
    )?.client_id;
    await ap.api('PATCH', `/api/v2/clients/${id}`, { description: 'edited again' });
    const drifted = await fleet(['drift', '--output', 'json'], 'good.yaml');
    expect(drifted.code).toBe(2);
    const doc = JSON.parse(drifted.stdout) as { tenants: { name: string; code: number; drift?: { drifted: boolean } }[] };
    expect(doc.tenants.map((t) => [t.name, t.code, t.drift?.drifted])).toEqual([['eu', 0, false], ['ap', 2, true]]);
  });

  it('drift --output markdown gives one table for a PR comment, not the text summary', async () => {
    const res = await fleet(['drift', '--output', 'markdown']);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('### tenantctl drift --fleet: 3 tenant(s), 1 failed (exit 1)');
    expect(res.stdout).toContain('| tenant | exit | outcome |');
    expect(res.stdout).toMatch(/^\| ap \| 2 \| drift: 0 to add, 1 to change, 0 to destroy \|$/m);
    expect(res.stdout).toMatch(/^\| us \| 1 \| error: .* \|$/m);
    expect(res.stdout).not.toContain('Fleet drift:');
    expect(res.stdout + res.stderr).not.toContain(WRONG_SECRET);
  });

  it('plan --fleet shows each tenant\'s counts and changes nothing', async () => {
    const res = await fleet(['plan', '--output', 'json'], 'good.yaml');
    expect(res.code).toBe(0);
    const doc = JSON.parse(res.stdout) as { tenants: { name: string; plan: { summary: unknown } }[] };
    expect(doc.tenants.map((t) => [t.name, t.plan.summary])).toEqual([
      ['eu', { add: 0, change: 0, destroy: 0 }],
      ['ap', { add: 0, change: 1, destroy: 0 }],
    ]);
    expect(await webDescription(ap)).toBe('edited again');
  });
});

describe('fleet usage errors', () => {
  it('apply --fleet without --auto-approve is refused before any tenant runs', async () => {
    const res = await fleet(['apply']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('apply --fleet needs --auto-approve');
    expect(await webDescription(ap)).toBe('edited again');
  });

  it('a wrong fleet file gets one located line, no stack trace', async () => {
    const res = await fleet(['plan'], 'broken.yaml');
    expect(res.code).toBe(1);
    // `dirr` is the mistake: named at its key with what was meant, not as `dir` missing from the item.
    expect(res.stderr).toMatch(/^Error: broken\.yaml:3:5: tenants\[0\]: unknown key 'dirr' \(did you mean 'dir'\?\)\n/);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    const missingDir = await tenantctl(['plan', '--fleet', 'f.yaml'], {
      env,
      cwd: await writeTenant({ 'f.yaml': 'tenants:\n  - name: x\n    dir: nowhere\n' }),
    });
    expect(missingDir.stderr).toContain('f.yaml:3:10: nowhere is not a directory (relative to f.yaml)');
  });

  it('a misspelt key names the key and what was meant, at the file level too', async () => {
    const cwd = await writeTenant({
      'typo.yaml': 'tenants:\n  - { name: eu, dir: tenants/eu, domian_env: EU_DOMAIN }\n',
      'top.yaml': 'tenant:\n  - { name: eu, dir: tenants/eu }\n',
    });
    const typo = await tenantctl(['plan', '--fleet', 'typo.yaml'], { env, cwd });
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/^Error: typo\.yaml:2:34: tenants\[0\]: unknown key 'domian_env' \(did you mean 'domain_env'\?\)\n/);
    const top = await tenantctl(['plan', '--fleet', 'top.yaml'], { env, cwd });
    expect(top.stderr).toMatch(/^Error: top\.yaml:1:1: fleet file: unknown key 'tenant' \(did you mean 'tenants'\?\)\n/);
  });

  it('an unset credential variable fails that tenant alone, naming the variable', async () => {
    const res = await tenantctl(['drift', '--fleet', 'good.yaml'], { env: { ...env, EU_SECRET: undefined }, cwd: root });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/eu\s+exit 1\s+error: EU_SECRET not set/);
    expect(res.stdout).toMatch(/ap\s+exit 2\s+drift:/);
  });
});

describe('a tenant whose manifests are invalid', () => {
  const files = {
    'invalid.yaml': 'tenants:\n  - { name: bad, dir: tenants/bad, env: prod, domain_env: EU_DOMAIN, client_id_env: EU_ID, client_secret_env: EU_SECRET }\n',
    'tenants/bad/environments/prod.yaml': 'keywords: {}\n',
    'tenants/bad/tenant.yaml': 'clients:\n  - { name: Web, descripton: typo }\n',
  };

  it('names each problem with its file:line:column in the text summary, as a run alone would', async () => {
    const cwd = await writeTenant(files);
    const res = await tenantctl(['plan', '--fleet', 'invalid.yaml'], { env, cwd });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/bad\s+exit 1\s+error: 1 error\(s\) in the manifests/);
    expect(res.stdout).toMatch(/\n {4}tenants\/bad\/tenant\.yaml:2:\d+ error \[\w+\] clients\/Web: .*descripton/);
  });

  it('keeps the diagnostics in the tenant\'s JSON entry', async () => {
    const cwd = await writeTenant(files);
    const res = await tenantctl(['drift', '--fleet', 'invalid.yaml', '--output', 'json'], { env, cwd });
    expect(res.code).toBe(1);
    const doc = JSON.parse(res.stdout) as {
      tenants: { name: string; error?: { code: string }; diagnostics?: { file: string; line: number; message: string }[] }[];
    };
    expect(doc.tenants[0]?.error?.code).toBe('invalid_manifests');
    expect(doc.tenants[0]?.diagnostics).toEqual([
      expect.objectContaining({ file: 'tenants/bad/tenant.yaml', line: 2, message: expect.stringContaining('descripton') }),
    ]);
  });
});
