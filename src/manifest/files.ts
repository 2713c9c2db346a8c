import { byText } from '../text-order.js';
import { isUtf8 } from 'node:buffer';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { isObject, type Json } from '../json.js';
import { type Diag, error, warning } from './diagnostics.js';
import { type KeywordTable, keywordTable } from './keyword-table.js';
import { didYouMean } from './suggest.js';
import { readYamlFast } from './yaml-fast.js';
import type { ItemSink } from './yaml-tree.js';
import type { YNode } from './ynode.js';

/** What tenantctl reads: `*.yaml` and `*.yml`, lower case, as every other YAML tool on a case-sensitive disk. */
const MANIFEST = /\.ya?ml$/;
const LOOKS_LIKE_YAML = /\.ya?ml$/i;
const ENV_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
/** Directories never worth a warning: tools' own and version control's. */
const IGNORED_DIRS = new Set(['node_modules', '.git', '.tenantctl']);
/** Subdirectories are searched this deep for stray manifests; deeper trees are data, not a tenant. */
const MAX_DEPTH = 3;

/** Top-level `*.yaml` / `*.yml` files of the tenant directory, sorted; undefined if it does not exist. */
export async function manifestFiles(dir: string, diagnostics: Diag[]): Promise<string[] | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    const notDir = (cause as NodeJS.ErrnoException).code === 'ENOTDIR';
    diagnostics.push(
      error('missing_directory', `tenant directory '{at}' ${notDir ? 'is a file, not a directory' : 'does not exist or cannot be read'}`, {
        at: { file: dir },
        hint: 'Pass the directory that holds the manifests, e.g. examples/tenants/acme.',
      }),
    );
    return undefined;
  }
  const files: string[] = [];
  for (const name of names.filter((n) => MANIFEST.test(n)).sort()) {
    const file = join(dir, name);
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile()) files.push(file);
  }
  if (files.length === 0) {
    diagnostics.push(
      error('no_manifests', "no manifest files (*.yaml, *.yml) in '{at}'", {
        at: { file: dir },
        hint: 'Add a manifest such as tenant.yaml with sections like `clients:`.',
      }),
    );
  }
  return files;
}

/** Environment names in `environments/`, or undefined when there is no such directory. */
async function environmentNames(envDir: string): Promise<string[] | undefined> {
  const names = await readdir(envDir).catch(() => undefined);
  return names?.filter((n) => MANIFEST.test(n)).map((n) => n.replace(MANIFEST, '')).sort();
}

/**
 * The environment's keywords. When `fast(file)`, the file is read the fast way if it can be (yaml-fast.ts) and
 * `readFast` says so: its keywords then sit at the file's start, and the caller reads again located if
 * anything is reported.
 */
export async function loadEnvironment(
  dir: string,
  options: { env?: string; processEnv?: Record<string, string | undefined> },
  diagnostics: Diag[],
  fast: (file: string) => boolean = () => false,
): Promise<{ table: KeywordTable; file: string | undefined; readFast?: true }> {
  const missing = { table: { file: undefined, keywords: new Map() }, file: undefined };
  const envDir = join(dir, 'environments');
  const available = await environmentNames(envDir);
  const { env } = options;
  if (env === undefined) {
    if (available === undefined) {
      // No environments at all: keywords are simply unavailable, and each use says so where it is.
      const none = {
        message: 'there is no environment: {at} has no environments/ directory',
        at: { file: dir },
        hint: 'Create environments/<env>.yaml with a `keywords:` mapping and pass --env <env>, or write the value itself.',
      };
      return { table: { ...missing.table, none }, file: undefined };
    }
    // The names listed after the place are files' names: one holding `{at}` would only move the place.
    diagnostics.push(
      error('missing_environment', `{at} has environments: pass --env with one of ${listed(available)}`, {
        at: { file: dir },
        hint: `e.g. --env ${available[0] ?? 'dev'}`,
      }),
    );
    return missing;
  }
  if (!ENV_NAME.test(env)) {
    diagnostics.push(
      error('invalid_environment', `'${env}' is not a valid environment name`, {
        hint: 'Environment names are letters, digits, dots, dashes and underscores, e.g. prod.',
      }),
    );
    return missing;
  }
  const names = await readdir(envDir).catch(() => [] as string[]);
  const name = names.find((n) => n === `${env}.yaml`) ?? names.find((n) => n === `${env}.yml`);
  if (name === undefined) {
    const message =
      available === undefined
        ? `no environment '${env}': there is no {at}/environments/ directory`
        : `no environment '${env}' in {at} (available: ${listed(available)})${didYouMean(env, available)}`;
    // The hint names the file to create under the same place. After `{at}` come only environment names
    // (checked above, or files' names): none holds `{at}` short of a prank.
    diagnostics.push(
      error('missing_environment', message, {
        at: { file: available === undefined ? dir : envDir },
        hint:
          available === undefined
            ? `Run without --env (no keywords), or create {at}/environments/${env}.yaml with a \`keywords:\` mapping.`
            : `Create {at}/${env}.yaml with a \`keywords:\` mapping, or pick another --env.`,
      }),
    );
    return missing;
  }
  const file = join(envDir, name);
  const { root, readFast } = await parseFile(file, diagnostics, fast(file));
  const parsed = keywordTable(file, root === 'failed' ? undefined : root, options.processEnv ?? process.env);
  // Its YAML error is reported: the keywords it may define are not reported unknown at every use as well.
  if (root === 'failed') parsed.table.unreadable = true;
  diagnostics.push(...parsed.diagnostics);
  return { table: parsed.table, file, ...(readFast ? { readFast } : {}) };
}

