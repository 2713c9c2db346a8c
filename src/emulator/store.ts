import type { JsonObject } from '../json.js';
import type { CollectionName, EmulatorState, Entity } from './types.js';

/** Appends an object with the next creation sequence number. */
export function insert(state: EmulatorState, name: CollectionName, data: JsonObject): Entity {
  state.seq += 1;
  const entity = { seq: state.seq, data };
  state.collections[name].push(entity);
  return entity;
}

export function removeWhere(
  state: EmulatorState,
  name: CollectionName,
  pred: (e: Entity) => boolean,
): number {
  const before = state.collections[name].length;
  state.collections[name] = state.collections[name].filter((e) => !pred(e));
  return before - state.collections[name].length;
}

/** Path segments can arrive encoded once or twice (`https:%252F%252F…` is a recorded real request). */
export function decodeVariants(segment: string): string[] {
  const out = [segment];
  let current = segment;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      break;
    }
    if (next === current) break;
    out.push(next);
    current = next;
  }
  return out;
}

/** Applies a PATCH body: top-level keys replace, and an explicit null removes the key (§1.9). */
export function applyPatch(target: JsonObject, patch: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete target[key];
    else target[key] = structuredClone(value) as JsonObject[string];
  }
}
