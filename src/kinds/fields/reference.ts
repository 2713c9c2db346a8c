import { handlers } from '../index.js';
import { KINDS, type KindHandler } from '../types.js';
import { fieldCoverage } from './coverage.js';
import type { Field } from './field.js';
import { CATALOGS, VARIANTS } from './index.js';

/**
 * docs/fields.md: every field manifests can declare, per kind, from the field catalog (type, values,
 * bounds, create-only, nullable) and the kind modules (sets, secrets, maps, fields left out and why).
 * Written by `npm run docs:fields`; a test fails while the committed file differs.
 */

interface Notes {
  handler: KindHandler;
  required: Set<string>;
  /** Top-level fields the item schema does not accept. */
  leftOut: Set<string>;
}

const code = (text: string | number | boolean) => `\`${String(text).replace(/\|/g, '\\|')}\``;

function typeOf(field: Field): string {
  const format = field.format ? ` (${field.format})` : '';
  switch (field.type) {
    case 'array':
      return `list of ${field.items ? typeOf(field.items) : 'any'}`;
    case 'object':
      if (field.properties && Object.keys(field.properties).length > 0) return 'mapping';
      return field.additional && field.additional !== true ? `map of ${typeOf(field.additional)}` : 'map';
    case 'any':
      return field.oneOf ? [...new Set(field.oneOf.map(typeOf))].join(' or ') : 'any';
    default:
      return `${field.type}${format}`;
  }
}

function range(min: number | undefined, max: number | undefined, unit: string): string | undefined {
  if (min === undefined && max === undefined) return undefined;
  if (min !== undefined && max !== undefined) return `${unit}${min}..${max}`;
  return min !== undefined ? `${unit}≥ ${min}` : `${unit}≤ ${max}`;
}

function valuesOf(field: Field): string {
  const out: string[] = [];
  if (field.enum) out.push(`one of ${field.enum.map(code).join(', ')}`);
  const bounds = [
    range(field.minimum, field.maximum, ''),
    range(field.minLength, field.maxLength, 'length '),
    range(field.minItems, field.maxItems, 'items '),
    field.maxProperties === undefined ? undefined : `at most ${field.maxProperties} keys`,
    field.pattern === undefined ? undefined : `pattern ${code(field.pattern)}`,
  ];
  out.push(...bounds.filter((b): b is string => b !== undefined));
  if (field.type === 'array' && field.items) out.push(...(valuesOf(field.items) ? [`each: ${valuesOf(field.items)}`] : []));
  return out.join('; ');
}

function flagsOf(field: Field, path: string, notes: Notes): string {
  const { handler } = notes;
  const f = handler.fields;
  const flags: string[] = [];
  if (notes.required.has(path)) flags.push('required');
  if (field.createOnly) flags.push('create-only');
  if (field.nullable) flags.push('nullable');
  if (field.lifecycle && field.lifecycle !== 'GA') flags.push(field.lifecycle);
  if (field.type === 'array') flags.push(f?.semantics?.sets?.includes(path) ? 'set' : 'ordered');
  if ((handler.secretFields ?? []).includes(path)) flags.push('**secret** (env-bound keyword only, never compared)');
  if (handler.mapFields.includes(path)) flags.push('compared whole');
  if (handler.replaceFields.includes(path)) flags.push('change replaces');
  const renamed = f?.spec.declaredAs?.[path];
  if (renamed) flags.push(`declared as ${code(renamed)}`);
  const reason = f?.spec.unmanaged?.[path] ?? f?.unmanagedNested?.[path];
  if (reason) flags.push(`**not managed**: ${reason}`);
  else if (notes.leftOut.has(path)) flags.push('**not declarable**');
  const variants = VARIANTS[handler.kind];
  if (variants?.field === path) flags.push(`shape per ${code(variants.discriminator)}: see below`);
  return flags.join('; ');
}

/** One row per field, then its nested fields (`a.b`, `list[].c`). */
function rows(fields: Record<string, Field>, prefix: string, notes: Notes): string[] {
  return Object.entries(fields).flatMap(([name, field]) => {
    const path = `${prefix}${name}`;
    const row = `| ${code(path)} | ${typeOf(field)} | ${valuesOf(field)} | ${flagsOf(field, path, notes)} |`;
    if (notes.handler.fields?.unmanagedNested?.[path] || notes.leftOut.has(path)) return [row];
    if (VARIANTS[notes.handler.kind]?.field === path) return [row];
    const nested = field.type === 'array' ? field.items : field;
    const sub = nested?.properties ? rows(nested.properties, `${path}${field.type === 'array' ? '[]' : ''}.`, notes) : [];
    return [row, ...sub];
  });
}

const HEADER = ['| field | type | values and bounds | notes |', '| --- | --- | --- | --- |'];

/** Connection options per strategy: the spec's own shape for each (sandbox strategies share one). */
function variantSections(handler: KindHandler, notes: Notes): string[] {
  const variants = VARIANTS[handler.kind];
  if (variants === undefined) return [];
  const strategiesOf = new Map<string, string[]>();
  for (const [value, shape] of Object.entries(variants.byValue))
    strategiesOf.set(shape, [...(strategiesOf.get(shape) ?? []), value]);
  return [...strategiesOf].flatMap(([shape, strategies]) => [
    '',
    `#### \`${variants.field}\` for strategy ${strategies.map(code).join(', ')}`,
    '',
    ...HEADER,
    ...rows(variants.shapes[shape]?.properties ?? {}, `${variants.field}.`, notes),
  ]);
}

/** The whole document. */
export function fieldReference(): string {
  const coverage = new Map(fieldCoverage().map((c) => [c.kind, c]));
  const out = [
    '# Manifest fields',
    '',
    'Generated by `npm run docs:fields` from the field catalog (`src/kinds/fields/`, generated from the',
    "official Management API spec) and the kind modules. Do not edit: a test fails while it is stale.",
    '',
    'Every field of an item is optional unless marked required; only the fields an item declares are',
    'compared and sent. **set**: order carries no meaning; **ordered**: a reorder is a change.',
    '**secret**: only from a keyword bound to an environment variable; sent, never printed or compared.',
    '**create-only**: the API takes it on create only. **compared whole**: a key dropped from the manifest',
    'is removed from the tenant.',
  ];
  for (const kind of KINDS) {
    const catalog = CATALOGS[kind];
    if (catalog === undefined) continue;
    const handler = handlers[kind];
    const c = coverage.get(kind);
    const required = new Set(handler.fields?.spec.required ?? catalog.required);
    const notes: Notes = { handler, required, leftOut: new Set(c?.leftOut.map((l) => l.field)) };
    const extra = Object.keys(handler.fields?.spec.extra ?? {});
    out.push(
      '',
      `## \`${kind}\``,
      '',
      `From \`${catalog.source}\`. Declarable: ${c?.declared} of ${c?.total} top-level fields.` +
        (extra.length > 0 ? ` Manifest-only fields: ${extra.map(code).join(', ')}.` : ''),
      '',
      ...HEADER,
      ...rows(catalog.fields, '', notes),
      ...variantSections(handler, notes),
    );
  }
  return `${out.join('\n')}\n`;
}
