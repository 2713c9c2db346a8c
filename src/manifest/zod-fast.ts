import type { z } from 'zod';
import { insertSorted } from '../sorted-insert.js';

/**
 * A faster road through an item's zod schema for items that are valid (issue #11: zod took a quarter of
 * validating a large tenant). zod's object parser runs every field of the shape for every item, present
 * or not: a user declares 3 of its 20 fields, a client a handful of its hundred. Here an object visits only
 * the keys the item has; every value is still judged by its field's own zod schema (`_zod.run`, the call
 * zod's object parser makes), and the object's own checks (refine, superRefine) run as zod runs them.
 *
 * Why the answer equals zod's, for what this accepts: for an absent key whose schema is optional on both
 * sides (`.optional()`), zod's parser adds nothing and ignores any issue (schemas.js, generateFastpass:
 * `if (!issues.length || present)`, assigned only `if (present)`), so skipping it changes nothing. A present
 * key is run exactly as zod runs it, and its value lands in a new object in the shape's order, as zod's
 * does. A strict object fails on any key outside the shape; a `z.object` drops them. Anything else (a
 * required key that is absent, a catchall with a schema, a default, an issue anywhere) gives up and
 * returns undefined: the caller then runs zod itself, whose issues the diagnostics are worded from. So this
 * never accepts an item zod rejects, and never changes what zod reports; test/manifest/zod-fast.test.ts
 * checks both on generated items.
 */
type Payload = { value: unknown; issues: unknown[] };
interface Internals {
  def: {
    type: string;
    checks?: Check[];
    shape?: Record<string, z.ZodType>;
    catchall?: z.ZodType;
    innerType?: z.ZodType;
    element?: z.ZodType;
    format?: string;
    coerce?: boolean;
  };
  /** A lazy schema's inner schema, resolved once. */
  innerType?: z.ZodType;
  values?: Set<unknown>;
  traits: Set<string>;
  optin?: string;
  optout?: string;
  run(payload: Payload, ctx: object): Payload | Promise<Payload>;
}
interface Check {
  _zod: {
    def: { when?: (payload: Payload) => boolean; check?: string; minimum?: number; maximum?: number; format?: string; pattern?: RegExp };
    check(payload: Payload): unknown;
  };
}
/** One value's parse: its output, or FAIL when only zod can tell. */
type Parser = (value: unknown) => unknown;
const FAIL = Symbol('fail');
/** What safeParse gives every schema it runs (classic/parse.js). */
const CTX = { async: false };

const internals = (schema: z.ZodType) => (schema as unknown as { _zod: Internals })._zod;

const compiled = new WeakMap<z.ZodType, Parser>();

/** The item's parsed value when it is certainly valid for `schema`; undefined means: ask zod. */
export function fastParse(schema: z.ZodType, value: unknown): { data: unknown } | undefined {
  let parser = compiled.get(schema);
  if (parser === undefined) {
    parser = parserOf(schema);
    compiled.set(schema, parser);
  }
  const out = parser(value);
  return out === FAIL ? undefined : { data: out };
}

function parserOf(schema: z.ZodType): Parser {
  const zod = internals(schema);
  const { def } = zod;
  if (def.coerce) return (value) => run(zod, value);
  // A check-kind schema (z.email()) is its own first check, as zod's $ZodType.init lists it.
  const checks = zod.traits.has('$ZodCheck') ? [schema as unknown as Check, ...(def.checks ?? [])] : (def.checks ?? []);
  switch (def.type) {
    case 'object':
      if (zod.traits.has('$ZodCheck')) break;
      return objectParser(schema);
    case 'array':
      return arrayParser(parserOf(def.element!), checks);
    case 'string':
      // Only the plain string parse; a format with a parse of its own (URLs) is zod's to run.
      if (def.format !== undefined && def.format !== 'email' && def.format !== 'regex') break;
      return leaf((value) => typeof value === 'string', checks);
    case 'boolean':
      return leaf((value) => typeof value === 'boolean', checks);
    case 'number':
      return leaf((value) => typeof value === 'number' && Number.isFinite(value), checks);
    case 'lazy':
      // zod's lazy parse is its inner schema's run.
      if (checks.length > 0) break;
      return parserOf(zod.innerType!);
    case 'enum':
    case 'literal': {
      const values = zod.values;
      if (values === undefined) break;
      return leaf((value) => values.has(value), checks);
    }
  }
  return (value) => run(zod, value);
}

/** A scalar schema: zod's type test (its parse), then its checks. */
function leaf(is: (value: unknown) => boolean, checks: Check[]): Parser {
  if (checks.length === 0) return (value) => (is(value) ? value : FAIL);
  const pass = checks.map(passOf);
  return (value) => (is(value) ? checked(value, checks, pass) : FAIL);
}

/** zod's array parse: a new array of the elements' outputs, then the array's own checks (min, max). */
function arrayParser(element: Parser, checks: Check[]): Parser {
  const pass = checks.map(passOf);
  return (value) => {
    if (!Array.isArray(value)) return FAIL;
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const parsed = element(value[i]);
      if (parsed === FAIL) return FAIL;
      out[i] = parsed;
    }
    return checks.length === 0 ? out : checked(out, checks, pass);
  };
}

