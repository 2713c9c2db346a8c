import type { Loc } from './types.js';
import { GiveUp, giveUp, plainBlock, plainText, refuseStart, resolvePlain } from './yaml-core.js';

/**
 * The first reading of a manifest file: line by line, for the plain YAML most manifests are written in
 * (block mappings and lists, one-line flow collections, plain and quoted one-line scalars, comments).
 * js-yaml reads the same files correctly, but a tenantctl run reads each file once, cold: on the bench's
 * 8,335-object tenant js-yaml took ~0.59 s of CPU before the optimizing compiler and ~0.25 s with it
 * (compiling included), this reader ~0.09 s. Issue #11 asks for a plan under 1 s there.
 *
 * It gives up (undefined) on anything outside that subset, and the caller falls back to js-yaml, then to
 * the located reading: multi-line scalars, block scalars (`|`, `>`), anchors, tags, document markers,
 * flow collections over several lines, keys other than simple names or quoted strings, escapes beyond
 * the common ones, and anything YAML would refuse (duplicate keys, bad indentation). What it accepts it
 * reads exactly as the located reading does: test/manifest/yaml-lines.test.ts compares the two on
 * generated documents.
 */
export interface LinesReading {
  /** The document's data; null when it holds nothing. */
  data: unknown;
  /** Where each item of a list under a top-level key starts, by list: yaml-fast.ts's startOf rule. */
  itemLocs: Map<unknown, Loc[]>;
}

/** Characters js-yaml refuses or that YAML 1.2 might read otherwise (other line breaks, lone surrogates). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const REFUSED = /[\x00-\x09\x0B-\x1F\x7F-\x9F\u2028\u2029\uFEFF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;
const PLAIN_KEY = /[A-Za-z_][A-Za-z0-9_.-]*/y;
/** A plain scalar inside a flow collection runs up to the next flow indicator. */
const FLOW_PLAIN = /[^,[\]{}]*/y;
const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '0': '\0' };
/** Nesting of blocks and flows together, far below ynode.ts's MAX_DEPTH (which counts scalars too). */
const MAX_NESTING = 30;
const SPACE = 32;

interface Frame {
  indent: number;
  map?: Record<string, unknown>;
  seq?: unknown[];
  /** Item starts, for a list under a top-level key. */
  locs?: Loc[];
}

export function readLines(file: string, text: string): LinesReading | undefined {
  if (REFUSED.test(text) || text.includes('__proto__')) return undefined;
  try {
    return new Reader(file).read(text);
  } catch (cause) {
    if (cause instanceof GiveUp) return undefined;
    throw cause;
  }
}

const skipSpaces = (line: string, at: number) => {
  while (line.charCodeAt(at) === SPACE) at++;
  return at;
};

class Reader {
  private readonly stack: Frame[] = [];
  private root: Record<string, unknown> | undefined;
  /** A key whose value starts on a later line (`key:` alone). */
  private pending: { into: Record<string, unknown>; key: string; indent: number; top: boolean } | undefined;
  private readonly itemLocs = new Map<unknown, Loc[]>();
  private lineNo = 0;
  /**
   * Where the last value read (flow, flowItem, quoted) or key (keyAt) ends: the index past it, or of the
   * key's `:`. Kept here rather than returned in a pair: without the optimizing compiler (v8-flags.ts)
   * each destructured pair walks the array iterator, which cost more than the reading itself.
   */
  private end = 0;

  constructor(private readonly file: string) {}

  read(text: string): LinesReading {
    const lines = text.split('\n');
    for (let n = 0; n < lines.length; n++) {
      const line = lines[n]!;
      const indent = skipSpaces(line, 0);
      if (indent === line.length || line.charCodeAt(indent) === 35 /* # */) continue;
      this.lineNo = n;
      this.line(line, indent);
    }
    if (this.pending) this.pending.into[this.pending.key] = null;
    return { data: this.root ?? null, itemLocs: this.itemLocs };
  }

  private loc(col: number): Loc {
    return { file: this.file, line: this.lineNo + 1, col: col + 1 };
  }

  private push(frame: Frame): void {
    if (this.stack.push(frame) > MAX_NESTING) giveUp();
  }

