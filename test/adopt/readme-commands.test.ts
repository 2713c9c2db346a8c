import { appendFile, cp, mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageProblem } from '../../src/program.js';
import { emulatorEnv, tenantctl } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/** One `tenantctl …` line of a README shell block: its words, its `>>` target, and the exit code it promises. */
interface Command {
  line: string;
  args: string[];
  appendTo?: string;
  expected: number;
}

interface Block {
  commands: Command[];
  /** `export NAME=value` lines before or between the commands. */
  exports: Record<string, string>;
}

/**
 * README lines that are not run, each with its reason. Kept small: everything else in a shell block runs
 * against an emulator.
 */
const SKIPPED: Record<string, string> = {
  'npx tenantctl emulator --port 4010 --state t.json --client-id deployer --client-secret s3cret &':
    'starts a server that runs until stopped; the test serves the same emulator in-process on a free port',
};

const words = (text: string) => (text.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^["']|["']$/g, ''));

/** The shell blocks of the README, with their `tenantctl` lines and `export` lines. */
async function readmeBlocks(): Promise<Block[]> {
  const text = await readFile('README.md', 'utf8');
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => {
    const block: Block = { commands: [], exports: {} };
    for (const line of (m[1] as string).split('\n')) {
      const comment = /\s#\s*(.*)$/.exec(line)?.[1] ?? '';
      const code = line.replace(/\s#.*$/, '').trim();
      if (code.startsWith('export ')) {
        for (const w of words(code.slice('export '.length))) {
          const eq = w.indexOf('=');
          if (eq > 0) block.exports[w.slice(0, eq)] = w.slice(eq + 1);
        }
        continue;
      }
      const at = code.search(/(^|\s)(npx )?tenantctl\s/);
      if (at < 0) continue;
      const all = words(code.slice(code.indexOf('tenantctl', at) + 'tenantctl'.length));
      const cut = all.findIndex((w) => /^(>|>>|\||&&|;|&)$/.test(w));
      const args = cut < 0 ? all : all.slice(0, cut);
      const appendTo = all[cut] === '>>' ? all[cut + 1] : undefined;
      // "# exits 2: …" / "# exit 0: …" at the start of a comment is the line's promise; else success.
      const promised = /^exits? (\d)\b/.exec(comment)?.[1];
      block.commands.push({ line: line.trim(), args, expected: promised === undefined ? 0 : Number(promised), ...(appendTo ? { appendTo } : {}) });
    }
    return block;
  });
}

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

/**
 * A working copy where the README's paths exist: the examples, the deploy tool's samples as `legacy/`
 * (`legacy/tenant.yaml` + `legacy/config.json`, `legacy/export-dir`), and `tenants/acme` when a block
 * starts from a tenant directory that an earlier step would have written.
 */
async function sandbox(block: Block): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tenantctl-readme-'));
  await cp('examples', join(dir, 'examples'), { recursive: true });
  await cp('schemas', join(dir, 'schemas'), { recursive: true });
  await mkdir(join(dir, 'legacy'));
  await cp('examples/deploy-cli/yaml', join(dir, 'legacy'), { recursive: true });
  await cp('examples/deploy-cli/directory', join(dir, 'legacy/export-dir'), { recursive: true });
  const first = block.commands[0]?.args ?? [];
  if (first[0] !== 'export' && first[0] !== 'convert' && block.commands.some((c) => c.args.includes('tenants/acme')))
    await cp('examples/tenants/acme', join(dir, 'tenants/acme'), { recursive: true });
  return dir;
}

/** What a user has set: the emulator's credentials for every AUTH0_* line, and the values the commands ask for. */
async function environment(block: Block, dir: string): Promise<Record<string, string>> {
  return {
    ...block.exports,
    ...emulatorEnv(emu),
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    // The variables `export` prints for the acme tenant, and the one the converted samples read.
    ACME_WEB_CLIENT_SECRET: 'from-the-vault-1',
    ORDERS_SERVICE_CLIENT_SECRET: 'from-the-vault-2',
    INVENTORY_SYNC_INVENTORY_SYNC_2026_PEM: await readFile('examples/tenants/acme/keys/inventory-sync.pub.pem', 'utf8'),
    ENV: 'prod',
  };
}

describe('the README', () => {
  it('shows only tenantctl commands the CLI accepts', async () => {
    const commands = (await readmeBlocks()).flatMap((b) => b.commands);
    expect(commands.length).toBeGreaterThan(10);
    for (const c of commands) expect(await usageProblem(c.args), c.line).toBeUndefined();
  });

  it('keeps its skip list to lines it still has', async () => {
    const lines = (await readmeBlocks()).flatMap((b) => b.commands.map((c) => c.line));
    for (const line of Object.keys(SKIPPED)) expect(lines).toContain(line);
  });

  it('runs every tenantctl command of its shell blocks against an emulator, with the exit codes it promises', async () => {
    let ran = 0;
    for (const block of await readmeBlocks()) {
      if (block.commands.length === 0) continue;
      await emu.reset();
      const dir = await sandbox(block);
      const env = await environment(block, dir);
      // Exporting needs a tenant that holds something: the acme example, as prod.
      if (block.commands[0]?.args[0] === 'export') {
        const seeded = await tenantctl(['apply', 'examples/tenants/acme', '--env', 'prod', '--auto-approve'], { env, cwd: dir });
        expect(seeded.code, seeded.stderr).toBe(0);
      }
      for (const command of block.commands) {
        if (SKIPPED[command.line] !== undefined) continue;
        const res = await tenantctl(command.args, { env, cwd: dir });
        expect(res.code, `${command.line}\n${res.stdout}\n${res.stderr}`).toBe(command.expected);
        if (command.appendTo) await appendFile(command.appendTo.replace('$GITHUB_STEP_SUMMARY', env.GITHUB_STEP_SUMMARY as string), res.stdout);
        ran += 1;
      }
    }
    expect(ran).toBeGreaterThan(10);
  }, 300_000);
});
