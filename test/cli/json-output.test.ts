import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
let env: Record<string, string>;
let dir: string;
let bad: string;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = emulatorEnv(emu);
  dir = await writeTenant({
    'environments/test.yaml': 'keywords:\n  WEB: https://web.example\n',
    'clients.yaml': 'clients:\n  - { name: Json One, callbacks: ["##WEB##/cb"] }\n  - { name: Json Two }\n',
  });
  bad = await writeTenant({
    'environments/test.yaml': 'keywords: {}\n',
    'clients.yaml': 'clients:\n  - name: Json Bad\n    calbacks: []\n',
  });
});
afterAll(() => emu.close());

/** Every `--output json` run prints exactly one JSON document on stdout, whatever happens. */
async function json(args: string[], options: { env?: Record<string, string> } = {}) {
  const res = await tenantctl([...args, '--output', 'json'], { env: options.env ?? env });
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(res.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`stdout of ${args.join(' ')} is not one JSON document:\n${res.stdout}\nstderr:\n${res.stderr}`);
  }
  return { ...res, doc };
}

describe('--output json: one document on stdout for every command and every ending', () => {
  it('validate: diagnostics with file, line, column, severity, message and resource', async () => {
    const ok = await json(['validate', dir, '--env', 'test']);
    expect(ok.code).toBe(0);
    expect(ok.doc).toMatchObject({ valid: true, env: 'test', counts: { clients: 2 }, diagnostics: [] });
    const failed = await json(['validate', bad, '--env', 'test']);
    expect(failed.code).toBe(1);
    expect(failed.doc.valid).toBe(false);
    expect(failed.doc.error).toMatchObject({ code: 'invalid_manifests' });
    expect(failed.doc.diagnostics).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        code: 'unknown_field',
        line: 3,
        column: 5,
        resource: 'clients/Json Bad',
        message: "unknown field 'calbacks' (did you mean 'callbacks'?)",
        file: expect.stringMatching(/clients\.yaml$/),
      }),
    );
  });

  it('plan and drift, and their failures', async () => {
    const plan = await json(['plan', dir, '--env', 'test']);
    expect(plan.code).toBe(0);
    expect((plan.doc.changes as unknown[]).length).toBe(2);
    const drift = await json(['drift', dir, '--env', 'test']);
    expect(drift.code).toBe(2);
    expect(drift.doc.summary).toEqual({ add: 2, change: 0, destroy: 0 });
    const badManifests = await json(['plan', bad, '--env', 'test']);
    expect(badManifests.code).toBe(1);
    expect(badManifests.doc.error).toMatchObject({ code: 'invalid_manifests' });
    const target = await json(['plan', dir, '--env', 'test', '--target', 'clients/Json Once']);
    expect(target.doc.error).toMatchObject({ code: 'unknown_target' });
    const unreachable = await json(['drift', dir, '--env', 'test'], { env: { ...env, AUTH0_DOMAIN: 'tenantctl-test.invalid' } });
    expect(unreachable.code).toBe(1);
    expect(unreachable.doc.error).toMatchObject({ code: 'network' });
    const usage = await json(['plan', dir, '--env', 'test', '--bogus']);
    expect(usage.code).toBe(1);
    expect(usage.doc.error).toMatchObject({ code: 'usage' });
  });

  it('apply: plan and result in one document, progress on stderr only', async () => {
    const refused = await json(['apply', dir, '--env', 'test']);
    expect(refused.code).toBe(1);
    expect(refused.doc).toMatchObject({ error: { code: 'not_confirmed' } });
    expect((refused.doc.plan as { changes: unknown[] }).changes).toHaveLength(2);

    await emu.faults([{ method: 'POST', path: '/api/v2/clients', status: 400, nth: 2 }]);
    const partial = await json(['apply', dir, '--env', 'test', '--auto-approve']);
    await emu.clearFaults();
    expect(partial.code).toBe(1);
    expect(partial.doc).toMatchObject({
      plan: { summary: { add: 2 } },
      result: { applied: ['clients/Json One'], failed: [{ address: 'clients/Json Two' }], notAttempted: [] },
    });
    expect(partial.stderr).toContain('✓ created clients/Json One');

    const rest = await json(['apply', dir, '--env', 'test', '--auto-approve']);
    expect(rest.code).toBe(0);
    expect(rest.doc).toMatchObject({ result: { applied: ['clients/Json Two'], failed: [], notAttempted: [] } });
    const none = await json(['apply', dir, '--env', 'test', '--auto-approve']);
    expect(none.code).toBe(0);
    expect(none.doc).toMatchObject({ plan: { changes: [] }, result: { applied: [] } });
    const conflict = await json(['apply', '--plan', 'plan.json', '--env', 'test']);
    expect(conflict.doc.error).toMatchObject({ code: 'usage' });
  });
});

describe('--output json layout', () => {
  /** The same run with stdout a terminal or a pipe: the document is the same, only its layout differs. */
  async function planOn(isTTY: boolean) {
    let stdout = '';
    const { run } = await import('../../src/program.js');
    const code = await run(['plan', dir, '--env', 'test', '--output', 'json'], {
      stdout: { write: (s: string) => (stdout += s), isTTY },
      stderr: { write: () => true },
      env,
      cwd: process.cwd(),
    });
    return { code, stdout };
  }

  it('is indented at a terminal and one line in a pipe, with the same content', async () => {
    const terminal = await planOn(true);
    const piped = await planOn(false);
    expect([terminal.code, piped.code]).toEqual([0, 0]);
    expect(terminal.stdout).toContain('\n  "version": 1,\n');
    expect(piped.stdout.trimEnd().split('\n')).toHaveLength(1);
    const { createdAt: _a, ...a } = JSON.parse(terminal.stdout) as Record<string, unknown>;
    const { createdAt: _b, ...b } = JSON.parse(piped.stdout) as Record<string, unknown>;
    expect(a).toEqual(b);
  });
});

describe('manifest warnings on stdout', () => {
  it('plan, drift and apply carry them in JSON, and plan in markdown, where a CI reader only sees stdout', async () => {
    const warned = await writeTenant({
      'environments/test.yaml': 'keywords:\n  LEFTOVER: nobody uses this\n',
      'clients.yaml': 'clients:\n  - { name: Warned One }\n',
    });
    const unused = expect.objectContaining({ severity: 'warning', code: 'unused_keyword', file: expect.stringContaining('test.yaml'), line: 2 });
    for (const command of ['plan', 'drift']) {
      const res = await json([command, warned, '--env', 'test']);
      expect(res.doc.diagnostics, command).toEqual([unused]);
    }
    const md = await tenantctl(['plan', warned, '--env', 'test', '--output', 'markdown'], { env });
    expect(md.stdout).toMatch(/> \*\*Warning:\*\* `[^`]*test\.yaml:2:3` \[unused_keyword\] keyword 'LEFTOVER' is not used/);
    const applied = await json(['apply', warned, '--env', 'test', '--auto-approve']);
    expect(applied.code).toBe(0);
    expect(applied.doc.diagnostics).toEqual([unused]);
    // Without warnings the documents stay as they were.
    expect((await json(['plan', dir, '--env', 'test'])).doc).not.toHaveProperty('diagnostics');
  });
});

