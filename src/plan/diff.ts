import deepDiff from 'deep-diff';
import type { Json } from '../json.js';
import { isObject, stableStringify } from '../json.js';
import type { FieldChange } from './types.js';

function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out;
}

/**
 * The differences between two JSON values as `{path, from, to}`. deep-diff's records stay inside this
 * function. Array edits are reported as the whole array changing: `callbacks: [a] -> [a, b]` reads better
 * than per-index edits and is what a PATCH sends anyway.
 */
export function diffValues(prefix: string, from: Json | undefined, to: Json | undefined): FieldChange[] {
  if (from === undefined || to === undefined || !isObject(from) || !isObject(to)) {
    return equal(from, to) ? [] : [{ path: prefix, from, to }];
  }
  const records = deepDiff.diff(from, to) ?? [];
  const seen = new Set<string>();
  const out: FieldChange[] = [];
  for (const record of records) {
    const rawPath = (record.path ?? []) as (string | number)[];
    // Cut the path at the first array index: arrays change as a whole.
    const cut = rawPath.findIndex((p) => typeof p === 'number');
    const path = cut === -1 ? rawPath : rawPath.slice(0, cut);
    const key = formatPath([prefix, ...path]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: key, from: get(from, path), to: get(to, path) });
  }
  return out;
}

function get(value: Json, path: readonly (string | number)[]): Json | undefined {
  let cur: Json | undefined = value;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, Json>)[part as string];
  }
  return cur;
}

export function equal(a: Json | undefined, b: Json | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  // Most declared fields equal their live value: a walk proves that without writing both out as text.
  return sameShape(a, b) || stableStringify(a) === stableStringify(b);
}

/** True only where the two stable texts are certainly the same (same keys, same values); false is "maybe not". */
function sameShape(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => sameShape(item, b[i] as Json));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && sameShape(a[key] as Json, b[key] as Json));
}

/**
 * The part of a live value the manifest speaks about: for plain objects only the declared keys
 * (recursively), everything else whole. Server defaults on undeclared fields never show as drift.
 */
export function project(live: Json | undefined, declared: Json | undefined): Json | undefined {
  if (!isObject(live) || !isObject(declared)) return live;
  const out: Record<string, Json> = {};
  for (const key of Object.keys(declared)) {
    const value = project(live[key], declared[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}
