import { readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { environmentKeywords, excludedNames, exclusions, type JsonKeyword, typedTextKeywords } from '../convert/environment.js';
import { EXAMPLE } from '../convert/keyword-types.js';
import { type Converted, convertSections, type Note } from '../convert/sections.js';
import { readConfig, readDirectory, readYaml, type Sections } from '../convert/source.js';
import { TenantctlError } from '../errors.js';
import { makeDirectory } from '../make-dir.js';
import { FILE_OF, renderKindFile } from '../export/files.js';
import { SCHEMA_COPY, schemaCopyNote, type SchemaReference, schemaReference } from '../export/schema-ref.js';
import type { Json, JsonObject } from '../json.js';
import { handlers, KINDS } from '../kinds/index.js';
import type { Io, Out, OutputFormat } from './io.js';

export interface ConvertOptions {
  out: string;
  config?: string;
  env: string;
  output: OutputFormat;
  /** Write into a directory that already holds files (those of the same names are overwritten). */
  force?: boolean;
}

async function readSource(path: string, io: Io): Promise<Sections> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new TenantctlError('usage', `${relative(io.cwd, path) || path} does not exist`, {
    hint: "Pass the deploy tool's tenant.yaml, or the directory it exported (`a0deploy export --format directory`).",
  });
  if (info.isDirectory()) return readDirectory(path, io.cwd);
  return readYaml(await readFile(path, 'utf8'), relative(io.cwd, path) || path);
}

/**
 * The directory --out names must be missing or empty, unless --force: a converted tenant.yaml written over
 * a hand-edited one loses that work without a word (convert writes fixed file names).
 */
async function checkOutDir(outDir: string, options: ConvertOptions): Promise<void> {
  const info = await stat(outDir).catch(() => undefined);
  if (info === undefined) return;
  if (!info.isDirectory()) throw new TenantctlError('convert_out', `--out ${options.out} is a file, not a directory`);
  if (options.force || (await readdir(outDir)).length === 0) return;
  throw new TenantctlError('convert_out', `--out ${options.out} is not empty and convert would overwrite files in it: pass --force to write into it anyway`);
}

interface Report extends Converted {
  files: string[];
  fromEnvironment: string[];
  /** Of those, the variables that must hold JSON, and of which type (bound with `json: true`). */
  jsonKeywords: JsonKeyword[];
  /** Keywords used as text in one place and as a list (or mapping...) in another. */
  mixedKeywords: string[];
  unusedMappings: string[];
  /** Config files beside the source that were not read, since no --config was given. */
  configsNotRead?: string[];
  /** The `$schema` each file's first line gives, and whether the schema was copied into the directory. */
  schema?: SchemaReference;
}

/** The deploy tool's files -> a tenantctl tenant directory, saying what could not come along and why. */
export async function convertDeployCli(source: string, options: ConvertOptions, io: Io, out: Out): Promise<number> {
  const outDir = resolve(io.cwd, options.out);
  await checkOutDir(outDir, options);
  const sections = await readSource(resolve(io.cwd, source), io);
  const config = options.config ? await readConfig(resolve(io.cwd, options.config)) : {};
  const mappingsValue = config.AUTH0_KEYWORD_REPLACE_MAPPINGS;
  const mappings = mappingsValue !== null && typeof mappingsValue === 'object' && !Array.isArray(mappingsValue) ? (mappingsValue as Record<string, Json>) : {};
  const excludedTypes = new Set(Array.isArray(config.AUTH0_EXCLUDED) ? config.AUTH0_EXCLUDED.map(String) : []);
  const sectionsConverted = convertSections(sections, { types: excludedTypes, names: excludedNames(config) });
  const converted = { ...sectionsConverted, kinds: typedTextKeywords(sectionsConverted.kinds) };
  const env = environmentKeywords(converted.kinds, mappings);
  // Excluded APIs are named by name in the deploy tool; their identifiers come from the files when listed.
  const listedApis = (sections.get('resourceServers') ?? []).flatMap((s) => (s.value !== null && typeof s.value === 'object' && !Array.isArray(s.value) ? [s.value as JsonObject] : []));
  const excluded = exclusions(config, listedApis);
  for (const name of env.notItems)
    converted.problems.push({ section: 'config', file: options.config ?? '', line: 1, message: `AUTH0_KEYWORD_REPLACE_MAPPINGS.${name} is pasted into a list as items ('"one", "two"'), and its value does not read as items: write the list under keywords.${name} by hand` });
  for (const name of excluded.unmatched)
    converted.problems.push({ section: 'config', file: options.config ?? '', line: 1, message: `AUTH0_EXCLUDED_RESOURCE_SERVERS names '${name}', which is not in the files: add its identifier under exclude.resourceServers by hand` });

  await makeDirectory(join(outDir, 'environments'), '--out');
  const report: Report = {
    ...converted,
    files: [],
    fromEnvironment: env.fromEnvironment,
    jsonKeywords: env.json,
    mixedKeywords: env.mixed,
    unusedMappings: env.unused,
    schema: await schemaReference(outDir),
  };
  const domain = 'the deploy tool\'s files';
  for (const kind of KINDS) {
    const items = converted.kinds[kind];
    if (!items) continue;
    const text = renderKindFile({ kind, items, singleton: handlers[kind].singleton === true }, { schema: report.schema?.reference, domain }).replace('Exported from', 'Converted from').replace(' by tenantctl export.', ' by tenantctl convert.');
    await writeFile(join(outDir, FILE_OF[kind]), text);
    report.files.push(FILE_OF[kind]);
  }
  if (Object.keys(excluded.exclude).length > 0) {
    await writeFile(join(outDir, 'exclude.yaml'), `# Objects managed by hand (from the deploy tool's AUTH0_EXCLUDED_* lists): never planned.\n${stringify({ exclude: excluded.exclude })}`);
    report.files.push('exclude.yaml');
  }
  if (report.schema?.copied) report.files.push(SCHEMA_COPY);
  const envText = `# Keywords from the deploy tool's AUTH0_KEYWORD_REPLACE_MAPPINGS; the rest are read from the environment.\n${stringify({ keywords: env.keywords as JsonObject }, { lineWidth: 0 })}`;
  await writeFile(join(outDir, 'environments', `${options.env}.yaml`), envText);
  report.files.push(`environments/${options.env}.yaml`);
  if (!options.config) {
    const configs = await configsBeside(resolve(io.cwd, source));
    if (configs.length > 0) report.configsNotRead = configs.map((name) => relative(io.cwd, name) || name);
  }
  print(report, options, out);
  return 0;
}

