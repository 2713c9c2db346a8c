import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

// A deploy-tool user's object of credentials, kept in one variable as JSON.
const API_KEY = 'sk-live-4f9a8b7c6d5e';
const WEBHOOK = 'whk-0a1b2c3d4e5f';
const CREDS = JSON.stringify({ api_key: API_KEY, webhook_token: WEBHOOK });
const PARTS = [CREDS, API_KEY, WEBHOOK];

let emu: TestEmulator;
let env: Record<string, string>;
let dir: string;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = { ...emulatorEnv(emu), PARTNER_CREDS: CREDS };
  dir = await writeTenant({
    'environments/test.yaml': 'keywords:\n  PARTNER: { env: PARTNER_CREDS, json: true }\n',
    'tenant.yaml': 'clients:\n  - name: Partner Bridge\n    app_type: non_interactive\n    client_metadata: "@@PARTNER@@"\n',
  });
});
afterAll(() => emu.close());

function expectNoSecret(res: { stdout: string; stderr: string }) {
  for (const part of PARTS) expect(res.stdout + res.stderr).not.toContain(part);
}

describe('a secret keyword read as JSON (`json: true`, sensitive by default)', () => {
  it('is sent as the JSON value but no part of it is printed or stored in a plan file', async () => {
    const file = join(dir, 'plan.json');
    const outputs = [
      await tenantctl(['validate', dir, '--env', 'test'], { env }),
      await tenantctl(['plan', dir, '--env', 'test', '--out', file], { env }),
      await tenantctl(['plan', dir, '--env', 'test', '--output', 'json'], { env }),
      await tenantctl(['plan', dir, '--env', 'test', '--output', 'markdown'], { env }),
    ];
    for (const res of outputs) {
      expect(res.code, res.stderr).toBe(0);
      expectNoSecret(res);
    }
    expect(outputs[1]?.stdout).toContain('client_metadata: (sensitive)');
    const saved = await readFile(file, 'utf8');
    for (const part of PARTS) expect(saved).not.toContain(part);
    expect(saved).toContain('"$env": "PARTNER_CREDS"');

    const notJson = await tenantctl(['apply', '--plan', file], { env: { ...env, PARTNER_CREDS: `{"api_key": ${API_KEY}` } });
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain('the plan reads environment variable(s) PARTNER_CREDS as JSON, and they hold neither JSON nor a YAML list or mapping');
    expectNoSecret(notJson);

    const applied = await tenantctl(['apply', '--plan', file], { env });
    expect(applied.code, applied.stderr).toBe(0);
    expectNoSecret(applied);
    const clients = (await emu.api('GET', '/api/v2/clients')).body as { name: string; client_metadata?: unknown }[];
    expect(clients.find((c) => c.name === 'Partner Bridge')?.client_metadata).toEqual({ api_key: API_KEY, webhook_token: WEBHOOK });

    const again = await tenantctl(['plan', dir, '--env', 'test', '--detailed-exitcode'], { env });
    expect(again.stdout).toContain('No changes.');
    expect(again.code).toBe(0);
  });

  it('shows a changed value only as (sensitive), on both sides, in plan and apply', async () => {
    const rotated = JSON.stringify({ api_key: 'sk-live-rotated-99887766', webhook_token: WEBHOOK });
    const withRotated = { ...env, PARTNER_CREDS: rotated };
    const plan = await tenantctl(['plan', dir, '--env', 'test'], { env: withRotated });
    expect(plan.stdout).toContain('client_metadata');
    expect(plan.stdout + plan.stderr).not.toContain('sk-live-rotated-99887766');
    expectNoSecret(plan);
    const applied = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env: withRotated });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout + applied.stderr).not.toContain('sk-live-rotated-99887766');
    expectNoSecret(applied);
  });

  it('may be written as YAML, also over several lines, and a saved plan reads it the same way', async () => {
    const yaml = `api_key: ${API_KEY}\nwebhook_token: ${WEBHOOK}\n`;
    const file = join(dir, 'plan-yaml.json');
    const vars = { ...env, PARTNER_CREDS: yaml };
    await emu.api('DELETE', `/api/v2/clients/${((await emu.api('GET', '/api/v2/clients')).body as { name: string; client_id: string }[]).find((c) => c.name === 'Partner Bridge')?.client_id}`);
    const planned = await tenantctl(['plan', dir, '--env', 'test', '--out', file], { env: vars });
    expect(planned.code, planned.stderr).toBe(0);
    expectNoSecret(planned);
    const applied = await tenantctl(['apply', '--plan', file], { env: vars });
    expect(applied.code, applied.stderr).toBe(0);
    expectNoSecret(applied);
    expect(applied.stdout + applied.stderr).not.toContain(yaml);
    const clients = (await emu.api('GET', '/api/v2/clients')).body as { name: string; client_metadata?: unknown }[];
    expect(clients.find((c) => c.name === 'Partner Bridge')?.client_metadata).toEqual({ api_key: API_KEY, webhook_token: WEBHOOK });
  });

  it('says the variable is not JSON without quoting any of it', async () => {
    // Neither JSON nor YAML: the mapping is never closed.
    const broken = `{"api_key": "${API_KEY}"`;
    const res = await tenantctl(['validate', dir, '--env', 'test'], { env: { ...env, PARTNER_CREDS: broken } });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("keyword 'PARTNER' reads environment variable PARTNER_CREDS as JSON, and it is neither JSON nor a YAML list or mapping: the problem is at column 35 of its value, which is not shown (it is a secret)");
    expect(res.stderr).not.toContain(API_KEY);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('a `json: true` keyword whose variable does not parse', () => {
  let listDir: string;
  beforeAll(async () => {
    listDir = await writeTenant({
      'environments/test.yaml': 'keywords:\n  CALLBACKS: { env: APP_CALLBACKS, json: true, sensitive: false }\n  PARTNER: { env: PARTNER_CREDS, json: true }\n',
      'tenant.yaml': 'clients:\n  - name: Web\n    callbacks: "@@CALLBACKS@@"\n    client_metadata: "@@PARTNER@@"\n',
    });
  });
  const validate = (vars: Record<string, string>) => tenantctl(['validate', '.', '--env', 'test'], { cwd: listDir, env: { ...env, PARTNER_CREDS: CREDS, ...vars } });
  const firstLine = (stderr: string) => stderr.split('\n')[0] ?? '';

  it('says what is wrong and where in the value, and what to do', async () => {
    const res = await validate({ APP_CALLBACKS: '["https://a.example/cb"' });
    expect(res.code).toBe(1);
    expect(firstLine(res.stderr)).toBe(
      "environments/test.yaml:2:3 error [invalid_env_json] keyword 'CALLBACKS' reads environment variable APP_CALLBACKS as JSON, and it is neither JSON nor a YAML list or mapping: flow sequence must end with a ], at column 24 of its value",
    );
    expect(res.stderr).toContain('hint: Correct APP_CALLBACKS there: it must hold JSON or YAML, e.g. ');
    const lines = await validate({ APP_CALLBACKS: '- https://a.example/cb\n- [https://b.example/cb' });
    expect(firstLine(lines.stderr)).toMatch(/mapping: flow sequence .*end with a \], at line 2, column 24 of its value$/);
  });

  it('says a single word is not a list or mapping', async () => {
    const res = await validate({ APP_CALLBACKS: 'https://a.example/cb' });
    expect(firstLine(res.stderr)).toMatch(/mapping: it is a single value, not a list or mapping \(JSON writes text in double quotes\)$/);
    expect(res.stderr).toContain("or drop `json: true` for a text value.");
    const empty = await validate({ APP_CALLBACKS: ' ' });
    expect(firstLine(empty.stderr)).toMatch(/mapping: it is empty$/);
  });

  it('gives only the place of the problem in a secret, never its text', async () => {
    const res = await validate({ APP_CALLBACKS: '[]', PARTNER_CREDS: `{"api_key": "${API_KEY}"` });
    expect(res.code).toBe(1);
    expect(firstLine(res.stderr)).toMatch(/mapping: the problem is at column 35 of its value, which is not shown \(it is a secret\)$/);
    expectNoSecret(res);
    // An alias to no anchor, and a key made of a list, are refused too, with no trace and nothing quoted.
    for (const odd of [`*${API_KEY}`, `{[${API_KEY}]: 1}`]) {
      const refused = await validate({ APP_CALLBACKS: '[]', PARTNER_CREDS: odd });
      expect(refused.code).toBe(1);
      expect(firstLine(refused.stderr)).toContain("error [invalid_env_json] keyword 'PARTNER'");
      expect(refused.stderr).not.toContain(API_KEY);
      expect(refused.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
