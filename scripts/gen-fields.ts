import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSpec, projectRoot, type Schema } from './spec.js';
import type { Field, KindCatalog, VariantCatalog } from '../src/kinds/fields/field.js';

/**
 * Writes src/kinds/fields/<kind>.ts from the official Management API OpenAPI spec: every field of each
 * kind's create and update request bodies, with its type, shape, enums and bounds. Facts only: the spec's
 * descriptions are never copied. The output is deterministic (spec order, fixed formatting), so a rerun
 * on the same spec changes nothing.
 *
 *   npm run gen:fields -- [PATH/TO/mgmt-api-spec.json]   (default: ../shared/research/mgmt-api-spec.json)
 */


/**
 * Shapes of one field that depend on another field's value: the spec's per-value create bodies (named
 * `<prefix><Variant>`) each fix `discriminator` with a `const` and give `field` its own shape.
 */
interface Variants {
  prefix: string;
  discriminator: string;
  field: string;
}

/** Each kind's request bodies: [method, path] of its create (if any) and its update. */
const SOURCES: Record<string, { create?: [string, string]; update: [string, string]; variants?: Variants }> = {
  tenant: { update: ['patch', '/tenants/settings'] },
  resourceServers: { create: ['post', '/resource-servers'], update: ['patch', '/resource-servers/{id}'] },
  clients: { create: ['post', '/clients'], update: ['patch', '/clients/{id}'] },
  clientGrants: { create: ['post', '/client-grants'], update: ['patch', '/client-grants/{id}'] },
  organizations: { create: ['post', '/organizations'], update: ['patch', '/organizations/{id}'] },
  connections: {
    create: ['post', '/connections'],
    update: ['patch', '/connections/{id}'],
    // Each strategy's own options (CreateConnectionRequestContentAuth0, ...SAML, ...): the generic body
    // leaves them open.
    variants: { prefix: 'CreateConnectionRequestContent', discriminator: 'strategy', field: 'options' },
  },
  networkAcls: { create: ['post', '/network-acls'], update: ['patch', '/network-acls/{id}'] },
  users: { create: ['post', '/users'], update: ['patch', '/users/{id}'] },
  roles: { create: ['post', '/roles'], update: ['patch', '/roles/{id}'] },
};

const BOUNDS = ['minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems', 'maxProperties'] as const;
const TYPES = new Set(['string', 'integer', 'number', 'boolean', 'object', 'array']);

function main(): void {
  const root = projectRoot();
  const { spec, components } = loadSpec(process.argv[2]);
  const paths = spec.paths as Record<string, Record<string, Schema>>;
  const convert = converter(components);
  for (const [kind, source] of Object.entries(SOURCES)) {
    const body = ([method, path]: [string, string]): Schema => {
      const op = paths[path]?.[method];
      const content = (op?.requestBody as Schema | undefined)?.content as Record<string, Schema> | undefined;
      const schema = content?.['application/json']?.schema as Schema | undefined;
      if (schema === undefined) throw new Error(`the spec has no JSON request body for ${method.toUpperCase()} ${path}`);
      return schema;
    };
    const update = convert(body(source.update), []);
    const create = source.create ? convert(body(source.create), []) : undefined;
    const catalog: KindCatalog = {
      source: [source.create, source.update]
        .filter((s): s is [string, string] => s !== undefined)
        .map(([m, p]) => `${m.toUpperCase()} ${p}`)
        .join(' + '),
      required: create?.required ?? [],
      fields: create ? mergeFields(create.properties ?? {}, update.properties ?? {}) : (update.properties ?? {}),
    };
    const variants = source.variants ? variantsOf(source.variants, components, convert) : undefined;
    const file = join(root, 'src', 'kinds', 'fields', `${kind}.ts`);
    writeFileSync(file, render(kind, catalog, variants));
    process.stdout.write(`${kind}: ${Object.keys(catalog.fields).length} fields -> ${file}\n`);
  }
}

