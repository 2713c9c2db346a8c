import type { Loc } from './types.js';

/**
 * The plainest manifests read without js-yaml (issue #11: parsing was a fifth of validating a large
 * tenant). A line-by-line reader for the few forms such files use: block mappings and lists, one-line flow
 * lists and mappings, plain and one-line quoted scalars, comments. It gives up (undefined) on anything
 * else, and on anything it is not sure to read exactly as js-yaml with yaml-fast.ts's schema does: keys
 * beyond plain names, escapes, multi-line values, block scalars, `-` alone on a line, `? `, `---`, tabs,
 * carriage returns, a `:` or `#` a plain scalar might not own. The caller then reads the file with js-yaml.
 * test/manifest/yaml-lines.test.ts holds it to js-yaml's data and item places on generated files.
 */
export interface LinesRead {
  data: Record<string, unknown>;
  /** The places of the items of each top-level block list (the list as the key). */
  itemLocs: Map<unknown, Loc[]>;
}

interface Line {
  indent: number;
  /** The text after the indent. */
  text: string;
  /** Offsets in the file: where the line starts, where `text` starts. */
  start: number;
  at: number;
  /** 0-based line number. */
  number: number;
}

class GiveUp extends Error {}
const giveUp = (): never => {
  throw new GiveUp();
};

/** A key these files use: a plain name, then `:` and a space or the end of the line. */
const KEY = /^([A-Za-z_][A-Za-z0-9_-]*):(?: +|$)/;
const MAX_NESTING = 32;

export type ScalarResolver = (text: string) => unknown;
export type StartOf = (position: number, line: number, lineStart: number, mapping: boolean) => Loc;

export function readLines(text: string, resolve: ScalarResolver, startOf: StartOf): LinesRead | undefined {
  if (text.includes('\r') || text.includes('__proto__') || text.charCodeAt(0) === 0xfeff) return undefined;
  const lines = splitLines(text);
  if (lines === undefined || lines.length === 0) return undefined;
  const itemLocs = new Map<unknown, Loc[]>();
  const reader = { lines, i: 0, end: 0, resolve, startOf, itemLocs };
  try {
    if (lines[0]!.indent !== 0) return undefined;
    const data = readMap(reader, 0, 0, true);
    return reader.i === lines.length ? { data, itemLocs } : undefined;
  } catch (e) {
    if (e instanceof GiveUp) return undefined;
    throw e;
  }
}

/** Lines with content; blank and comment lines are left out. Undefined for a line this reader refuses. */
function splitLines(text: string): Line[] | undefined {
  const out: Line[] = [];
  let start = 0;
  for (let number = 0; start <= text.length; number++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let indent = 0;
    while (text.charCodeAt(start + indent) === 32) indent++;
    const body = text.slice(start + indent, end);
    if (body.length > 0 && body[0] !== '#') {
      if (body.startsWith('---') || body.startsWith('...')) return undefined;
      out.push({ indent, text: body, start, at: start + indent, number });
    }
    start = end + 1;
  }
  return out;
}

interface Reader {
  lines: Line[];
  i: number;
  /** Where the last flow value read ended (offsets into its line's text): no tuple per value. */
  end: number;
  resolve: ScalarResolver;
  startOf: StartOf;
  itemLocs: Map<unknown, Loc[]>;
}

const isItem = (text: string) => text.startsWith('- ');

