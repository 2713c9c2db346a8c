import { handlerFor } from '../kinds/index.js';
import { KINDS, type Kind } from '../kinds/types.js';
import { type Diag, error, sortDiagnostics } from './diagnostics.js';
import { loadEnvironment, manifestFiles, parseLocated, readManifestText, referencedFiles, unreadFiles } from './files.js';
import { secretsOf, unusedKeywords } from './keyword-table.js';
import { keywordReplacer, type Replacer, type UnsetField } from './keywords.js';
import { collectExternal, EXTERNAL_APIS } from './external-apis.js';
import { checkRelations } from './references.js';
import { checkExcluded, readExclude } from './exclude.js';
import { takePin } from './pin.js';
import { didYouMean } from './suggest.js';
import type { Desired, Exclusion, LoadResult, Loc } from './types.js';
import { type CheckedItem, checkItem } from './validate.js';
import { readYamlFast } from './yaml-fast.js';
import { locate, type YNode } from './ynode.js';
import { unsetSecret } from '../unset-secret.js';
import { setIn } from '../json.js';
import { withOptimizingCompilerAsync } from '../compiler-tier.js';

const SECTIONS = [...KINDS, EXTERNAL_APIS];

export interface LoadOptions {
  /** The environment to read keywords from; optional when the directory has no environments/. */
  env?: string;
  /** Where `{ env: VAR }` keywords read from; process.env by default. */
  processEnv?: Record<string, string | undefined>;
}

/**
 * Reads a tenant directory into Desired. Never throws on bad input: every problem is a diagnostic, all
 * files are read even after errors, and items with errors are left out of Desired.
 */
export async function loadManifests(dir: string, options: LoadOptions): Promise<LoadResult> {
  const fast = await loadOnce(dir, options, () => true);
  // The fast reading places values at their item only (yaml-fast.ts): any problem is reported from a
  // reading that locates every value. Only the files a problem points into are read that way: the same
  // data gives the same problems, now placed exactly, and an item's start (all a problem elsewhere names)
  // is the same either way. One typo in a 5,000-user file cost 5 s of re-reading the whole tenant.
  if (fast.diagnostics.length === 0 || !fast.readFast) return fast;
  const troubled = new Set(fast.diagnostics.flatMap((d) => (d.loc ? [d.loc.file] : [])));
  return withOptimizingCompilerAsync(() => loadOnce(dir, options, (file) => !troubled.has(file)));
}

/** `readFast(file)`: whether that file may be read the fast way (yaml-fast.ts), if it can be. */
async function loadOnce(dir: string, options: LoadOptions, readFast: (file: string) => boolean): Promise<LoadResult & { readFast?: true }> {
  const diagnostics: Diag[] = [];
  const files = await manifestFiles(dir, diagnostics);
  if (files === undefined) return { desired: { kinds: {}, secrets: [], files: [] }, diagnostics };
  const environment = await loadEnvironment(dir, options, diagnostics, readFast);
  const replacer = keywordReplacer(environment.table);

  const loaded: Loaded = { managed: new Set(), checked: [], counts: new Map(), exclusions: [], diagnostics, external: new Map() };
  let allParsed = true;
  let anyFast = environment.readFast === true;
  for (const file of files) {
    const read = await loadFile(file, replacer, loaded, readFast(file));
    if (read === 'failed') allParsed = false;
    if (read === 'fast') anyFast = true;
  }
  const { checked, managed } = loaded;

  // Only kinds that read files point at data files: walking every item (5,000 users) for `file:` keys
  // cost ~0.02 s, and a `file` key in a user's metadata is data, not a path.
  const referenced = referencedFiles(checked.filter((item) => handlerFor(item.kind).loadFiles).map((item) => item.body), dir);
  diagnostics.push(...(await unreadFiles(dir, referenced)));
  // Awaited only for kinds that read files: an await per item (8,000 for the bench tenant) is a promise each.
  for (const item of checked) if (handlerFor(item.kind).loadFiles) diagnostics.push(...(await loadItemFiles(item, dir)));
  const relations = checkRelations(checked, managed, loaded.external);
  diagnostics.push(...relations.diagnostics);
  const excludedItems = checkExcluded(checked, loaded.exclusions);
  diagnostics.push(...excludedItems);
  // A keyword used only in a file that failed to parse would look unused: skip the check then.
  if (allParsed) diagnostics.push(...unusedKeywords(environment.table, replacer.used));

  const desired: Desired = {
    kinds: {},
    secrets: secretsOf(environment.table),
    files: environment.file === undefined ? files : [...files, environment.file],
    ...(loaded.exclusions.length > 0 ? { exclude: loaded.exclusions } : {}),
    ...(environment.table.tenant ? { tenant: environment.table.tenant } : {}),
  };
  const refused = new Set(excludedItems.map((d) => d.address));
  for (const kind of KINDS) if (managed.has(kind)) desired.kinds[kind] = [];
  for (const item of checked) {
    const { kind, key, address, body, loc, sensitive, pinnedId } = item;
    if (body === undefined || key === undefined || relations.rejected.has(item) || refused.has(address)) continue;
    desired.kinds[kind]?.push({ kind, key, address, body, loc, sensitive, ...(pinnedId ? { pinnedId } : {}) });
  }
  return { desired, diagnostics: sortDiagnostics(diagnostics), ...(anyFast ? { readFast: true as const } : {}) };
}

