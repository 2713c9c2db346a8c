import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl } from './cli.js';
import { startTestEmulator, type TestEmulator } from './emulator.js';

/**
 * Numbered scenario steps for one kind: test/scenarios/<kind>/<NN-name>/ holds manifests (with
 * environments/test.yaml) and step.json (JSON, so the loader does not read it as a manifest):
 *
 *   "flags": ["--allow-delete"]                          extra flags for plan and apply (optional)
 *   "plan": "Plan: 1 to add, 0 to change, 0 to destroy."  the plan's summary line
 *   "shows": ["~ clients/Web", "callbacks"]               text the plan must show (optional)
 *   "hides": ["clients/Other"]                             text the plan must not show (optional)
 *   "applyFlags": ["--allow-lockout-risk"]                 extra flags for apply only (optional)
 *   "applyExit": 0                                         default 0
 *   "env": {"VAR": "value"}                                extra environment variables (optional)
 *   "control": [{"method": "POST", "path": "/__emulator/…", "body": {}}]   emulator set-up calls (optional)
 *
 * Steps run in order against one fresh emulator: plan (summary and text checked), apply, then plan again,
 * which must be empty: every scenario ends converged.
 */
interface Step {
  flags?: string[];
  plan: string;
  shows?: string[];
  hides?: string[];
  applyFlags?: string[];
  applyExit?: number;
  env?: Record<string, string>;
  /** Emulator control calls made before the step plans, e.g. to age signing keys (optional). */
  control?: { method: string; path: string; body?: unknown }[];
}

export function scenarioSuite(kind: string, options: { rateLimit?: string } = {}) {
  const root = join(import.meta.dirname, '..', 'scenarios', kind);
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ rateLimit: options.rateLimit ?? '1000/1000' });
  });
  afterAll(() => emu.close());

  describe(`scenarios: ${kind}`, async () => {
    const steps = (await readdir(root)).filter((n) => /^\d\d-/.test(n)).sort();
    for (const name of steps) {
      const dir = join(root, name);
      if (!(await stat(dir)).isDirectory()) continue;
      it(name, async () => {
        const step = JSON.parse(await readFile(join(dir, 'step.json'), 'utf8')) as Step;
        for (const call of step.control ?? []) {
          const res = await fetch(`${emu.url}${call.path}`, {
            method: call.method,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(call.body ?? {}),
          });
          expect(res.ok, `${call.method} ${call.path}`).toBe(true);
        }
        const env = { ...emulatorEnv(emu), ...step.env };
        const flags = step.flags ?? [];
        const plan = await tenantctl(['plan', dir, '--env', 'test', ...flags], { env });
        expect(plan.stderr).not.toMatch(/error/i);
        expect(plan.code).toBe(0);
        expect(plan.stdout).toContain(step.plan);
        for (const text of step.shows ?? []) expect(plan.stdout).toContain(text);
        for (const text of step.hides ?? []) expect(plan.stdout).not.toContain(text);
        const apply = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve', ...flags, ...(step.applyFlags ?? [])], { env });
        expect(apply.code, apply.stdout + apply.stderr).toBe(step.applyExit ?? 0);
        const again = await tenantctl(['plan', dir, '--env', 'test', '--detailed-exitcode', ...flags], { env });
        expect(again.stdout, 'the second plan must be empty').toContain('No changes. The tenant matches the manifests.');
        expect(again.code).toBe(0);
      });
    }
  });
}
