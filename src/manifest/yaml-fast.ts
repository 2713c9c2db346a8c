import { FAILSAFE_SCHEMA, load, type State, Type } from 'js-yaml';
import { withOptimizingCompiler } from '../compiler-tier.js';
import type { JsonObject } from '../json.js';
import type { Loc } from './types.js';
import type { ItemSink } from './yaml-tree.js';
import { MAX_DEPTH, PlainMap, type YNode } from './ynode.js';
import { CORE_TAGS } from './yaml-core.js';
import { type LinesReading, readLines } from './yaml-lines.js';

/**
 * The fast reading of a manifest file, for files that turn out valid. Locating every value (yaml-tree.ts)
 * costs most of a large tenant's load; here the file is read as plain data, by the line reader
 * (yaml-lines.ts) or else by js-yaml (both several times faster), and only each list item's start is
 * located, which plans and bulk jobs name. Every other value carries its item's place: the loader reads
 * the files again with yaml-tree.ts as soon as any problem is found, so a diagnostic always points at the
 * exact value.
 *
 * It reads only what it reads exactly as yaml-tree.ts does, and gives up (undefined) on anything else: a
 * `##KEYWORD##` that YAML would take for a comment (yaml-tree.ts reports those); for js-yaml also anchors,
 * aliases, tags and directives, explicit `?` keys and collections used as keys, tabs, and any text js-yaml
 * refuses (duplicate keys, several documents, syntax errors).
 */
const KEYWORD_COMMENT = /\s##[A-Za-z_][A-Za-z0-9_]*##/;
const UNSUPPORTED = [
  /[&*!%\t]/,
  /(^|[\s,[{])\?(\s|$)/m,
  /[\]}]\s*:(\s|$)/,
];

/** js-yaml's schema: the core tags (yaml-core.ts) as js-yaml types, one per tag trying its forms in turn. */
const CORE = FAILSAFE_SCHEMA.extend({
  implicit: CORE_TAGS.map(
    ({ name, starts, forms }) =>
      new Type(`tag:yaml.org,2002:${name}`, {
        kind: 'scalar',
        resolve: (text: string) => starts.includes(text.charAt(0)) && forms.some(([test]) => test.test(text)),
        construct: (text: string) => forms.find(([test]) => test.test(text))?.[1](text),
      }),
  ),
});

/**
 * The file as a tree, undefined for an empty file; items of `sink.sections` lists go to the sink one by
 * one (their section stays in the tree as an empty list), so a large file's tree is never built whole.
 * Undefined (not an object) when the fast reading gives up.
 */
export function parseYamlFast(file: string, text: string, sink: ItemSink): { root: YNode | undefined } | undefined {
  if (KEYWORD_COMMENT.test(text)) return undefined;
  const reading = readLines(file, text) ?? readJsYaml(file, text);
  if (reading === undefined) return undefined;
  const { data, itemLocs } = reading;
  if (data === undefined || data === null) return { root: undefined };
  const protoKey = text.includes('__proto__');
  const keywordFree = !text.includes('@@') && !text.includes('##');
  const top: Loc = { file, line: 1, col: 1 };
  if (!isPlainObject(data)) return { root: toNode(data, top) };
  const entries = Object.entries(data).map(([key, value]) => {
    const locs = Array.isArray(value) ? itemLocs.get(value) : undefined;
    if (!sink.sections.has(key) || !Array.isArray(value) || locs?.length !== value.length) {
      return { key, keyLoc: top, value: toNode(value, top) };
    }
    value.forEach((item, i) => {
      const loc = locs[i] ?? top;
      // A `__proto__` key reads differently as plain data than as a tree (toJson's assignment): rebuild then.
      if (protoKey) return sink.item(key, toNode(item, loc));
      sink.item(key, isPlainObject(item) ? new PlainMap(item as JsonObject, loc, keywordFree) : toNode(item, loc));
    });
    return { key, keyLoc: top, value: { type: 'seq', items: [], loc: top } satisfies YNode };
  });
  return { root: { type: 'map', entries, loc: top } };
}

/** The file's data as js-yaml reads it, for what the line reader leaves alone. */
function readJsYaml(file: string, text: string): LinesReading | undefined {
  if (UNSUPPORTED.some((pattern) => pattern.test(text))) return undefined;
  // Where each item of a top-level list starts, found as js-yaml opens and closes nodes: depth 1 is the
  // file's mapping, 2 its keys and sections, 3 a section's items (a flow item opens once more inside).
  const itemLocs = new Map<unknown, Loc[]>();
  let depth = 0;
  let items: Loc[] = [];
  let itemStart: Pick<State, 'position' | 'line' | 'lineStart'> = { position: 0, line: 0, lineStart: 0 };
  const listener = (event: 'open' | 'close', state: State) => {
    if (event === 'open') {
      depth += 1;
      if (depth === 2) items = [];
      else if (depth === 3) itemStart = { position: state.position, line: state.line, lineStart: state.lineStart };
      return;
    }
    if (depth === 3) items.push(startOf(file, text, itemStart, isPlainObject(state.result)));
    if (depth === 2 && Array.isArray(state.result)) itemLocs.set(state.result, items);
    depth -= 1;
  };
  let data: unknown;
  try {
    // maxDepth counts every value, scalars included: deeper files are left to yaml-tree.ts to report.
    data = withOptimizingCompiler(() => load(text, { schema: CORE, listener, maxDepth: MAX_DEPTH } as Parameters<typeof load>[1]));
  } catch {
    return undefined;
  }
  return { data, itemLocs };
}

/**
 * Where an item starting at `offset` begins as yaml-tree.ts's startLoc says: its first character, or for
 * a mapping its first key (past a flow mapping's `{`). Spaces, line breaks and comments are skipped.
 */
function startOf(file: string, text: string, start: Pick<State, 'position' | 'line' | 'lineStart'>, mapping: boolean): Loc {
  const skip = (at: number) => {
    for (;;) {
      while (at < text.length && /\s/.test(text.charAt(at))) at++;
      if (text[at] !== '#') return at;
      while (at < text.length && text[at] !== '\n') at++;
    }
  };
  let at = skip(start.position);
  if (mapping && text[at] === '{') at = skip(at + 1);
  let { line, lineStart } = start;
  for (let i = text.indexOf('\n', lineStart); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) [line, lineStart] = [line + 1, i + 1];
  return { file, line: line + 1, col: at - lineStart + 1 };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Plain data as a tree whose every node sits at `loc`. */
function toNode(value: unknown, loc: Loc): YNode {
  if (Array.isArray(value)) return { type: 'seq', loc, items: value.map((item) => toNode(item, loc)) };
  if (isPlainObject(value)) {
    const entries = Object.entries(value).map(([key, v]) => ({ key, keyLoc: loc, value: toNode(v, loc) }));
    return { type: 'map', entries, loc };
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return { type: 'scalar', value, loc };
  return { type: 'scalar', value: null, loc };
}