/** zod's own parse of one value, as its object parser calls it. */
function run(zod: Internals, value: unknown): unknown {
  const result = zod.run({ value, issues: [] }, CTX);
  if (result instanceof Promise || result.issues.length > 0) return FAIL;
  return result.value;
}

interface FieldParser {
  key: string;
  /** Optional in and out (`.optional()`): absence is fine and adds nothing. */
  optional: boolean;
  parse: Parser;
}

function objectParser(schema: z.ZodType): Parser {
  const { def } = internals(schema);
  const shape = def.shape ?? {};
  const catchall = def.catchall === undefined ? 'strip' : internals(def.catchall).def.type === 'never' ? 'strict' : 'typed';
  const fields: FieldParser[] = Object.keys(shape).map((key) => {
    const field = internals(shape[key]!);
    const optional = field.optin === 'optional' && field.optout === 'optional';
    // A present value goes through `.optional()` to its inner schema unchanged, when it has no checks of its own.
    const inner = optional && field.def.type === 'optional' && !field.def.checks?.length ? field.def.innerType : undefined;
    return { key, optional, parse: parserOf(inner ?? shape[key]!) };
  });
  const known = new Set(Object.keys(shape));
  const checks = def.checks ?? [];
  const usable = catchall !== 'typed' && !known.has('__proto__') && fields.every((f) => f.optional || internals(shape[f.key]!).optin === undefined);
  if (!usable) return (value) => run(internals(schema), value);
  const index = new Map(fields.map((field, i) => [field.key, i]));
  const requiredCount = fields.filter((field) => !field.optional).length;
  const pass = checks.map(passOf);
  return (input) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return FAIL;
    const object = input as Record<string, unknown>;
    if (Object.hasOwn(object, '__proto__')) return run(internals(schema), input);
    // The item's own keys, not the shape's: a client declares a handful of its hundred fields. Their
    // values land in the shape's order, as zod's do.
    const present: number[] = [];
    for (const key in object) {
      const at = index.get(key);
      if (at === undefined) {
        if (catchall === 'strict') return FAIL;
        continue;
      }
      insertSorted(present, at);
    }
    const out: Record<string, unknown> = {};
    let required = 0;
    // Indexed loops here and in checked(): without the optimizing compiler (src/v8-flags.ts) every
    // for-of step allocates its iterator result, and these run for every field of every item.
    for (let i = 0; i < present.length; i++) {
      const field = fields[present[i]!]!;
      const value = object[field.key];
      if (value === undefined) return FAIL;
      const parsed = field.parse(value);
      if (parsed === FAIL) return FAIL;
      out[field.key] = parsed;
      if (!field.optional) required++;
    }
    if (required !== requiredCount) return FAIL;
    return checks.length === 0 ? out : checked(out, checks, pass);
  };
}

/** A check's verdict without running it, for values it certainly passes; false means: run it. */
type Pass = (value: unknown) => boolean;
const NEVER: Pass = () => false;
const lengthOf = (value: unknown) => (typeof value === 'string' || Array.isArray(value) ? value.length : -1);

/**
 * Most checks are length bounds and patterns, and the values pass them: answered here from zod's own
 * rules (checks.js) without the payload and issue list each run builds. Strings are bounded in code
 * points, one or two UTF-16 units each: a string within the maximum in units is within it in code
 * points, and at least the minimum in units (at least twice it, when the minimum is above 1) reaches it.
 * Any other value, and every other check, runs as zod runs it.
 */
function passOf(check: Check): Pass {
  const def = check._zod.def;
  switch (def.check) {
    case 'max_length': {
      const max = def.maximum!;
      return (value) => {
        const units = lengthOf(value);
        return units >= 0 && units <= max;
      };
    }
    case 'min_length': {
      const min = def.minimum!;
      return (value) => {
        const units = lengthOf(value);
        return units >= min && (min <= 1 || Array.isArray(value) || units >= 2 * min);
      };
    }
    case 'string_format': {
      const pattern = def.pattern;
      if (pattern === undefined || (def.format !== 'regex' && def.format !== 'email')) return NEVER;
      return (value) => {
        pattern.lastIndex = 0;
        return typeof value === 'string' && pattern.test(value);
      };
    }
    default:
      return NEVER;
  }
}

/** A schema's own checks (bounds, patterns, refine, superRefine), run as zod's runChecks runs them on an issue-free value. */
function checked(value: unknown, checks: Check[], pass: Pass[]): unknown {
  let payload: Payload | undefined;
  for (let i = 0; i < checks.length; i++) {
    // A check that may change the value (an overwrite) has run already when a payload exists.
    if (pass[i]!(payload === undefined ? value : payload.value)) continue;
    payload ??= { value, issues: [] };
    const check = checks[i]!;
    const when = check._zod.def.when;
    if (when && !when(payload)) continue;
    if (check._zod.check(payload) instanceof Promise || payload.issues.length > 0) return FAIL;
  }
  return payload === undefined ? value : payload.value;
}
