import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { handlerFor } from '../kinds/index.js';
import { KINDS, type Kind } from '../kinds/types.js';
import { type Diag, error, sortDiagnostics } from './diagnostics.js';
import { type KeywordTable, keywordTable, secretsOf, unusedKeywords } from './keyword-table.js';
import { keywordReplacer, type Replacer } from './keywords.js';
import { checkRelations } from './references.js';
import { didYouMean } from './suggest.js';
import type { Desired, LoadResult } from './types.js';
import { type CheckedItem, checkItem } from './validate.js';
import { locate, parseYamlFile, type YNode } from './yaml-tree.js';

const MANIFEST = /\.ya?ml$/;
const ENV_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export interface LoadOptions {
  env: string;
  /** Where `{ env: VAR }` keywords read from; process.env by default. */
  processEnv?: Record<string, string | undefined>;
}

/**
 * Reads a tenant directory into Desired. Never throws on bad input: every problem is a diagnostic, all
 * files are read even after errors, and items with errors are left out of Desired.
 */
export async function loadManifests(dir: string, options: LoadOptions): Promise<LoadResult> {
  const diagnostics: Diag[] = [];
  const files = await manifestFiles(dir, diagnostics);
  if (files === undefined) return { desired: { kinds: {}, secrets: [], files: [] }, diagnostics };
  const environment = await loadEnvironment(dir, options, diagnostics);
  const replacer = keywordReplacer(environment.table);

  const loaded: Loaded = { managed: new Set(), checked: [], counts: new Map(), diagnostics };
  let allParsed = true;
  for (const file of files) if (!(await loadFile(file, replacer, loaded))) allParsed = false;
  const { checked, managed } = loaded;

  for (const item of checked) diagnostics.push(...(await loadItemFiles(item, dir)));
  const relations = checkRelations(checked, managed);
  diagnostics.push(...relations.diagnostics);
  // A keyword used only in a file that failed to parse would look unused: skip the check then.
  if (allParsed) diagnostics.push(...unusedKeywords(environment.table, replacer.used));

  const desired: Desired = {
    kinds: {},
    secrets: secretsOf(environment.table),
    files: environment.file === undefined ? files : [...files, environment.file],
    ...(environment.table.tenant ? { tenant: environment.table.tenant } : {}),
  };
  for (const kind of KINDS) if (managed.has(kind)) desired.kinds[kind] = [];
  for (const item of checked) {
    const { kind, key, address, body, loc, sensitive } = item;
    if (body === undefined || key === undefined || relations.rejected.has(item)) continue;
    desired.kinds[kind]?.push({ kind, key, address, body, loc, sensitive });
  }
  return { desired, diagnostics: sortDiagnostics(diagnostics) };
}

/** What the files loaded so far add up to. */
interface Loaded {
  managed: Set<Kind>;
  checked: CheckedItem[];
  /** Items per kind so far, to address items without a key (`users[3]`) across files. */
  counts: Map<Kind, number>;
  diagnostics: Diag[];
}

/** Sections whose items are checked one by one while the file is parsed: the lists that grow large. */
const LIST_SECTIONS: ReadonlySet<string> = new Set(KINDS.filter((kind) => !handlerFor(kind).singleton));

/**
 * Reads, parses and checks one file. Items are checked as the parser finishes each, and only their
 * checked form is kept; if the file turns out not to parse, everything it added is dropped, as if it had
 * not been read. Returns false when it could not be read or parsed.
 */
async function loadFile(file: string, replacer: Replacer, into: Loaded): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    into.diagnostics.push(error('read_error', `cannot read ${file}: ${(cause as Error).message}`));
    return false;
  }
  const local: Collector = {
    managed: new Set(),
    checked: [],
    counts: new Map(into.counts),
    diagnostics: [],
    replacer,
  };
  const parsed = parseYamlFile(file, text, {
    sections: LIST_SECTIONS,
    item: (section, node) => checkNode(section as Kind, node, local),
  });
  // Appended one by one: spreading tens of thousands of items as arguments can overflow the stack.
  for (const d of parsed.diagnostics) into.diagnostics.push(d);
  if (parsed.failed) return false;
  if (parsed.root !== undefined) collectSections(parsed.root, local);
  for (const d of local.diagnostics) into.diagnostics.push(d);
  for (const item of local.checked) into.checked.push(item);
  for (const kind of local.managed) into.managed.add(kind);
  into.counts = local.counts;
  return true;
}

/** Top-level `*.yaml` / `*.yml` files of the tenant directory, sorted; undefined if it does not exist. */
async function manifestFiles(dir: string, diagnostics: Diag[]): Promise<string[] | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    diagnostics.push(
      error('missing_directory', `tenant directory '${dir}' does not exist or cannot be read`, {
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
      error('no_manifests', `no manifest files (*.yaml, *.yml) in '${dir}'`, {
        hint: 'Add a manifest such as tenant.yaml with sections like `clients:`.',
      }),
    );
  }
  return files;
}

