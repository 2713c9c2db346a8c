import { byText } from '../text-order.js';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { TenantctlError } from '../errors.js';
import type { Json } from '../json.js';
import { markSplices, protectKeywords, restoreKeywords } from './keywords.js';

/** One value read from the deploy tool's files, with where it came from. */
export interface Located {
  value: Json;
  file: string;
  line: number;
}

/** Section name (the deploy tool's) -> its items; singletons (tenant) have one. */
export type Sections = Map<string, Located[]>;

/** The directory layout's folders and files, by the YAML section they hold. */
const FOLDERS: Record<string, string> = {
  'resource-servers': 'resourceServers',
  clients: 'clients',
  grants: 'clientGrants',
  roles: 'roles',
  connections: 'connections',
  organizations: 'organizations',
  'network-acls': 'networkACLs',
};

function lineOf(node: Node | null | undefined, counter: LineCounter): number {
  const offset = node?.range?.[0];
  return offset === undefined ? 1 : counter.linePos(offset).line;
}

/** Parse YAML or JSON text (JSON is YAML), keeping line numbers, after shielding the keywords. */
function parse(text: string, file: string): { doc: ReturnType<typeof parseDocument>; counter: LineCounter } {
  const counter = new LineCounter();
  const doc = parseDocument(protectKeywords(text), { lineCounter: counter, uniqueKeys: false });
  const error = doc.errors[0];
  if (error) {
    const line = counter.linePos(error.pos[0]).line;
    throw new TenantctlError('convert_parse', `${file}:${line}: ${error.message.split('\n')[0]}`, {
      hint: 'Fix the file (the deploy tool could not have read it either), then convert again.',
    });
  }
  markSplices(doc);
  return { doc, counter };
}

function value(node: Node | null | undefined): Json {
  return restoreKeywords((node?.toJSON() ?? null) as Json);
}

/** tenant.yaml: every top-level key is a section; list sections keep each item's line. */
export function readYaml(text: string, file: string): Sections {
  const { doc, counter } = parse(text, file);
  const sections: Sections = new Map();
  if (!isMap(doc.contents)) return sections;
  for (const pair of doc.contents.items) {
    const name = String((pair.key as Node | null)?.toJSON?.() ?? pair.key);
    const node = pair.value as Node | null;
    const items = isSeq(node)
      ? node.items.map((item) => ({ value: value(item as Node), file, line: lineOf(item as Node, counter) }))
      : [{ value: value(node), file, line: lineOf(node ?? (pair.key as Node), counter) }];
    sections.set(name, items);
  }
  return sections;
}

async function readJson(path: string, display: string): Promise<Located> {
  const { doc, counter } = parse(await readFile(path, 'utf8'), display);
  return { value: value(doc.contents as Node), file: display, line: lineOf(doc.contents as Node, counter) };
}

async function jsonFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith('.json')).sort();
}

/**
 * The directory layout: one JSON file per object in a folder per type, `tenant.json`, and
 * `database-connections/<name>/database.json`. Folders tenantctl does not cover are listed as sections
 * with no items, so the report can name them.
 */
export async function readDirectory(dir: string, cwd: string): Promise<Sections> {
  const sections: Sections = new Map();
  const show = (path: string) => relative(cwd, path) || path;
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => byText(a.name, b.name))) {
    const path = join(dir, entry.name);
    if (entry.isFile() && entry.name === 'tenant.json') sections.set('tenant', [await readJson(path, show(path))]);
    else if (entry.isDirectory() && entry.name === 'database-connections') {
      const items: Located[] = [];
      for (const db of (await readdir(path, { withFileTypes: true })).filter((d) => d.isDirectory())) {
        const file = join(path, db.name, 'database.json');
        if (await stat(file).catch(() => undefined)) items.push(await readJson(file, show(file)));
      }
      sections.set('databases', items);
    } else if (entry.isDirectory()) {
      const section = FOLDERS[entry.name];
      if (!section) {
        sections.set(entry.name, [{ value: null, file: show(path), line: 1 }]);
        continue;
      }
      const items: Located[] = [];
      for (const name of await jsonFiles(path)) items.push(await readJson(join(path, name), show(join(path, name))));
      sections.set(section, items);
    }
  }
  return sections;
}

/** A deploy-tool config file (`--config`): keyword mappings and exclusions. */
export async function readConfig(path: string): Promise<Record<string, Json>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new TenantctlError('convert_config', `cannot read the config file ${basename(path)}`);
  }
  try {
    const parsed = JSON.parse(text) as Json;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, Json>;
  } catch (error) {
    throw new TenantctlError('convert_config', `${path} is not a JSON object: ${(error as Error).message}`);
  }
}
