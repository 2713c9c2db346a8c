import { Command, CommanderError, Option } from 'commander';
import type { ApplyCommandOptions } from './commands/apply.js';
import type { ConvertOptions } from './commands/convert.js';
import type { ExportOptions } from './commands/export.js';
import type { VerifyOptions } from './commands/verify.js';
import { Exit, type Io, type Out, type OutputFormat, output } from './commands/io.js';
import type { PlanCommandOptions } from './commands/plan.js';
import type { UnlockOptions } from './commands/unlock.js';
import { TenantctlError } from './errors.js';
import { EXIT_HELP, outputOption, envOption, targetOption, fleetOption, parallelOption, emulatorOption } from './program-options.js';
import { commandPath, failOutput, outputWanted } from './program-errors.js';
import { RISKY_CHANGES } from './plan/risky-changes.js';

function build(io: Io, out: Out, setCode: (code: number) => void): Command {
  const program = new Command('tenantctl')
    .description('Keep an Auth0 tenant in git: validate, plan, apply and drift-check YAML manifests.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_HELP)
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride();

  program
    .command('validate')
    .description('check manifests offline: YAML, keywords, field names and types, references')
    .argument('<dir>', 'tenant directory, e.g. examples/tenants/acme')
    .addOption(envOption())
    // A diagnostics list has no pull-request form: text or JSON (README).
    .addOption(outputOption(['text', 'json']))
    .addHelpText('after', '\nExample:\n  tenantctl validate examples/tenants/acme --env prod --output json')
    .action(async (dir: string, opts: { env?: string; output: OutputFormat }) =>
      setCode(await (await import('./commands/validate.js')).validateCommand(dir, opts, io, out)),
    );

  program
    .command('plan')
    .description('show what apply would change in the tenant, without changing anything')
    .argument('[dir]', 'tenant directory (not needed with --fleet)')
    .addOption(envOption())
    .option('--out <file>', 'save the plan as JSON for `apply --plan` (no secrets are stored)')
    .option('--detailed-exitcode', 'exit 2 when there are changes, 0 when none')
    .option('--allow-delete', 'plan deletion of live objects missing from managed sections')
    .addOption(targetOption())
    .addOption(emulatorOption())
    .addOption(fleetOption())
    .addOption(parallelOption())
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nExamples:\n  tenantctl plan examples/tenants/acme --env staging --detailed-exitcode\n  tenantctl plan examples/tenants/acme --env prod --out plan.json --output markdown',
    )
    .action(async (dir: string | undefined, opts: PlanCommandOptions) => setCode(await (await import('./commands/plan.js')).planCommand(dir, opts, io, out)));

  program
    .command('apply')
    .description('plan and apply the changes (asks first on a terminal), or apply a saved plan exactly')
    .argument('[dir]', 'tenant directory (not needed with --plan or --fleet)')
    .addOption(envOption())
    .option('--plan <file>', 'apply this saved plan; refuses if the tenant changed since it was made')
    .option('--auto-approve', 'do not ask for confirmation (CI)')
    .option('--allow-delete', 'delete live objects missing from managed sections')
    .option(
      '--allow-lockout-risk',
      'apply the risky changes listed below, which are refused otherwise',
    )
    .option(
      '--lock-timeout <duration>',
      "wait this long (90s, 10m) for another apply's lock on the tenant instead of failing at once",
      '0',
    )
    .addOption(targetOption())
    .addOption(emulatorOption())
    .addOption(fleetOption())
    .addOption(parallelOption())
    .addOption(outputOption())
    .addHelpText(
      'after',
      `\nRisky changes (refused without --allow-lockout-risk, also in a saved plan):\n${RISKY_CHANGES.map((r) => `  - ${r}`).join('\n')}\n\nExamples:\n  tenantctl apply examples/tenants/acme --env staging --auto-approve\n  tenantctl apply --plan plan.json`,
    )
    .action(async (dir: string | undefined, opts: ApplyCommandOptions) =>
      setCode(await (await import('./commands/apply.js')).applyCommand(dir, opts, io, out)),
    );

  program
    .command('drift')
    .description('compare the live tenant with the manifests; exit 2 and list differences if they drifted')
    .argument('[dir]', 'tenant directory (not needed with --fleet)')
    .addOption(envOption())
    .option('--allow-delete', 'count undeclared live objects as deletes, as apply --allow-delete would')
    .addOption(emulatorOption())
    .addOption(fleetOption())
    .addOption(parallelOption())
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nExample (a scheduled CI job):\n  tenantctl drift examples/tenants/acme --env prod --output markdown',
    )
    .action(
      async (
        dir: string | undefined,
        opts: { env?: string; emulator?: boolean; allowDelete?: boolean; fleet?: string; parallel?: string; output: OutputFormat },
      ) =>
        setCode(await (await import('./commands/plan.js')).driftCommand(dir, opts, io, out)),
    );

  program
    .command('unlock')
    .description("remove the tenant's apply lock left by a run that died, printing whose it was")
    .option('--force', 'remove it even when its apply is still running on this host')
    .addOption(emulatorOption())
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
Every apply holds a lock in the tenant: the API (resource server) urn:tenantctl:lock, removed when the
apply ends and expired after 15 minutes without a refresh. Remove it by hand only when its holder is gone:
a lock whose apply still runs on this host is refused without --force.

