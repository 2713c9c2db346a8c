/**
 * Start-up cost of the CLI (issue #11): the CPU of `tenantctl --help` (the bundle in dist/bin/, as users run
 * it) against a bare `node -e 0`, both run `--rounds` times in one shell (same machine load), and what
 * `--help` loads: how many files (the bundle's chunks, plus any dependency file left outside it) and how
 * many kB of JavaScript they hold, since a chunk count alone says little when a chunk can be any size
 * (found by a module-load hook in a separate run, so the hook costs the CPU figures nothing). One JSON
 * line: {help_cpu_s, node_cpu_s, ratio, files_loaded, kb_loaded}; the CPU figures are per run.
 * `--command plan` measures `tenantctl plan --help` instead; `--cli dist/cli.js` the modules tsc compiled,
 * unbundled, for a comparison.
 *
 *   npm run bench:startup -- --rounds 20
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '10' }, command: { type: 'string' }, cli: { type: 'string' } },
});
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error('--rounds must be a whole number above 0');
  process.exit(1);
}
const cliPath = values.cli ? resolve(values.cli) : fileURLToPath(new URL('../../dist/bin/cli.js', import.meta.url));
const helpArgs = values.command ? [values.command, '--help'] : ['--help'];
const exec = promisify(execFile);

/** Children's user+system CPU seconds, from the shell's `times` (its second line of each pair). */
function childCpu(stdout: string): number[] {
  return stdout
    .trim()
    .split('\n')
    .filter((_, i) => i % 2 === 1)
    .map((line) => [...line.matchAll(/(\d+)m([\d.]+)s/g)].reduce((s, m) => s + Number(m[1]) * 60 + Number(m[2]), 0));
}

async function cpu(): Promise<{ node: number; help: number }> {
  const quoted = helpArgs.map((a) => `'${a}'`).join(' ');
  const script = [
    `for i in $(seq ${rounds}); do node -e 0; done; times`,
    `for i in $(seq ${rounds}); do node "$1" ${quoted} >/dev/null; done; times`,
  ].join('; ');
  const { stdout } = await exec('bash', ['-c', script, 'bench', cliPath]);
  // `times` reports the children's CPU cumulatively: the second figure holds both loops.
  const [bare = 0, both = 0] = childCpu(stdout);
  return { node: bare / rounds, help: (both - bare) / rounds };
}

/** Files the CLI loads for `--help` (ES modules through a load hook, CommonJS ones from require.cache), and their kB. */
async function filesLoaded(): Promise<{ files: number; kb: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'tenantctl-startup-'));
  const log = join(dir, 'loaded.txt');
  const hooks = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, url + '\\n');
  return next(url, context);
}`;
  // CommonJS files loaded by require() bypass the hook: they are in require.cache when the process exits.
  const register = `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});
const cache = createRequire(${JSON.stringify(cliPath)}).cache;
process.on('exit', () => appendFileSync(${JSON.stringify(log)}, Object.keys(cache).map((f) => pathToFileURL(f).href + '\\n').join('')));`;
  try {
    await exec('node', ['--import', `data:text/javascript,${encodeURIComponent(register)}`, cliPath, ...helpArgs]);
    const urls = new Set((await readFile(log, 'utf8')).split('\n').filter(Boolean));
    const sizes = await Promise.all([...urls].map(async (url) => (await stat(new URL(url))).size));
    return { files: urls.size, kb: Math.round(sizes.reduce((a, b) => a + b, 0) / 1024) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const round = (n: number, digits: number) => Number(n.toFixed(digits));
const { node, help } = await cpu();
const { files, kb } = await filesLoaded();
console.log(
  JSON.stringify({
    help_cpu_s: round(help, 3),
    node_cpu_s: round(node, 3),
    ratio: round(help / node, 2),
    files_loaded: files,
    kb_loaded: kb,
  }),
);
