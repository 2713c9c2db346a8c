/**
 * Chaos: does apply converge, without duplicates, when the tenant misbehaves? Three series of N trials,
 * each against a fresh emulator in its own process (`tenantctl emulator --port 0 --state ...`) with seeded
 * faults (10% 429, 5% 503, 2% dropped connections split before / after the write is committed, 0-200 ms
 * latency; chaos-procs.ts) and a generated mid-size tenant (chaos-tenant.ts):
 *   1. apply, re-run while it exits non-zero (at most 3 re-runs), then plan without faults;
 *   2. the same, but the first apply is killed with SIGKILL at a seeded moment (after 15-85% of its writes);
 *   3. the same, but the emulator is killed (SIGKILL) and restarted (same --state, same port) mid-apply.
 * The i-th trials of the three series run at the same time. A trial converges when the final plan is
 * empty and no natural key has two objects. An apply that exits 0 must have applied its whole plan:
 * `exit0_but_not_converged` counts the times it did not. Final JSON line:
 *   {trials, converged, duplicates, exit0_but_not_converged, sigkill_converged, emulator_restart_converged, max_attempts}
 * and exit 1 when a target is missed (a trial that did not converge, a duplicate, an exit 0 not converged).
 * The log of such a trial, or of one that took more than 2 attempts (emulator requests, every command's
 * output), is kept and its path printed.
 *
 *   npm run bench:chaos -- --trials 5 --seed 7
 *   npm run bench:chaos -- --smoke     (CI: a small tenant, 1 trial per series, 0-40 ms latency, and rules
 *                                       that hit each lost-answer path; also fails when one of them, a 429,
 *                                       a 503, the SIGKILL or the restart did not happen)
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  cli,
  CLIENT_ID,
  CLIENT_SECRET,
  closeLog,
  type Emulator,
  type Run,
  faultSpec,
  firedFaults,
  mustFire,
  openLog,
  planHere,
  startEmulator,
  stop,
  writesSeen,
} from './chaos-procs.js';
import { chaosManifest, countDuplicates, ENV_FILE, FULL, plannedWrites, SMOKE } from './chaos-tenant.js';

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

type Disruption = 'none' | 'sigkill' | 'restart';

const SIZE = smoke ? SMOKE : FULL;
/**
 * The issue's random faults; the smoke waits less, and its undisrupted trial adds rules that hit each
 * lost-answer path once (chaos-procs.ts), since a small tenant's few requests may draw none of them.
 */
const MAX_LATENCY_MS = smoke ? 40 : 200;
const faultsFor = (disruption: Disruption) => faultSpec(MAX_LATENCY_MS, smoke && disruption === 'none');
const RE_RUNS = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome {
  converged: boolean;
  duplicates: number;
  exit0NotConverged: boolean;
  attempts: number;
  applyMs: number;
  fired: Record<string, number>;
  /** The SIGKILL or the restart happened (not when the first apply ended before its moment). */
  disrupted: boolean;
}

/** Seeded, so a trial replays: after how many of the first apply's writes it is disrupted (15% to 85%). */
const killAfterWrites = (seed: number) => Math.round(plannedWrites(SIZE) * (0.15 + (((seed * 2_654_435_761) >>> 0) % 1000) / 1000 * 0.7));

function addFired(to: Record<string, number>, from: Record<string, number>): void {
  for (const [rule, n] of Object.entries(from)) to[rule] = (to[rule] ?? 0) + n;
}

/** Resolves once the emulator has seen `writes` writes, or when `done` settles first. */
async function untilWrites(url: string, writes: number, done: Promise<unknown>): Promise<void> {
  let finished = false;
  void done.then(() => (finished = true));
  while (!finished && (await writesSeen(url)) < writes) await sleep(100);
}

