import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

// A YAML error's file:line:column is where the user looks first: it must be where the mistake is.
let emu: TestEmulator;
let env: Record<string, string>;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = emulatorEnv(emu);
});
afterAll(() => emu.close());

interface Diagnostic {
  line: number;
  column: number;
  message: string;
}

async function planErrors(manifest: string): Promise<Diagnostic[]> {
  const dir = await writeTenant({ 'clients.yaml': manifest });
  const res = await tenantctl(['plan', dir, '--output', 'json'], { env });
  expect(res.code).toBe(1);
  return JSON.parse(res.stdout).diagnostics;
}

describe('an unclosed quote', () => {
  // Many items below the mistake: the yaml package reported the file's end, 40 lines away.
  const after = Array.from({ length: 20 }, (_, i) => `  - name: App ${i}\n    app_type: spa\n`).join('');

  it('is reported at the double quote that opens it, not where the file ends', async () => {
    const errors = await planErrors(`clients:\n  - name: Web\n    description: "the storefront\n${after}`);
    expect(errors.map((e) => [e.line, e.column, e.message])).toEqual([[3, 18, 'Missing closing "quote']]);
  });

  it("is reported at the single quote that opens it, past the value's escaped quotes", async () => {
    const errors = await planErrors(`clients:\n  - name: Web\n    description: 'the shop''s front\n${after}`);
    expect(errors.map((e) => [e.line, e.column, e.message])).toEqual([[3, 18, "Missing closing 'quote"]]);
  });

  it('skips quotes escaped inside the value', async () => {
    const errors = await planErrors(`clients:\n  - name: "Web \\" shop\n${after}`);
    expect(errors.map((e) => [e.line, e.column, e.message])).toEqual([[2, 11, 'Missing closing "quote']]);
  });
});