async function loadEnvironment(
  dir: string,
  options: LoadOptions,
  diagnostics: Diag[],
): Promise<{ table: KeywordTable; file: string | undefined }> {
  const missing = { table: { file: undefined, keywords: new Map() }, file: undefined };
  const envDir = join(dir, 'environments');
  if (!ENV_NAME.test(options.env)) {
    diagnostics.push(
      error('invalid_environment', `'${options.env}' is not a valid environment name`, {
        hint: 'Environment names are letters, digits, dots, dashes and underscores, e.g. prod.',
      }),
    );
    return missing;
  }
  const names = await readdir(envDir).catch(() => [] as string[]);
  const available = names.filter((n) => MANIFEST.test(n)).map((n) => n.replace(MANIFEST, ''));
  const name =
    names.find((n) => n === `${options.env}.yaml`) ?? names.find((n) => n === `${options.env}.yml`);
  if (name === undefined) {
    const known = available.length > 0 ? `available: ${available.sort().join(', ')}` : 'there are none';
    diagnostics.push(
      error(
        'missing_environment',
        `no environment '${options.env}' in ${envDir} (${known})${didYouMean(options.env, available)}`,
        {
          hint: `Create ${join(envDir, `${options.env}.yaml`)} with a \`keywords:\` mapping, or pick another --env.`,
        },
      ),
    );
    return missing;
  }
  const file = join(envDir, name);
  const root = await parseFile(file, diagnostics);
  const parsed = keywordTable(file, root === 'failed' ? undefined : root, options.processEnv ?? process.env);
  diagnostics.push(...parsed.diagnostics);
  return { table: parsed.table, file };
}

/** The environment file's tree, undefined for an empty file, 'failed' when it could not be read or parsed. */
async function parseFile(file: string, diagnostics: Diag[]): Promise<YNode | undefined | 'failed'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    diagnostics.push(error('read_error', `cannot read ${file}: ${(cause as Error).message}`));
    return 'failed';
  }
  const parsed = parseYamlFile(file, text);
  diagnostics.push(...parsed.diagnostics);
  return parsed.failed ? 'failed' : parsed.root;
}

/** One file's additions, kept apart until the file is known to parse. */
interface Collector extends Loaded {
  replacer: Replacer;
}

/** Keywords are replaced per item so their problems can name the resource they belong to. */
function checkNode(kind: Kind, node: YNode, into: Collector): void {
  const index = into.counts.get(kind) ?? 0;
  into.counts.set(kind, index + 1);
  const replaced = into.replacer.replace(node);
  const { item, diagnostics } = checkItem(handlerFor(kind), replaced.node, index);
  into.checked.push(item);
  into.diagnostics.push(...replaced.diagnostics.map((d) => ({ ...d, address: item.address })), ...diagnostics);
}

/** Sections of one file: known ones are managed and their items checked; unknown ones are errors. */
function collectSections(root: YNode, into: Collector): void {
  if (root.type !== 'map') {
    into.diagnostics.push(
      error('invalid_manifest', 'a manifest file must be a mapping of sections such as `clients:`', {
        loc: root.loc,
        hint: `Sections are: ${KINDS.join(', ')}.`,
      }),
    );
    return;
  }
  for (const entry of root.entries) {
    const kind = KINDS.find((k) => k === entry.key);
    if (kind === undefined) {
      into.diagnostics.push(
        error('unknown_section', `unknown section '${entry.key}'${didYouMean(entry.key, KINDS)}`, {
          loc: entry.keyLoc,
          hint: `Sections are: ${KINDS.join(', ')}.`,
        }),
      );
      continue;
    }
    into.managed.add(kind);
    let value = entry.value;
    // A whole section may come from a keyword (`clients: '@@CLIENTS@@'`).
    if (value.type === 'scalar') {
      const replaced = into.replacer.replace(value);
      into.diagnostics.push(...replaced.diagnostics);
      value = replaced.node;
    }
    if (handlerFor(kind).singleton) {
      // Singleton sections (tenant settings, the signing-key policy) are one mapping, not a list.
      if (value.type === 'map') checkNode(kind, value, into);
      else if (!value.broken) {
        into.diagnostics.push(
          error('invalid_section', `section '${kind}' must be a mapping of settings, not a list`, {
            loc: value.type === 'scalar' ? entry.keyLoc : value.loc,
            hint: `Write \`${kind}:\` followed by indented \`field: value\` lines.`,
          }),
        );
      }
    } else if (value.type === 'seq') {
      // Items of a section-wide keyword still say which keyword they came from.
      const { keyword } = value;
      for (const item of value.items) checkNode(kind, keyword === undefined ? item : { ...item, keyword }, into);
    } else if (!value.broken) {
      into.diagnostics.push(
        error('invalid_section', `section '${kind}' must be a list of items`, {
          loc: value.type === 'scalar' ? entry.keyLoc : value.loc,
          hint: `Write \`${kind}: []\` to manage no ${kind}, or remove the section to leave them unmanaged.`,
        }),
      );
    }
  }
}

/** Files an item points at (a handler's `loadFiles`), read now so the plan stays pure; problems drop the item. */
async function loadItemFiles(item: CheckedItem, dir: string): Promise<Diag[]> {
  const load = handlerFor(item.kind).loadFiles;
  const { node } = item;
  if (!load || item.body === undefined || node === undefined) return [];
  const { body, problems } = await load(item.body, dir);
  item.body = problems.length > 0 ? undefined : body;
  return problems.map((p) =>
    error('file_error', p.message, {
      loc: locate(node, p.path).node.loc,
      address: item.address,
      hint: 'Fix the file, or the path to it (relative to the tenant directory).',
    }),
  );
}