/** A block mapping whose keys sit at column `indent`. */
function readMap(r: Reader, indent: number, depth: number, top = false): Record<string, unknown> {
  if (depth > MAX_NESTING) giveUp();
  const out: Record<string, unknown> = {};
  while (r.i < r.lines.length) {
    const line = r.lines[r.i]!;
    if (line.indent < indent) break;
    if (line.indent > indent || isItem(line.text)) giveUp();
    const key = KEY.exec(line.text);
    if (key === null) return giveUp();
    const name = key[1]!;
    // A key is a plain scalar too: one that reads as another value (`True: x` is the key 'true') is js-yaml's.
    if (Object.hasOwn(out, name) || r.resolve(name) !== name) giveUp();
    const rest = line.text.slice(key[0].length);
    r.i++;
    if (rest.length === 0 || rest[0] === '#') {
      const value = readNested(r, indent, depth);
      out[name] = value;
      if (top && Array.isArray(value) && !r.itemLocs.has(value)) r.itemLocs.set(value, []);
    } else {
      const value = readInline(r, rest, depth);
      // A top-level list written in flow style: its items' places are js-yaml's to find.
      if (top && Array.isArray(value) && value.length > 0) giveUp();
      if (top && Array.isArray(value)) r.itemLocs.set(value, []);
      out[name] = value;
    }
  }
  return out;
}

/** The value of `key:` with nothing after it: a block below it, a list at its own column, or null. */
function readNested(r: Reader, indent: number, depth: number): unknown {
  const next = r.lines[r.i];
  if (next === undefined || next.indent < indent) return null;
  if (next.indent === indent) return isItem(next.text) ? readList(r, indent, depth + 1) : null;
  return isItem(next.text) ? readList(r, next.indent, depth + 1) : readMap(r, next.indent, depth + 1);
}

/** A block list whose dashes sit at column `indent`. */
function readList(r: Reader, indent: number, depth: number): unknown[] {
  if (depth > MAX_NESTING) giveUp();
  const out: unknown[] = [];
  const locs: Loc[] = [];
  while (r.i < r.lines.length) {
    const line = r.lines[r.i]!;
    if (line.indent < indent || (line.indent === indent && !isItem(line.text))) break;
    if (line.indent > indent) giveUp();
    let skip = 1;
    while (line.text[skip] === ' ') skip++;
    const rest = line.text.slice(skip);
    if (rest.length === 0 || rest[0] === '#' || isItem(rest) || rest === '-') giveUp();
    let value: unknown;
    if (KEY.test(rest)) {
      // `- name: x`: a mapping whose keys sit where its first key does; this line now holds that key.
      r.lines[r.i] = { ...line, indent: indent + skip, text: rest, at: line.at + skip };
      value = readMap(r, indent + skip, depth + 1);
    } else {
      value = readInline(r, rest, depth);
      r.i++;
    }
    out.push(value);
    const mapping = typeof value === 'object' && value !== null && !Array.isArray(value);
    locs.push(r.startOf(line.at + 1, line.number, line.start, mapping));
  }
  r.itemLocs.set(out, locs);
  return out;
}

/** A value that ends its line: a quoted or plain scalar, or a one-line flow collection; then a comment. */
function readInline(r: Reader, text: string, depth: number): unknown {
  const first = text[0];
  if (first === '"' || first === "'" || first === '[' || first === '{') {
    const value = readFlowValue(r, text, 0, depth, false);
    if (!endsLine(text, r.end)) giveUp();
    return value;
  }
  const hash = text.indexOf(' #');
  const plain = (hash < 0 ? text : text.slice(0, hash)).trimEnd();
  if (!plainStart(plain) || plain.includes(': ') || plain.endsWith(':') || plain.includes('\t')) giveUp();
  return r.resolve(plain);
}

/** Only spaces, then maybe a comment, after `end`. */
function endsLine(text: string, end: number): boolean {
  let at = end;
  while (text[at] === ' ') at++;
  return at === text.length || (text[at] === '#' && at > end);
}

/** A plain scalar may not begin with an indicator; `-` is fine before a character that is not a space. */
function plainStart(text: string): boolean {
  if (text.length === 0) return false;
  const c = text[0]!;
  if (c === '-') return text.length > 1 && !' ,[]{}'.includes(text[1]!);
  return !'?:,[]{}#&*!|>\'"%@`'.includes(c);
}

