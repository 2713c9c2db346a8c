import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { buildCli } from '../helpers/build-cli.js';

/**
 * `tenantctl emulator --state FILE` killed with SIGKILL while writes are in flight: a restart must load a
 * valid tenant that holds every write that was answered. Twice over, so the second kill hits a process
 * that had itself started from a replayed journal.
 */
let child: ChildProcess | undefined;
let build: string | undefined;
let emu: TestEmulator | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  child = undefined;
  await emu?.close();
  emu = undefined;
  if (build) await rm(build, { recursive: true, force: true });
  build = undefined;
});

async function compiledCli(): Promise<string> {
  const built = await buildCli();
  build = built.dir;
  return built.cli;
}

async function spawnEmulator(cli: string, statePath: string): Promise<{ proc: ChildProcess; url: string }> {
  const args = ['emulator', '--port', '0', '--state', statePath, '--client-secret', 's3cret', '--rate-limit', '100000/100000'];
  const proc = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child = proc;
  let banner = '';
  const url = await new Promise<string>((done, failed) => {
    proc.stdout?.on('data', (chunk: Buffer) => {
      banner += chunk.toString();
      const found = /Emulator listening on (http:\/\/\S+) /.exec(banner);
      if (found?.[1] && banner.includes('Press Ctrl+C')) done(found[1]);
    });
    proc.once('exit', (code) => failed(new Error(`emulator exited with ${code}: ${banner}`)));
  });
  return { proc, url };
}

async function token(url: string): Promise<string> {
  const res = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: 'tenantctl-deployer',
      client_secret: 's3cret',
      audience: `https://${new URL(url).host}/api/v2/`,
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

/**
 * Four writers create clients (and change every fifth one) until `acked` holds `until` answered writes,
 * then the process is killed with their next requests in flight. Returns what was answered.
 */
async function writeThenKill(url: string, proc: ChildProcess, round: number, until: number) {
  const bearer = `Bearer ${await token(url)}`;
  const acked = new Map<string, string>();
  let stop = false;
  const writer = async (w: number) => {
    for (let i = 0; !stop; i++) {
      const name = `K${round}-${w}-${i}`;
      try {
        const res = await fetch(`${url}/api/v2/clients`, {
          method: 'POST',
          headers: { authorization: bearer, 'content-type': 'application/json' },
          body: JSON.stringify({ name, description: 'created' }),
        });
        if (res.status !== 201) return;
        const { client_id } = (await res.json()) as { client_id: string };
        acked.set(name, 'created');
        if (i % 5 === 0) {
          const patched = await fetch(`${url}/api/v2/clients/${client_id}`, {
            method: 'PATCH',
            headers: { authorization: bearer, 'content-type': 'application/json' },
            body: JSON.stringify({ description: 'patched' }),
          });
          if (patched.status === 200) acked.set(name, 'patched');
        }
      } catch {
        return; // the connection died with the process: this write was never answered
      }
      if (acked.size >= until && !proc.killed) {
        proc.kill('SIGKILL');
        stop = true;
      }
    }
  };
  await Promise.all([0, 1, 2, 3].map(writer));
  await new Promise((resolve) => (proc.exitCode === null && proc.signalCode === null ? proc.once('exit', resolve) : resolve(undefined)));
  return acked;
}

it('a SIGKILLed emulator restarts with every answered write', { timeout: 180_000 }, async () => {
  const cli = await compiledCli();
  const statePath = join(await mkdtemp(join(tmpdir(), 'tenantctl-kill-')), 'state.json');
  const expected = new Map<string, string>();
  for (const round of [1, 2]) {
    const { proc, url } = await spawnEmulator(cli, statePath);
    for (const [name, d] of await writeThenKill(url, proc, round, 150)) expected.set(name, d);
    expect(proc.signalCode).toBe('SIGKILL');
  }
  child = undefined;

  emu = await startTestEmulator({ statePath, rateLimit: '100000/100000' });
  const seen = new Map<string, string>();
  for (let page = 0; ; page++) {
    const res = await emu.api('GET', `/api/v2/clients?per_page=100&page=${page}`);
    const list = res.body as { name: string; description?: string }[];
    for (const c of list) seen.set(c.name, c.description ?? '');
    if (list.length < 100) break;
  }
  expect(expected.size).toBeGreaterThanOrEqual(300);
  const lost = [...expected].filter(([name, d]) => seen.get(name) !== d && !(d === 'created' && seen.get(name) === 'patched'));
  expect(lost, `${lost.length} of ${expected.size} answered writes lost`).toEqual([]);
});
