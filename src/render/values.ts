import type { Json } from '../json.js';
import { isRef } from '../kinds/common.js';

/** One value on one line: refs read as the resource they name, long values are cut. */
export function show(value: Json | undefined, max = 160): string {
  if (value === undefined) return '(unset)';
  if (isRef(value)) return value.$ref;
  const text = JSON.stringify(value, (_k, v) => (isRef(v) ? v.$ref : v));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
