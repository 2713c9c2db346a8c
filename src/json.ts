export type Json = null | boolean | number | string | Json[] | JsonObject;
export type JsonObject = { [key: string]: Json };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * JSON with object keys sorted at every level: stable text for digests and comparisons. Built by
 * concatenation in indexed loops, not map/join: it runs on every set element and digest of a plan, without
 * the optimizing compiler (v8-flags.ts), where each callback and iterator step costs.
 */
export function stableStringify(value: Json): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) text += (i === 0 ? '' : ',') + stableStringify(value[i]!);
    return `${text}]`;
  }
  const keys = Object.keys(value).sort();
  let text = '{';
  for (let i = 0; i < keys.length; i++)
    text += `${i === 0 ? '' : ','}${JSON.stringify(keys[i])}:${stableStringify(value[keys[i]!] as Json)}`;
  return `${text}}`;
}

/**
 * Sets the value at `path` (keys and list indexes) from the one there, and says whether it did. The
 * path's parents must exist; the last key too unless `create` (an object then gains it).
 */
export function setIn(
  root: JsonObject,
  path: readonly (string | number)[],
  value: (current: Json | undefined) => Json,
  options: { create?: boolean } = {},
): boolean {
  let at: Json | undefined = root;
  for (const step of path.slice(0, -1)) at = at !== null && typeof at === 'object' ? (at as Record<string, Json>)[step] : undefined;
  const last = path[path.length - 1];
  if (last === undefined || at === null || typeof at !== 'object') return false;
  const container = at as Record<string, Json>;
  const key = String(last);
  if (!(key in container) && !(options.create && isObject(at))) return false;
  container[key] = value(container[key]);
  return true;
}
