import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { VARIANTS } from '../../src/kinds/fields/index.js';
import { handlerFor } from '../../src/kinds/index.js';
import { KINDS } from '../../src/kinds/types.js';
import { fastParse } from '../../src/manifest/zod-fast.js';

/**
 * The fast road of validation (zod-fast.ts) may only accept what zod accepts, with zod's very output: an
 * item it wrongly accepted would go to the plan unchecked, and one whose output differed (a key order, a
 * dropped key) would plan differently. Items are generated from each kind's own zod schema, near its
 * bounds: lengths and numbers at and beyond each limit, enum values and near misses, wrong types, nulls,
 * missing required keys and unknown ones, at every depth.
 */
type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  checks?: { _zod: { def: Record<string, unknown> } }[];
  format?: string;
  values?: unknown[];
};
const defOf = (schema: z.ZodType) =>
  (schema as unknown as { _zod: { def: Def; values?: Set<unknown>; innerType?: z.ZodType } })._zod;

const anyValue = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 3 }), fc.constant([]), fc.constant({}));

/** Bounds a schema's checks state (min/max length or value), looked up by the check's kind. */
function bounds(def: Def): { min?: number; max?: number; int: boolean; patterns: RegExp[] } {
  const out: { min?: number; max?: number; int: boolean; patterns: RegExp[] } = { int: false, patterns: [] };
  for (const check of def.checks ?? []) {
    const c = check._zod.def;
    if (c.check === 'min_length') out.min = c.minimum as number;
    if (c.check === 'max_length') out.max = c.maximum as number;
    if (c.check === 'greater_than') out.min = c.value as number;
    if (c.check === 'less_than') out.max = c.value as number;
    if (c.check === 'number_format') out.int = true;
    if (c.check === 'string_format' && c.pattern instanceof RegExp) out.patterns.push(c.pattern);
  }
  return out;
}

/** Strings a pattern matches; none for the patterns fast-check cannot generate from (lookaheads). */
function matching(pattern: RegExp): fc.Arbitrary<string>[] {
  try {
    return [fc.stringMatching(pattern, { size: 'small' })];
  } catch {
    return [];
  }
}

const near = (n: number | undefined) => (n === undefined ? [] : [n - 1, n, n + 1]);

function valueFor(schema: z.ZodType, depth: number): fc.Arbitrary<unknown> {
  const zod = defOf(schema);
  const def = zod.def;
  if (depth > 4) return anyValue;
  switch (def.type) {
    case 'lazy':
      return valueFor(zod.innerType!, depth);
    case 'optional':
    case 'nullable':
      return fc.oneof({ weight: 8, arbitrary: valueFor(def.innerType!, depth) }, { weight: 1, arbitrary: fc.constant(null) });
    case 'string': {
      const { min, max, patterns } = bounds(def);
      const lengths = [...near(min), ...near(max), 0, 1, 5].filter((n) => n >= 0 && n < 400);
      const sized = fc.constantFrom(...lengths).chain((n) => fc.string({ minLength: n, maxLength: n }));
      const formats = [
        ...patterns.flatMap(matching),
        fc.constantFrom('a@b.co', 'user1@bench.example', 'a@b', '@x.io', '+123456', '+', 'x y', 'https://a.example', ''),
      ];
      if (def.format === 'email') formats.push(fc.emailAddress());
      return fc.oneof({ weight: 4, arbitrary: fc.oneof(sized, ...formats) }, { weight: 1, arbitrary: anyValue });
    }
    case 'number': {
      const { min, max, int } = bounds(def);
      const edges = [...near(min), ...near(max), 0, 1.5, -1, Number.MAX_SAFE_INTEGER + 2, Number.NaN, Infinity];
      const numbers = fc.oneof(fc.constantFrom(...edges), int ? fc.integer() : fc.double());
      return fc.oneof({ weight: 4, arbitrary: numbers }, { weight: 1, arbitrary: anyValue });
    }
    case 'boolean':
      return fc.oneof(fc.boolean(), anyValue);
    case 'enum':
    case 'literal': {
      const values = [...(zod.values ?? [])];
      const misses = values.map((v) => (typeof v === 'string' ? `${v}x` : typeof v === 'number' ? v + 1 : v));
      return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: fc.constantFrom(...misses, null) });
    }
    case 'array': {
      const { min, max } = bounds(def);
      const lengths = [...near(min), ...near(max), 0, 1, 2].filter((n) => n >= 0 && n < 60);
      const element = valueFor(def.element!, depth + 1);
      return fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...lengths).chain((n) => fc.array(element, { minLength: n, maxLength: n })) },
        { weight: 1, arbitrary: anyValue },
      );
    }
    case 'object':
      return fc.oneof({ weight: 6, arbitrary: objectFor(schema, depth) }, { weight: 1, arbitrary: anyValue });
    case 'union':
      return fc.oneof(...def.options!.map((o) => valueFor(o, depth + 1)));
    case 'record':
      return fc.dictionary(fc.string({ maxLength: 4 }), valueFor(def.valueType!, depth + 1), { maxKeys: 3 });
    default:
      return fc.oneof(anyValue, fc.jsonValue({ maxDepth: 2 }));
  }
}

