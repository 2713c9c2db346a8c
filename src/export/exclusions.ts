import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { TenantctlError } from '../errors.js';
import { exclusionMatcher } from '../manifest/exclude.js';
import { diagnosticText, shownPath } from '../manifest/format.js';
import { loadManifests } from '../manifest/load.js';
import type { Exclusion } from '../manifest/types.js';
import { KINDS, type Kind } from '../kinds/types.js';

/** Problems that would hide an `exclude:` from us: a file we cannot read or parse, an exclude we cannot read. */
const BLOCKING = /^(yaml_|read_error$|invalid_exclude$)/;

export interface KnownExclusions {
  /** Is this live object managed by hand? */
  excluded: (kind: Kind, key: string) => boolean;
  /** Per file the export writes, the `exclude:` patterns that file held (they are written back). */
  byFile: Map<string, Exclusion[]>;
}

/**
 * The `exclude:` patterns of the tenant directory the export writes into, when it holds manifests
 * already: objects people manage by hand are never exported (DESIGN "exclude"), and a file the export
 * rewrites keeps its patterns. Keywords are not needed for that, so their problems are ignored; a file
 * that does not parse is refused, since its patterns would be lost.
 */
export async function readExclusions(
  outDir: string,
  options: { env: string; written: string[]; cwd: string },
): Promise<KnownExclusions> {
  const { env, written, cwd } = options;
  const none: KnownExclusions = { excluded: () => false, byFile: new Map() };
  try {
    await access(outDir);
  } catch {
    return none;
  }
  const { desired, diagnostics } = await loadManifests(outDir, { env, processEnv: {} });
  const blocking = diagnostics.find((d) => d.severity === 'error' && BLOCKING.test(d.code));
  if (blocking) {
    const at = blocking.loc ? `${shownPath(blocking.loc.file, cwd)}:${blocking.loc.line}:${blocking.loc.col}: ` : '';
    throw new TenantctlError('export_exclude', `${at}${diagnosticText(blocking, cwd).message}`, {
      hint: `Fix it (its exclude: patterns must be read before ${shownPath(outDir, cwd)} is written), or export into another directory.`,
    });
  }
  const exclusions = desired.exclude ?? [];
  const matcher = exclusionMatcher(exclusions);
  const byFile = new Map<string, Exclusion[]>();
  const ours = new Set(written.map((f) => resolve(outDir, f)));
  for (const e of exclusions) {
    const file = resolve(e.loc.file);
    if (ours.has(file)) byFile.set(file, [...(byFile.get(file) ?? []), e]);
  }
  return { excluded: (kind, key) => matcher(kind, key) !== undefined, byFile };
}

/** The `exclude:` section a rewritten file keeps, in the kinds' order and the patterns' own order. */
export function renderExclusions(outDir: string, file: string, known: KnownExclusions): string {
  const list = known.byFile.get(resolve(join(outDir, file))) ?? [];
  if (list.length === 0) return '';
  const section: Record<string, string[]> = {};
  for (const kind of KINDS) {
    const patterns = list.filter((e) => e.kind === kind).map((e) => e.pattern);
    if (patterns.length > 0) section[kind] = patterns;
  }
  return stringify({ exclude: section }, { lineWidth: 0 });
}