/** What the files loaded so far add up to. */
interface Loaded {
  managed: Set<Kind>;
  checked: CheckedItem[];
  /** Items per kind so far, to address items without a key (`users[3]`) across files. */
  counts: Map<Kind, number>;
  /** `exclude:` patterns from every file. */
  exclusions: Exclusion[];
  diagnostics: Diag[];
  /** `externalApis:` entries: identifiers of APIs that grants may name without declaring them. */
  external: Map<string, Loc>;
}

/** Sections whose items are checked one by one while the file is parsed: the lists that grow large. */
const LIST_SECTIONS: ReadonlySet<string> = new Set(KINDS.filter((kind) => !handlerFor(kind).singleton));

/**
 * Reads, parses and checks one file. Items are checked as the parser finishes each, and only their
 * checked form is kept; if the file turns out not to parse, everything it added is dropped, as if it had
 * not been read. Says whether it could not be read or parsed, or was read the fast way.
 */
async function loadFile(file: string, replacer: Replacer, into: Loaded, fast: boolean): Promise<'failed' | 'fast' | 'located'> {
  let text: string;
  try {
    text = await readManifestText(file);
  } catch (cause) {
    into.diagnostics.push(error('read_error', `cannot read {at}: ${(cause as Error).message}`, { at: { file } }));
    return 'failed';
  }
  const local: Collector = {
    managed: new Set(),
    checked: [],
    counts: new Map(into.counts),
    exclusions: [],
    diagnostics: [],
    external: new Map(),
    replacer,
  };
  const sink = { sections: LIST_SECTIONS, item: (section: string, node: YNode) => checkNode(section as Kind, node, local) };
  const quick = fast ? await readYamlFast(file, text, sink) : undefined;
  const parsed = quick ? { ...quick, failed: false, diagnostics: [] } : await parseLocated(file, text, sink);
  // Appended one by one: spreading tens of thousands of items as arguments can overflow the stack.
  for (const d of parsed.diagnostics) into.diagnostics.push(d);
  if (parsed.failed) return 'failed';
  if (parsed.root !== undefined) collectSections(parsed.root, local);
  for (const d of local.diagnostics) into.diagnostics.push(d);
  for (const item of local.checked) into.checked.push(item);
  for (const kind of local.managed) into.managed.add(kind);
  for (const [identifier, loc] of local.external) into.external.set(identifier, loc);
  for (const e of local.exclusions) into.exclusions.push(e);
  into.counts = local.counts;
  return quick ? 'fast' : 'located';
}

