import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FleetTenant } from './file.js';

/** What one tenant's run ended with: its exit code and its `--output json` document, if it printed one. */
export interface TenantRun {
  name: string;
  code: number;
  document: Record<string, unknown> | undefined;
  /** Why there is no document (the process could not start or died without one). */
  failure: string | undefined;
}

/** Every variable that picks the tenant or the credentials: a child gets its tenant's own, never the parent's. */
const AUTH_VARIABLES = [
  'AUTH0_DOMAIN',
  'AUTH0_CLIENT_ID',
  'AUTH0_CLIENT_SECRET',
  'AUTH0_CLIENT_ASSERTION_KEY_FILE',
  'AUTH0_ACCESS_TOKEN',
  'AUTH0_AUDIENCE',
];

/**
 * The CLI the children run: the built one next to this module; from the TypeScript sources (tests), the
 * build in dist/ (`npm test` builds first).
 */
function cliPath(): string {
  const sibling = fileURLToPath(new URL('../cli.js', import.meta.url));
  return existsSync(sibling) ? sibling : fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
}

/** The child's environment: the parent's, with the tenant's credential variables mapped onto AUTH0_*. */
export function tenantEnv(
  tenant: FleetTenant,
  env: Record<string, string | undefined>,
): { env: Record<string, string>; missing: string[] } {
  const child: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !AUTH_VARIABLES.includes(k)) child[k] = v;
  const mapping: [string, string][] = [
    ['AUTH0_DOMAIN', tenant.domainEnv],
    ['AUTH0_CLIENT_ID', tenant.clientIdEnv],
    ['AUTH0_CLIENT_SECRET', tenant.clientSecretEnv],
  ];
  const missing: string[] = [];
  for (const [target, source] of mapping) {
    const value = env[source];
    if (value) child[target] = value;
    else missing.push(source);
  }
  return { env: child, missing };
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}

/** One tenant as its own tenantctl process: its own token, pacer and lock; its crash stays its own. */
function runOne(tenant: FleetTenant, args: string[], env: Record<string, string>, cwd: string): Promise<TenantRun> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cliPath(), ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', (error) => done({ name: tenant.name, code: 1, document: undefined, failure: error.message }));
    child.on('close', (code, signal) => {
      let document: Record<string, unknown> | undefined;
      try {
        document = JSON.parse(stdout) as Record<string, unknown>;
      } catch {
        document = undefined;
      }
      const failure = document
        ? undefined
        : signal
          ? `killed by ${signal}`
          : lastLine(stderr) || `exited with code ${code} without output`;
      done({ name: tenant.name, code: code ?? 1, document, failure });
    });
  });
}

/**
 * Runs `command` for every tenant, at most `parallel` at once, in fleet order; `args(tenant)` gives each
 * its arguments. `onDone` hears of each tenant as it ends. Results come back in fleet order.
 */
export async function runFleet(
  tenants: FleetTenant[],
  options: {
    parallel: number;
    env: Record<string, string | undefined>;
    cwd: string;
    args: (tenant: FleetTenant) => string[];
    onDone?: (run: TenantRun) => void;
  },
): Promise<TenantRun[]> {
  const results: TenantRun[] = new Array(tenants.length);
  let next = 0;
  const worker = async () => {
    while (next < tenants.length) {
      const i = next++;
      const tenant = tenants[i] as FleetTenant;
      const { env, missing } = tenantEnv(tenant, options.env);
      const result =
        missing.length > 0
          ? {
              name: tenant.name,
              code: 1,
              document: undefined,
              failure: `${missing.join(', ')} not set: the fleet file names ${missing.length === 1 ? 'this variable' : 'these variables'} for this tenant's credentials`,
            }
          : await runOne(tenant, options.args(tenant), env, options.cwd);
      results[i] = result;
      options.onDone?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.parallel, tenants.length) }, worker));
  return results;
}