/** The property `name` of a schema, looking through allOf. */
function propertyOf(schema: Schema, name: string, components: Record<string, Schema>): Schema | undefined {
  const resolved = typeof schema.$ref === 'string' ? components[schema.$ref.split('/').at(-1) ?? ''] : schema;
  const own = (resolved?.properties as Record<string, Schema> | undefined)?.[name];
  if (own !== undefined) return own;
  for (const sub of (resolved?.allOf as Schema[] | undefined) ?? []) {
    const found = propertyOf(sub, name, components);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** value of the discriminator -> the name of its shape; shape name -> the shape (shared shapes once). */
function variantsOf(v: Variants, components: Record<string, Schema>, convert: ReturnType<typeof converter>): VariantCatalog {
  const out: VariantCatalog = { discriminator: v.discriminator, field: v.field, byValue: {}, shapes: {} };
  for (const [name, schema] of Object.entries(components)) {
    if (!name.startsWith(v.prefix) || name === v.prefix) continue;
    const value = propertyOf(schema, v.discriminator, components)?.const;
    const shape = propertyOf(schema, v.field, components);
    const ref = typeof shape?.$ref === 'string' ? shape.$ref.split('/').at(-1) : undefined;
    if (typeof value !== 'string' || ref === undefined) continue;
    out.byValue[value] = ref;
    out.shapes[ref] ??= convert({ $ref: `#/components/schemas/${ref}` }, []);
  }
  return out;
}

/** Create fields, then update-only ones; a field only in the create body is create-only. */
function mergeFields(create: Record<string, Field>, update: Record<string, Field>): Record<string, Field> {
  const out: Record<string, Field> = {};
  for (const [name, field] of Object.entries(create)) {
    const other = update[name];
    out[name] = other === undefined ? { ...field, createOnly: true } : mergeField(field, other);
  }
  for (const [name, field] of Object.entries(update)) if (!(name in out)) out[name] = field;
  return out;
}

/** The same field in both bodies: nested objects take the union of their keys; null if either allows it. */
function mergeField(create: Field, update: Field): Field {
  const out: Field = { ...create };
  if (update.nullable) out.nullable = true;
  if (create.properties && update.properties) {
    const merged: Record<string, Field> = { ...create.properties };
    for (const [name, field] of Object.entries(update.properties))
      merged[name] = create.properties[name] ? mergeField(create.properties[name], field) : field;
    out.properties = merged;
  }
  return out;
}

function converter(components: Record<string, Schema>) {
  const convert = (schema: Schema, stack: string[]): Field => {
    const ref = schema.$ref;
    if (typeof ref === 'string') {
      const name = ref.split('/').at(-1) ?? '';
      // A self-referencing shape is left free-form rather than unrolled.
      if (stack.includes(name)) return { type: 'any' };
      const target = components[name];
      if (target === undefined) throw new Error(`unresolved $ref ${ref}`);
      const field = convert(target, [...stack, name]);
      const lifecycle = schema['x-release-lifecycle'];
      return typeof lifecycle === 'string' ? { ...field, lifecycle } : field;
    }
    const declared = Array.isArray(schema.type) ? (schema.type as string[]) : schema.type === undefined ? [] : [schema.type as string];
    const nullable = declared.includes('null') || (Array.isArray(schema.enum) && schema.enum.includes(null));
    const types = declared.filter((t) => t !== 'null' && TYPES.has(t));
    const alternatives = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
    let field: Field;
    if (Array.isArray(schema.allOf)) {
      field = (schema.allOf as Schema[]).map((s) => convert(s, stack)).reduce(allOf);
    } else if (alternatives) {
      const shapes = alternatives.map((s) => convert(s, stack));
      const nonNull = shapes.filter((s) => !(s.type === 'any' && s.nullable));
      field = nonNull.length === 1 ? { ...nonNull[0]! } : { type: 'any', oneOf: nonNull };
      if (nonNull.length !== shapes.length || shapes.some((s) => s.nullable)) field.nullable = true;
    } else if (types.length > 1) {
      field = { type: 'any', oneOf: types.map((t) => shapeOf({ ...schema, type: t }, t, stack)) };
    } else {
      field = shapeOf(schema, types[0] ?? inferType(schema), stack);
    }
    if (nullable) field.nullable = true;
    const lifecycle = schema['x-release-lifecycle'];
    if (typeof lifecycle === 'string') field.lifecycle = lifecycle;
    return field;
  };

  const shapeOf = (schema: Schema, type: string, stack: string[]): Field => {
    const field: Field = { type: type as Field['type'] };
    if (Array.isArray(schema.enum)) field.enum = (schema.enum as Field['enum'] & unknown[]).filter((v) => v !== null);
    if (typeof schema.format === 'string') field.format = schema.format;
    if (typeof schema.pattern === 'string') field.pattern = schema.pattern;
    for (const bound of BOUNDS) if (typeof schema[bound] === 'number') field[bound] = schema[bound] as number;
    if (type === 'array' && schema.items !== undefined) field.items = convert(schema.items as Schema, stack);
    if (type === 'object') {
      const props = schema.properties as Record<string, Schema> | undefined;
      if (props) {
        field.properties = {};
        for (const [name, sub] of Object.entries(props)) field.properties[name] = convert(sub, stack);
      }
      if (Array.isArray(schema.required) && schema.required.length > 0) field.required = schema.required as string[];
      const extra = schema.additionalProperties;
      // Without additionalProperties the spec leaves extra keys open; only say so where it lists no keys at all.
      if (extra === true || (extra === undefined && !props)) field.additional = true;
      else if (typeof extra === 'object' && extra !== null) field.additional = convert(extra as Schema, stack);
    }
    return field;
  };
  return convert;
}

/**
 * Every shape at once: objects get the keys of all of them; a part without a type of its own only adds
 * bounds (`allOf: [{$ref: ConnectionClientSecret}, {maxLength: 512}]` is a string).
 */
function allOf(a: Field, b: Field): Field {
  const type = b.type === 'any' && b.oneOf === undefined ? a.type : b.type;
  const out: Field = { ...a, ...b, type: type === 'any' && (a.properties || b.properties) ? 'object' : type };
  if (a.properties || b.properties) out.properties = { ...a.properties, ...b.properties };
  const required = [...(a.required ?? []), ...(b.required ?? [])];
  if (required.length > 0) out.required = [...new Set(required)];
  return out;
}

function inferType(schema: Schema): string {
  if (Array.isArray(schema.enum)) {
    const kinds = new Set(schema.enum.filter((v) => v !== null).map((v) => (typeof v === 'number' ? 'number' : typeof v)));
    if (kinds.size === 1) return [...kinds][0]!;
  }
  if (schema.properties !== undefined || schema.additionalProperties !== undefined) return 'object';
  if (schema.items !== undefined) return 'array';
  return 'any';
}

function render(kind: string, catalog: KindCatalog, variants: VariantCatalog | undefined): string {
  const lines = [
    '// Generated by scripts/gen-fields.ts from the official Management API OpenAPI spec. Do not edit:',
    '// rerun `npm run gen:fields` instead.',
    `import type { KindCatalog${variants ? ', VariantCatalog' : ''} } from './field.js';`,
    '',
    `export const ${kind}Catalog: KindCatalog = {`,
    `  source: ${JSON.stringify(catalog.source)},`,
    `  required: ${JSON.stringify(catalog.required)},`,
    '  fields: {',
    ...Object.entries(catalog.fields).map(([name, field]) => `    ${JSON.stringify(name)}: ${JSON.stringify(field)},`),
    '  },',
    '};',
    ...(variants ? renderVariants(kind, variants) : []),
    '',
  ];
  return lines.join('\n');
}

function renderVariants(kind: string, v: VariantCatalog): string[] {
  return [
    '',
    `/** \`${v.field}\` per \`${v.discriminator}\`. */`,
    `export const ${kind}Variants: VariantCatalog = {`,
    `  discriminator: ${JSON.stringify(v.discriminator)},`,
    `  field: ${JSON.stringify(v.field)},`,
    '  byValue: {',
    ...Object.entries(v.byValue).map(([value, name]) => `    ${JSON.stringify(value)}: ${JSON.stringify(name)},`),
    '  },',
    '  shapes: {',
    ...Object.entries(v.shapes).map(([name, field]) => `    ${JSON.stringify(name)}: ${JSON.stringify(field)},`),
    '  },',
    '};',
  ];
}

try {
  main();
} catch (error) {
  process.stderr.write(`gen-fields: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
