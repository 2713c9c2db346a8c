import { resolve } from 'node:path';
import { readLive } from '../api/read-live.js';
import { apply } from '../apply/apply.js';
import type { RunningEmulator } from '../emulator/index.js';
import { TenantctlError } from '../errors.js';
import { plan } from '../plan/plan.js';
import { renderApplyText } from '../render/plan-text.js';
import type { Io, Out } from './io.js';
import { emulatorClient } from './connect.js';
import { loadOrExit } from './load.js';

/**
 * `tenantctl emulator --seed-from DIR --env ENV`: the manifests applied to the fresh emulator through the
 * same load -> read -> plan -> apply stages as `tenantctl apply`, in-process and over real HTTP, so the
 * sandbox holds exactly what an apply would have made. Like `apply` without --allow-delete, objects of the
 * fresh tenant the manifests do not name (the default database connection) stay.
 */
export async function seedEmulator(
  emulator: RunningEmulator,
  source: { dir: string; env: string },
  io: Io,
  out: Out,
): Promise<void> {
  const desired = await loadOrExit(resolve(io.cwd, source.dir), source.env, io, out);
  const { api, endpoint } = emulatorClient(emulator);
  try {
    const kinds = Object.keys(desired.kinds) as (keyof typeof desired.kinds)[];
    const live = await readLive(api, { kinds, managementAudience: endpoint.audience });
    const changes = plan(desired, live, { env: source.env });
    const result = await apply(changes, api);
    if (result.failed.length > 0) {
      out.note(renderApplyText(result, out.errStyle));
      throw new TenantctlError(
        'emulator_seed',
        `seeding from ${source.dir} (env ${source.env}) failed: ${result.failed.length} change(s) were refused; the emulator was not started`,
        { hint: 'Fix the manifests (the refused changes are listed above), then start it again.' },
      );
    }
    out.note(
      out.errStyle.dim(`Seeded from ${source.dir} (env ${source.env}): ${result.applied.length} change(s) applied\n`),
    );
  } finally {
    await api.close();
  }
}
