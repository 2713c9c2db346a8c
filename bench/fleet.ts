/**
 * A fleet of tenants applied at once (issue #11, "Fleets"): 10 emulators, each in its own process with its
 * own rate limit (a real tenant's limit is per tenant, so tenants wait on their own buckets, not on each
 * other), and a small tenant each (scale-tenant.ts at `--scale`, default 0.01). First every tenant is
 * applied alone, one after the other, each in its own process and timed; then every emulator is reset and
 * `apply --fleet --parallel 10` applies all of them in one process. One final JSON line:
 *   {tenants, parallel, fleet_wall_s, slowest_single_s, ratio, rate_floor_s, fleet_cpu_s, singles_cpu_s,
 *    fleet_emulators_cpu_s, cpu_floor_s, load_1m}
 * `ratio` is the fleet's wall time over the slowest single apply: about 1 when tenants truly run side by
 * side. Both sides start one tenantctl process. `rate_floor_s` is the least time one apply can take under
 * its tenant's rate limit. The CPU figures (Linux /proc) are tenantctl's own, children included: the sum
 * over the single applies, and the fleet's; `fleet_emulators_cpu_s` is what the 10 emulators spent
 * meanwhile: they stand in for remote tenants but share this machine's cores. `cpu_floor_s` is the
 * fleet's CPU (both) over the cores: the least wall time the fleet could take on an idle machine. The
 * machine is shared, so `load_1m` (before the fleet) says how loaded it was.
 *
 *   npm run bench:fleet -- --scale 0.01 --rate-limit 10/5 --tenants 10
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { cli, type EmulatorProcess, startEmulatorProcess } from './processes.js';
import { counts, objectCount, writeTenant } from './scale-tenant.js';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '0.01' },
    'rate-limit': { type: 'string', default: '10/5' },
    tenants: { type: 'string', default: '10' },
  },
});
const tenants = Number(values.tenants);
const scale = Number(values.scale);
const rateLimit = values['rate-limit'];
const [burst = 0, rps = 1] = rateLimit.split('/').map(Number);

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`fleet bench: ${what}`);
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Clock ticks per second of /proc/PID/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;

/**
 * CPU seconds from /proc/PID/stat: the process's own (utime + stime) and, with `children`, that of its
 * children it has waited for (cutime + cstime), which on Linux includes their own reaped children. Linux
 * only: elsewhere 0, and the CPU figures say nothing.
 */
function procCpu(pid: number | 'self', children: boolean): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    const [utime = 0, stime = 0, cutime = 0, cstime = 0] = fields.slice(11, 15);
    return (children ? cutime + cstime : utime + stime) / TICKS;
  } catch {
    return 0;
  }
}