/** Some of the shape's keys (required ones usually), in any order, sometimes with an unknown key. */
function objectFor(schema: z.ZodType, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const zod = defOf(schema);
  const shape = (zod.def.type === 'lazy' ? defOf(zod.innerType!).def.shape : zod.def.shape) ?? {};
  const keys = Object.keys(shape);
  const required = keys.filter((key) => defOf(shape[key]!).def.type !== 'optional');
  const chosen = fc.tuple(fc.subarray(keys, { maxLength: Math.min(6, keys.length) }), fc.boolean()).map(([some, keepRequired]) =>
    keepRequired ? [...new Set([...required, ...some])] : some,
  );
  return fc
    .tuple(chosen.chain((list) => fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length })), fc.boolean(), fc.boolean())
    .chain(([list, extra, clean]) =>
      fc.tuple(...list.map((key) => (clean ? validish(shape[key]!, depth + 1) : valueFor(shape[key]!, depth + 1)))).map((values) => {
        const out: Record<string, unknown> = {};
        list.forEach((key, i) => (out[key] = values[i]));
        if (extra) out.unknown_field = 'x';
        return out;
      }),
    );
}

/** Mostly values that are valid, so that the fast road is taken often enough to be tested. */
function validish(schema: z.ZodType, depth: number): fc.Arbitrary<unknown> {
  const zod = defOf(schema);
  const def = zod.def;
  switch (def.type) {
    case 'lazy':
      return validish(zod.innerType!, depth);
    case 'optional':
      return validish(def.innerType!, depth);
    case 'string': {
      const { min, max, patterns } = bounds(def);
      if (def.format === 'email') return fc.constantFrom('a@b.co', 'user1@bench.example');
      const [first] = patterns.flatMap(matching);
      if (first !== undefined) return first;
      const lo = min ?? 0;
      return fc.constantFrom(lo, lo + 1, max ?? lo + 2).chain((n) => fc.string({ minLength: n, maxLength: n }));
    }
    case 'enum':
    case 'literal':
      return fc.constantFrom(...(zod.values ?? [null]));
    case 'boolean':
      return fc.boolean();
    case 'number': {
      const { min, max } = bounds(def);
      return fc.constantFrom(...[min, max, 1].filter((n) => n !== undefined));
    }
    case 'array':
      return fc.array(validish(def.element!, depth + 1), { maxLength: 2 });
    case 'object':
      return objectFor(schema, depth);
    default:
      return valueFor(schema, depth);
  }
}

/** Every item schema validation uses: each kind's, and each connection strategy's own. */
function schemas(): [string, z.ZodType][] {
  const out: [string, z.ZodType][] = KINDS.map((kind) => [kind, handlerFor(kind).itemSchema]);
  const connections = handlerFor('connections');
  for (const strategy of Object.keys(VARIANTS.connections?.byValue ?? {}).slice(0, 6)) {
    out.push([`connections/${strategy}`, connections.itemSchemaFor!({ strategy })]);
  }
  return out;
}

/** Same values and the same key order at every depth. */
const sameOutput = (a: unknown, b: unknown) => isDeepStrictEqual(a, b) && JSON.stringify(a) === JSON.stringify(b);

describe('the fast road of validation', () => {
  for (const [name, schema] of schemas()) {
    it(`accepts only what zod accepts, with zod's output: ${name}`, () => {
      let fast = 0;
      let rejected = 0;
      fc.assert(
        fc.property(fc.oneof(objectFor(schema, 0), valueFor(schema, 0)), (item) => {
          const quick = fastParse(schema, item);
          const zod = schema.safeParse(item);
          if (!zod.success) rejected++;
          if (quick === undefined) return true;
          fast++;
          return zod.success && sameOutput(quick.data, zod.data);
        }),
        { numRuns: 300 },
      );
      // Both roads are taken: the property is not vacuous (the nested rules of an ACL are rarely all valid).
      if (name !== 'networkAcls') expect(fast).toBeGreaterThan(0);
      expect(rejected).toBeGreaterThan(0);
      // Generating e-mail addresses is slow (organizations' members: ~9 s on an idle machine): room for a busy one.
    }, 90_000);
  }

  it('takes the fast road for the valid items of a large tenant', () => {
    const users = handlerFor('users').itemSchema;
    const item = { connection: 'Username-Password-Authentication', email: 'user1@bench.example', given_name: 'User 1' };
    expect(fastParse(users, item)?.data).toEqual(item);
    expect(fastParse(users, { ...item, email: 'user1' })).toBeUndefined();
    expect(fastParse(users, { ...item, given_name: 'x'.repeat(151) })).toBeUndefined();
    expect(fastParse(users, { ...item, emial: 'a@b.co' })).toBeUndefined();
  });

  it('measures strings in code points, as zod does, at both bounds', () => {
    // One emoji is two UTF-16 units and one code point.
    const schema = z.object({ name: z.string().min(2).max(3) });
    for (const name of ['\u{1F600}', '\u{1F600}\u{1F600}', '\u{1F600}\u{1F600}a', 'ab', 'abcd', 'a\u{1F600}']) {
      const zod = schema.safeParse({ name });
      expect(fastParse(schema, { name })?.data, name).toEqual(zod.success ? zod.data : undefined);
    }
  });
});
