import { byText } from '../../text-order.js';
import type { Json, JsonObject } from '../../json.js';
import { isObject, stableStringify } from '../../json.js';

/**
 * What the spec cannot say about a kind's fields, applied the same way to both sides of a comparison.
 * Paths are dotted (`options.client_secret`) and reach into nested objects.
 */
export interface FieldSemantics {
  /** Arrays whose order the API gives no meaning: sorted on both sides, so a reorder is no change. */
  sets?: string[];
  /** Write-only fields: set only from env-bound keywords, sent on create, never read back nor compared. */
  secrets?: string[];
  /**
   * Values the API holds for fields it leaves out of its answers: filled into live objects, so a manifest
   * that declares the default sees no change.
   */
  liveDefaults?: Record<string, Json>;
}

/** A copy of `body` with `fn` applied to the value at `path` from `from` on (absent values are left alone). */
function updateAt(body: JsonObject, path: readonly string[], fn: (value: Json) => Json | undefined, from = 0): JsonObject {
  const head = path[from];
  if (head === undefined || !(head in body)) return body;
  const out = { ...body };
  const value = body[head] as Json;
  if (from === path.length - 1) {
    const next = fn(value);
    if (next === undefined) delete out[head];
    else out[head] = next;
  } else if (isObject(value)) {
    out[head] = updateAt(value, path, fn, from + 1);
  }
  return out;
}

/** A kind's dotted paths, split once: canonicalFields runs on both sides of every item of a plan. */
const splitPaths = new WeakMap<FieldSemantics, { secrets: string[][]; sets: string[][] }>();
function pathsOf(semantics: FieldSemantics): { secrets: string[][]; sets: string[][] } {
  let paths = splitPaths.get(semantics);
  if (paths === undefined) {
    const split = (list: string[] | undefined) => (list ?? []).map((path) => path.split('.'));
    paths = { secrets: split(semantics.secrets), sets: split(semantics.sets) };
    splitPaths.set(semantics, paths);
  }
  return paths;
}

function sortedSet(value: Json): Json {
  if (!Array.isArray(value)) return value;
  if (value.length < 2) return [...value];
  // Each element's text once, not twice per comparison (sets of hundreds of client names).
  return value
    .map((item) => ({ item, text: stableStringify(item) }))
    .sort((a, b) => byText(a.text, b.text))
    .map(({ item }) => item);
}

/** Drop secrets, sort sets: what both the manifest side and the live side look like before comparing. */
export function canonicalFields(body: JsonObject, semantics: FieldSemantics): JsonObject {
  const { secrets, sets } = pathsOf(semantics);
  let out = body;
  for (const secret of secrets) out = updateAt(out, secret, () => undefined);
  for (const set of sets) out = updateAt(out, set, sortedSet);
  return out;
}

/** Fill the API's unstated defaults into a live object (top-level fields only). */
export function withLiveDefaults(live: JsonObject, semantics: FieldSemantics): JsonObject {
  const out = { ...live };
  for (const [field, value] of Object.entries(semantics.liveDefaults ?? {})) out[field] ??= value;
  return out;
}