  private line(line: string, indent: number): void {
    const dash = line.charCodeAt(indent) === 45 /* - */ && (indent + 1 === line.length || line.charCodeAt(indent + 1) === SPACE);
    if (this.root === undefined) {
      // The document must be a block mapping starting at the left edge (as every manifest is).
      if (indent !== 0 || dash || line.startsWith('---') || line.startsWith('...')) giveUp();
      this.root = {};
      this.push({ indent: 0, map: this.root });
    }
    const pending = this.pending;
    if (pending) {
      this.pending = undefined;
      // A nested block, or a list at the key's own indentation (`key:` then `- item` under it).
      if (indent > pending.indent || (indent === pending.indent && dash)) {
        const frame: Frame = dash ? { indent, seq: [] } : { indent, map: {} };
        if (dash && pending.top) this.itemLocs.set(frame.seq, (frame.locs = []));
        pending.into[pending.key] = frame.seq ?? frame.map;
        this.push(frame);
      } else {
        pending.into[pending.key] = null;
      }
    }
    let top = this.stack[this.stack.length - 1]!;
    // Close what this line's indentation ends; a list at its key's indentation ends at a line that is not an item.
    while (top.indent > indent || (top.seq !== undefined && top.indent === indent && !dash)) {
      this.stack.pop();
      top = this.stack[this.stack.length - 1] ?? giveUp();
    }
    if (top.indent !== indent) giveUp();
    if (dash) this.item(top, line, indent);
    else if (top.map) this.entry(top.map, line, indent, this.keyAt(line, indent) ?? giveUp(), top.map === this.root);
    else giveUp();
  }

  private item(frame: Frame, line: string, indent: number): void {
    const seq = frame.seq ?? giveUp();
    const at = skipSpaces(line, indent + 1);
    const c = line.charCodeAt(at);
    // The item on the next line, or a list directly in a list: left to js-yaml.
    if (at === line.length || c === 35 /* # */ || (c === 45 && (at + 1 === line.length || line.charCodeAt(at + 1) === SPACE))) giveUp();
    const key = this.keyAt(line, at);
    if (key !== undefined) {
      const map: Record<string, unknown> = {};
      seq.push(map);
      frame.locs?.push(this.loc(at));
      this.push({ indent: at, map });
      this.entry(map, line, at, key, false);
      return;
    }
    frame.locs?.push(this.loc(itemStart(line, at)));
    seq.push(this.value(line, at, undefined));
  }

  /**
   * A key at `at` followed by `:` and a space or the line's end (`this.end` is the `:`); undefined when
   * there is none.
   */
  private keyAt(line: string, at: number): string | undefined {
    const c = line.charCodeAt(at);
    let key: string;
    let end: number;
    if (c === 39 /* ' */ || c === 34 /* " */) {
      key = this.quoted(line, at);
      end = this.end;
    } else {
      PLAIN_KEY.lastIndex = at;
      if (!PLAIN_KEY.test(line)) return undefined;
      end = PLAIN_KEY.lastIndex;
      key = line.slice(at, end);
    }
    if (line.charCodeAt(end) !== 58 /* : */ || (end + 1 < line.length && line.charCodeAt(end + 1) !== SPACE)) return undefined;
    // A key YAML reads as null or a boolean is written back as text by each reader its own way. Such
    // keys are 5 characters at most (`false`); a name-like key is never a number.
    if (c !== 39 && c !== 34 && key.length <= 5 && typeof resolvePlain(key) !== 'string') giveUp();
    this.end = end;
    return key;
  }

  private entry(map: Record<string, unknown>, line: string, indent: number, key: string, top: boolean): void {
    if (Object.hasOwn(map, key)) giveUp();
    const at = skipSpaces(line, this.end + 1);
    if (at === line.length || line.charCodeAt(at) === 35 /* # */) {
      this.pending = { into: map, key, indent, top };
      return;
    }
    let locs: Loc[] | undefined;
    if (top && line.charCodeAt(at) === 91 /* [ */) locs = [];
    const value = this.value(line, at, locs);
    if (locs) this.itemLocs.set(value, locs);
    map[key] = value;
  }