const listed = (names: string[]) => (names.length > 0 ? names.join(', ') : 'none: the directory is empty');

/**
 * The located reading (yaml-tree.ts), loaded on first use: a valid tenant read the fast way never needs
 * the yaml library, whose loading alone costs a start-up a twentieth of a second.
 */
export async function parseLocated(file: string, text: string, sink?: ItemSink) {
  const { parseYamlFile } = await import('./yaml-tree.js');
  return parseYamlFile(file, text, sink);
}

/**
 * A manifest's text. Node's 'utf8' reading turns bytes that are not UTF-8 into U+FFFD, so a Latin-1 `Wéb`
 * would silently become a client named `W�b`, and a UTF-16 file a wall of odd syntax errors: both are
 * refused here, saying what the file is. A UTF-8 byte-order mark is dropped, as YAML allows. (isUtf8 and
 * toString rather than a fatal TextDecoder: the same answer at a fraction of the CPU on large files.)
 */
export async function readManifestText(file: string): Promise<string> {
  const bytes = await readFile(file);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    throw new Error('it is UTF-16 text; save it as UTF-8');
  if (!isUtf8(bytes)) throw new Error('it is not UTF-8 text (another encoding, such as Latin-1?); save it as UTF-8');
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return bytes.toString('utf8', bom ? 3 : 0);
}

/** The environment file's tree, undefined for an empty file, 'failed' when it could not be read or parsed. */
async function parseFile(
  file: string,
  diagnostics: Diag[],
  fast: boolean,
): Promise<{ root: YNode | undefined | 'failed'; readFast?: true }> {
  let text: string;
  try {
    text = await readManifestText(file);
  } catch (cause) {
    diagnostics.push(error('read_error', `cannot read {at}: ${(cause as Error).message}`, { at: { file } }));
    return { root: 'failed' };
  }
  const quick = fast ? await readYamlFast(file, text, { sections: new Set(), item: () => undefined }) : undefined;
  // A `tenant:` binding's place is printed by a refused plan, not only in diagnostics: read it located.
  const bindsTenant = quick?.root?.type === 'map' && quick.root.entries.some((e) => e.key === 'tenant');
  if (quick && !bindsTenant) return { root: quick.root, readFast: true };
  const parsed = await parseLocated(file, text);
  diagnostics.push(...parsed.diagnostics);
  return { root: parsed.failed ? 'failed' : parsed.root };
}


/** `{ file: path }` values in declared items: the data files (a JWKS under keys/) manifests point at. */
export function referencedFiles(bodies: Iterable<Json | undefined>, dir: string): Set<string> {
  const found = new Set<string>();
  // Every value of every item: loops rather than a list of values per object.
  const visit = (value: Json | undefined): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
    } else if (isObject(value)) {
      if (typeof value.file === 'string') found.add(resolve(dir, value.file));
      for (const key in value) visit(value[key]);
    }
  };
  for (const body of bodies) visit(body);
  return found;
}

/**
 * Files that look like manifests but are not read, each named in a warning, so a file that was meant to
 * count is never silently ignored: `*.YAML`/`*.YML` at the top level, and YAML files in subdirectories
 * other than environments/ and the directories of files the manifests point at (keys/).
 */
export async function unreadFiles(dir: string, referenced: Set<string>): Promise<Diag[]> {
  const dataDirs = new Set([...referenced].map((f) => dirname(f)));
  const diagnostics: Diag[] = [];
  const walk = async (at: string, depth: number): Promise<void> => {
    const entries = await readdir(at, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => byText(a.name, b.name))) {
      const path = resolve(at, entry.name);
      const shown = relative(resolve(dir), path).split(sep).join('/');
      if (entry.isDirectory()) {
        const skip = entry.name.startsWith('.') || IGNORED_DIRS.has(entry.name) || dataDirs.has(path);
        if (depth === 0 && entry.name === 'environments') continue;
        if (!skip && depth < MAX_DEPTH) await walk(path, depth + 1);
      } else if (entry.isFile() && LOOKS_LIKE_YAML.test(entry.name) && !referenced.has(path)) {
        if (depth === 0 && MANIFEST.test(entry.name)) continue;
        const why =
          depth === 0
            ? `only lower-case *.yaml and *.yml files are read; rename it to ${entry.name.replace(LOOKS_LIKE_YAML, (e) => e.toLowerCase())} if it is a manifest`
            : `only files at the top of the tenant directory are manifests (subdirectories hold environments/ and data files); move it up if it is a manifest`;
        diagnostics.push(warning('unread_file', `${shown} is not read: ${why}`, { loc: { file: path, line: 1, col: 1 } }));
      }
    }
  };
  await walk(resolve(dir), 0);
  return diagnostics;
}
