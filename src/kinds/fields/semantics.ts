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

/**
 * Plain text whose JSON form is `"` + itself + `"` and sorts as it does: no escapes, and nothing below
 * `"` that the closing quote would sort after (`["a", "a!"]` is ordered differently as JSON).
 */
// Control characters are exactly what the test is about: JSON escapes them.
// eslint-disable-next-line no-control-regex
const PLAIN_TEXT = /^[^\u0000-\u0022\\\ud800-\udfff]*$/;

function sortedSet(value: Json): Json {
  if (!Array.isArray(value)) return value;
  if (value.length < 2) return [...value];
  // Most sets are plain strings (callbacks, grant types, origins): sorted as they are, in the order their
  // JSON texts sort in, without writing those texts.
  let plain = true;
  for (let i = 0; i < value.length && plain; i++) {
    const item = value[i];
    plain = typeof item === 'string' && PLAIN_TEXT.test(item);
  }
  if (plain) return (value as string[]).slice().sort();
  // Each element's text once, not twice per comparison (sets of hundreds of client names).
  return value
    .map((item) => ({ item, text: stableStringify(item) }))
    .sort((a, b) => byText(a.text, b.text))
    .map(({ item }) => item);
}

const dropped = (): undefined => undefined;

/** Whether `body` has a value at `path` (a dotted path split), through nested objects. */
function has(body: JsonObject, path: readonly string[]): boolean {
  let at: Json | undefined = body;
  for (let i = 0; i < path.length - 1; i++) {
    at = (at as JsonObject)[path[i]!];
    if (!isObject(at)) return false;
  }
  return path[path.length - 1]! in at;
}

/**
 * Drop secrets, sort sets: what both the manifest side and the live side look like before comparing.
 * `body` is left as it is; the result is copied once, with the nested objects on a changed path, however
 * many paths apply (each path copied the whole item: ~0.01 s of a 1,000-client replan).
 */
export function canonicalFields(body: JsonObject, semantics: FieldSemantics): JsonObject {
  const { secrets, sets } = pathsOf(semantics);
  let out = body;
  // Made on the first path the body has: most items of a kind have none, and this runs on both sides of each.
  let copies: Set<JsonObject> | undefined;
  const update = (path: readonly string[], fn: (value: Json) => Json | undefined) => {
    if (!has(out, path)) return;
    if (copies === undefined) {
      out = { ...out };
      copies = new Set([out]);
    }
    let at = out;
    for (let i = 0; i < path.length - 1; i++) {
      let next = at[path[i]!] as JsonObject;
      if (!copies.has(next)) {
        next = { ...next };
        copies.add(next);
        at[path[i]!] = next;
      }
      at = next;
    }
    const last = path[path.length - 1]!;
    const next = fn(at[last]!);
    if (next === undefined) delete at[last];
    else at[last] = next;
  };
  for (let i = 0; i < secrets.length; i++) update(secrets[i]!, dropped);
  for (let i = 0; i < sets.length; i++) update(sets[i]!, sortedSet);
  return out;
}

/** Fill the API's unstated defaults into a live object (top-level fields only). */
export function withLiveDefaults(live: JsonObject, semantics: FieldSemantics): JsonObject {
  const out = { ...live };
  for (const [field, value] of Object.entries(semantics.liveDefaults ?? {})) out[field] ??= value;
  return out;
}