Example:
  tenantctl unlock`,
    )
    .action(async (opts: UnlockOptions) => setCode(await (await import('./commands/unlock.js')).unlockCommand(opts, io, out)));

  program
    .command('export')
    .description('write the live tenant as manifests: a directory that plans empty against the same tenant')
    .requiredOption('--out <dir>', 'directory to write (created if missing; files for exported kinds are replaced)')
    .option('--kinds <list>', 'comma-separated kinds (default: every kind but users and signingKeys)')
    .option('-e, --env <name>', 'name of the environments/<name>.yaml file to write', 'default')
    .addOption(emulatorOption())
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nSecrets are never written: a client secret becomes @@KEYWORD@@ bound to an environment variable.\n\nExamples:\n  tenantctl export --out tenants/acme --env prod\n  tenantctl export --out tenants/acme --kinds clients,clientGrants,users',
    )
    .action(async (opts: ExportOptions) => setCode(await (await import('./commands/export.js')).exportCommand(opts, io, out)));

  program
    .command('convert')
    .description("convert another tool's files into a tenantctl tenant directory")
    .command('deploy-cli')
    .description("the Auth0 deploy tool's tenant.yaml or directory export -> tenantctl manifests")
    .argument('<path>', 'a tenant.yaml file, or the directory the deploy tool exported')
    .requiredOption('--out <dir>', 'directory to write')
    .option('--config <file>', "the deploy tool's config JSON (AUTH0_KEYWORD_REPLACE_MAPPINGS, AUTH0_EXCLUDED_*)")
    .option('-e, --env <name>', 'name of the environments/<name>.yaml file to write', 'default')
    .option('--force', 'write into an --out directory that is not empty (files of the same names are overwritten)')
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
--out must name a missing or empty directory; one with files in it is refused unless --force.
Keywords (@@KEY@@, ##KEY##) carry over; mappings from --config become environments/<env>.yaml keywords and
the rest are bound to environment variables. Sections tenantctl does not manage (rules, actions, pages, ...)
and unknown fields are listed with their file:line, never dropped silently.

Example:
  tenantctl convert deploy-cli legacy/tenant.yaml --config legacy/config.json --out tenants/acme --env prod`,
    )
    .action(async (path: string, opts: ConvertOptions) => setCode(await (await import('./commands/convert.js')).convertDeployCli(path, opts, io, out)));

  program
    .command('verify')
    .description('after apply: get a token for each client-credentials grant and check it as an API would')
    .argument('<dir>', 'tenant directory')
    .addOption(envOption())
    .addOption(emulatorOption())
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
Checks every grant (subject type client) whose client declares client_secret through an env-bound
keyword: the token's signature against /.well-known/jwks.json, its issuer, audience and scopes against the
manifest, and prints the token-quota headers when the tenant sends them. Exit 1 when a check fails.

Example:
  tenantctl verify examples/tenants/acme --env prod`,
    )
    .action(async (dir: string, opts: VerifyOptions) => setCode(await (await import('./commands/verify.js')).verifyCommand(dir, opts, io, out)));

  program
    .command('emulator')
    .description('serve a local Auth0 Management API: a sandbox tenant for trying manifests, tests, CI and demos')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '4010')
    .option('--seed-from <dir>', 'start with the manifests in this directory already applied (needs --env)')
    .option('--env <env>', 'the environment of --seed-from whose keywords apply')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--state <file>', 'persist the tenant to this JSON file')
    .option('--domain <domain>', 'tenant domain in tokens (default 127.0.0.1:<port>)')
    .option('--client-id <id>', "the deployer client's id", 'tenantctl-deployer')
    .option('--client-secret <secret>', "the deployer client's secret (random if not given)")
    .option(
      '--rate-limit <plan|burst/rps>',
      'global bucket: free (2/2), dev (10/2), enterprise (50/16) or BURST/RPS',
      'enterprise',
    )
    .option('--retry-after', 'send Retry-After on 429 answers (the real API does not promise it)')
    .addOption(
      new Option('--rate-limit-reset <when>', 'x-ratelimit-reset announces the next token or a full bucket')
        .choices(['next', 'full'])
        .default('next'),
    )
    .option('--faults <spec>', 'inject faults, e.g. "POST /api/v2/clients drop after; 500 5%" (grammar below)')
    .option('--seed <n>', 'seed of the faults\' chances, to replay a run exactly (default: random, printed)')
    .option('--tls', 'serve HTTPS with a self-signed certificate for localhost, 127.0.0.1 and the domain (kept in --state)')
    .addOption(
      new Option('--tls-cert <file>', 'write that certificate here (default: next to --state, else a temp file)')
        .implies({ tls: true }),
    )
    .addHelpText(
      'after',
      `
