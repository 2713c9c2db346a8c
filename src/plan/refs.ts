import type { Json } from '../json.js';
import { isObject } from '../json.js';
import { isRef } from '../kinds/common.js';

/** Collect `{ $ref }` addresses anywhere in a body. */
export function refsIn(value: Json | undefined, out: string[] = []): string[] {
  if (isRef(value)) out.push(value.$ref);
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) refsIn(value[i], out);
  else if (isObject(value)) for (const key in value) refsIn(value[key], out);
  return out;
}
