import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Writes src/emulator/routes/strategy-defaults.ts from the official Management API OpenAPI spec: per
 * connection strategy, the `default` values its options schema gives its own top-level keys. Facts only
 * (names and values); the spec's prose is never copied. Deterministic: spec order, fixed formatting.
 *
 * The strategy of each options schema comes from the spec itself: every per-strategy create body
 * (`CreateConnectionRequestContent<Variant>`) fixes `strategy` with a `const` and points `options` at that
 * strategy's schema, so no hand table is needed.
 *
 * Only top-level keys: a nested default (e.g. inside `oidc_metadata`) describes an object the client
 * sends, not one the server adds. Null defaults are left out: null is "not set".
 *
 *   npm run gen:emulator-defaults -- [PATH/TO/mgmt-api-spec.json]
 */

type Schema = Record<string, unknown>;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const PREFIX = 'CreateConnectionRequestContent';

function main(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const specPath =
    process.argv[2] ??
    [join(root, '..', 'shared'), join(root, '..', '..', 'shared')]
      .map((dir) => join(dir, 'research', 'mgmt-api-spec.json'))
      .find((candidate) => existsSync(candidate));
  if (specPath === undefined || !existsSync(specPath)) {
    throw new Error(`no spec at ${specPath ?? '../shared/research/mgmt-api-spec.json'}: pass its path as the first argument`);
  }
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as Schema;
  const components = ((spec.components as Schema).schemas ?? {}) as Record<string, Schema>;
  const table: Record<string, Record<string, Json>> = {};
  for (const [name, schema] of Object.entries(components)) {
    if (!name.startsWith(PREFIX) || name === PREFIX) continue;
    const { strategy, options } = strategyAndOptions(schema, components);
    if (strategy === undefined || options === undefined) continue;
    const defaults = topLevelDefaults(options, components);
    if (Object.keys(defaults).length > 0) table[strategy] = defaults;
  }
  const file = join(root, 'src', 'emulator', 'routes', 'strategy-defaults.ts');
  writeFileSync(file, render(table));
  process.stdout.write(`${Object.keys(table).length} strategies -> ${file}\n`);
}

function deref(schema: Schema, components: Record<string, Schema>): Schema {
  let s = schema;
  for (let i = 0; typeof s.$ref === 'string' && i < 20; i++) {
    const target = components[s.$ref.split('/').pop() ?? ''];
    if (target === undefined) throw new Error(`unresolved ${s.$ref}`);
    // Keys beside a $ref (a default, say) win over the target's.
    const { $ref: _ref, ...beside } = s;
    s = { ...target, ...beside };
  }
  return s;
}

/** The `strategy` const and the `options` schema of one per-strategy create body (through its allOf). */
function strategyAndOptions(schema: Schema, components: Record<string, Schema>): { strategy?: string; options?: Schema } {
  const out: { strategy?: string; options?: Schema } = {};
  for (const part of [schema, ...((schema.allOf as Schema[] | undefined) ?? [])]) {
    const props = deref(part, components).properties as Record<string, Schema> | undefined;
    const strategy = props?.strategy;
    if (strategy && typeof strategy.const === 'string') out.strategy = strategy.const;
    if (props?.options) out.options = props.options;
  }
  return out;
}

/** Every property of an object schema, through allOf and $ref, later parts winning. */
function properties(schema: Schema, components: Record<string, Schema>): Record<string, Schema> {
  const s = deref(schema, components);
  const out: Record<string, Schema> = {};
  for (const part of (s.allOf as Schema[] | undefined) ?? []) Object.assign(out, properties(part, components));
  Object.assign(out, (s.properties as Record<string, Schema> | undefined) ?? {});
  return out;
}

/**
 * A property's default: on the property, on what it references, or on its only allOf/anyOf/oneOf branch
 * (the spec wraps shared schemas as `allOf: [$ref X]` or `anyOf: [$ref Enum]`, the default on the target).
 */
function defaultOf(schema: Schema, components: Record<string, Schema>): Json | undefined {
  if (schema.default !== undefined) return schema.default as Json;
  const s = deref(schema, components);
  if (s.default !== undefined) return s.default as Json;
  const branches = (s.allOf ?? s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (branches?.length === 1) return defaultOf(branches[0]!, components);
  return undefined;
}

function topLevelDefaults(options: Schema, components: Record<string, Schema>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [key, prop] of Object.entries(properties(options, components))) {
    const value = defaultOf(prop, components);
    if (value !== undefined && value !== null) out[key] = value;
  }
  return out;
}

function render(table: Record<string, Record<string, Json>>): string {
  return [
    '// Generated by scripts/gen-emulator-defaults.ts from the official Management API OpenAPI spec. Do not',
    '// edit: rerun `npm run gen:emulator-defaults` instead.',
    "import type { JsonObject } from '../../json.js';",
    '',
    '/** Per strategy, the spec defaults of its top-level connection options. */',
    'export const STRATEGY_OPTION_DEFAULTS: Readonly<Record<string, JsonObject>> = {',
    ...Object.entries(table).map(([strategy, defaults]) => `  ${JSON.stringify(strategy)}: ${JSON.stringify(defaults)},`),
    '};',
    '',
  ].join('\n');
}

main();
