import { z } from 'zod';
import type { Field, KindCatalog } from './field.js';

/**
 * Catalog fields -> zod. Objects the spec lists keys for are strict, even where the spec leaves them open
 * (`jwt_configuration` has `additionalProperties: true`): a misspelt key must fail with a did-you-mean at
 * any depth rather than be sent and silently ignored. Objects without listed keys are free-form maps.
 */
export function fieldSchema(field: Field): z.ZodType {
  switch (field.type) {
    case 'string':
      return field.enum ? enumOf(field.enum) : stringOf(field);
    case 'integer':
    case 'number':
      return field.enum ? enumOf(field.enum) : numberOf(field);
    case 'boolean':
      return z.boolean();
    case 'array': {
      let list = z.array(field.items ? fieldSchema(field.items) : z.unknown());
      if (field.minItems !== undefined) list = list.min(field.minItems);
      if (field.maxItems !== undefined) list = list.max(field.maxItems);
      return list;
    }
    case 'object':
      // Built on first use: most items declare none of the nested objects (a client's thirty addons), and
      // building them all at start-up cost every command that loads the kinds ~40 ms.
      return field.properties && Object.keys(field.properties).length > 0 ? lazily(() => objectOf(field)) : objectOf(field);
    default:
      if (field.oneOf && field.oneOf.length > 0) {
        const [first, ...rest] = field.oneOf.map(fieldSchema);
        return rest.length === 0 ? first! : z.union([first!, ...rest]);
      }
      return z.unknown();
  }
}

function lazily(build: () => z.ZodType): z.ZodType {
  let built: z.ZodType | undefined;
  return z.lazy(() => (built ??= build()));
}

function enumOf(values: NonNullable<Field['enum']>): z.ZodType {
  if (values.every((v) => typeof v === 'string')) return z.enum(values as [string, ...string[]]);
  const [first, ...rest] = values.map((v) => z.literal(v));
  return rest.length === 0 ? first! : z.union([first!, ...rest]);
}

/** The spec's own formats that are plain enough to check offline; others are the API's to judge. */
function stringOf(field: Field): z.ZodType {
  switch (field.format) {
    case 'email':
      return z.email();
    case 'email-or-empty':
      return z.union([z.email(), z.literal('')]);
    case 'absolute-uri-or-empty':
      return z.union([z.url(), z.literal('')]);
    case 'absolute-https-uri-or-empty':
      return z.union([z.url({ protocol: /^https$/ }), z.literal('')]).describe('an absolute https URL, or "" for none');
  }
  let text = z.string();
  if (field.minLength !== undefined) text = text.min(field.minLength);
  if (field.maxLength !== undefined) text = text.max(field.maxLength);
  const pattern = compiled(field.pattern);
  if (pattern) text = text.regex(pattern);
  return text;
}

/** Spec patterns are ECMA-262 in practice; one JavaScript cannot read is left to the API. */
function compiled(pattern: string | undefined): RegExp | undefined {
  if (pattern === undefined) return undefined;
  try {
    return new RegExp(pattern);
  } catch {
    return undefined;
  }
}

function numberOf(field: Field): z.ZodType {
  let n = field.type === 'integer' ? z.number().int() : z.number();
  if (field.minimum !== undefined) n = n.min(field.minimum);
  if (field.maximum !== undefined) n = n.max(field.maximum);
  return n;
}

function objectOf(field: Field): z.ZodType {
  const extra = field.additional;
  const values = extra === undefined || extra === true ? undefined : fieldSchema(extra);
  let schema: z.ZodType;
  if (field.properties && Object.keys(field.properties).length > 0) {
    const shape = shapeOf(field.properties, field.required ?? []);
    // Typed extra keys (a map beside fixed keys) stay declarable; untyped ones are what typos look like.
    schema = values === undefined ? z.strictObject(shape) : z.object(shape).catchall(values);
  } else {
    schema = z.record(z.string(), values ?? z.unknown());
  }
  const max = field.maxProperties;
  return max === undefined
    ? schema
    : schema.refine((v) => Object.keys(v as object).length <= max, `at most ${max} keys`);
}

function shapeOf(properties: Record<string, Field>, required: string[]): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, sub] of Object.entries(properties)) {
    const schema = fieldSchema(sub);
    shape[name] = required.includes(name) ? schema : schema.optional();
  }
  return shape;
}

/** What a kind says about its manifest items beyond the catalog. */
export interface ItemSchemaSpec {
  /** Catalog fields a manifest may not declare, each with its reason (shown by fields:coverage). */
  unmanaged?: Record<string, string>;
  /** Hand-written schemas for catalog fields: refinements the spec cannot state, manifest-only forms. */
  overrides?: Record<string, z.ZodType>;
  /** Manifest fields not in the catalog (`client` by name instead of `client_id`), placed first. */
  extra?: Record<string, z.ZodType>;
  /** Catalog fields a manifest writes under another name, given in `extra` (`client_id` as `client`). */
  declaredAs?: Record<string, string>;
  /** Required fields, when they differ from the create body's (a key field the API itself defaults). */
  required?: string[];
}

/** One manifest item's strict schema: every catalog field not left unmanaged, optional unless required. */
export function itemSchemaOf(catalog: KindCatalog, spec: ItemSchemaSpec = {}): z.ZodObject {
  const required = new Set(spec.required ?? catalog.required);
  const shape: Record<string, z.ZodType> = {};
  const add = (name: string, schema: z.ZodType) => {
    shape[name] = required.has(name) ? schema : schema.optional();
  };
  for (const [name, schema] of Object.entries(spec.extra ?? {})) add(name, schema);
  for (const [name, field] of Object.entries(catalog.fields)) {
    if (spec.unmanaged?.[name] !== undefined || spec.declaredAs?.[name] !== undefined) continue;
    add(name, spec.overrides?.[name] ?? fieldSchema(field));
  }
  return z.strictObject(shape);
}

/** The catalog fields a kind's manifests declare under their own names (picked out of API objects). */
export function managedFields(catalog: KindCatalog, spec: ItemSchemaSpec = {}): string[] {
  return Object.keys(catalog.fields).filter(
    (name) => spec.unmanaged?.[name] === undefined && spec.declaredAs?.[name] === undefined,
  );
}
