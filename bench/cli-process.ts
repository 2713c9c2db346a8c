/**
 * One CLI command in its own process, as a user runs it, for a benchmark. Started with `fork` and the
 * command's arguments; its output goes to this process's stdout, and when the command is done it sends
 * `{code, peakRssMb, cpuS}` (exit code, peak RSS in MB, CPU seconds) and exits with the command's code.
 * Runs the bundled CLI: build it first (`npm run build`).
 */
import type { run as runType } from '../src/program.js';

// As the CLI's entry does, before the CLI is evaluated: the bundle's own flags module, which its YAML reader
// asks whether the tier was lowered (src/compiler-tier.ts).
await import(new URL('../../dist/bin/v8-flags.js', import.meta.url).href);

// The bundle users run (dist/bin/, made by `npm run build`), not the modules tsc compiled beside this file:
// loading ~85 modules one by one costs CPU the bundle does not, and plan_cpu_s is what a user pays.
const bundle = new URL('../../dist/bin/program.js', import.meta.url);
const { run } = (await import(bundle.href)) as { run: typeof runType };

const code = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: { write: () => undefined },
  env: process.env,
  cwd: process.cwd(),
});
const usage = process.resourceUsage();
const cpuS = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
// Pipes are written asynchronously: let stdout drain before exiting, or a large plan arrives cut short.
process.stdout.write('', () => {
  process.send?.({ code, peakRssMb: Math.round(usage.maxRSS / 1024), cpuS }, () => process.exit(code));
});
