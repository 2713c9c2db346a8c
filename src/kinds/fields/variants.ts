import { byText } from '../../text-order.js';
import { stableStringify } from '../../json.js';
import type { Field, VariantCatalog } from './field.js';

/** The shape `field` takes for this discriminator value, or undefined for a value the spec gives none. */
export function variantShape(variants: VariantCatalog, value: unknown): Field | undefined {
  const name = typeof value === 'string' ? variants.byValue[value] : undefined;
  return name === undefined ? undefined : variants.shapes[name];
}

/**
 * Every variant's keys in one object: what an editor can offer before it knows the discriminator. A key
 * whose shape differs between variants takes any of its shapes; the per-value check narrows it later.
 */
export function unionShape(shapes: Field[]): Field {
  // Each distinct shape of a key once, compared by its text: computed once per field, since the connection
  // variants repeat the same keys many times over and this runs at start-up.
  const seen = new Map<string, Map<string, Field>>();
  for (const shape of shapes) {
    for (const [name, field] of Object.entries(shape.properties ?? {})) {
      let distinct = seen.get(name);
      if (distinct === undefined) seen.set(name, (distinct = new Map()));
      const text = stableStringify(field as never);
      if (!distinct.has(text)) distinct.set(text, field);
    }
  }
  const properties: Record<string, Field> = {};
  for (const [name, distinct] of [...seen].sort(([a], [b]) => byText(a, b))) {
    const list = [...distinct.values()];
    properties[name] = list.length === 1 ? list[0]! : { type: 'any', oneOf: list };
  }
  return { type: 'object', properties };
}

/** A copy of an object shape without some keys (those a kind leaves unmanaged). */
export function withoutKeys(shape: Field, keys: readonly string[]): Field {
  if (shape.properties === undefined) return shape;
  const properties = Object.fromEntries(Object.entries(shape.properties).filter(([name]) => !keys.includes(name)));
  const required = shape.required?.filter((name) => !keys.includes(name));
  return { ...shape, properties, ...(required === undefined ? {} : { required }) };
}
