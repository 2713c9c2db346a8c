/**
 * Chaos: does apply converge, without duplicates, when the tenant misbehaves? Three series of N trials,
 * each against a fresh emulator in its own process (`tenantctl emulator --port 0 --state ...`) with seeded
 * faults (10% 429, 5% 503, 2% dropped connections split before / after the write is committed, 0-200 ms
 * latency) and a generated mid-size tenant (bench/chaos-tenant.ts):
 *   1. apply, re-run while it exits non-zero (at most 3 re-runs), then plan without faults;
 *   2. the same, but the first apply is killed with SIGKILL at a random moment;
 *   3. the same, but the emulator is killed and restarted (same --state, same port) mid-apply.
 * A trial converges when the final plan is empty and no natural key has two objects. An apply that exits 0
 * must have applied its whole plan: `exit0_but_not_converged` counts the times it did not. Final JSON line:
 *   {trials, converged, duplicates, exit0_but_not_converged, sigkill_converged, emulator_restart_converged, max_attempts}
 *
 *   npm run bench:chaos -- --trials 5        (--smoke: a small tenant and 1 trial per series, for CI)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chaosManifest, countDuplicates, ENV_FILE, FULL, SMOKE } from './chaos-tenant.js';

const { values } = parseArgs({
  options: { trials: { type: 'string', default: '3' }, smoke: { type: 'boolean', default: false }, seed: { type: 'string', default: '1' } },
});
const smoke = values.smoke === true;
const trials = smoke ? 1 : Number(values.trials);
const baseSeed = Number(values.seed);
if (!Number.isInteger(trials) || trials < 1 || !Number.isInteger(baseSeed)) {
  console.error('usage: --trials N (N >= 1) [--seed S] [--smoke]');
  process.exit(1);
}

const CLI = join(import.meta.dirname, '..', 'src', 'cli.js');
const CLIENT_ID = 'chaos-deployer';
const CLIENT_SECRET = 'chaos-deployer-secret';
const FAULTS = '429 p=0.1; 503 p=0.05; drop p=0.01; drop after p=0.01; latency=20 p=0.5; latency=40 p=0.5; latency=60 p=0.5; latency=80 p=0.5';
const RE_RUNS = 3;

interface Emulator {
  url: string;
  port: number;
  proc: ChildProcess;
}

/** `tenantctl emulator` in its own process; resolves once it prints where it listens. */
function startEmulator(state: string, seed: number, port = 0): Promise<Emulator> {
  const args = ['emulator', '--port', String(port), '--state', state, '--client-id', CLIENT_ID, '--client-secret', CLIENT_SECRET];
  const proc = spawn(process.execPath, [CLI, ...args, '--rate-limit', '500/250', '--faults', FAULTS, '--seed', String(seed)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Emulator listening on (http:\/\/[^\s]+)/.exec(out);
      if (m?.[1]) resolve({ url: m[1], port: Number(new URL(m[1]).port), proc });
    });
    proc.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.on('exit', (code) => reject(new Error(`emulator exited (${code}) before listening: ${out.slice(-500)}`)));
  });
}

async function stop(proc: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill(signal);
  await exited;
}

interface Run {
  code: number | null;
  proc: ChildProcess;
  done: Promise<number | null>;
}

/** One tenantctl command in its own process, as a user runs it. */
function cli(args: string[], url: string): Run {
  const env = { ...process.env, AUTH0_DOMAIN: url, AUTH0_CLIENT_ID: CLIENT_ID, AUTH0_CLIENT_SECRET: CLIENT_SECRET, CHAOS_PASSWORD: 'Chaos-Passw0rd!-2026' };
  const proc = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'ignore', 'ignore'] });
  const run: Run = { code: null, proc, done: Promise.resolve(null) };
  run.done = new Promise((resolve) => proc.on('exit', (code) => resolve((run.code = code))));
  return run;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome {
  converged: boolean;
  duplicates: number;
  exit0NotConverged: boolean;
  attempts: number;
  applyMs: number;
}

type Disruption = 'none' | 'sigkill' | 'restart';

/** Seeded, so a series replays: the moment of a kill within the first apply. */
const moment = (seed: number, typicalMs: number) => Math.round(typicalMs * (0.15 + ((seed * 2_654_435_761) % 1000) / 1000 * 0.7));

async function trial(dir: string, seed: number, disruption: Disruption, typicalMs: number): Promise<Outcome> {
  const state = join(dir, `state-${disruption}-${seed}.json`);
  let emu = await startEmulator(state, seed);
  const apply = () => cli(['apply', dir, '--env', 'chaos', '--auto-approve'], emu.url);
  try {
    const started = Date.now();
    const first = apply();
    let attempts = 1;
    if (disruption !== 'none') {
      await Promise.race([first.done, sleep(moment(seed, typicalMs))]);
      if (disruption === 'sigkill') await stop(first.proc, 'SIGKILL');
      else if (first.code === null) {
        await stop(emu.proc, 'SIGKILL');
        emu = await startEmulator(state, seed + 1, emu.port);
      }
    }
    let code = await first.done;
    const applyMs = Date.now() - started;
    while (code !== 0 && attempts <= RE_RUNS) {
      attempts += 1;
      code = await apply().done;
    }
    await fetch(`${emu.url}/__emulator/faults`, { method: 'DELETE' });
    const plan = await cli(['plan', dir, '--env', 'chaos', '--detailed-exitcode'], emu.url).done;
    const duplicates = await countDuplicates(emu.url, CLIENT_ID, CLIENT_SECRET);
    return {
      converged: plan === 0 && duplicates === 0,
      duplicates,
      exit0NotConverged: code === 0 && plan !== 0,
      attempts,
      applyMs,
    };
  } finally {
    await stop(emu.proc);
  }
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'tenantctl-chaos-'));
  const totals = { trials: 0, converged: 0, duplicates: 0, exit0_but_not_converged: 0, sigkill_converged: 0, emulator_restart_converged: 0, max_attempts: 0 };
  try {
    await writeFile(join(dir, 'tenant.yaml'), chaosManifest(smoke ? SMOKE : FULL));
    await mkdir(join(dir, 'environments'));
    await writeFile(join(dir, 'environments', 'chaos.yaml'), ENV_FILE);
    let typicalMs = 0;
    for (const disruption of ['none', 'sigkill', 'restart'] as const) {
      for (let i = 0; i < trials; i++) {
        const seed = baseSeed * 1000 + (disruption === 'none' ? 0 : disruption === 'sigkill' ? 300 : 600) + i;
        const o = await trial(dir, seed, disruption, typicalMs || 5000);
        if (disruption === 'none') typicalMs = Math.max(typicalMs, o.applyMs);
        totals.trials += 1;
        totals.duplicates += o.duplicates;
        totals.max_attempts = Math.max(totals.max_attempts, o.attempts);
        if (o.exit0NotConverged) totals.exit0_but_not_converged += 1;
        if (o.converged) {
          totals.converged += 1;
          if (disruption === 'sigkill') totals.sigkill_converged += 1;
          if (disruption === 'restart') totals.emulator_restart_converged += 1;
        }
        console.error(`${disruption} trial ${i + 1}/${trials} (seed ${seed}): ${o.converged ? 'converged' : 'NOT converged'}, ${o.attempts} attempt(s), ${o.duplicates} duplicate(s), first apply ${o.applyMs} ms`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify(totals));
  const ok = totals.converged === totals.trials && totals.duplicates === 0 && totals.exit0_but_not_converged === 0;
  process.exitCode = ok ? 0 : 1;
}

await main();
