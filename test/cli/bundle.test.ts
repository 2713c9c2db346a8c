import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../helpers/build-cli.js';
import { tenantctl } from '../helpers/cli.js';

/**
 * The bundle users run (dist/bin/, scripts/bundle.mjs): it must answer exactly as the modules do, keep
 * each lazily imported piece out of `--help`, and hold one copy of each error class, or an error thrown
 * in one chunk would miss the `instanceof` in another and print a bug report instead of the message.
 */
let build: { dir: string; cli: string };
beforeAll(async () => {
  build = await buildCli();
}, 240_000);
afterAll(async () => {
  if (build) await rm(build.dir, { recursive: true, force: true });
});

async function spawnCli(args: string[], nodeArgs: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...nodeArgs, build.cli, ...args], { env: {} });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the bundled CLI', () => {
  it.each([
    [['--version']],
    [['--bogus']],
    [['validate', '/nonexistent-tenantctl-dir', '--env', 'dev']],
    // Thrown in the plan command's chunk, caught in the program's: TenantctlError must be one class.
    [['plan', 'examples/tenants/acme', '--env', 'dev']],
    [['emulator', '--port', 'abc']],
    [['validate', 'examples/tenants/acme', '--env', 'dev', '--output', 'json']],
  ])('answers %j as the modules do', async (args) => {
    const bundled = await spawnCli(args);
    expect(bundled).toEqual(await tenantctl(args));
    expect(bundled.stderr).not.toMatch(/hit a bug|\n\s+at /);
  });

  it('holds one copy of each error class', async () => {
    const dir = join(build.dir, 'dist', 'bin');
    const texts = await Promise.all((await readdir(dir)).map((f) => readFile(join(dir, f), 'utf8')));
    for (const name of ['TenantctlError', 'Exit', 'CommanderError']) {
      // esbuild writes `var Name = class`, and renames a second copy Name2.
      const declared = new RegExp(`\\bclass ${name}\\d*\\b|\\b${name}\\d* = class\\b`, 'g');
      const copies = texts.reduce((n, t) => n + (t.match(declared)?.length ?? 0), 0);
      expect(copies, name).toBe(1);
    }
  });

  /** The source files (esbuild's `// path` markers) in the chunks a command loads, in load order (a hook). */
  async function sourcesLoaded(args: string[]): Promise<string> {
    const logDir = await mkdtemp(join(tmpdir(), 'tenantctl-loads-'));
    const log = join(logDir, 'loaded.txt');
    const hooks = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, url + '\\n');
  return next(url, context);
}`;
    const register = `import { register } from 'node:module';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
    try {
      await spawnCli(args, ['--import', `data:text/javascript,${encodeURIComponent(register)}`]);
      const urls = new Set((await readFile(log, 'utf8')).split('\n').filter(Boolean));
      const texts = await Promise.all([...urls].map((url) => readFile(new URL(url), 'utf8')));
      return texts.flatMap((t) => t.match(/^\/\/ \S+$/gm) ?? []).join('\n');
    } finally {
      await rm(logDir, { recursive: true, force: true });
    }
  }

  const heavy = /dist\/emulator\/|node_modules\/(jose|yaml|js-yaml|undici|zod|selfsigned)\//;

  it('loads no lazily imported piece for --help', async () => {
    const help = await sourcesLoaded(['--help']);
    expect(help).toMatch(/node_modules\/commander\//);
    expect(help).not.toMatch(heavy);
  }, 60_000);

  /** The source files in `file` and every chunk it imports statically (evaluated before its own code). */
  async function staticClosure(file: string, seen = new Set<string>()): Promise<string> {
    if (seen.has(file)) return '';
    seen.add(file);
    const text = await readFile(join(build.dir, 'dist', 'bin', file), 'utf8');
    // esbuild writes `import "./chunk.js";` and `} from "./chunk.js";` at the top; import() is not static.
    const imported = [...text.matchAll(/^(?:import\s*|\}\s*from\s*)"\.\/([^"]+)";$/gm)].map((m) => m[1] as string);
    const markers = (text.match(/^\/\/ \S+$/gm) ?? []).join('\n');
    return [markers, ...(await Promise.all(imported.map((f) => staticClosure(f, seen))))].join('\n');
  }

  it("sets V8's flags before the program is evaluated", async () => {
    // esbuild does not keep the order of static imports across chunks: the bin imports the program late.
    const eager = await staticClosure('cli.js');
    expect(eager).toMatch(/dist\/v8-flags\.js/);
    expect(eager).not.toMatch(/dist\/program\.js/);
    expect(await staticClosure('program.js')).toMatch(/dist\/program\.js/);
  });

  it('loads the YAML reader and schemas once a command needs them', async () => {
    const validate = await sourcesLoaded(['validate', 'examples/tenants/acme', '--env', 'dev']);
    expect(validate).toMatch(/node_modules\/(yaml|js-yaml)\//);
    expect(validate).toMatch(/node_modules\/zod\//);
    expect(validate).not.toMatch(/dist\/emulator\//);
  }, 60_000);
});
