import { z } from 'zod';
import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { handlers } from '../kinds/index.js';
import { KINDS } from '../kinds/types.js';
import { EXTERNAL_APIS } from './external-apis.js';

const KEYWORD_REF = { $ref: '#/$defs/keyword' };
const SPLICE_REF = { $ref: '#/$defs/keywordItems' };

/** `...@@NAME@@` as a list item adds the items of a list keyword (keywords.ts). */
const SPLICE_DEF: JsonObject = {
  description: "A list keyword from environments/<env>.yaml whose items are added in this item's place.",
  type: 'string',
  pattern: '^\\.\\.\\.@@[A-Za-z_][A-Za-z0-9_]*@@$',
};

/** `@@NAME@@` may stand for any value; `##NAME##` may sit inside any string. */
const KEYWORD_DEF: JsonObject = {
  description: 'A keyword from environments/<env>.yaml, replaced before validation.',
  anyOf: [
    { type: 'string', pattern: '^@@[A-Za-z_][A-Za-z0-9_]*@@$' },
    { type: 'string', pattern: '##[A-Za-z_][A-Za-z0-9_]*##' },
  ],
};

/**
 * JSON Schema (draft 2020-12) of one manifest file, built from the kinds' zod schemas so editors check
 * the same rules as the loader. Every value position also accepts a keyword scalar, because keywords are
 * replaced after parsing and the editor sees the file before replacement.
 */
export function manifestJsonSchema(): JsonObject {
  const defs: JsonObject = { keyword: KEYWORD_DEF, keywordItems: SPLICE_DEF };
  const properties: JsonObject = {};
  for (const kind of KINDS) {
    const handler = handlers[kind];
    const {
      $schema: _drop,
      $defs,
      ...item
    } = z.toJSONSchema(handler.itemSchema, {
      target: 'draft-2020-12',
      io: 'input',
      unrepresentable: 'any',
    }) as JsonObject;
    if ($defs !== undefined)
      throw new Error(`the ${kind} item schema uses $defs, which manifestJsonSchema does not merge`);
    defs[kind] = allowKeywords(handler.singleton ? item : withPin(item)) as JsonObject;
    properties[kind] = handler.singleton
      ? {
          description: `The ${handler.label}: only the declared fields are managed.`,
          ...withKeyword({ $ref: `#/$defs/${kind}` }),
        }
      : {
          description: `The ${handler.label}s tenantctl manages; an empty list manages the kind with no items.`,
          ...withKeyword({ type: 'array', items: withKeyword({ $ref: `#/$defs/${kind}` }) }),
        };
  }
  properties[EXTERNAL_APIS] = {
    description: 'Identifiers of APIs that exist in the tenant but are not managed here; grants may name them.',
    ...withKeyword({ type: 'array', items: withKeyword({ type: 'string', minLength: 1 }) }),
  };
  properties.exclude = excludeSchema();
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'tenantctl manifest',
    type: 'object',
    properties,
    additionalProperties: false,
    $defs: defs,
  };
}

/** `id:` in a list item: the live object to keep among duplicates of its key (src/manifest/pin.ts). */
function withPin(item: JsonObject): JsonObject {
  if (!isObject(item.properties)) return item;
  const id = { type: 'string', minLength: 1, description: 'The live id to keep when several objects share this key.' };
  return { ...item, properties: { ...item.properties, id } };
}

/** `exclude:` per list kind: keys or glob patterns of objects managed by hand (src/manifest/exclude.ts). */
function excludeSchema(): JsonObject {
  const patterns = withKeyword({ type: 'array', items: withKeyword({ type: 'string', minLength: 1 }) });
  const kinds = KINDS.filter((kind) => !handlers[kind].singleton);
  return {
    description: 'Objects managed by hand, per kind: keys or glob patterns. Never planned, deleted, exported or reported as drift.',
    type: 'object',
    properties: Object.fromEntries(kinds.map((kind) => [kind, patterns])),
    additionalProperties: false,
  };
}

function withKeyword(schema: Json): JsonObject {
  return { anyOf: [schema, KEYWORD_REF] };
}

/** Wraps every value position (properties, list items, map values) so a keyword scalar is accepted there. */
function allowKeywords(schema: Json): Json {
  if (!isObject(schema)) return schema;
  const out: JsonObject = { ...schema };
  if (isObject(schema.properties)) {
    const props: JsonObject = {};
    for (const [name, sub] of Object.entries(schema.properties))
      props[name] = withKeyword(allowKeywords(sub));
    out.properties = props;
  }
  if (isObject(schema.items)) out.items = { anyOf: [allowKeywords(schema.items), KEYWORD_REF, SPLICE_REF] };
  if (Array.isArray(schema.prefixItems))
    out.prefixItems = schema.prefixItems.map((s) => withKeyword(allowKeywords(s)));
  if (isObject(schema.additionalProperties)) {
    out.additionalProperties = withKeyword(allowKeywords(schema.additionalProperties));
  }
  for (const combinator of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = schema[combinator];
    if (Array.isArray(list)) out[combinator] = list.map(allowKeywords);
  }
  return out;
}
