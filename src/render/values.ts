import type { Json } from '../json.js';
import { isRef } from '../kinds/common.js';

/** One value in full, as JSON; refs read as the resource they name. Never cut: see field-lines.ts. */
export function show(value: Json | undefined): string {
  if (value === undefined) return '(unset)';
  if (isRef(value)) return value.$ref;
  return JSON.stringify(value, (_k, v) => (isRef(v) ? v.$ref : v));
}