What it is for: a local stand-in for an Auth0 tenant, answering /oauth/token, /.well-known/jwks.json and
the /api/v2 endpoints tenantctl manages the way recorded real traffic shows (status codes, error bodies,
server defaults, paging, rate limits). Point tenantctl (or any Management API client) at it to try
manifests without a real tenant, to run tests and CI offline, or to rehearse failures with --faults. It
is not a real tenant: no logins, emails or rules run, and its known differences are listed in
src/emulator/README.md. With --state the tenant survives restarts; with --seed-from DIR --env ENV it
starts with those manifests applied, a sandbox in one command.

Faults (--faults): rules separated by ';', each made of
  [METHOD] [/path or /prefix*]     which requests (default: every /api/v2 request)
  STATUS | drop | latency=MS       answer that status with the API's error body, close the connection, or wait
  before | after                   strike before the request is processed (default), or after its change is saved
  nth=N times=N | p=F or N%        from the Nth match, N times (default: once); or each match with that chance
or a JSON array of rules: [{"method":"POST","path":"/api/v2/clients","status":"drop","when":"after"}]

Examples:
  tenantctl emulator --seed-from examples/tenants/acme --env dev --port 4010
  tenantctl emulator --rate-limit free
  tenantctl emulator --faults "POST /api/v2/clients drop after; 503 p=0.05; latency=100 p=1" --seed 42
  tenantctl emulator --tls --state .tenantctl/emulator.json   # then NODE_EXTRA_CA_CERTS=.tenantctl/emulator-ca.pem`,
    )
    .action(async (opts) => setCode(await (await import('./commands/emulator.js')).emulatorCommand(opts, io, out)));

  return program;
}

/**
 * Whether tenantctl's argument parser accepts these arguments, without running anything: the check CI
 * recipes and documentation examples are held to. Returns the parser's complaint, or undefined.
 */
export async function usageProblem(argv: string[]): Promise<string | undefined> {
  let complaint = '';
  const sink = { write: (s: string) => (complaint += s) };
  const io: Io = { stdout: { write: () => true }, stderr: sink, env: {}, cwd: '.' };
  const program = build(io, output(io), () => undefined);
  const silence = (command: Command): void => {
    command.action(() => undefined);
    command.commands.forEach(silence);
  };
  program.commands.forEach(silence);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return undefined;
  } catch (error) {
    return complaint.trim() || (error as Error).message;
  }
}

/** Run the CLI in-process; returns the exit code. The bin wrapper is the only caller of process.exit. */
export async function run(argv: string[], io: Io): Promise<number> {
  let code = 0;
  // One output for the commands and for the errors they end with: the secrets a command learns are
  // masked in its error message too.
  const out = output(io);
  const program = build(io, out, (c) => {
    code = c;
  });
  // How a failure is printed on stdout: the command line's --output, once commander has read it.
  const failure = outputWanted(argv, program);
  program.hook('preAction', (_program, command) => {
    Object.assign(failure, { format: command.opts().output as OutputFormat | undefined, command: commandPath(command) });
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof Exit) {
      if (error.reason) failOutput(out, failure, error.reason);
      return error.code;
    }
    if (error instanceof CommanderError) {
      if (error.exitCode !== 0) failOutput(out, failure, { code: 'usage', message: error.message.replace(/^error: /, '') });
      return error.exitCode === 0 ? 0 : 1;
    }
    if (error instanceof TenantctlError) {
      out.note(`${out.errStyle.red('Error:')} ${error.message}\n`);
      if (error.hint) out.note(`  ${error.hint}\n`);
      failOutput(out, failure, error);
      return 1;
    }
    out.note(
      `tenantctl hit a bug; please report it with this trace:\n${(error as Error).stack ?? String(error)}\n`,
    );
    failOutput(out, failure, { code: 'bug', message: (error as Error).message ?? String(error) });
    return 1;
  }
}
