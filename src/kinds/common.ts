import { byText } from '../text-order.js';
import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';

/** Each long field list's positions by name, made once per list (lists are module constants). */
const positions = new WeakMap<readonly string[], Map<string, number>>();
/** Which positions an item has, cleared as it is read: pick never calls out, so one buffer serves all. */
let marks = new Uint8Array(128);

function positionsOf(fields: readonly string[]): Map<string, number> {
  let index = positions.get(fields);
  if (index === undefined) {
    index = new Map();
    for (let k = 0; k < fields.length; k++) if (!index.has(fields[k]!)) index.set(fields[k]!, k);
    positions.set(fields, index);
  }
  return index;
}

/** Keep only the listed top-level fields that are present, in the list's order. */
export function pick(body: JsonObject, fields: readonly string[]): JsonObject {
  const out: JsonObject = {};
  const keys = Object.keys(body);
  if (keys.length >= fields.length || fields.length <= 16) {
    for (let k = 0; k < fields.length; k++) {
      const value = body[fields[k]!];
      if (value !== undefined) out[fields[k]!] = value;
    }
    return out;
  }
  // A body of some fields against a catalog of dozens (every item of a large tenant, both sides, several
  // times): its own keys are looked up by name (a scan of the list for each key cost a replan of 1,000
  // clients ~0.03 s), marked, and read back in the list's order.
  const index = positionsOf(fields);
  if (marks.length < fields.length) marks = new Uint8Array(fields.length);
  let first = fields.length;
  let last = -1;
  for (let k = 0; k < keys.length; k++) {
    const at = index.get(keys[k]!);
    if (at === undefined || body[keys[k]!] === undefined) continue;
    marks[at] = 1;
    if (at < first) first = at;
    if (at > last) last = at;
  }
  for (let at = first; at <= last; at++) {
    if (marks[at] === 0) continue;
    marks[at] = 0;
    out[fields[at]!] = body[fields[at]!]!;
  }
  return out;
}

/** A sorted copy of an array of strings: for fields whose order the API does not give meaning to. */
export function sortedStrings(value: Json | undefined): Json | undefined {
  if (!Array.isArray(value)) return value;
  return [...value].sort((a, b) => byText(String(a), String(b)));
}

/** Sort set-like string arrays in place on a copy. */
export function sortSets(body: JsonObject, fields: readonly string[]): JsonObject {
  const out = { ...body };
  for (const field of fields) {
    if (Array.isArray(out[field])) out[field] = sortedStrings(out[field]) as Json;
  }
  return out;
}

export function refTo(kind: string, key: string): JsonObject {
  return { $ref: `${kind}/${key}` };
}

export function isRef(value: Json | undefined): value is { $ref: string } {
  return isObject(value) && typeof value.$ref === 'string' && Object.keys(value).length === 1;
}

export function str(value: Json | undefined): string {
  return typeof value === 'string' ? value : '';
}

/**
 * A value built on first use. Item schemas are built this way: building every kind's zod schema cost
 * each command that loads the kinds ~0.03 s of start-up, though a run checks only the kinds it declares.
 */
export function builtOnce<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}