/**
 * The deploy tool's config files (`config.json`, `config-dev.json`) beside its files: without --config their
 * keyword mappings and exclusions are not read, and every keyword is left to the environment. Said, not
 * guessed at: which of several configs is the one to use is the user's call.
 */
async function configsBeside(source: string): Promise<string[]> {
  const info = await stat(source).catch(() => undefined);
  const dir = info?.isDirectory() ? source : dirname(source);
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((name) => /^config[\w.-]*\.json$/i.test(name)).sort().map((name) => join(dir, name));
}

/** The deploy tool pasted such a variable's text into a list: its items were quoted text, not JSON. */
const SPLICED = `; its items are added to a list: where the deploy tool read '"one", "two"', write '["one","two"]'`;

function print(report: Report, options: ConvertOptions, out: Out) {
  if (options.output === 'json') {
    out.printJson(report);
    return;
  }
  const counts = Object.entries(report.kinds).map(([k, items]) => `${items?.length ?? 0} ${k}`);
  out.print(`Converted ${counts.join(', ') || 'nothing'} into ${options.out}: ${report.files.join(', ')}\n`);
  out.print(schemaCopyNote(options.out, report.schema));
  const list = (title: string, notes: Note[]) => {
    if (notes.length === 0) return;
    out.print(`\n${title} (${notes.length}):\n`);
    for (const n of notes) out.print(`  ${n.file}:${n.line}  ${n.section}: ${n.message}\n`);
  };
  list('Not converted', report.notConverted);
  list('Unknown fields, left out', report.unknownFields);
  list('To fix by hand', report.problems);
  if (report.fromEnvironment.length > 0) {
    const json = new Map(report.jsonKeywords.map((k) => [k.name, `${k.types.map((t) => EXAMPLE[t]).join(', or ')}${k.sensitive ? ' (a secret: never printed)' : ''}${k.splice ? SPLICED : ''}`]));
    const lines = report.fromEnvironment.map((name) => (json.has(name) ? `${name}: must hold ${json.get(name)}` : name));
    out.print(`\nKeywords read from the environment (set these before planning):\n  ${lines.join('\n  ')}\n`);
  }
  if (report.mixedKeywords.length > 0)
    out.print(`\nKeywords used as text in one place and as a list, mapping, number or boolean in another (split each into two): ${report.mixedKeywords.join(', ')}\n`);
  if (report.unusedMappings.length > 0) out.print(`\nMappings no converted file uses: ${report.unusedMappings.join(', ')}\n`);
  if (report.configsNotRead?.length)
    out.print(
      `\nNot read: ${report.configsNotRead.join(', ')}. If that is the deploy tool's config, run again with --config ${report.configsNotRead[0]} (and --force) to take its AUTH0_KEYWORD_REPLACE_MAPPINGS and AUTH0_EXCLUDED_* lists.\n`,
    );
  out.print(`\nNext: tenantctl validate ${options.out} --env ${options.env}\n`);
}
