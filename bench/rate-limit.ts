/**
 * Rate limits: apply N clients and their grants to an empty emulator tenant whose bucket is small
 * (default the `dev` preset: 10 burst, 2 per second, as an Enterprise non-production tenant), then plan
 * again. Prints one final JSON line:
 *   {changes, requests, rate_limited, wall_s, floor_s, pacing, second_plan_changes}
 * `floor_s` is the least time any client could take: the requests beyond the burst at the sustained rate.
 * `pacing` is floor_s / wall_s (1.0 = as fast as the bucket allows). `rate_limited` counts 429s: the client
 * paces itself from the x-ratelimit-* headers, so it should stay near zero: a refused request is a wasted
 * call and a wait.
 *
 *   npm run bench:rate-limit -- --clients 40 --rate-limit 10/2
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from '../src/emulator/index.js';
import { run } from '../src/program.js';

const { values } = parseArgs({
  options: { clients: { type: 'string', default: '40' }, 'rate-limit': { type: 'string', default: '10/2' } },
});
const count = Number(values.clients);
const limit = values['rate-limit'] ?? '10/2';
const [burst, rps] = limit.split('/').map(Number) as [number, number];
if (!Number.isInteger(count) || count < 1 || !(burst > 0) || !(rps > 0)) {
  console.error('usage: --clients N (N >= 1) --rate-limit BURST/RPS');
  process.exit(1);
}

function manifest(): string {
  const lines = ['resourceServers:', '  - { name: Bench API, identifier: https://bench.example, scopes: [{ value: read }] }', 'clients:'];
  for (let i = 0; i < count; i++) lines.push(`  - { name: Bench ${i}, app_type: non_interactive, grant_types: [client_credentials] }`);
  lines.push('clientGrants:');
  for (let i = 0; i < count; i++) lines.push(`  - { client: Bench ${i}, audience: https://bench.example, scope: [read] }`);
  return `${lines.join('\n')}\n`;
}

async function cli(args: string[], env: Record<string, string>) {
  let stdout = '';
  const code = await run(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: () => true },
    env,
    cwd: process.cwd(),
  });
  return { code, stdout };
}

async function main() {
  const emu = await startEmulator({ quiet: true, rateLimit: limit });
  const dir = await mkdtemp(join(tmpdir(), 'tenantctl-bench-rate-'));
  try {
    await writeFile(join(dir, 'tenant.yaml'), manifest());
    await mkdir(join(dir, 'environments'));
    await writeFile(join(dir, 'environments', 'bench.yaml'), 'keywords: {}\n');
    const env = { AUTH0_DOMAIN: emu.url, AUTH0_CLIENT_ID: emu.clientId, AUTH0_CLIENT_SECRET: emu.clientSecret };
    const started = Date.now();
    const applied = await cli(['apply', dir, '--env', 'bench', '--auto-approve'], env);
    if (applied.code !== 0) throw new Error(`apply failed:\n${applied.stdout.slice(-2000)}`);
    const wall = (Date.now() - started) / 1000;
    const stats = (await (await fetch(`${emu.url}/__emulator/stats`)).json()) as { total: number; rateLimited: number };
    const second = await cli(['plan', dir, '--env', 'bench', '--output', 'json'], env);
    const floor = Math.max(0, (stats.total - burst) / rps);
    console.log(
      JSON.stringify({
        changes: 1 + 2 * count,
        requests: stats.total,
        rate_limited: stats.rateLimited,
        wall_s: Math.round(wall * 10) / 10,
        floor_s: Math.round(floor * 10) / 10,
        pacing: Math.round((floor / wall) * 100) / 100,
        second_plan_changes: (JSON.parse(second.stdout) as { changes: unknown[] }).changes.length,
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