async function trial(dir: string, seed: number, disruption: Disruption, logPath: string): Promise<Outcome> {
  const state = join(dir, `state-${disruption}-${seed}.json`);
  const log = openLog(logPath);
  const fired: Record<string, number> = {};
  const faults = faultsFor(disruption);
  let emu: Emulator = await startEmulator({ state, seed, faults, log });
  let attempts = 0;
  const apply = () => {
    attempts += 1;
    return cli(['apply', dir, '--env', 'chaos', '--auto-approve'], emu.url, log, `apply attempt ${attempts}`);
  };
  /** SIGKILL the apply, or kill and restart the emulator, once `run` has sent `writes` more writes. */
  const disrupt = async (run: Run, writes: number): Promise<boolean> => {
    let ended = false;
    void run.done.then(() => (ended = true));
    await untilWrites(emu.url, (await writesSeen(emu.url)) + writes, run.done);
    if (ended) return false;
    log.write(`=== ${disruption === 'sigkill' ? `apply attempt ${attempts}` : 'emulator'} killed (SIGKILL) after ${writes} writes\n`);
    if (disruption === 'sigkill') await stop(run.proc, 'SIGKILL');
    else {
      addFired(fired, await firedFaults(emu.url, faults));
      await stop(emu.proc, 'SIGKILL');
      emu = await startEmulator({ state, seed: seed + 1, faults, log, port: emu.port });
    }
    return true;
  };
  try {
    const started = Date.now();
    let applyMs = 0;
    let code: number | null = null;
    let disrupted = disruption === 'none';
    while (code !== 0 && attempts <= RE_RUNS) {
      const run = apply();
      // A first apply that fails before its moment (a lost answer ends it early) leaves the disruption to
      // the next one, a few writes in.
      if (!disrupted) disrupted = await disrupt(run, attempts === 1 ? killAfterWrites(seed) : 3);
      code = await run.done;
      if (attempts === 1) applyMs = Date.now() - started;
    }
    addFired(fired, await firedFaults(emu.url, faults));
    await fetch(`${emu.url}/__emulator/faults`, { method: 'DELETE' });
    const plan = await planHere(dir, emu.url, log);
    const duplicates = await countDuplicates(emu.url, CLIENT_ID, CLIENT_SECRET);
    return { converged: plan === 0 && duplicates === 0, duplicates, exit0NotConverged: code === 0 && plan !== 0, attempts, applyMs, fired, disrupted: disrupted && disruption !== 'none' };
  } finally {
    await stop(emu.proc);
    await closeLog(log);
  }
}

const SERIES: { disruption: Disruption; seedOffset: number }[] = [
  { disruption: 'none', seedOffset: 0 },
  { disruption: 'sigkill', seedOffset: 300 },
  { disruption: 'restart', seedOffset: 600 },
];

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'tenantctl-chaos-'));
  const kept = join(tmpdir(), `tenantctl-chaos-logs-${baseSeed}-${process.pid}`);
  const totals = { trials: 0, converged: 0, duplicates: 0, exit0_but_not_converged: 0, sigkill_converged: 0, emulator_restart_converged: 0, max_attempts: 0 };
  const fired: Record<string, number> = {};
  let undisrupted = 0;
  try {
    await writeFile(join(dir, 'tenant.yaml'), chaosManifest(SIZE));
    await mkdir(join(dir, 'environments'));
    await writeFile(join(dir, 'environments', 'chaos.yaml'), ENV_FILE);
    for (let i = 0; i < trials; i++) {
      // The i-th trial of each series runs at the same time: separate emulators, ports and state files.
      await Promise.all(
        SERIES.map(async ({ disruption, seedOffset }) => {
          const seed = baseSeed * 1000 + seedOffset + i;
          const logPath = join(dir, `trial-${seed}.log`);
          const o = await trial(dir, seed, disruption, logPath);
          addFired(fired, o.fired);
          if (disruption !== 'none' && !o.disrupted) undisrupted += 1;
          totals.trials += 1;
          totals.duplicates += o.duplicates;
          totals.max_attempts = Math.max(totals.max_attempts, o.attempts);
          if (o.exit0NotConverged) totals.exit0_but_not_converged += 1;
          if (o.converged) {
            totals.converged += 1;
            if (disruption === 'sigkill') totals.sigkill_converged += 1;
            if (disruption === 'restart') totals.emulator_restart_converged += 1;
          }
          const faults = Object.entries(o.fired).map(([rule, n]) => `${rule}: ${n}`).join(', ');
          let line = `${disruption} trial ${i + 1}/${trials} (seed ${seed}): ${o.converged ? 'converged' : 'NOT converged'}, ${o.attempts} attempt(s), ${o.duplicates} duplicate(s)${o.exit0NotConverged ? ', EXIT 0 BUT NOT CONVERGED' : ''}, first apply ${o.applyMs} ms${disruption !== 'none' && !o.disrupted ? ' (ended before its disruption)' : ''}; faults fired: ${faults}`;
          if (!o.converged || o.exit0NotConverged || o.attempts > 2) {
            await mkdir(kept, { recursive: true });
            await copyFile(logPath, join(kept, `trial-${seed}.log`));
            line += `; log kept in ${join(kept, `trial-${seed}.log`)}`;
          }
          console.error(line);
        }),
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify(totals));
  const ok = totals.converged === totals.trials && totals.duplicates === 0 && totals.exit0_but_not_converged === 0;
  // The smoke must have exercised the faults it is about, or its green says nothing.
  const unexercised = smoke ? Object.entries(fired).filter(([rule, n]) => mustFire(rule) && n === 0).map(([rule]) => rule) : [];
  if (smoke && undisrupted > 0) unexercised.push('SIGKILL / emulator restart (the apply ended first)');
  if (unexercised.length > 0) console.error(`chaos smoke: these never happened: ${unexercised.join('; ')}`);
  process.exitCode = ok && unexercised.length === 0 ? 0 : 1;
}

await main();
