import { resolve } from 'node:path';
import type { Io, Out, OutputFormat } from './io.js';
import { loadOrExit } from './load.js';

/** Offline: files, keywords, schemas and cross references. Never talks to a tenant. */
export async function validateCommand(
  dir: string,
  options: { env?: string; output?: OutputFormat },
  io: Io,
  out: Out,
): Promise<number> {
  out.context.valid = false;
  const desired = await loadOrExit(resolve(io.cwd, dir), options.env, io, out);
  if (options.output === 'json') {
    const counts = Object.fromEntries(Object.entries(desired.kinds).map(([kind, items]) => [kind, items?.length ?? 0]));
    out.printJson({ valid: true, env: options.env ?? null, files: desired.files.length, counts, diagnostics: out.context.diagnostics });
    return 0;
  }
  const counts = Object.entries(desired.kinds).map(([kind, items]) => `${items?.length ?? 0} ${kind}`);
  out.print(
    `Valid: ${desired.files.length} file(s), ${counts.length > 0 ? counts.join(', ') : 'no managed kinds'} (${options.env ? `env ${options.env}` : 'no environment'}).\n`,
  );
  return 0;
}
