import { resolve } from 'node:path';
import type { Io, Out } from './io.js';
import { loadOrExit } from './load.js';

/** Offline: files, keywords, schemas and cross references. Never talks to a tenant. */
export async function validateCommand(
  dir: string,
  options: { env?: string },
  io: Io,
  out: Out,
): Promise<number> {
  const desired = await loadOrExit(resolve(io.cwd, dir), options.env, io, out);
  const counts = Object.entries(desired.kinds).map(([kind, items]) => `${items?.length ?? 0} ${kind}`);
  out.print(
    `Valid: ${desired.files.length} file(s), ${counts.length > 0 ? counts.join(', ') : 'no managed kinds'} (${options.env ? `env ${options.env}` : 'no environment'}).\n`,
  );
  return 0;
}
