import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';

const positions = new WeakMap<readonly string[], Map<string, number>>();

/** Keep only the listed top-level fields that are present, in the list's order. */
export function pick(body: JsonObject, fields: readonly string[]): JsonObject {
  const out: JsonObject = {};
  const keys = Object.keys(body);
  if (keys.length >= fields.length) {
    for (const field of fields) {
      const value = body[field];
      if (value !== undefined) out[field] = value;
    }
    return out;
  }
  // A body of a few fields against a catalog of dozens (every item of a large tenant, both sides, several
  // times): look its own keys up instead, then put them in the list's order (usually they already are).
  let at = positions.get(fields);
  // A short list made afresh for each call (`[...COMPARED, 'roles']`) would build and cache a map per item:
  // scanning it is cheaper, and leaves the cache to the lists that last.
  if (at === undefined && fields.length <= SHORT_LIST) return pickByScan(body, keys, fields);
  if (at === undefined) {
    at = new Map();
    for (const [i, field] of fields.entries()) if (!at.has(field)) at.set(field, i);
    positions.set(fields, at);
  }
  const index = at;
  const found = keys.filter((key) => index.has(key) && body[key] !== undefined);
  if (found.some((key, i) => i > 0 && index.get(found[i - 1]!)! > index.get(key)!)) found.sort((a, b) => index.get(a)! - index.get(b)!);
  for (const field of found) out[field] = body[field]!;
  return out;
}

/**
 * `a.localeCompare(b)` as one collator: the same order, without a collator made per comparison. Made on
 * first use: creating it costs tens of milliseconds at start-up, and validate never sorts.
 */
/** Longer field lists get a cached position map in pick. */
const SHORT_LIST = 40;

/** pick for a short list: each key's position by indexOf (its first occurrence, as the map keeps). */
function pickByScan(body: JsonObject, keys: string[], fields: readonly string[]): JsonObject {
  const found: string[] = [];
  const order: number[] = [];
  let sorted = true;
  for (const key of keys) {
    const i = fields.indexOf(key);
    if (i < 0 || body[key] === undefined) continue;
    if (order.length > 0 && order[order.length - 1]! > i) sorted = false;
    found.push(key);
    order.push(i);
  }
  if (!sorted) found.sort((a, b) => fields.indexOf(a) - fields.indexOf(b));
  const out: JsonObject = {};
  for (const key of found) out[key] = body[key]!;
  return out;
}

let collator: Intl.Collator['compare'] | undefined;
const byLocale = (a: string, b: string) => (collator ??= new Intl.Collator().compare)(a, b);

/** A sorted copy of an array of strings: for fields whose order the API does not give meaning to. */
export function sortedStrings(value: Json | undefined): Json | undefined {
  if (!Array.isArray(value)) return value;
  return [...value].sort((a, b) => byLocale(String(a), String(b)));
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
