/**
 * Users at scale: apply N users to an empty emulator tenant, re-plan (must be empty), change 100 of them
 * and apply again. Prints one final JSON line:
 *   {users, requests, jobs, downloads, second_plan_changes, wall_s, peak_rss_mb}
 * The emulator runs in this process, so peak_rss_mb covers both sides.
 * `requests` counts every Management API request of the whole run (token requests and export downloads,
 * which are not /api/v2 calls, are left out; downloads are reported on their own).
 *
 *   npm run bench:users -- --users 10000
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from '../src/emulator/index.js';
import type { Stats } from '../src/emulator/stats.js';
import { run } from '../src/program.js';

const { values } = parseArgs({ options: { users: { type: 'string', default: '10000' } } });
const count = Number(values.users);
if (!Number.isInteger(count) || count < 100) {
  console.error('--users must be a whole number of at least 100');
  process.exit(1);
}
const CHANGED = 100;
const DB = 'Username-Password-Authentication';

/** The manifest as text, written in one go; users in `changed` get a new given_name. */
function manifest(changed: boolean): string {
  const lines = ['users:'];
  for (let i = 0; i < count; i++) {
    const renamed = changed && i % Math.floor(count / CHANGED) === 0 && i / Math.floor(count / CHANGED) < CHANGED;
    lines.push(
      `  - connection: ${DB}`,
      `    email: user${i}@bench.example`,
      `    given_name: ${renamed ? 'Renamed' : 'User'} ${i}`,
      `    user_metadata: { team: t${i % 50}, seq: ${i} }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await run(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: () => undefined },
    env,
    cwd: process.cwd(),
  });
  return { code, stdout };
}

async function main() {
  const started = Date.now();
  const emu = await startEmulator({ quiet: true, rateLimit: '100000/100000' });
  const dir = await mkdtemp(join(tmpdir(), 'tenantctl-bench-users-'));
  try {
    await writeFile(join(dir, 'users.yaml'), manifest(false));
    await mkdir(join(dir, 'environments'));
    await writeFile(join(dir, 'environments', 'bench.yaml'), 'keywords: {}\n');
    const env = { AUTH0_DOMAIN: emu.url, AUTH0_CLIENT_ID: emu.clientId, AUTH0_CLIENT_SECRET: emu.clientSecret };
    const apply = () => cli(['apply', dir, '--env', 'bench', '--auto-approve'], env);

    const first = await apply();
    if (first.code !== 0) throw new Error(`first apply failed:\n${first.stdout.slice(-2000)}`);
    const second = await cli(['plan', dir, '--env', 'bench', '--output', 'json'], env);
    const secondPlan = JSON.parse(second.stdout) as { changes: unknown[] };
    await writeFile(join(dir, 'users.yaml'), manifest(true));
    const third = await apply();
    if (third.code !== 0) throw new Error(`apply of the changes failed:\n${third.stdout.slice(-2000)}`);

    const stats = (await (await fetch(`${emu.url}/__emulator/stats`)).json()) as Stats;
    const imports = stats.byRoute['POST /api/v2/jobs/users-imports'] ?? 0;
    // Every export job's file is downloaded once, outside /api/v2.
    const downloads = stats.byRoute['POST /api/v2/jobs/users-exports'] ?? 0;
    console.error(JSON.stringify(stats.byRoute));
    console.log(
      JSON.stringify({
        users: count,
        requests: stats.total,
        jobs: imports + downloads,
        downloads,
        second_plan_changes: secondPlan.changes.length,
        wall_s: Math.round((Date.now() - started) / 100) / 10,
        peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      }),
    );
  } finally {
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
