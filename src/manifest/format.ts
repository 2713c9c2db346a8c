import { isAbsolute, relative, resolve } from 'node:path';
import type { Diagnostic, Place } from './types.js';

/** A file as the user should see it: relative to `cwd` when given ('.' for the directory itself). */
export function shownPath(file: string, cwd?: string): string {
  if (cwd === undefined) return file;
  if (!isAbsolute(file)) return relative(cwd, resolve(file)) || '.';
  // Asked once per planned item (5,000 users name the same file): path.resolve/relative cost ~45 ms there.
  const key = `${cwd}\0${file}`;
  let shown = shownPaths.get(key);
  if (shown === undefined) {
    if (shownPaths.size > 1000) shownPaths.clear();
    shown = relative(cwd, resolve(file)) || '.';
    shownPaths.set(key, shown);
  }
  return shown;
}

const shownPaths = new Map<string, string>();

function shownPlace(place: Place, cwd?: string): string {
  const file = shownPath(place.file, cwd);
  return place.line === undefined ? file : `${file}:${place.line}`;
}

/**
 * A diagnostic's message and hint with the place they name (`{at}`, see Diagnostic.at) written out. Only
 * the last `{at}` is the place: it follows any text taken from the manifests, which may hold `{at}` too.
 */
export function diagnosticText(d: Diagnostic, cwd?: string): { message: string; hint: string | undefined } {
  const fill = (text: string) => {
    const at = text.lastIndexOf('{at}');
    if (d.at === undefined || at < 0) return text;
    return `${text.slice(0, at)}${shownPlace(d.at, cwd)}${text.slice(at + '{at}'.length)}`;
  };
  return { message: fill(d.message), hint: d.hint === undefined ? undefined : fill(d.hint) };
}

/**
 * One diagnostic as text, compiler style so editors and CI annotate the line:
 * `clients.yaml:12:7 error [unknown_field] clients/Orders Service: unknown field 'calbacks' ...`
 * followed by an indented hint line. With `cwd`, every file named is shown relative to it.
 */
export function formatDiagnostic(d: Diagnostic, cwd?: string): string {
  const parts: string[] = [];
  if (d.loc) parts.push(`${shownPath(d.loc.file, cwd)}:${d.loc.line}:${d.loc.col}`);
  const { message, hint } = diagnosticText(d, cwd);
  parts.push(d.severity, `[${d.code}]`);
  parts.push(d.address === undefined ? message : `${d.address}: ${message}`);
  const line = parts.join(' ');
  return hint === undefined ? line : `${line}\n  hint: ${hint}`;
}
