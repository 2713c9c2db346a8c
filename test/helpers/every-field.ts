import type { z } from 'zod';
import { type Json, type JsonObject, stableStringify } from '../../src/json.js';
import type { Field, KindCatalog } from '../../src/kinds/fields/field.js';
import type { KindHandler } from '../../src/kinds/types.js';

/**
 * Manifest items with every declared field set, built from a kind's catalog (src/kinds/fields/*.ts) and
 * its manifest schema. Two variants give every field two different valid values, so each field sits at a
 * value other than the API's default in at least one of them: a field that is not sent, not stored or
 * not read back shows as a diff after the apply of that variant.
 *
 * Values are generated from the field's facts (enum members, bounds, formats); where the API needs
 * coherence between fields, or a field points at another object, the caller hand-picks it with `picked`.
 * A field the generator cannot satisfy (a pattern, an id format, a manifest-only field) throws, so a field
 * a kind starts declaring cannot slip past the round trip unset.
 */
export type Variant = 0 | 1;

/** Hand-picked values by dotted path (`refresh_token`, `options.mfa.active`; an array whole), one per variant. */
export type Picked = Record<string, readonly [Json, Json]>;

const URL_FORMATS = /ur[il]/;

/** Formats the generator can write; others name ids or shapes the caller must pick. */
function formatted(format: string, variant: Variant, slug: string): string | undefined {
  if (format === 'email' || format === 'email-or-empty') return `${slug}-${variant}@every-field.example`;
  if (URL_FORMATS.test(format)) return `https://v${variant}.every-field.example/${slug}`;
  if (format === 'html-color') return variant === 0 ? '#0a1b2c' : '#3d4e5f';
  if (format === 'date-time') return `2031-0${variant + 1}-15T00:00:00.000Z`;
  if (format === 'ipv4') return variant === 0 ? '198.51.100.7' : '203.0.113.9';
  if (format === 'cidr') return variant === 0 ? '198.51.100.0/24' : '203.0.113.0/24';
  if (format === 'ipv6') return variant === 0 ? '2001:db8::7' : '2001:db8::9';
  if (format === 'ipv6_cidr') return variant === 0 ? '2001:db8:1::/48' : '2001:db8:2::/48';
  if (format === 'uuid') return variant === 0 ? '0b6e2a51-8a3c-4f0e-9d1a-5c7b2e4f6a80' : 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b';
  if (format === 'hostname') return `v${variant}.every-field.example`;
  return undefined;
}

function text(field: Field, variant: Variant, path: string): string {
  const slug = path.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase();
  if (field.format === 'hexadecimal') return (variant === 0 ? '0a1b2c3d' : '6f5e4d3c').repeat(16).slice(0, field.minLength ?? 40);
  if (field.format !== undefined) {
    const value = formatted(field.format, variant, slug);
    if (value === undefined) throw new Error(`${path}: format '${field.format}' needs a hand-picked value`);
    return value;
  }
  const fit = (value: string) => {
    let out = value;
    if (field.minLength !== undefined) out = out.padEnd(field.minLength, out.at(-1));
    if (field.maxLength !== undefined) out = out.slice(-field.maxLength);
    return out;
  };
  // A pattern takes the first of a few plain shapes that fits it: a slug, digits, hex, letters.
  const candidates = [`${slug}-v${variant}`, `${variant + 1}${variant + 2}${variant + 3}`, `0a1b2c${variant}`, `everyfield${'ab'[variant]}`].map(fit);
  const value = candidates.find((c) => field.pattern === undefined || new RegExp(field.pattern).test(c));
  if (value === undefined) throw new Error(`${path}: pattern ${field.pattern} needs a hand-picked value`);
  return value;
}

function number(field: Field, variant: Variant): number {
  const low = field.minimum ?? 0;
  // A third and two thirds of the way through the bounds: inside them, and far from both ends.
  if (field.maximum !== undefined) return low + Math.floor(((field.maximum - low) * (variant + 1)) / 3);
  return low + 300 * (variant + 1);
}

function enumMember(values: NonNullable<Field['enum']>, variant: Variant): Json {
  // From the end: first members are most often the API's default.
  return values[Math.max(0, values.length - 1 - variant)] as Json;
}

