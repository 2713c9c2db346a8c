import { testCrash, watchCrashes } from './crash.js';
import type { FleetTenant } from './file.js';

/** What one tenant's run ended with: its exit code and its `--output json` document, if it printed one. */
export interface TenantRun {
  name: string;
  code: number;
  document: Record<string, unknown> | undefined;
  /** Why there is no document (the run ended without printing one). */
  failure: string | undefined;
}

/** Every variable that picks the tenant or the credentials: a tenant's run gets its own, never the fleet's. */
const AUTH_VARIABLES = [
  'AUTH0_DOMAIN',
  'AUTH0_CLIENT_ID',
  'AUTH0_CLIENT_SECRET',
  'AUTH0_CLIENT_ASSERTION_KEY_FILE',
  'AUTH0_ACCESS_TOKEN',
  'AUTH0_AUDIENCE',
];

/** A tenant's environment: the fleet's, with the tenant's credential variables mapped onto AUTH0_*. */
export function tenantEnv(
  tenant: FleetTenant,
  env: Record<string, string | undefined>,
): { env: Record<string, string>; missing: string[] } {
  const own: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !AUTH_VARIABLES.includes(k)) own[k] = v;
  const mapping: [string, string][] = [
    ['AUTH0_DOMAIN', tenant.domainEnv],
    ['AUTH0_CLIENT_ID', tenant.clientIdEnv],
    ['AUTH0_CLIENT_SECRET', tenant.clientSecretEnv],
  ];
  const missing: string[] = [];
  for (const [target, source] of mapping) {
    const value = env[source];
    if (value) own[target] = value;
    else missing.push(source);
  }
  return { env: own, missing };
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}

/**
 * One tenant's run, as `tenantctl` would run it alone, in this process: its own environment, connection
 * (token, rate-limit pacing), apply lock and captured output. In-process rather than one process per
 * tenant because starting tenantctl (Node, loading and compiling its modules, building its schemas) costs
 * about ten times the CPU of planning and applying a small tenant once that is done (bench/fleet.ts):
 * ten processes at once spent most of two cores starting up. A failure is the run's exit code and error
 * document, as from a process of its own.
 */
async function runOne(
  tenant: FleetTenant,
  run: { args: string[]; env: Record<string, string>; cwd: string; captured: Captured },
): Promise<TenantRun> {
  const { run: tenantctl } = await import('../program.js');
  const { captured } = run;
  const code = await tenantctl(run.args, {
    stdout: { write: (text: string) => (captured.stdout += text) },
    stderr: { write: (text: string) => (captured.stderr += text) },
    env: run.env,
    cwd: run.cwd,
  });
  const document = documentIn(captured.stdout);
  const failure = document ? undefined : lastLine(captured.stderr) || `ended with exit code ${code} without output`;
  return { name: tenant.name, code, document, failure };
}

/** What a tenant's run has written so far: a run a signal stops prints its document without returning. */
interface Captured {
  stdout: string;
  stderr: string;
}

function documentIn(stdout: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const failed = (name: string, failure: string): TenantRun => ({ name, code: 1, document: undefined, failure });

/**
 * Runs `command` for every tenant, at most `parallel` at once, in fleet order; `args(tenant)` gives each
 * its arguments. `onDone` hears of each tenant as it ends. Results come back in fleet order. A crash in one
 * tenant's run fails that tenant alone; one that cannot be pinned on a tenant fails those running and
 * starts no more (crash.ts).
 */
export async function runFleet(
  tenants: FleetTenant[],
  options: {
    parallel: number;
    env: Record<string, string | undefined>;
    cwd: string;
    args: (tenant: FleetTenant) => string[];
    onDone?: (run: TenantRun) => void;
    /** Where the fleet reports a crash's trace (stderr). */
    note: (text: string) => void;
    /**
     * Given at the start: reads every tenant's state at any moment (a signal stops the fleet before its
     * summary), in fleet order. A tenant still running counts as failed, with what it printed so far.
     */
    soFar?: (read: (stopped: string) => TenantRun[]) => void;
  },
): Promise<TenantRun[]> {
  const results: TenantRun[] = new Array(tenants.length);
  const running = new Map<number, Captured>();
  options.soFar?.((stopped) =>
    tenants.map((tenant, i) => {
      const done = results[i];
      if (done) return done;
      const captured = running.get(i);
      if (!captured) return failed(tenant.name, `not started: ${stopped}`);
      const document = documentIn(captured.stdout);
      return { name: tenant.name, code: 1, document, failure: document ? undefined : `${stopped} before it printed anything` };
    }),
  );
  const watch = watchCrashes(options.note);
  const crashedAfter = new Map<number, () => Error | undefined>();
  let next = 0;
  const worker = async () => {
    while (next < tenants.length) {
      const i = next++;
      const tenant = tenants[i] as FleetTenant;
      const { env, missing } = tenantEnv(tenant, options.env);
      const stopped = watch.stopped();
      let result: TenantRun;
      if (stopped) result = failed(tenant.name, `not started: the fleet stopped after a crash (${stopped.message})`);
      else if (missing.length > 0)
        result = failed(
          tenant.name,
          `${missing.join(', ')} not set: the fleet file names ${missing.length === 1 ? 'this variable' : 'these variables'} for this tenant's credentials`,
        );
      else {
        const { value, scope } = await watch.run(
          tenant.name,
          () => {
            testCrash(options.env, tenant.name);
            const captured = { stdout: '', stderr: '' };
            running.set(i, captured);
            return runOne(tenant, { args: options.args(tenant), env, cwd: options.cwd, captured });
          },
          (error) => failed(tenant.name, `crashed: ${error.message}`),
        );
        result = value;
        crashedAfter.set(i, () => scope.crashed);
      }
      results[i] = result;
      running.delete(i);
      options.onDone?.(result);
    }
  };
  try {
    testCrash(options.env, '-');
    await Promise.all(Array.from({ length: Math.min(options.parallel, tenants.length) }, worker));
  } finally {
    watch.close();
  }
  // A run that ended well and crashed afterwards (a stray timer of its own) still failed.
  for (const [i, crash] of crashedAfter) {
    const error = crash();
    const run = results[i];
    if (error && run && run.code !== 1) results[i] = failed(run.name, `crashed after its run ended: ${error.message}`);
  }
  const stopped = watch.stopped();
  if (stopped && results.every((r) => r.code !== 1))
    results.push(failed('(fleet)', `crashed outside any tenant's run: ${stopped.message}`));
  return results;
}