/** CPU the bench's finished children used (each CLI process and everything it started). */
const childrenCpu = () => procCpu('self', true);
/** CPU the running emulators have used so far. */
const emulatorsCpu = (emulators: EmulatorProcess[]) => emulators.reduce((n, e) => n + procCpu(e.pid, false), 0);
const load1 = () => round(loadavg()[0] ?? 0, 1);

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; wall: number }> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { value, wall: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function main() {
  const work = await mkdtemp(join(tmpdir(), 'tenantctl-bench-fleet-'));
  const c = counts(scale);
  const names = Array.from({ length: tenants }, (_, i) => `t${i}`);
  await Promise.all(names.map((name) => writeTenant(join(work, name), c, false)));
  const emulators: EmulatorProcess[] = await Promise.all(names.map(() => startEmulatorProcess(['--rate-limit', rateLimit])));
  try {
    const env: Record<string, string> = {};
    const fleet = ['tenants:'];
    emulators.forEach((emu, i) => {
      const prefix = `T${i}`;
      env[`${prefix}_DOMAIN`] = emu.url;
      env[`${prefix}_ID`] = emu.clientId;
      env[`${prefix}_SECRET`] = emu.clientSecret;
      fleet.push(
        `  - { name: ${names[i]}, dir: ${names[i]}, env: bench, domain_env: ${prefix}_DOMAIN, client_id_env: ${prefix}_ID, client_secret_env: ${prefix}_SECRET }`,
      );
    });
    await writeFile(join(work, 'fleet.yaml'), `${fleet.join('\n')}\n`);

    const singles: { wall: number; cpu: number; emulatorCpu: number }[] = [];
    const loadBefore = load1();
    for (const [i, emu] of emulators.entries()) {
      const cpu0 = childrenCpu();
      const emu0 = emulatorsCpu(emulators);
      const run = await timed(() =>
        cli(['apply', join(work, names[i] as string), '--env', 'bench', '--auto-approve'], {
          AUTH0_DOMAIN: emu.url,
          AUTH0_CLIENT_ID: emu.clientId,
          AUTH0_CLIENT_SECRET: emu.clientSecret,
        }),
      );
      check(run.value.code === 0, `apply of ${names[i]} alone failed (exit ${run.value.code}):\n${run.value.stdout.slice(-2000)}`);
      singles.push({ wall: run.wall, cpu: childrenCpu() - cpu0, emulatorCpu: emulatorsCpu(emulators) - emu0 });
    }
    const stats = await emulators[0]?.stats();
    const requests = stats?.total ?? 0;
    // Only Management API calls draw on the tenant's rate limit (not /oauth/token).
    const apiRequests = Object.entries(stats?.byRoute ?? {})
      .filter(([route]) => route.includes(' /api/v2/'))
      .reduce((n, [, count]) => n + count, 0);
    await Promise.all(emulators.map((emu) => fetch(`${emu.url}/__emulator/reset`, { method: 'POST' })));
    // Every tenant's bucket full again before the fleet starts, as it was for each single apply.
    await sleep(Math.ceil((burst / rps) * 1000) + 1000);

    const loadFleet = load1();
    const cpu0 = childrenCpu();
    const emu0 = emulatorsCpu(emulators);
    const fleetRun = await timed(() =>
      cli(['apply', '--fleet', join(work, 'fleet.yaml'), '--parallel', String(tenants), '--auto-approve', '--output', 'json'], env),
    );
    const fleetCpu = childrenCpu() - cpu0;
    const fleetEmulatorCpu = emulatorsCpu(emulators) - emu0;
    const doc = JSON.parse(fleetRun.value.stdout) as { tenants: { name: string; code: number; result?: { applied: string[] } }[] };
    check(fleetRun.value.code === 0, `the fleet apply failed (exit ${fleetRun.value.code}):\n${fleetRun.value.stdout.slice(-2000)}`);
    check(
      doc.tenants.every((t) => (t.result?.applied.length ?? 0) > 0),
      'a tenant of the fleet applied nothing',
    );

    const slowest = Math.max(...singles.map((s) => s.wall));
    const sum = (list: number[]) => list.reduce((a, b) => a + b, 0);
    const singlesCpu = sum(singles.map((s) => s.cpu));
    // The least wall time the fleet's CPU allows on this machine's cores, had it the machine to itself:
    // tenantctl's and the emulators' (which stand in for remote tenants, but share these cores here).
    const cores = availableParallelism();
    const cpuFloor = (fleetCpu + fleetEmulatorCpu) / cores;
    console.error(`${objectCount(c)} objects per tenant, ${requests} requests per apply, rate limit ${rateLimit} per tenant`);
    console.error(`single applies (s wall / s CPU): ${singles.map((s) => `${round(s.wall, 1)}/${round(s.cpu, 2)}`).join(', ')}`);
    console.error(
      `CPU: singles ${round(singlesCpu, 1)} s tenantctl + ${round(sum(singles.map((s) => s.emulatorCpu)), 1)} s emulators; ` +
        `fleet ${round(fleetCpu, 1)} s tenantctl + ${round(fleetEmulatorCpu, 1)} s emulators on ${cores} cores`,
    );
    console.error(`machine load (1 min): ${loadBefore} before the singles, ${loadFleet} before the fleet, ${load1()} after`);
    console.log(
      JSON.stringify({
        tenants,
        parallel: tenants,
        fleet_wall_s: round(fleetRun.wall, 1),
        slowest_single_s: round(slowest, 1),
        ratio: round(fleetRun.wall / slowest, 2),
        rate_floor_s: round(Math.max(0, apiRequests - burst) / rps, 1),
        fleet_cpu_s: round(fleetCpu, 1),
        singles_cpu_s: round(singlesCpu, 1),
        fleet_emulators_cpu_s: round(fleetEmulatorCpu, 1),
        cpu_floor_s: round(cpuFloor, 1),
        load_1m: loadFleet,
      }),
    );
  } finally {
    await Promise.all(emulators.map((emu) => emu.stop()));
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