/** What a character means to a plain scalar inside a flow collection (by char code; 0 or none: nothing). */
const FLOW_END = 1;
const REFUSED = 2;
const COLON = 3;
const FLOW_CHARS = new Uint8Array(128);
for (const c of ',[]{}') FLOW_CHARS[c.charCodeAt(0)] = FLOW_END;
for (const c of '#"\'\t') FLOW_CHARS[c.charCodeAt(0)] = REFUSED;
FLOW_CHARS[':'.charCodeAt(0)] = COLON;

/** One value inside (or starting) a flow collection at `at`; `r.end` is then the offset after it. */
function readFlowValue(r: Reader, text: string, at: number, depth: number, inFlow: boolean): unknown {
  if (depth > MAX_NESTING) giveUp();
  const c = text[at];
  if (c === '"') {
    const end = text.indexOf('"', at + 1);
    if (end < 0) return giveUp();
    const value = text.slice(at + 1, end);
    if (value.includes('\\')) giveUp();
    r.end = end + 1;
    return value;
  }
  if (c === "'") {
    let out = '';
    let i = at + 1;
    for (;;) {
      const end = text.indexOf("'", i);
      if (end < 0) return giveUp();
      out += text.slice(i, end);
      if (text[end + 1] !== "'") {
        r.end = end + 1;
        return out;
      }
      out += "'";
      i = end + 2;
    }
  }
  if (c === '[') return readFlowList(r, text, at, depth);
  if (c === '{') return readFlowMap(r, text, at, depth);
  if (!inFlow) giveUp();
  // A plain scalar inside a flow collection: up to a flow indicator; `:` only before a character of its own.
  let end = at;
  for (; end < text.length; end++) {
    const kind = FLOW_CHARS[text.charCodeAt(end)];
    if (kind === undefined || kind === 0) continue;
    if (kind === FLOW_END) break;
    if (kind === REFUSED) giveUp();
    // A ':' ends the scalar before a space, a flow indicator or the end of the line: a key js-yaml reads.
    const after = FLOW_CHARS[text.charCodeAt(end + 1)];
    if (end + 1 >= text.length || after === FLOW_END || text[end + 1] === ' ') giveUp();
  }
  const plain = text.slice(at, end).trimEnd();
  if (!plainStart(plain)) giveUp();
  r.end = end;
  return r.resolve(plain);
}

/** A collection closed at `at`: reading goes on after its bracket. */
function closed<T>(r: Reader, value: T, at: number): T {
  r.end = at + 1;
  return value;
}

const skipSpaces = (text: string, at: number) => {
  while (text[at] === ' ') at++;
  return at;
};

function readFlowList(r: Reader, text: string, at: number, depth: number): unknown[] {
  const out: unknown[] = [];
  let i = skipSpaces(text, at + 1);
  if (text[i] === ']') return closed(r, out, i);
  for (;;) {
    out.push(readFlowValue(r, text, i, depth + 1, true));
    i = skipSpaces(text, r.end);
    if (text[i] === ']') return closed(r, out, i);
    if (text[i] !== ',') giveUp();
    i = skipSpaces(text, i + 1);
    if (text[i] === ']' || text[i] === ',') giveUp();
  }
}

const FLOW_KEY = /[A-Za-z_][A-Za-z0-9_-]*/y;

function readFlowMap(r: Reader, text: string, at: number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let i = skipSpaces(text, at + 1);
  if (text[i] === '}') return closed(r, out, i);
  for (;;) {
    FLOW_KEY.lastIndex = i;
    const key = FLOW_KEY.exec(text);
    if (key === null || text[i + key[0].length] !== ':' || text[i + key[0].length + 1] !== ' ') giveUp();
    const name = key![0];
    if (Object.hasOwn(out, name) || r.resolve(name) !== name) giveUp();
    out[name] = readFlowValue(r, text, skipSpaces(text, i + name.length + 2), depth + 1, true);
    i = skipSpaces(text, r.end);
    if (text[i] === '}') return closed(r, out, i);
    if (text[i] !== ',') giveUp();
    i = skipSpaces(text, i + 1);
    if (text[i] === '}' || text[i] === ',') giveUp();
  }
}
