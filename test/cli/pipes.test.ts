import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

// The bin as a shell runs it, stdout a pipe: `tenantctl plan --output json | jq`, `... | head`.
let emu: TestEmulator;
let dir: string;
beforeAll(async () => {
  emu = await startTestEmulator();
  // 600 APIs of 10 scopes: a plan document of about 750 kB on one line (piped), far more than a pipe's buffer holds.
  const apis = Array.from({ length: 600 }, (_, i) => {
    const scopes = Array.from({ length: 10 }, (_, s) => `{ value: "s${s}:api${i}", description: Scope ${s} }`);
    return `  - { name: API ${i}, identifier: "https://api${i}.pipes.example", scopes: [${scopes.join(', ')}] }`;
  });
  dir = await writeTenant({ 'environments/test.yaml': 'keywords: {}\n', 'apis.yaml': `resourceServers:\n${apis.join('\n')}\n` });
});
afterAll(() => emu.close());

interface Piped {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bin with stdout a pipe read by this process, which stops reading after `readBytes` if given. */
function piped(args: string[], readBytes?: number): Promise<Piped> {
  const child = spawn(process.execPath, [`${process.cwd()}/dist/bin/cli.js`, ...args], {
    cwd: dir,
    env: { ...process.env, ...emulatorEnv(emu) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    // As `| head -c N` does: close the pipe once enough has arrived.
    if (readBytes !== undefined && stdout.length >= readBytes) child.stdout.destroy();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('output through a pipe', () => {
  it('prints the whole plan document before the process exits', async () => {
    const run = await piped(['plan', '.', '--env', 'test', '--output', 'json', '--detailed-exitcode']);
    expect(run.stdout.length, run.stdout + run.stderr).toBeGreaterThan(512 * 1024);
    const plan = JSON.parse(run.stdout) as { changes: unknown[] };
    expect(plan.changes).toHaveLength(600);
    expect(run.code).toBe(2);
  }, 60_000);

  it('ends quietly with its own exit code when the reader stops early', async () => {
    const run = await piped(['plan', '.', '--env', 'test', '--output', 'json', '--detailed-exitcode'], 1000);
    expect(run.stderr).not.toMatch(/EPIPE|at .*\.js:\d+/);
    expect(run.code).toBe(2);
  }, 60_000);
});

describe('output that cannot be written', () => {
  it.skipIf(!existsSync('/dev/full'))('fails the run instead of reporting success (a full disk behind > file)', () => {
    const full = openSync('/dev/full', 'w');
    const run = spawnSync(process.execPath, [`${process.cwd()}/dist/bin/cli.js`, 'validate', dir, '--env', 'test', '--output', 'json'], {
      stdio: ['ignore', full, 'pipe'],
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('the output could not be written (ENOSPC)');
  });
});
