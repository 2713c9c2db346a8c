/**
 * One CLI command in its own process, as a user runs it, for a benchmark. Started with `fork` and the
 * command's arguments; its output goes to this process's stdout, and when the command is done it sends
 * `{code, peakRssMb, cpuS}` (exit code, peak RSS in MB, CPU seconds) and exits with the command's code.
 */
// As the CLI's entry does (src/cli.ts), before anything else is evaluated.
import '../src/v8-flags.js';
import { run } from '../src/program.js';

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
