import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node } from 'yaml';
import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { type Diag, error, warning } from './diagnostics.js';
import type { Loc } from './types.js';
import { streamYaml } from './yaml-stream.js';

/**
 * A YAML document as plain data that remembers where every key and value was written. Keyword
 * replacement swaps subtrees in place, so later stages can still point at the `@@NAME@@` scalar a
 * value came from.
 */
export type YNode = YScalar | YSeq | YMap;

interface YBase {
  loc: Loc;
  /** Set on the root of a value that came from an env-bound sensitive keyword: the variable's name. */
  sensitiveEnv?: string;
  /** Set on the root of a value that replaced `@@NAME@@`: the keyword's name. */
  keyword?: string;
  /** Keyword replacement failed here; its diagnostic is already reported, so later checks skip it. */
  broken?: true;
}
export interface YScalar extends YBase {
  type: 'scalar';
  value: string | number | boolean | null;
}
export interface YSeq extends YBase {
  type: 'seq';
  items: YNode[];
}
export interface YMap extends YBase {
  type: 'map';
  entries: YEntry[];
}
export interface YEntry {
  key: string;
  keyLoc: Loc;
  value: YNode;
}

export interface ParsedFile {
  /** Undefined when the file could not be parsed or is empty. */
  root: YNode | undefined;
  /** The file has YAML errors: nothing in it may be used, items handed to a sink included. */
  failed: boolean;
  diagnostics: Diag[];
}

/** Takes list items of some top-level sections one by one while a file is parsed. */
export interface ItemSink {
  sections: ReadonlySet<string>;
  item(section: string, node: YNode): void;
}

/** The yaml library appends " at line L, column C:" and a source excerpt; we print our own location. */
function plainYamlMessage(message: string): string {
  return message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
}

const YAML_HINTS: Record<string, string> = {
  MULTIPLE_DOCS: 'A manifest file holds one YAML document: remove the `---` separator or split the file.',
  DUPLICATE_KEY: 'Each key may appear once per mapping: merge or remove the repeated key.',
};

/**
 * A file as a tree. Items of `sink.sections` lists go to the sink as soon as each is parsed, instead of
 * into the tree, so a large file is never held whole; each list's last item stays in the tree, as does
 * everything from a file's first anchor or directive on (see yaml-stream.ts).
 */
export function parseYamlFile(file: string, text: string, sink?: ItemSink): ParsedFile {
  const lineCounter = new LineCounter();
  const locOf = (offset: number): Loc => ({ file, ...lineCounter.linePos(offset) });
  // Conversion problems count only if the whole file parses.
  const converted: Diag[] = [];
  const { doc, errors, warnings } = streamYaml(text, {
    lineCounter,
    sections: sink?.sections ?? new Set(),
    onItem: (section, item, itemDoc) =>
      sink?.item(section, convert({ doc: itemDoc, locOf, diagnostics: converted, stack: new Set() }, item)),
  });
  const diagnostics: Diag[] = [];
  for (const problem of [...errors, ...warnings]) {
    const make = problem.name === 'YAMLWarning' ? warning : error;
    diagnostics.push(
      make('yaml_syntax', plainYamlMessage(problem.message), {
        loc: locOf(problem.pos[0]),
        hint: YAML_HINTS[problem.code] ?? 'Fix the YAML syntax at this position.',
      }),
    );
  }
  if (errors.length > 0) return { root: undefined, failed: true, diagnostics };
  const root = doc?.contents ? convert({ doc, locOf, diagnostics: converted, stack: new Set() }, doc.contents) : undefined;
  return { root, failed: false, diagnostics: [...diagnostics, ...converted] };
}

interface ConvertContext {
  doc: Document;
  locOf: (offset: number) => Loc;
  diagnostics: Diag[];
  /** Nodes being converted, to refuse aliases that point at their own ancestor (infinite data). */
  stack: Set<Node>;
}

function convert(ctx: ConvertContext, node: Node): YNode {
  const loc = ctx.locOf(node.range?.[0] ?? 0);
  if (isAlias(node)) {
    const target = node.resolve(ctx.doc);
    if (target === undefined || ctx.stack.has(target)) {
      ctx.diagnostics.push(
        error('yaml_alias', `alias '*${node.source}' cannot be resolved`, {
          loc,
          hint: 'Define the anchor before using it, and do not make an anchor refer to itself.',
        }),
      );
      return { type: 'scalar', value: null, loc, broken: true };
    }
    // Everything under an alias points at the alias: that is where the user wrote this value.
    return relocate(convert(ctx, target), loc);
  }
  ctx.stack.add(node);
  try {
    if (isMap(node)) {
      const entries: YEntry[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const keyLoc = keyNode?.range ? ctx.locOf(keyNode.range[0]) : loc;
        if (keyNode !== null && !isScalar(keyNode)) {
          ctx.diagnostics.push(
            error('yaml_key', 'mapping keys must be plain strings', {
              loc: keyLoc,
              hint: 'Use a plain word as the key.',
            }),
          );
          continue;
        }
        const key = keyNode === null ? '' : String(keyNode.value);
        const valueNode = pair.value as Node | null;
        const value =
          valueNode === null
            ? ({ type: 'scalar', value: null, loc: keyLoc } as const)
            : convert(ctx, valueNode);
        entries.push({ key, keyLoc, value });
      }
      return { type: 'map', entries, loc };
    }
    if (isSeq(node)) {
      const items = node.items.map((item) =>
        item === null ? ({ type: 'scalar', value: null, loc } as const) : convert(ctx, item as Node),
      );
      return { type: 'seq', items, loc };
    }
    if (isScalar(node)) {
      const scalar: YScalar = { type: 'scalar', value: scalarValue(node.value), loc };
      // In YAML ` #` starts a comment, so an unquoted `text ##NAME##` silently loses the keyword.
      const lost = /^#([A-Za-z_][A-Za-z0-9_]*)##/.exec(node.comment ?? '');
      if (lost === null) return scalar;
      ctx.diagnostics.push(
        error('keyword_in_comment', `'##${lost[1]}##' is read as a YAML comment, not as a keyword`, {
          loc,
          hint: "Quote the whole value, e.g. 'Orders at ##APP_URL##'.",
        }),
      );
      return { ...scalar, broken: true };
    }
    return { type: 'scalar', value: null, loc };
  } finally {
    ctx.stack.delete(node);
  }
}

