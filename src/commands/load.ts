import { formatDiagnostic, loadManifests } from '../manifest/index.js';
import type { Desired } from '../manifest/types.js';
import { Exit, type Io, type Out } from './io.js';

/** Load manifests and print every diagnostic at once; stop with exit 1 if any is an error. */
export async function loadOrExit(dir: string, env: string | undefined, io: Io, out: Out): Promise<Desired> {
  const { desired, diagnostics } = await loadManifests(dir, { env, processEnv: io.env });
  out.setSecrets(desired.secrets);
  for (const d of diagnostics) out.note(`${formatDiagnostic(d, io.cwd)}\n`);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (errors > 0) {
    out.note(out.errStyle.red(`\n${errors} error(s) in the manifests; nothing was sent to the tenant.\n`));
    throw new Exit(1);
  }
  return desired;
}
