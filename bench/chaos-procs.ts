/**
 * The processes of the chaos bench: `tenantctl emulator` with seeded faults and a state file, and tenantctl
 * commands, each in its own process as a user runs them. Everything they print goes to one log file per
 * trial, so a trial that misses a target can be read back afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { run } from '../src/program.js';

const CLI = join(import.meta.dirname, '..', 'src', 'cli.js');
export const CLIENT_ID = 'chaos-deployer';
export const CLIENT_SECRET = 'chaos-deployer-secret';

/**
 * Rules that strike, once each, paths where an answer can be lost, whatever the chances do: a committed
 * user create, a committed users-import upload, a create dropped before the tenant saw it, and a 503 and a
 * 429 on a job poll. (A lost connection create is test/cli-faults/lost-create-answers.test.ts's.)
 */
const TARGETED = [
  'POST /api/v2/users drop after nth=2',
  'POST /api/v2/jobs/users-imports drop after nth=1',
  'POST /api/v2/clients drop nth=3',
  'GET /api/v2/jobs/* 503 nth=1',
  'GET /api/v2/jobs/* 429 nth=2',
];

/**
 * The issue's faults: 10% 429, 5% 503, 2% dropped connections (half before, half after the write is
 * committed), and a latency of 0 to `maxLatencyMs` on each request (four rules of a quarter, each firing on
 * half the requests, add up to a spread around the middle). `targeted` puts TARGETED first.
 */
export function faultSpec(maxLatencyMs: number, targeted: boolean): string {
  const step = Math.round(maxLatencyMs / 4);
  const latency = [1, 2, 3, 4].map(() => `latency=${step} p=0.5`);
  return [...(targeted ? TARGETED : []), '429 p=0.1', '503 p=0.05', 'drop p=0.01', 'drop after p=0.01', ...latency].join('; ');
}

/** The rules a smoke must have seen fire at least once: all but latencies and the rare random drops. */
export const mustFire = (rule: string): boolean => !rule.startsWith('latency') && !/^drop (after )?p=/.test(rule);

export interface Emulator {
  url: string;
  port: number;
  proc: ChildProcess;
}

/** `tenantctl emulator` in its own process; resolves once it prints where it listens. */
export function startEmulator(opts: { state: string; seed: number; faults: string; log: WriteStream; port?: number }): Promise<Emulator> {
  const args = ['emulator', '--port', String(opts.port ?? 0), '--state', opts.state, '--client-id', CLIENT_ID, '--client-secret', CLIENT_SECRET];
  const proc = spawn(process.execPath, [CLI, ...args, '--rate-limit', '500/250', '--faults', opts.faults, '--seed', String(opts.seed)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  opts.log.write(`=== emulator (seed ${opts.seed})\n`);
  proc.stderr?.on('data', (chunk: Buffer) => opts.log.write(chunk));
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      opts.log.write(chunk);
      out += chunk.toString();
      const m = /Emulator listening on (http:\/\/[^\s]+)/.exec(out);
      if (m?.[1]) resolve({ url: m[1], port: Number(new URL(m[1]).port), proc });
    });
    proc.on('exit', (code) => reject(new Error(`emulator exited (${code}) before listening: ${out.slice(-500)}`)));
  });
}

export async function stop(proc: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill(signal);
  await exited;
}

/** What every tenantctl command of a trial runs with: the emulator's address, the deployer, the keyword. */
const cliEnv = (url: string) => ({
  AUTH0_DOMAIN: url,
  AUTH0_CLIENT_ID: CLIENT_ID,
  AUTH0_CLIENT_SECRET: CLIENT_SECRET,
  CHAOS_PASSWORD: 'Chaos-Passw0rd!-2026',
});

export interface Run {
  proc: ChildProcess;
  /** The exit code, or null when a signal ended it. */
  done: Promise<number | null>;
}

/** One tenantctl command in its own process; its output goes to the trial's log under `label`. */
export function cli(args: string[], url: string, log: WriteStream, label: string): Run {
  const env = { ...process.env, ...cliEnv(url), NO_COLOR: '1' };
  const proc = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  proc.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  proc.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const done = new Promise<number | null>((resolve) =>
    proc.on('close', (code, signal) => {
      log.write(`=== ${label}: ${signal ?? `exit ${code}`}\n${text}\n`);
      resolve(code);
    }),
  );
  return { proc, done };
}

export const openLog = (path: string): WriteStream => createWriteStream(path);

export async function closeLog(log: WriteStream): Promise<void> {
  await new Promise((resolve) => log.end(resolve));
}

/** How often each armed fault fired, by its rule: `{"429 p=0.1": 12, ...}` (GET /__emulator/faults). */
export async function firedFaults(url: string, spec: string): Promise<Record<string, number>> {
  const res = await fetch(`${url}/__emulator/faults`);
  const body = (await res.json()) as { rules: { fired: number }[] };
  const names = spec.split(';').map((s) => s.trim());
  const out: Record<string, number> = {};
  body.rules.forEach((rule, i) => {
    const name = names[i] ?? String(i);
    if (!name.startsWith('latency')) out[name] = (out[name] ?? 0) + rule.fired;
  });
  return out;
}

/** Writes (every method but GET) the emulator has answered or dropped so far. */
export async function writesSeen(url: string): Promise<number> {
  const res = await fetch(`${url}/__emulator/stats`);
  const { byRoute } = (await res.json()) as { byRoute: Record<string, number> };
  return Object.entries(byRoute).reduce((n, [route, count]) => (route.startsWith('GET ') ? n : n + count), 0);
}

/**
 * `tenantctl plan --detailed-exitcode` in this process (0: no changes, 2: changes): the check after each
 * trial, where a process of its own would only add start-up time. Its output goes to the trial's log.
 */
export async function planHere(dir: string, url: string, log: WriteStream): Promise<number> {
  let text = '';
  const write = (s: string) => (text += s);
  const code = await run(['plan', dir, '--env', 'chaos', '--detailed-exitcode'], {
    stdout: { write },
    stderr: { write },
    env: { ...cliEnv(url), NO_COLOR: '1' },
    cwd: process.cwd(),
  });
  log.write(`=== plan without faults: exit ${code}\n${text}\n`);
  return code;
}