function scalarValue(value: unknown): YScalar['value'] {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return value;
  // Custom tags and other exotic values (no JSON equivalent) are kept as their text.
  return String(value);
}

function relocate(node: YNode, loc: Loc): YNode {
  switch (node.type) {
    case 'scalar':
      return { ...node, loc };
    case 'seq':
      return { ...node, loc, items: node.items.map((item) => relocate(item, loc)) };
    case 'map':
      return {
        ...node,
        loc,
        entries: node.entries.map((entry) => ({
          key: entry.key,
          keyLoc: loc,
          value: relocate(entry.value, loc),
        })),
      };
  }
}

/** A JSON value as a tree whose every node sits at `loc` (a keyword's value, placed at its use). */
export function fromJson(value: Json, loc: Loc): YNode {
  if (Array.isArray(value)) return { type: 'seq', items: value.map((item) => fromJson(item, loc)), loc };
  if (isObject(value)) {
    const entries = Object.entries(value).map(([key, v]) => ({ key, keyLoc: loc, value: fromJson(v, loc) }));
    return { type: 'map', entries, loc };
  }
  return { type: 'scalar', value, loc };
}

export function toJson(node: YNode): Json {
  switch (node.type) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toJson);
    case 'map': {
      const out: JsonObject = {};
      for (const entry of node.entries) out[entry.key] = toJson(entry.value);
      return out;
    }
  }
}

export interface Located {
  /** The deepest node the path reaches (the whole path, unless it names something absent). */
  node: YNode;
  /** Location of the key when the path ends on a mapping key. */
  keyLoc?: Loc;
  /** True when the whole path was found. */
  exact: boolean;
  /** True when some node along the path is broken (a failed keyword replacement). */
  broken: boolean;
  /** True when some node along the path holds a secret: its value must not be printed. */
  secret: boolean;
  /** The keyword the value at the path came from, if any. */
  keyword?: string;
}

/**
 * Where a path inside a tree was written. Values that came from a keyword have no children in the source,
 * so the walk stops at the `@@NAME@@` scalar and reports its location for anything beneath it.
 */
export function locate(root: YNode, path: readonly PropertyKey[]): Located {
  let node = root;
  let keyLoc: Loc | undefined;
  let broken = root.broken === true;
  let secret = root.sensitiveEnv !== undefined;
  let keyword = root.keyword;
  const result = (exact: boolean): Located => {
    const found: Located = { node, exact, broken, secret };
    if (keyLoc !== undefined && exact) found.keyLoc = keyLoc;
    if (keyword !== undefined) found.keyword = keyword;
    return found;
  };
  for (const step of path) {
    const next = childOf(node, step);
    if (next === undefined) return result(false);
    node = next.node;
    keyLoc = next.keyLoc;
    broken ||= node.broken === true;
    secret ||= node.sensitiveEnv !== undefined;
    keyword ??= node.keyword;
  }
  return result(true);
}

function childOf(node: YNode, step: PropertyKey): { node: YNode; keyLoc?: Loc } | undefined {
  if (node.type === 'seq' && typeof step === 'number') {
    const item = node.items[step];
    return item === undefined ? undefined : { node: item };
  }
  if (node.type === 'map') {
    // The last entry wins, as in toJson.
    const entry = node.entries.findLast((e) => e.key === String(step));
    return entry === undefined ? undefined : { node: entry.value, keyLoc: entry.keyLoc };
  }
  return undefined;
}

/** Calls `visit` on every node with its path; `visit` returns false to skip a node's children. */
export function walk(node: YNode, visit: (node: YNode, path: (string | number)[]) => boolean | undefined) {
  const go = (n: YNode, path: (string | number)[]) => {
    if (visit(n, path) === false) return;
    if (n.type === 'seq') for (const [i, item] of n.items.entries()) go(item, [...path, i]);
    if (n.type === 'map') for (const entry of n.entries) go(entry.value, [...path, entry.key]);
  };
  go(node, []);
}

/** Location of a node as users think of it: a mapping starts at its first key. */
export function startLoc(node: YNode): Loc {
  return node.type === 'map' && node.entries[0] ? node.entries[0].keyLoc : node.loc;
}
