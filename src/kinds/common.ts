import { insertSorted } from '../sorted-insert.js';
import { byText } from '../text-order.js';
import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';

/** Keep only the listed top-level fields that are present, in the list's order. */
export function pick(body: JsonObject, fields: readonly string[]): JsonObject {
  const out: JsonObject = {};
  const keys = Object.keys(body);
  if (keys.length >= fields.length) {
    for (let k = 0; k < fields.length; k++) {
      const value = body[fields[k]!];
      if (value !== undefined) out[fields[k]!] = value;
    }
    return out;
  }
  // A body of a few fields against a catalog of dozens (every item of a large tenant, both sides, several
  // times): look its own keys up instead, kept in the list's order as they are found (insertion sort of a
  // few positions, sorted-insert.ts).
  const found: number[] = [];
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const i = fields.indexOf(key);
    if (i < 0 || body[key] === undefined) continue;
    insertSorted(found, i);
  }
  for (let k = 0; k < found.length; k++) {
    const field = fields[found[k]!]!;
    out[field] = body[field]!;
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