  /** A value written on the rest of the line from `at`, which holds nothing after it but a comment. */
  private value(line: string, at: number, locs: Loc[] | undefined): unknown {
    const c = line.charCodeAt(at);
    let value: unknown;
    if (c === 91 /* [ */ || c === 123 /* { */) value = this.flow(line, at, this.stack.length + 1, locs);
    else if (c === 39 || c === 34) value = this.quoted(line, at);
    else return plainBlock(line, at);
    const end = this.end;
    const after = skipSpaces(line, end);
    if (after < line.length && !(after > end && line.charCodeAt(after) === 35)) giveUp();
    return value;
  }

  /** A flow collection closed on this line (`this.end` past it). */
  private flow(line: string, at: number, depth: number, locs: Loc[] | undefined): unknown {
    if (depth > MAX_NESTING) giveUp();
    const isSeq = line.charCodeAt(at) === 91;
    const close = isSeq ? 93 /* ] */ : 125; /* } */
    let i = skipSpaces(line, at + 1);
    const out: unknown[] | Record<string, unknown> = isSeq ? [] : {};
    if (line.charCodeAt(i) === close) {
      this.end = i + 1;
      return out;
    }
    for (;;) {
      if (Array.isArray(out)) {
        locs?.push(this.loc(itemStart(line, i)));
        out.push(this.flowItem(line, i, depth));
        i = this.end;
      } else {
        const key = this.keyAt(line, i) ?? giveUp();
        if (Object.hasOwn(out, key)) giveUp();
        i = skipSpaces(line, this.end + 1);
        const next = line.charCodeAt(i);
        if (next === 44 /* , */ || next === close) {
          out[key] = null;
        } else {
          out[key] = this.flowItem(line, i, depth);
          i = this.end;
        }
      }
      i = skipSpaces(line, i);
      const next = line.charCodeAt(i);
      if (next === close) {
        this.end = i + 1;
        return out;
      }
      if (next !== 44) giveUp();
      i = skipSpaces(line, i + 1);
      if (line.charCodeAt(i) === close) giveUp();
    }
  }

  /** A value inside a flow collection (`this.end` past it). */
  private flowItem(line: string, at: number, depth: number): unknown {
    const c = line.charCodeAt(at);
    if (c === 91 || c === 123) return this.flow(line, at, depth + 1, undefined);
    if (c === 39 || c === 34) return this.quoted(line, at);
    refuseStart(line, at);
    FLOW_PLAIN.lastIndex = at;
    FLOW_PLAIN.test(line);
    const text = line.slice(at, (this.end = FLOW_PLAIN.lastIndex));
    // A comment inside a flow collection means it goes on over the next lines.
    if (text.includes(' #')) giveUp();
    return plainText(text);
  }

  /** A quoted scalar closed on this line (`this.end` past its closing quote). */
  private quoted(line: string, at: number): string {
    const quote = line.charAt(at);
    let out = '';
    let from = at + 1;
    for (;;) {
      const close = line.indexOf(quote, from);
      const escape = quote === '"' ? line.indexOf('\\', from) : -1;
      if (close < 0) giveUp();
      if (escape >= 0 && escape < close) {
        const code = line.charAt(escape + 1);
        out += line.slice(from, escape);
        if (code === 'u' && /^[0-9a-fA-F]{4}$/.test(line.slice(escape + 2, escape + 6))) {
          out += String.fromCharCode(parseInt(line.slice(escape + 2, escape + 6), 16));
          from = escape + 6;
        } else {
          out += ESCAPES[code] ?? giveUp();
          from = escape + 2;
        }
        continue;
      }
      out += line.slice(from, close);
      if (quote === "'" && line.charAt(close + 1) === "'") {
        out += "'";
        from = close + 2;
        continue;
      }
      this.end = close + 1;
      return out;
    }
  }
}

/** Where an item at `at` starts, as the located reading says: a flow mapping's first key, else its first character. */
function itemStart(line: string, at: number): number {
  if (line.charCodeAt(at) !== 123 /* { */) return at;
  const key = skipSpaces(line, at + 1);
  return line.charCodeAt(key) === 125 /* } */ ? at : key;
}
