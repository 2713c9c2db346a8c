/**
 * The child processes of the scale bench: each CLI command (cli-process.ts), the emulator
 * (emulator-process.ts), and the start-up comparison of `tenantctl --help` with a bare `node -e 0`.
 */
import { execFile, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Stats } from '../src/emulator/stats.js';

export interface CliRun {
  code: number;
  peakRssMb: number;
  cpuS: number;
  stdout: string;
}

export async function cli(args: string[], env: Record<string, string>): Promise<CliRun> {
  const child = fork(new URL('./cli-process.js', import.meta.url), args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const closed = once(child, 'close');
  const [reply] = (await once(child, 'message')) as [Omit<CliRun, 'stdout'>];
  await closed;
  return { ...reply, stdout };
}

export interface EmulatorProcess {
  /** The emulator's process id, for benches that read its CPU while it runs (/proc/PID/stat). */
  pid: number;
  url: string;
  clientId: string;
  clientSecret: string;
  stats(): Promise<Stats>;
  resetStats(): Promise<void>;
  /** Peak RSS and CPU of the emulator; it then exits. Safe to call twice. */
  stop(): Promise<{ peakRssMb: number; cpuS: number }>;
}

export async function startEmulatorProcess(args: string[]): Promise<EmulatorProcess> {
  const child = fork(new URL('./emulator-process.js', import.meta.url), args, { stdio: 'inherit' });
  const [ready] = (await once(child, 'message')) as [{ url: string; clientId: string; clientSecret: string }];
  let stopped: Promise<{ peakRssMb: number; cpuS: number }> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      const reply = once(child, 'message') as Promise<[{ peakRssMb: number; cpuS: number }]>;
      child.send('peak');
      const [usage] = await reply;
      await once(child, 'exit');
      return usage;
    })();
    return stopped;
  };
  return {
    ...ready,
    pid: child.pid ?? 0,
    stats: async () => (await (await fetch(`${ready.url}/__emulator/stats`)).json()) as Stats,
    resetStats: async () => {
      await fetch(`${ready.url}/__emulator/stats/reset`, { method: 'POST' });
    },
    stop,
  };
}

/**
 * CPU of `tenantctl --help` over `node -e 0`, each run `rounds` times in one shell whose `times` builtin
 * reports its children's user and system CPU: the same machine load for both, so the ratio is fair.
 */
export async function helpCpuRatio(rounds = 10): Promise<number> {
  const cliPath = fileURLToPath(new URL('../../dist/bin/cli.js', import.meta.url));
  const script = [
    `for i in $(seq ${rounds}); do node -e 0; done; times`,
    `for i in $(seq ${rounds}); do node "$1" --help >/dev/null; done; times`,
  ].join('; ');
  const { stdout } = await promisify(execFile)('bash', ['-c', script, 'bench', cliPath]);
  // `times` prints two lines (the shell, then its children): "0m1.234s 0m0.456s".
  const children = stdout
    .trim()
    .split('\n')
    .filter((_, i) => i % 2 === 1)
    .map((line) => [...line.matchAll(/(\d+)m([\d.]+)s/g)].reduce((s, m) => s + Number(m[1]) * 60 + Number(m[2]), 0));
  const [bare = 0, help = 0] = children;
  return (help - bare) / bare;
}
