import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parse } from 'yaml';
import { TenantctlError } from '../errors.js';
import { isObject } from '../json.js';
import type { Kind } from '../kinds/types.js';
import { manifestFiles } from '../manifest/files.js';
import { shownPath } from '../manifest/format.js';
import { FILE_OF } from './files.js';

/**
 * Export writes one file per kind (FILE_OF) into a directory that may hold a hand-made tenant. A kind
 * declared in a file of another name would then be declared twice (validate: duplicate keys), and a file
 * the export rewrites loses every other section it held (acme's clients.yaml also declares clientGrants).
 * Both are refused before the tenant is read, naming each file and section.
 */
export async function refuseOverlaps(outDir: string, kinds: Kind[], cwd: string): Promise<void> {
  const writes = new Map(kinds.map((kind) => [FILE_OF[kind], kind]));
  const problems: string[] = [];
  for (const file of (await manifestFiles(outDir, [])) ?? []) {
    let top: unknown;
    try {
      top = parse(await readFile(file, 'utf8'));
    } catch {
      continue; // readExclusions reports a file that cannot be read or parsed
    }
    if (!isObject(top)) continue;
    const shown = shownPath(file, cwd);
    const rewritten = writes.get(basename(file));
    const sections = Object.keys(top).filter((key) => key !== 'exclude');
    if (rewritten !== undefined) {
      const lost = sections.filter((key) => key !== rewritten);
      if (lost.length > 0) problems.push(`${shown} also declares ${lost.join(', ')}, which rewriting it for ${rewritten} would drop`);
    } else {
      const twice = sections.filter((key) => kinds.includes(key as Kind));
      for (const kind of twice) problems.push(`${shown} declares ${kind}, which export writes to ${FILE_OF[kind as Kind]}`);
    }
  }
  if (problems.length === 0) return;
  throw new TenantctlError('export_overlap', `export into ${shownPath(outDir, cwd)} would break its manifests: ${problems.join('; ')}`, {
    hint: 'Export into an empty directory and move over what you need, or leave those kinds out with --kinds.',
  });
}
