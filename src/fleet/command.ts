import { TenantctlError } from '../errors.js';
import type { Io, Out, OutputFormat } from '../commands/io.js';
import { onStopSignal } from '../lock/connection.js';
import { type FleetTenant, loadFleet } from './file.js';
import { runFleet, type TenantRun } from './run.js';
import { type FleetCommand, fleetJson, fleetMarkdown, fleetText, worstCode } from './summary.js';

export interface FleetOptions {
  fleet: string;
  parallel?: string;
  env?: string;
  allowDelete?: boolean;
  target?: string[];
  detailedExitcode?: boolean;
  autoApprove?: boolean;
  allowLockoutRisk?: boolean;
  lockTimeout?: string;
  out?: string;
  plan?: string;
  emulator?: boolean;
  output: OutputFormat;
}

/** Flags that make no sense across tenants: one plan file, one embedded emulator, one DIR. */
function refuseSingleTenantFlags(command: FleetCommand, dir: string | undefined, options: FleetOptions): void {
  const given = [
    dir === undefined ? '' : `DIR (${dir})`,
    options.out === undefined ? '' : '--out',
    options.plan === undefined ? '' : '--plan',
    options.emulator ? '--emulator' : '',
  ].filter(Boolean);
  if (given.length > 0)
    throw new TenantctlError('usage', `${command} --fleet cannot be combined with ${given.join(', ')}`, {
      hint: 'The fleet file names every tenant directory; run one tenant alone for a saved plan or the embedded emulator.',
    });
  // Nobody can answer a prompt for several tenants at once.
  if (command === 'apply' && !options.autoApprove)
    throw new TenantctlError('usage', 'apply --fleet needs --auto-approve: tenants run in parallel, nobody can confirm each', {
      hint: 'Review `tenantctl plan --fleet FILE` first, then run `tenantctl apply --fleet FILE --auto-approve`.',
    });
}

function parallelism(value: string | undefined): number {
  const n = Number(value ?? '4');
  if (!Number.isInteger(n) || n < 1)
    throw new TenantctlError('usage', `--parallel must be a whole number of at least 1, not ${value}`, {
      hint: 'E.g. --parallel 4 (the default) runs four tenants at once.',
    });
  return n;
}

/** The arguments of one tenant's own run: the fleet's flags, its directory and environment, JSON out. */
function tenantArgs(command: FleetCommand, options: FleetOptions, tenant: FleetTenant): string[] {
  const env = tenant.env ?? options.env;
  return [
    command,
    tenant.dir,
    ...(env === undefined ? [] : ['--env', env]),
    ...(options.allowDelete ? ['--allow-delete'] : []),
    ...(options.target ?? []).flatMap((t) => ['--target', t]),
    ...(command === 'plan' && options.detailedExitcode ? ['--detailed-exitcode'] : []),
    ...(command === 'apply' ? ['--auto-approve', '--lock-timeout', options.lockTimeout ?? '0'] : []),
    ...(command === 'apply' && options.allowLockoutRisk ? ['--allow-lockout-risk'] : []),
    '--output',
    'json',
  ];
}

/** The combined summary in the chosen format; with `stopped`, the signal that ended the fleet before its tenants. */
function printSummary(command: FleetCommand, runs: TenantRun[], run: { output: OutputFormat; out: Out; stopped?: NodeJS.Signals }) {
  const { out, stopped } = run;
  const error = stopped && {
    code: 'interrupted',
    message: `${stopped} received: the fleet stopped${command === 'apply' ? '; each tenant sent nothing more, and only changes listed as in flight may or may not have been made' : ''}`,
    hint: `Run the fleet's ${command} again${command === 'apply' ? ': each tenant plans from its live tenant and converges' : ''}.`,
  };
  const after = error ? `${error.message}\n` : '';
  if (run.output === 'json') out.printJson({ ...(fleetJson(command, runs) as object), ...(error ? { error } : {}) });
  else if (run.output === 'markdown') out.print(`${fleetMarkdown(command, runs)}${after && `\n**${after.trim()}**\n`}`);
  else out.print(`${fleetText(command, runs, out.style)}${after}`);
}

/** `plan|apply|drift --fleet FILE`: every tenant as its own run, one combined summary, the worst code. */
export async function fleetCommand(
  command: FleetCommand,
  dir: string | undefined,
  options: FleetOptions,
  io: Io,
  out: Out,
): Promise<number> {
  refuseSingleTenantFlags(command, dir, options);
  const parallel = parallelism(options.parallel);
  const tenants = await loadFleet(options.fleet, io.cwd);
  // Each tenant's run masks its own secrets; the fleet masks them too, for anything it repeats.
  out.setSecrets(tenants.flatMap((t) => io.env[t.clientSecretEnv] ?? []));
  out.note(out.errStyle.dim(`Running ${command} for ${tenants.length} tenant(s), ${Math.min(parallel, tenants.length)} at once...\n`));
  // Ctrl-C or a cancelled CI job ends the process before the fleet's summary: it is printed on the signal,
  // with each tenant as far as it got (an apply's own document says `interrupted`, with its result so far:
  // each tenant stops sending and has printed it, after the answers in flight, before this hook runs).
  let soFar: (stopped: string) => TenantRun[] = () => [];
  let stopped: NodeJS.Signals | undefined;
  const unlisten = onStopSignal(async (signal) => {
    stopped = signal;
    printSummary(command, soFar(`stopped by ${signal}`), { output: options.output, out, stopped: signal });
  });
  let runs: TenantRun[];
  try {
    runs = await runFleet(tenants, {
      parallel,
      env: io.env,
      cwd: io.cwd,
      args: (tenant) => tenantArgs(command, options, tenant),
      onDone: (run) => out.note(out.errStyle.dim(`  ${run.name}: exit ${run.code}\n`)),
      note: (text) => out.note(text),
      soFar: (read) => (soFar = read),
    });
  } finally {
    unlisten();
  }
  // Printed already when the signal came; the process ends by it once the locks are gone.
  if (stopped) return 1;
  printSummary(command, runs, { output: options.output, out });
  return worstCode(runs);
}
