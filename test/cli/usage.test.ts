import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { run } from '../../src/program.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
let env: Record<string, string>;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = emulatorEnv(emu);
});
afterAll(() => emu.close());

const tenant = () => writeTenant({ 'environments/test.yaml': 'keywords: {}\n', 'tenant.yaml': 'clients:\n  - { name: Confirm Me }\n' });
const created = async () => ((await emu.api('GET', '/api/v2/clients')).body as { name: string }[]).some((c) => c.name === 'Confirm Me');

describe('using the CLI', () => {
  it('offers validate only the output formats it has (no markdown for a diagnostics list)', async () => {
    const res = await tenantctl(['validate', await tenant(), '--env', 'test', '--output', 'markdown']);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe("error: option '-o, --output <format>' argument 'markdown' is invalid. Allowed choices are text, json.\n(run with --help for usage)\n");
    // Only the usage error: no markdown failure block in a format the command just refused.
    expect(res.stdout).toBe('');
    // A format the command has still carries its usage errors on stdout, for the CI step reading it.
    const json = await tenantctl(['validate', await tenant(), '--env', 'test', '--output', 'json', '--bogus']);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'usage', message: "unknown option '--bogus'" } });
    const help = await tenantctl(['validate', '--help']);
    expect(help.stdout).not.toContain('markdown');
  });

  it('gives a command that has no --output only the usage error, whatever format is asked for', async () => {
    for (const args of [['emulator', '--output', 'json'], ['emulator', '-o', 'markdown'], ['convert', '--output=json'], ['--output', 'markdown']]) {
      const res = await tenantctl(args);
      expect(res.code, args.join(' ')).toBe(1);
      expect(res.stderr).toMatch(/^error: unknown option '(--output|-o)(=json)?'\n\(run with --help for usage\)\n$/);
      expect(res.stdout, args.join(' ')).toBe('');
    }
  });

  it('refuses to apply without confirmation when there is no terminal to ask on', async () => {
    const res = await tenantctl(['apply', await tenant(), '--env', 'test'], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('Refusing to apply without confirmation');
    expect(res.stderr).toContain('--auto-approve');
    expect(await created()).toBe(false);
  });

  it('asks on a terminal and applies only after "yes"', async () => {
    const dir = await tenant();
    const no = await tenantctl(['apply', dir, '--env', 'test'], { env, answer: 'y' });
    expect(no.code).toBe(1);
    expect(no.stderr).toContain('Apply cancelled; nothing was changed.');
    expect(await created()).toBe(false);
    const yes = await tenantctl(['apply', dir, '--env', 'test'], { env, answer: 'yes' });
    expect(yes.code).toBe(0);
    expect(await created()).toBe(true);
  });

  it('takes Ctrl-C or Ctrl-D at the question as "no": cancelled, nothing changed, the lock removed, no trace', async () => {
    const dir = await writeTenant({ 'environments/test.yaml': 'keywords: {}\n', 'tenant.yaml': 'clients:\n  - { name: Not Now }\n' });
    for (const key of ['\x03', '\x04']) {
      let stderr = '';
      // The bin's own question (src/cli.ts): readline on a terminal, here a stream fed the keystroke.
      const code = await run(['apply', dir, '--env', 'test'], {
        stdout: { write: () => true },
        stderr: { write: (s: string) => (stderr += s) },
        env,
        cwd: process.cwd(),
        prompt: async (question) => {
          const input = new PassThrough();
          const rl = createInterface({ input, output: new PassThrough(), terminal: true });
          try {
            const answer = rl.question(question);
            input.write(key);
            return await answer;
          } finally {
            rl.close();
          }
        },
      });
      expect(code).toBe(1);
      expect(stderr).toContain('Apply cancelled; nothing was changed.');
      expect(stderr).not.toContain('hit a bug');
      expect(stderr).not.toMatch(/\n\s+at /);
      const clients = (await emu.api('GET', '/api/v2/clients')).body as { name: string }[];
      expect(clients.map((c) => c.name)).not.toContain('Not Now');
      const apis = (await emu.api('GET', '/api/v2/resource-servers')).body as { identifier: string }[];
      expect(apis.map((a) => a.identifier)).not.toContain('urn:tenantctl:lock');
    }
  });

  it('explains bad credentials without a stack trace', async () => {
    const res = await tenantctl(['plan', await tenant(), '--env', 'test'], { env: { ...env, AUTH0_CLIENT_SECRET: 'wrong' } });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`could not get a Management API token for client ${emu.clientId}`);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('says how to trust an HTTPS emulator instead of retrying a certificate it cannot verify', async () => {
    const tls = await startTestEmulator({ tls: true });
    try {
      const res = await tenantctl(['plan', await tenant(), '--env', 'test'], { env: emulatorEnv(tls) });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('presented a certificate Node does not trust (DEPTH_ZERO_SELF_SIGNED_CERT)');
      expect(res.stderr).toContain('NODE_EXTRA_CA_CERTS');
    } finally {
      await tls.close();
    }
  });

  it('says what to set when no tenant is configured', async () => {
    const res = await tenantctl(['plan', await tenant(), '--env', 'test'], { env: {} });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('AUTH0_DOMAIN is not set');
    expect(res.stderr).toContain('--emulator');
  });

  it('validates the example offline and reports every problem with file:line:col', async () => {
    const ok = await tenantctl(['validate', 'examples/tenants/acme', '--env', 'prod'], { env: {} });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^Valid: /);

    const dir = await writeTenant({});
    await cp('examples/tenants/acme', dir, { recursive: true });
    const clients = join(dir, 'clients.yaml');
    await writeFile(
      clients,
      (await readFile(clients, 'utf8'))
        .replace('    callbacks: "@@WEB_CALLBACKS@@"', '    calbacks: "@@WEB_CALLBACKS@@"')
        .replace('  - client: Orders Service\n    audience: https://api.acme.example/inventory', '  - client: Order Service\n    audience: https://api.acme.example/inventory')
        .replace('"##APP_URL##"', '"##APP_LINK##"'),
    );
    const bad = await tenantctl(['validate', dir, '--env', 'prod'], { env: {} });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/clients\.yaml:6:5 error \[unknown_field\] clients\/Acme Web: unknown field 'calbacks' \(did you mean 'callbacks'\?\)/);
    expect(bad.stderr).toMatch(/clients\.yaml:8:9 error \[unknown_keyword\] clients\/Acme Web: unknown keyword 'APP_LINK'/);
    expect(bad.stderr).toMatch(/clients\.yaml:\d+:13 error \[undeclared_reference\] .*client 'Order Service' is not declared in clients \(did you mean 'Orders Service'\?\)/);
    expect(bad.stderr).toContain('error(s) in the manifests; nothing was sent to the tenant.');
  });

  it('teaches exit codes and examples in --help', async () => {
    const help = await tenantctl(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('2  changes present');
    const planHelp = await tenantctl(['plan', '--help']);
    expect(planHelp.stdout).toContain('--detailed-exitcode');
    expect(planHelp.stdout).toContain('tenantctl plan examples/tenants/acme --env staging');
  });
});
