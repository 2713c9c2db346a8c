import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';

/** Keep only the listed top-level fields that are present. */
export function pick(body: JsonObject, fields: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const field of fields) {
    const value = body[field];
    if (value !== undefined) out[field] = value;
  }
  return out;
}

/** A sorted copy of an array of strings: for fields whose order the API does not give meaning to. */
export function sortedStrings(value: Json | undefined): Json | undefined {
  if (!Array.isArray(value)) return value;
  return [...value].sort((a, b) => String(a).localeCompare(String(b)));
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
