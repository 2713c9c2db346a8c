import type { JsonObject } from '../json.js';
import type { QuerySpec, QueryValues } from './query.js';

/** The `fields`/`include_fields` pair every operation that projects takes (OAS). */
export const FIELD_PARAMS: QuerySpec = { fields: { type: 'string' }, include_fields: { type: 'boolean' } };

/**
 * Top-level projection: `fields` is a comma list; `include_fields=false` drops those keys instead of keeping
 * them (the OAS default is true). No `fields` leaves the object whole.
 */
export function project(body: JsonObject, q: QueryValues | undefined): JsonObject {
  const names = typeof q?.fields === 'string' ? q.fields.split(',').filter(Boolean) : [];
  if (names.length === 0) return body;
  const keep = q?.include_fields !== false;
  return Object.fromEntries(Object.entries(body).filter(([k]) => names.includes(k) === keep));
}
