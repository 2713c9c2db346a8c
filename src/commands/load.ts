import { diagnosticText, formatDiagnostic, loadManifests, shownPath } from '../manifest/index.js';
import type { Diagnostic } from '../manifest/types.js';
import type { Desired } from '../manifest/types.js';
import { Exit, type Io, type Out } from './io.js';

/** Load manifests and print every diagnostic at once; stop with exit 1 if any is an error. */
export async function loadOrExit(dir: string, env: string | undefined, io: Io, out: Out): Promise<Desired> {
  const { desired, diagnostics } = await loadManifests(dir, { env, processEnv: io.env });
  out.setSecrets(desired.secrets);
  for (const d of diagnostics) out.note(`${formatDiagnostic(d, io.cwd)}\n`);
  out.context.diagnostics = diagnostics.map((d) => diagnosticJson(d, io.cwd));
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (errors > 0) {
    const message = `${errors} error(s) in the manifests; nothing was sent to the tenant.`;
    out.note(out.errStyle.red(`\n${message}\n`));
    throw new Exit(1, { code: 'invalid_manifests', message });
  }
  return desired;
}

export type DiagnosticJson = ReturnType<typeof diagnosticJson>;

/** A diagnostic for `--output json`: the place spelt out, paths relative to where tenantctl runs. */
export function diagnosticJson(d: Diagnostic, cwd: string) {
  const { message, hint } = diagnosticText(d, cwd);
  return {
    severity: d.severity,
    code: d.code,
    message,
    file: d.loc ? shownPath(d.loc.file, cwd) : null,
    line: d.loc?.line ?? null,
    column: d.loc?.col ?? null,
    resource: d.address ?? null,
    hint: hint ?? null,
  };
}
