/**
 * Users at scale: apply N users to an empty emulator tenant, re-plan (must be empty), change 100 of them
 * and apply again. Prints one final JSON line:
 *   {users, requests, jobs, downloads, second_plan_changes, wall_s, peak_rss_mb, emulator_peak_rss_mb}
 * Each CLI command runs in a process of its own, as a user runs it (cli-process.ts), and so does the
 * emulator (emulator-process.ts): peak_rss_mb is the largest peak RSS of the three commands, the CLI's
 * side alone; emulator_peak_rss_mb is the emulator's, over the whole run.
 * `requests` counts every Management API request of the whole run (token requests and export downloads,
 * which are not /api/v2 calls, are left out; downloads are reported on their own).
 *
 *   npm run bench:users -- --users 10000
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cli } from './processes.js';
import type { Stats } from '../src/emulator/stats.js';

const { values } = parseArgs({ options: { users: { type: 'string', default: '10000' } } });
const count = Number(values.users);
if (!Number.isInteger(count) || count < 100) {
  console.error('--users must be a whole number of at least 100');
  process.exit(1);
}
const CHANGED = 100;
const DB = 'Username-Password-Authentication';

/**
 * Writes the manifest in slices of 1000 users, so the bench's own text stays out of the CLI's memory
 * figure; users in `changed` get a new given_name.
 */
async function writeManifest(file: string, changed: boolean): Promise<void> {
  const step = Math.floor(count / CHANGED);
  const out = await open(file, 'w');
  try {
    await out.write('users:\n');
    for (let from = 0; from < count; from += 1000) {
      const lines: string[] = [];
      for (let i = from; i < Math.min(count, from + 1000); i++) {
        const renamed = changed && i % step === 0 && i / step < CHANGED;
        lines.push(
          `  - connection: ${DB}`,
          `    email: user${i}@bench.example`,
          `    given_name: ${renamed ? 'Renamed' : 'User'} ${i}`,
          `    user_metadata: { team: t${i % 50}, seq: ${i} }`,
        );
      }
      await out.write(`${lines.join('\n')}\n`);
    }
  } finally {
    await out.close();
  }
}

interface Emulator {
  url: string;
  clientId: string;
  clientSecret: string;
  /** Asks the child for its peak RSS (MB); the child then closes its server and exits. */
  stop(): Promise<number>;
}

async function startChild(): Promise<Emulator> {
  const child = fork(new URL('./emulator-process.js', import.meta.url), { stdio: 'inherit' });
  const [ready] = (await once(child, 'message')) as [Omit<Emulator, 'stop'>];
  const stop = async () => {
    const reply = once(child, 'message') as Promise<[{ peakRssMb: number }]>;
    child.send('peak');
    const [{ peakRssMb }] = await reply;
    await once(child, 'exit');
    return peakRssMb;
  };
  return { ...ready, stop };
}

async function main() {
  const started = Date.now();
  const emu = await startChild();
  let emulatorPeak: number | undefined;
  const dir = await mkdtemp(join(tmpdir(), 'tenantctl-bench-users-'));
  try {
    await writeManifest(join(dir, 'users.yaml'), false);
    await mkdir(join(dir, 'environments'));
    await writeFile(join(dir, 'environments', 'bench.yaml'), 'keywords: {}\n');
    const env = { AUTH0_DOMAIN: emu.url, AUTH0_CLIENT_ID: emu.clientId, AUTH0_CLIENT_SECRET: emu.clientSecret };
    const apply = () => cli(['apply', dir, '--env', 'bench', '--auto-approve'], env);

    const first = await apply();
    if (first.code !== 0) throw new Error(`first apply failed:\n${first.stdout.slice(-2000)}`);
    const second = await cli(['plan', dir, '--env', 'bench', '--output', 'json'], env);
    const secondPlan = JSON.parse(second.stdout) as { changes: unknown[] };
    await writeManifest(join(dir, 'users.yaml'), true);
    const third = await apply();
    if (third.code !== 0) throw new Error(`apply of the changes failed:\n${third.stdout.slice(-2000)}`);

    const stats = (await (await fetch(`${emu.url}/__emulator/stats`)).json()) as Stats;
    const imports = stats.byRoute['POST /api/v2/jobs/users-imports'] ?? 0;
    // Every export job's file is downloaded once, outside /api/v2.
    const downloads = stats.byRoute['POST /api/v2/jobs/users-exports'] ?? 0;
    console.error(JSON.stringify(stats.byRoute));
    console.error(`peak RSS (MB) of apply, plan, apply: ${first.peakRssMb}, ${second.peakRssMb}, ${third.peakRssMb}`);
    const wall = Math.round((Date.now() - started) / 100) / 10;
    const peak = Math.max(first.peakRssMb, second.peakRssMb, third.peakRssMb);
    emulatorPeak = await emu.stop();
    console.log(
      JSON.stringify({
        users: count,
        requests: stats.total,
        jobs: imports + downloads,
        downloads,
        second_plan_changes: secondPlan.changes.length,
        wall_s: wall,
        peak_rss_mb: peak,
        emulator_peak_rss_mb: emulatorPeak,
      }),
    );
  } finally {
    if (emulatorPeak === undefined) await emu.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
