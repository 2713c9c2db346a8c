import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';
import type { Loc } from './types.js';

/**
 * Collections nested deeper than this are refused before they are composed: the yaml library composes
 * (and every later stage walks) nested values recursively, so a few thousand `[` overflow the stack. No
 * manifest field nests anywhere near this deep.
 */
export const MAX_DEPTH = 64;

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
  /** With sensitiveEnv: the variable is read as JSON (`json: true`), so apply parses it again. */
  sensitiveJson?: true;
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

/** A JSON value as a tree whose every node sits at `loc` (a keyword's value, placed at its use). */
export function fromJson(value: Json, loc: Loc): YNode {
  if (Array.isArray(value)) return { type: 'seq', items: value.map((item) => fromJson(item, loc)), loc };
  if (isObject(value)) {
    const entries = Object.entries(value).map(([key, v]) => ({ key, keyLoc: loc, value: fromJson(v, loc) }));
    return { type: 'map', entries, loc };
  }
  return { type: 'scalar', value, loc };
}

/**
 * An item the fast reader read as plain data (yaml-fast.ts): its entries are built on first look, and
 * toJson hands the data back instead of building it again. Keyword replacement keeps unchanged trees as
 * the same objects, so only an item a keyword changed is rebuilt; a copy (`{ ...node }`) is an ordinary
 * tree. Callers never change what toJson returns.
 *
 * A class, not an object literal with a getter and a weak table beside it: a literal's getter is a new
 * closure per item, and a large tenant's ~10,000 entries in a WeakMap cost ~0.03 s of a plan's CPU.
 */
export class PlainMap implements YMap {
  readonly type = 'map';
  private built: YEntry[] | undefined;
  constructor(
    readonly plain: JsonObject,
    readonly loc: Loc,
    /** Its file holds no `@@` or `##` at all: keyword replacement has nothing to look for in it. */
    readonly keywordFree = false,
  ) {}
  get entries(): YEntry[] {
    this.built ??= Object.entries(this.plain).map(([key, v]) => ({ key, keyLoc: this.loc, value: fromJson(v, this.loc) }));
    return this.built;
  }
}

/**
 * Whether the tree is one the fast reader built and keywords left alone: then no value in it came from a
 * keyword, holds a secret or is broken, and every value sits at the item's place.
 */
export function isPlainTree(node: YNode): boolean {
  return node instanceof PlainMap;
}

/** Whether the tree is plain data from a file without any keyword marker (see PlainMap). */
export function isKeywordFree(node: YNode): boolean {
  return node instanceof PlainMap && node.keywordFree;
}

/** The tree's plain data when the reader kept it (see PlainMap), else undefined. */
export function plainJsonOf(node: YNode): Json | undefined {
  return node instanceof PlainMap ? node.plain : undefined;
}

export function toJson(node: YNode): Json {
  if (node instanceof PlainMap) return node.plain;
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

/**
 * Calls `visit` on every node with its path; `visit` returns false to skip a node's children. The path is
 * one array updated as the walk goes (it runs over every value of every item): copy it to keep it.
 */
export function walk(node: YNode, visit: (node: YNode, path: readonly (string | number)[]) => boolean | undefined) {
  const path: (string | number)[] = [];
  const go = (n: YNode) => {
    if (visit(n, path) === false) return;
    if (n.type === 'seq') {
      for (let i = 0; i < n.items.length; i++) {
        path.push(i);
        go(n.items[i]!);
        path.pop();
      }
    } else if (n.type === 'map') {
      for (const entry of n.entries) {
        path.push(entry.key);
        go(entry.value);
        path.pop();
      }
    }
  };
  go(node);
}

/** Location of a node as users think of it: a mapping starts at its first key. */
export function startLoc(node: YNode): Loc {
  // A plain tree's values all sit at its own place (and its entries may not be built yet).
  if (node instanceof PlainMap) return node.loc;
  return node.type === 'map' && node.entries[0] ? node.entries[0].keyLoc : node.loc;
}
