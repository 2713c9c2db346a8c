import { z } from 'zod';
import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { handlers } from '../kinds/index.js';
import type { Kind } from '../kinds/types.js';

/** What a whole-value keyword stands for, when it is not text: the JSON its variable must hold. */
export type JsonType = 'list' | 'mapping' | 'number' | 'boolean';

const TYPE_OF: Record<string, JsonType | 'text'> = {
  array: 'list',
  object: 'mapping',
  integer: 'number',
  number: 'number',
  boolean: 'boolean',
  string: 'text',
};

const schemas = new Map<Kind, Json>();

/** The item's JSON Schema as the manifests check it (zod's own rendering), made once per kind. */
function schemaOf(kind: Kind): Json {
  let schema = schemas.get(kind);
  if (schema === undefined) {
    schema = z.toJSONSchema(handlers[kind].itemSchema, { io: 'input', unrepresentable: 'any' }) as Json;
    schemas.set(kind, schema);
  }
  return schema;
}

/** The alternatives a schema allows (anyOf / oneOf flattened). */
function alternatives(schema: Json): JsonObject[] {
  if (!isObject(schema)) return [];
  const list = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  return list ? list.flatMap(alternatives) : [schema];
}

function child(schema: JsonObject, step: string | number): Json[] {
  if (typeof step === 'number') return schema.items === undefined ? [] : [schema.items];
  if (isObject(schema.properties) && step in schema.properties) return [schema.properties[step] as Json];
  return isObject(schema.additionalProperties) ? [schema.additionalProperties] : [];
}

/**
 * The JSON types the field at `path` of a `kind` item takes, or undefined when text fits there (a string
 * field, a field of any type, or a path the schema does not know). Since tenantctl reads a variable as
 * text unless its binding says `json: true`, only these keywords need JSON.
 */
export function jsonTypesAt(kind: Kind, path: readonly (string | number)[]): JsonType[] | undefined {
  let at = alternatives(schemaOf(kind));
  for (const step of path) at = at.flatMap((s) => child(s, step)).flatMap(alternatives);
  const types = new Set<JsonType | 'text'>();
  for (const s of at) {
    const listed = Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type];
    // No type at all (`{}`, an enum of mixed values) accepts text.
    if (listed.length === 0) return undefined;
    for (const t of listed) if (t !== 'null') types.add(TYPE_OF[String(t)] ?? 'text');
  }
  if (types.size === 0 || types.has('text')) return undefined;
  return [...types].sort() as JsonType[];
}

/** How the report asks for a value of the type, with an example. */
export const EXAMPLE: Record<JsonType, string> = {
  list: `a JSON list, e.g. '["one","two"]'`,
  mapping: `a JSON mapping, e.g. '{"region":"eu"}'`,
  number: 'a JSON number, e.g. 3600',
  boolean: 'true or false',
};
