import { resolve } from 'node:path';
import { readLive } from '../api/read-live.js';
import type { Desired } from '../manifest/types.js';
import { plan } from '../plan/plan.js';
import { checkTargets, knownAddresses } from '../plan/targets.js';
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

/** Manifests -> live tenant -> plan: the part plan, apply and drift share. Caller closes the connection. */
export async function makePlan(dir: string, options: PlanningOptions, io: Io, out: Out): Promise<Planned> {
  const desired = await loadOrExit(resolve(io.cwd, dir), options.env, io, out);
  const connection = await connect(io, out, { emulator: options.emulator });
  try {
    await options.beforeRead?.(connection);
    const managed = Object.keys(desired.kinds) as (keyof Desired['kinds'])[];
    const started = Date.now();
    const live = await readLive(connection.api, {
      kinds: managed,
      managementAudience: connection.endpoint.audience,
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
      plan: plan(desired, live, {
        allowDelete: options.allowDelete,
        env: options.env,
        targets: options.target,
        cwd: io.cwd,
        dir,
      }),
      connection,
    };
  } catch (error) {
    await connection.close();
    throw error;
  }
}