/** Whether a path within an item is one of its kind's `secretFields` (write-only, never compared). */
const secretPaths = new Map<Kind, (path: (string | number)[]) => boolean>();
function secretFieldTest(kind: Kind): (path: (string | number)[]) => boolean {
  let test = secretPaths.get(kind);
  if (test) return test;
  const secret = (handlerFor(kind).secretFields ?? []).map((field) => field.split('.'));
  test = (path) =>
    secret.some((steps) => steps.length === path.length && steps.every((step, i) => step === String(path[i]) || (step === '*' && typeof path[i] === 'number')));
  secretPaths.set(kind, test);
  return test;
}

/**
 * Secret fields whose variables are unset were checked without them; they come back as stand-ins
 * (unset-secret.ts), sensitive like any secret, so a change that sends one is refused at apply. A secret
 * keyword anywhere else is needed to plan (its field is compared): the replacer reports it where it is
 * used, like any unset keyword, and the item is dropped.
 *
 * An unset secret in a secret field is never why an item is dropped: when something else drops it (another
 * unset variable, a bad value), that is the one report. Naming the secret too as "cannot be used" sent
 * people to set a variable that neither validate nor plan needs.
 */
function withUnsetSecrets(item: CheckedItem, unset: UnsetField[]): Diag[] {
  const body = item.body;
  if (body === undefined) return [];
  const placed = unset.filter((u) => setIn(body, u.path, () => unsetSecret(u.env), { create: true }));
  if (placed.length < unset.length) item.body = undefined;
  else for (const u of placed) item.sensitive.push({ path: u.path, env: u.env, ...(u.json ? { json: true as const } : {}) });
  return unset
    .filter((u) => !placed.includes(u))
    .map((u) =>
      error('unset_env', `keyword '${u.keyword}' cannot be used: environment variable ${u.env} is not set`, {
        loc: u.loc,
        address: item.address,
        hint: `Set ${u.env} in the environment that runs tenantctl.`,
      }),
    );
}

/** One file's additions, kept apart until the file is known to parse. */
interface Collector extends Loaded {
  replacer: Replacer;
}

/** Keywords are replaced per item so their problems can name the resource they belong to. */
function checkNode(kind: Kind, node: YNode, into: Collector): void {
  const index = into.counts.get(kind) ?? 0;
  into.counts.set(kind, index + 1);
  const replaced = into.replacer.replace(node, secretFieldTest(kind));
  const pin = handlerFor(kind).singleton
    ? { node: replaced.node, diagnostics: [] }
    : takePin(replaced.node, () => `${kind}[${index}]`);
  const { item, diagnostics } = checkItem(handlerFor(kind), pin.node, index);
  const unset = replaced.unset.length === 0 ? [] : withUnsetSecrets(item, replaced.unset);
  if ('pinnedId' in pin && pin.pinnedId !== undefined) item.pinnedId = pin.pinnedId;
  into.checked.push(item);
  // Most items have no problem: nothing is spread or mapped for them.
  if (pin.diagnostics.length + replaced.diagnostics.length + diagnostics.length + unset.length === 0) return;
  into.diagnostics.push(...pin.diagnostics);
  into.diagnostics.push(...replaced.diagnostics.map((d) => ({ ...d, address: item.address })), ...diagnostics, ...unset);
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
    if (entry.key === EXTERNAL_APIS) {
      const found = collectExternal(into.replacer.replace(entry.value));
      into.diagnostics.push(...found.diagnostics);
      for (const [identifier, loc] of found.external) into.external.set(identifier, loc);
      continue;
    }
    if (entry.key === 'exclude') {
      const replaced = into.replacer.replace(entry.value);
      into.diagnostics.push(...replaced.diagnostics);
      readExclude(replaced.node, entry.keyLoc, into);
      continue;
    }
    const kind = KINDS.find((k) => k === entry.key);
    if (kind === undefined) {
      into.diagnostics.push(
        error('unknown_section', `unknown section '${entry.key}'${didYouMean(entry.key, [...SECTIONS, 'exclude'])}`, {
          loc: entry.keyLoc,
          hint: `Sections are: ${SECTIONS.join(', ')}.`,
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
