import type { z } from 'zod';

/**
 * Just enough of zod's schema structure to answer "which fields does the mapping at this path accept?"
 * and "which fields must an item have?". Wrappers (optional, default, pipe, lazy...) are looked through.
 */
interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  getter?: () => z.ZodType;
}

function defOf(schema: z.ZodType): Def {
  return schema._zod.def as unknown as Def;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    const next = def.innerType ?? (def.type === 'pipe' ? def.in : undefined) ?? def.getter?.();
    if (next === undefined) return current;
    current = next;
  }
}

/** The schema describing the value at `path`, when the path leads through objects, arrays and records. */
export function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const step of path) {
    if (current === undefined) return undefined;
    const def = defOf(current);
    const next: z.ZodType | undefined =
      def.type === 'object'
        ? def.shape?.[String(step)]
        : def.type === 'array'
          ? def.element
          : def.type === 'record'
            ? def.valueType
            : undefined;
    current = next === undefined ? undefined : unwrap(next);
  }
  return current;
}

/** Field names of an object schema, or [] for anything else. */
export function objectFields(schema: z.ZodType | undefined): string[] {
  if (schema === undefined) return [];
  const def = defOf(unwrap(schema));
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

const required = new WeakMap<z.ZodType, readonly string[]>();

/** Top-level fields an item must have (neither optional nor defaulted); asked for every item, so kept. */
export function requiredFields(schema: z.ZodType): readonly string[] {
  let fields = required.get(schema);
  if (fields === undefined) {
    const def = defOf(unwrap(schema));
    fields =
      def.type !== 'object' || !def.shape
        ? []
        : Object.entries(def.shape)
            .filter(([, field]) => field._zod.optin === undefined)
            .map(([name]) => name);
    required.set(schema, fields);
  }
  return fields;
}

/** Whether a number schema only accepts integers (zod reports a string given to it as "expected number"). */
export function isIntegerSchema(schema: z.ZodType | undefined): boolean {
  return schema !== undefined && (unwrap(schema) as { isInt?: boolean }).isInt === true;
}