function list(field: Field, variant: Variant, path: string, picked: Picked): Json[] {
  const items = field.items;
  if (items === undefined) throw new Error(`${path}: an array of unknown items needs a hand-picked value`);
  let out: Json[];
  const least = field.minItems ?? 0;
  if (items.enum !== undefined && least > 2) {
    // As many members as needed, in another order for the second variant.
    const members = items.enum.slice(0, least) as Json[];
    out = variant === 0 ? members.reverse() : members;
  } else if (items.enum !== undefined && items.enum.length > 1) {
    // Two members, then a different one: a change of members, not only of order.
    out = variant === 0 ? [items.enum.at(-1) as Json, items.enum.at(-2) as Json] : [items.enum[0] as Json];
  } else {
    const first = valueAt(items, variant, `${path}.first`, picked);
    // A format gives one value per variant: the second item then takes the other variant's, so items stay unique.
    let second = valueAt(items, variant, `${path}.second`, picked);
    if (stableStringify(second) === stableStringify(first)) second = valueAt(items, variant === 0 ? 1 : 0, `${path}.second`, picked);
    out = variant === 0 ? [first, second] : [first];
  }
  if (field.maxItems !== undefined) out = out.slice(0, field.maxItems);
  return out;
}

function object(field: Field, variant: Variant, path: string, picked: Picked): JsonObject {
  const out: JsonObject = {};
  const properties = Object.entries(field.properties ?? {});
  for (const [name, sub] of properties) out[name] = valueAt(sub, variant, `${path}.${name}`, picked);
  if (properties.length === 0) {
    // A map: one key whose value changes (and whose name changes, so removal is exercised too).
    const values = field.additional === undefined || field.additional === true ? { type: 'string' as const } : field.additional;
    out[`key_v${variant}`] = valueAt(values, variant, `${path}.key`, picked);
  }
  return out;
}

/** A valid value of `field` for `variant`; `path` names it in picks, messages and generated text. */
export function valueAt(field: Field, variant: Variant, path: string, picked: Picked): Json {
  const pick = picked[path];
  if (pick !== undefined) return pick[variant];
  if (field.enum !== undefined) return enumMember(field.enum, variant);
  switch (field.type) {
    case 'string':
      return text(field, variant, path);
    case 'integer':
    case 'number':
      return number(field, variant);
    case 'boolean':
      return variant === 0;
    case 'array':
      return list(field, variant, path, picked);
    case 'object':
      return object(field, variant, path, picked);
    default:
      if (field.oneOf?.[0] !== undefined) return valueAt(field.oneOf[0], variant, path, picked);
      throw new Error(`${path}: a value of no stated type needs a hand-picked value`);
  }
}

/** The top-level fields a kind's manifest items may declare: the keys of its strict item schema. */
export function declaredFields(handler: KindHandler): string[] {
  return Object.keys((handler.itemSchema as z.ZodObject).shape);
}

/**
 * One manifest item with every declared field of `handler` set: catalog fields generated (or picked),
 * manifest-only fields (`credentials`, `members`, `client`) picked, as every one of them must be.
 */
export function everyField(
  handler: KindHandler,
  catalog: KindCatalog,
  variant: Variant,
  picked: Picked = {},
  /** Fields that exclude others (`session_lifetime` or `session_lifetime_in_minutes`): run once per form. */
  without: readonly string[] = [],
): JsonObject {
  const item: JsonObject = {};
  for (const name of declaredFields(handler)) {
    if (without.includes(name)) continue;
    const field = catalog.fields[name];
    if (picked[name] !== undefined) item[name] = picked[name][variant];
    else if (field !== undefined) item[name] = valueAt(field, variant, name, picked);
    else throw new Error(`${handler.kind}.${name}: not in the catalog, so it needs a hand-picked value`);
  }
  return item;
}

/**
 * `item` with every top-level string the spec says may be empty (formats `*-or-empty`) set to "": how a
 * manifest clears a URL or an address. The API drops some such fields from its answers once cleared.
 */
export function emptied(item: JsonObject, catalog: KindCatalog): JsonObject {
  const out = { ...item };
  for (const name of Object.keys(item)) {
    const format = catalog.fields[name]?.format;
    if (catalog.fields[name]?.type === 'string' && format?.endsWith('-or-empty')) out[name] = '';
  }
  return out;
}
