import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { isRef } from '../kinds/common.js';
import type { KindHandler } from '../kinds/types.js';
import { diffValues, equal, project } from './diff.js';
import type { FieldChange } from './types.js';

export interface ItemDiff {
  fields: FieldChange[];
  /** Top-level fields to send in a PATCH, with their values. */
  patch: JsonObject;
  /** A field in handler.replaceFields differs: the object must be recreated. */
  replace: boolean;
}

/** Explicit nulls for keys the live map has and the manifest dropped: the API merges maps on PATCH. */
function mapPatch(live: Json | undefined, desired: Json): Json {
  if (!isObject(desired)) return desired;
  const out: JsonObject = { ...desired };
  if (isObject(live)) for (const key of Object.keys(live)) if (!(key in desired)) out[key] = null;
  return out;
}

/**
 * Nested objects may be replaced whole by PATCH: send the (canonical, so read-only keys are gone) live
 * object with the declared keys changed, so undeclared settings inside it survive.
 */
function objectPatch(live: Json | undefined, desired: Json): Json {
  if (!isObject(live) || !isObject(desired)) return desired;
  const out: JsonObject = { ...live };
  for (const [key, value] of Object.entries(desired)) out[key] = objectPatch(live[key], value);
  return out;
}

/**
 * Compare one declared item with its live object, both already canonical. Only the fields the manifest
 * declares are compared; map fields compare whole (a dropped key is a change).
 */
export function diffItem(args: {
  handler: KindHandler;
  desired: JsonObject;
  live: JsonObject;
  desiredApi: JsonObject;
}): ItemDiff {
  const { handler, desired, live, desiredApi } = args;
  const fields: FieldChange[] = [];
  const patch: JsonObject = {};
  let replace = false;
  for (const [field, want] of Object.entries(desired)) {
    const isMap = handler.mapFields.includes(field);
    const have = isMap ? live[field] : project(live[field], want);
    if (equal(have, want)) continue;
    if (isMap && isObject(want) && Object.keys(want).length === 0 && have === undefined) continue;
    fields.push(...diffValues(field, have, want));
    if (handler.replaceFields.includes(field)) replace = true;
    const raw = desiredApi[field] ?? want;
    if (isRef(raw) || handler.mergedObjects?.includes(field)) patch[field] = raw;
    else patch[field] = isMap ? mapPatch(live[field], raw) : objectPatch(live[field], raw);
  }
  return { fields, patch, replace };
}

/** Every declared leaf as a field change from nothing: how a create reads in a plan. */
export function createFields(body: JsonObject): FieldChange[] {
  const fields: FieldChange[] = [];
  for (const path in body) fields.push({ path, to: body[path]! });
  return fields;
}
