import { resolve } from 'node:path';
import { readLive, referencedKinds, subResourcesDeclared } from '../api/read-live.js';
import { TenantctlError } from '../errors.js';
import { shownPath } from '../manifest/format.js';
import type { Desired } from '../manifest/types.js';
import { plan } from '../plan/plan.js';
import { checkTargetKinds, checkTargets, knownAddresses } from '../plan/targets.js';
import type { Live, Plan } from '../plan/types.js';
import { type Connection, connect } from './connect.js';
import type { Io, Out } from './io.js';
import { loadOrExit } from './load.js';

export interface PlanningOptions {
  /** Optional when the tenant directory has no environments/. */
  env?: string;
  emulator?: boolean;
  allowDelete?: boolean;
  /** `--target kind/key` filters. */
  target?: string[];
  /** Runs once connected, before the live tenant is read (apply takes its lock here). */
  beforeRead?: (connection: Connection) => Promise<void>;
}

export interface Planned {
  desired: Desired;
  live: Live;
  plan: Plan;
  connection: Connection;
}

/** The domains a connection answers to: AUTH0_DOMAIN's host, and the emulator's own tenant domain. */
function domainsOf(connection: Connection): string[] {
  return [connection.endpoint.domain, connection.api.domain].map((d) => d.toLowerCase());
}

/** An environment file's `tenant:` is the only tenant these manifests may be planned or applied against. */
export function checkTenantBinding(
  binding: { domain: string; loc?: { file: string; line: number; col: number } } | undefined,
  connection: Connection,
  run: { env: string | undefined; cwd?: string },
): void {
  if (!binding || domainsOf(connection).includes(binding.domain)) return;
  const { env } = run;
  const where = binding.loc ? ` (${shownPath(binding.loc.file, run.cwd)}:${binding.loc.line}:${binding.loc.col})` : '';
  throw new TenantctlError(
    'tenant_binding',
    `environment '${env}' is bound to tenant ${binding.domain}${where}, but AUTH0_DOMAIN is ${connection.endpoint.domain}; nothing was read or changed`,
    { hint: `Point AUTH0_DOMAIN at ${binding.domain}, or pick the --env that belongs to ${connection.endpoint.domain}.` },
  );
}

/** Manifests -> live tenant -> plan: the part plan, apply and drift share. Caller closes the connection. */
export async function makePlan(dir: string, options: PlanningOptions, io: Io, out: Out): Promise<Planned> {
  const desired = await loadOrExit(resolve(io.cwd, dir), options.env, io, out);
  if (options.target?.length) {
    const declared = new Set(Object.values(desired.kinds).flatMap((items) => (items ?? []).map((item) => item.address)));
    checkTargetKinds(options.target, Object.keys(desired.kinds), declared);
  }
  const connection = await connect(io, out, { emulator: options.emulator });
  try {
    checkTenantBinding(desired.tenant, connection, { env: options.env, cwd: io.cwd });
    await options.beforeRead?.(connection);
    const managed = Object.keys(desired.kinds) as (keyof Desired['kinds'])[];
    const started = Date.now();
    const live = await readLive(connection.api, {
      kinds: managed,
      managementAudience: connection.endpoint.audience,
      subReads: subResourcesDeclared(desired),
      referenced: referencedKinds(desired),
    });
    const objects = Object.values(live.kinds).reduce((n, list) => n + (list?.length ?? 0), 0);
    out.note(
      out.errStyle.dim(
        `Read ${objects} objects of ${Object.keys(live.kinds).length} kinds in ${Date.now() - started} ms\n`,
      ),
    );
    if (options.target?.length) checkTargets(options.target, managed, knownAddresses(desired, live));
    return {
      desired,
      live,
      plan: {
        ...plan(desired, live, {
          allowDelete: options.allowDelete,
          env: options.env,
          targets: options.target,
          cwd: io.cwd,
          dir,
        }),
        ...(desired.tenant ? { boundTenant: desired.tenant.domain } : {}),
      },
      connection,
    };
  } catch (error) {
    await connection.close();
    throw error;
  }
}
