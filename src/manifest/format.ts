import { relative, resolve } from 'node:path';
import type { Diagnostic } from './types.js';

/**
 * One diagnostic as text, compiler style so editors and CI annotate the line:
 * `clients.yaml:12:7 error [unknown_field] clients/Orders Service: unknown field 'calbacks' ...`
 * followed by an indented hint line. With `cwd`, file names are shown relative to it.
 */
export function formatDiagnostic(d: Diagnostic, cwd?: string): string {
  const parts: string[] = [];
  if (d.loc) {
    const file = cwd === undefined ? d.loc.file : relative(cwd, resolve(d.loc.file));
    parts.push(`${file}:${d.loc.line}:${d.loc.col}`);
  }
  parts.push(d.severity, `[${d.code}]`);
  parts.push(d.address === undefined ? d.message : `${d.address}: ${d.message}`);
  const line = parts.join(' ');
  return d.hint === undefined ? line : `${line}\n  hint: ${d.hint}`;
}
