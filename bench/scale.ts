/**
 * The whole pipeline at scale (issue #11): generates the bench tenant (scale-tenant.ts; `--scale`
 * multiplies it), starts the emulator in its own process with a state file and `--rate-limit 50/100`, and
 * runs, each as a CLI process of its own: plan against the empty tenant, apply, plan again (must be
 * empty), apply again (must write nothing), change 1% of the objects and apply. One final JSON line:
 *   {objects, apply_requests, apply_reads, apply_writes, min_writes, throttled_429, apply_wall_s, floor_s,
 *    ratio, replan_reads: {kind: n}, noop_writes, change_writes, change_min_writes, plan_cpu_s,
 *    replan_cpu_s, validate_cpu_s, help_cpu_ratio, peak_rss_mb}
 * `plan_cpu_s` is the plan against the empty tenant (the figure: every item a create);
 * `replan_cpu_s` the plan after the apply, which reads and compares every object (what drift runs).
 * `floor_s` is the least time any client could take for the apply's requests: (requests - burst) / rps.
 * `min_writes` is one write per planned change, except users in import jobs (one POST per job).
 * `help_cpu_ratio` is the CPU of `tenantctl --help` over that of `node -e 0`, measured in this run.
 * `--smoke` runs a small tenant (scale 0.02) and exits non-zero when a correctness check fails (for CI).
 *
 *   npm run bench:scale -- --scale 1
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Stats } from '../src/emulator/stats.js';
import { cli, helpCpuRatio, startEmulatorProcess } from './processes.js';
import { counts, objectCount, writeTenant } from './scale-tenant.js';

const { values } = parseArgs({
  options: { scale: { type: 'string', default: '1' }, smoke: { type: 'boolean', default: false } },
});
const scale = values.smoke ? 0.02 : Number(values.scale);
if (!(scale > 0)) {
  console.error('--scale must be a number above 0');
  process.exit(1);
}
const BURST = 50;
const RPS = 100;

interface PlanJson {
  changes: { kind: string }[];
}

/** A users-export job is a POST that only reads: a plan reads many users through one (mgmt-api.md §8.3). */
const isRead = (route: string) => route.startsWith('GET ') || route === 'POST /api/v2/jobs/users-exports';
const reads = (s: Stats) => Object.entries(s.byRoute).reduce((n, [route, c]) => (isRead(route) ? n + c : n), 0);
/** Every apply takes and releases the tenant's lock (one API create, one delete): not writes of the plan. */
const LOCK_WRITES = 2;
/** A write the bucket refused (429) changed nothing: the pacer sends it again, and that one counts. */
const refusedWrites = (s: Stats) =>
  Object.entries(s.rateLimitedByRoute ?? {}).reduce((n, [route, c]) => (isRead(route) ? n : n + c), 0);
const writes = (s: Stats) => s.total - reads(s) - refusedWrites(s) - LOCK_WRITES;
/**
 * One write per change, except users when they travel in import jobs: each job (one POST) carries many.
 * A few user changes go one call each (below the bulk threshold): then one write each.
 */
function minWrites(plan: PlanJson, s: Stats): number {
  const users = plan.changes.filter((c) => c.kind === 'users').length;
  const jobs = s.byRoute['POST /api/v2/jobs/users-imports'] ?? 0;
  return plan.changes.length - users + (jobs > 0 ? jobs : users);
}

/** GET requests per kind (the first path segment after /api/v2), e.g. {clients: 11, connections: 3}. */
function readsByKind(s: Stats): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [route, n] of Object.entries(s.byRoute)) {
    if (!isRead(route)) continue;
    const kind = route.slice(route.indexOf('/api/v2/') + '/api/v2/'.length).split('/')[0] ?? '';
    out[kind] = (out[kind] ?? 0) + n;
  }
  return out;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`scale bench: ${what}`);
}

async function main() {
  const work = await mkdtemp(join(tmpdir(), 'tenantctl-bench-scale-'));
  const dir = join(work, 'tenant');
  const c = counts(scale);
  await writeTenant(dir, c, false);
  const emu = await startEmulatorProcess(['--state', join(work, 'emulator.json'), '--rate-limit', `${BURST}/${RPS}`]);
  try {
    const env = { AUTH0_DOMAIN: emu.url, AUTH0_CLIENT_ID: emu.clientId, AUTH0_CLIENT_SECRET: emu.clientSecret };
    const stats = () => emu.stats();
    const plan = async (label: string) => {
      const run = await cli(['plan', dir, '--env', 'bench', '--output', 'json'], env);
      check(run.code === 0 || run.code === 2, `${label} failed (exit ${run.code}):\n${run.stdout.slice(-2000)}`);
      return { ...run, plan: JSON.parse(run.stdout) as PlanJson };
    };
    const apply = async (label: string) => {
      await emu.resetStats();
      const started = process.hrtime.bigint();
      const run = await cli(['apply', dir, '--env', 'bench', '--auto-approve'], env);
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      check(run.code === 0, `${label} failed (exit ${run.code}):\n${run.stdout.slice(-2000)}`);
      return { ...run, wall, stats: await stats() };
    };

    const validate = await cli(['validate', dir, '--env', 'bench'], env);
    check(validate.code === 0, `validate failed:\n${validate.stdout.slice(-2000)}`);
    const first = await plan('plan on the empty tenant');
    const applied = await apply('apply');
    await emu.resetStats();
    const replan = await plan('second plan');
    check(replan.plan.changes.length === 0, `the plan after apply is not empty: ${replan.plan.changes.length} changes`);
    const replanReads = readsByKind(await stats());
    const noop = await apply('second apply');
    await writeTenant(dir, c, true);
    const changePlan = await plan('plan of the 1% change');
    const changed = await apply('apply of the 1% change');

    const floor = Math.max(0, (applied.stats.total - BURST) / RPS);
    const help = await helpCpuRatio(values.smoke ? 3 : 10);
    const result = {
      objects: objectCount(c),
      apply_requests: applied.stats.total,
      apply_reads: reads(applied.stats),
      apply_writes: writes(applied.stats),
      min_writes: minWrites(first.plan, applied.stats),
      throttled_429: applied.stats.rateLimited,
      apply_wall_s: round(applied.wall, 1),
      floor_s: round(floor, 1),
      ratio: round(applied.wall / Math.max(floor, 0.001), 2),
      replan_reads: replanReads,
      noop_writes: writes(noop.stats),
      change_writes: writes(changed.stats),
      change_min_writes: minWrites(changePlan.plan, changed.stats),
      plan_cpu_s: round(first.cpuS, 2),
      replan_cpu_s: round(replan.cpuS, 2),
      validate_cpu_s: round(validate.cpuS, 2),
      help_cpu_ratio: round(help, 2),
      peak_rss_mb: Math.max(first.peakRssMb, applied.peakRssMb, replan.peakRssMb, noop.peakRssMb, changed.peakRssMb),
    };
    console.error(`apply routes: ${JSON.stringify(applied.stats.byRoute)}`);
    console.error(`change apply routes: ${JSON.stringify(changed.stats.byRoute)}`);
    console.error(`apply process CPU ${round(applied.cpuS, 1)} s of ${round(applied.wall, 1)} s wall`);
    console.error(`machine load (1, 5, 15 min): ${loadavg().map((n) => n.toFixed(1)).join(', ')}`);
    console.error(`emulator CPU ${round((await emu.stop()).cpuS, 1)} s`);
    console.log(JSON.stringify(result));
    check(result.noop_writes === 0, `the second apply wrote ${result.noop_writes} times`);
  } finally {
    await emu.stop();
    await rm(work, { recursive: true, force: true });
  }
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
