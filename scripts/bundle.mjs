// @ts-check
/**
 * Bundles the compiled CLI (dist/cli.js, from `tsc -p tsconfig.build.json`) into dist/bin/, the files
 * users run (issue #11): loading ~85 of our modules and dozens of small dependency files one by one cost
 * more CPU than the commands' work on a small tenant. Code splitting keeps every `import()` lazy: each
 * command, the emulator, jose, the YAML readers land in chunks of their own, loaded when first used, and
 * code shared by several lands in one shared chunk, so each class exists once (instanceof holds).
 *
 * dist/bin/program.js is a second entry, exporting `run`, for the benches that run a command in a process
 * they watch (bench/cli-process.ts), and dist/bin/v8-flags.js a third, which they import first: the flags'
 * module must be the bundle's own, since the YAML reader asks it whether the tier was lowered
 * (compiler-tier.ts), and a copy compiled beside the bench would answer for nobody. dist/bin/ sits as deep as dist/commands/, so paths the code resolves
 * from its own module (../../schemas/) point at the same files from the bundle.
 *
 *   node scripts/bundle.mjs [distDir]   (default: dist)
 */
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { argv } from 'node:process';
import { build } from 'esbuild';

const dist = argv[2] ?? 'dist';
const outdir = join(dist, 'bin');
// Old chunks carry hashes in their names: clear them, or they pile up in the package.
rmSync(outdir, { recursive: true, force: true });

/**
 * The bin: V8's flags (v8-flags.js) first, then the CLI. With code splitting esbuild does not keep the
 * evaluation order of static imports across chunks (evanw/esbuild#399): cli.js's `import './v8-flags.js'`
 * came out after the chunk holding the program. An import() runs only after this module's own imports.
 */
const binEntry = {
  name: 'bin-entry',
  /** @param {import('esbuild').PluginBuild} b */
  setup(b) {
    b.onResolve({ filter: /^tenantctl:bin$/ }, () => ({ path: 'bin', namespace: 'tenantctl' }));
    b.onLoad({ filter: /.*/, namespace: 'tenantctl' }, () => ({
      contents: "#!/usr/bin/env node\nimport './v8-flags.js';\nawait import('./cli.js');\n",
      resolveDir: resolve(dist),
      loader: 'js',
    }));
  },
};

/**
 * zod's namespace object re-exports its 60 locales (~370 kB, a third of the zod chunk), which V8 parses
 * on every run though only English is ever used: the namespace keeps them from being tree-shaken. The
 * locale index resolves to English alone.
 */
const englishOnly = {
  name: 'zod-english-only',
  /** @param {import('esbuild').PluginBuild} b */
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]/.test(args.importer) ? { path: join(args.resolveDir, '../locales/index.js'), namespace: 'zod-locales' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: "export { default as en } from './en.js';\n",
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/**
 * commander requires node:child_process when it loads, for subcommands run as executables, which tenantctl
 * never has: Node's child_process (with net and dgram behind it) cost ~0.01 s of every run's start-up.
 * commander gets a stand-in that requires the real module on its first spawn.
 */
const lazyChildProcess = {
  name: 'commander-lazy-child-process',
  /** @param {import('esbuild').PluginBuild} b */
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-child-process' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents: "module.exports = { spawn: (...args) => require('node:child_process').spawn(...args) };\n",
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: [{ in: 'tenantctl:bin', out: 'cli' }, join(dist, 'program.js'), join(dist, 'v8-flags.js')],
  plugins: [binEntry, englishOnly, lazyChildProcess],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Readable output: users never see a stack trace, and minifying saved no measurable CPU (README).
  minify: false,
  // No keepNames: a dependency's class renamed in the bundle (commander's CommanderError2) shows only in a
  // bug report's trace, and keeping names cost ~0.04 s of CPU per command.
  chunkNames: '[name]-[hash]',
  // CommonJS dependencies (commander, node-forge) call require() for Node's modules; an ES module has none.
  banner: { js: "import { createRequire as __tenantctlRequire } from 'node:module';\nconst require = __tenantctlRequire(import.meta.url);" },
  logLevel: 'warning',
});
