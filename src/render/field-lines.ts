import type { Json } from '../json.js';
import { isObject, stableStringify } from '../json.js';
import { isRef } from '../kinds/common.js';
import { equal } from '../plan/diff.js';
import type { Change, FieldChange } from '../plan/types.js';
import { show } from './values.js';

/**
 * How one field change reads, as lines without indentation or colour, shared by the text and markdown
 * plans. Values are never cut: a reviewer approving `options` must see the whole value that changes.
 * Nested objects break down into the keys that differ (each shown in full), lists into the items
 * added and removed, and values too long for one line put `from` and `to` on lines of their own.
 */
export type Mode = 'plan' | 'drift';

/** Above this many characters a `from → to` pair no longer reads on one line. */
const ONE_LINE = 100;

export function fieldLines(field: FieldChange, action: Change['action'], mode: Mode): string[] {
  if (field.sensitive) {
    return action === 'create' || mode === 'plan' || field.from === undefined
      ? [`${field.path}: (sensitive)`]
      : [`${field.path}: (sensitive, differs)`];
  }
  if (action === 'create') return createLines(field.path, field.to);
  return changeLines(field.path, field.from, field.to, mode);
}

/** A new value: short ones inline, objects key by key, long lists one item per line. */
function createLines(path: string, value: Json | undefined): string[] {
  const text = show(value);
  if (value === undefined || `${path}: ${text}`.length <= ONE_LINE) return [`${path}: ${text}`];
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    return Object.keys(value).flatMap((key) => createLines(`${path}.${key}`, value[key]));
  }
  if (Array.isArray(value)) return [`${path}:`, ...value.map((item) => `  + ${show(item)}`)];
  return [`${path}:`, `  ${text}`];
}

function changeLines(path: string, from: Json | undefined, to: Json | undefined, mode: Mode): string[] {
  if (isPlainObject(from) && isPlainObject(to)) return objectLines(path, from, to, mode);
  if (Array.isArray(from) && Array.isArray(to)) return listLines(path, from, to, mode);
  return pairLines(path, from, to, mode);
}

const isPlainObject = (v: Json | undefined): v is Record<string, Json> => isObject(v) && !isRef(v);

/** Only the keys that differ, each under its full dotted path. */
function objectLines(path: string, from: Record<string, Json>, to: Record<string, Json>, mode: Mode): string[] {
  const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  return keys.flatMap((key) =>
    equal(from[key], to[key]) ? [] : changeLines(`${path}.${key}`, from[key], to[key], mode),
  );
}

/**
 * Items added and removed; when none are but the order differs (callbacks: the first one is the default
 * redirect), the change is the order, shown whole on both sides.
 */
function listLines(path: string, from: Json[], to: Json[], mode: Mode): string[] {
  const added = missingFrom(to, from);
  const removed = missingFrom(from, to);
  if (added.length === 0 && removed.length === 0) {
    return [`${path}: order changes`, ...sides(show(from), show(to), mode)];
  }
  const plus = mode === 'drift' ? 'only in manifest: ' : '+ ';
  const minus = mode === 'drift' ? 'only live:        ' : '- ';
  return [
    `${path}:`,
    ...added.map((item) => `  ${plus}${show(item)}`),
    ...removed.map((item) => `  ${minus}${show(item)}`),
  ];
}

/** Items of `list` that `other` lacks, counting repeats, in `list`'s order. */
function missingFrom(list: Json[], other: Json[]): Json[] {
  const left = new Map<string, number>();
  for (const item of other) left.set(itemKey(item), (left.get(itemKey(item)) ?? 0) + 1);
  return list.filter((item) => {
    const key = itemKey(item);
    const n = left.get(key) ?? 0;
    if (n === 0) return true;
    left.set(key, n - 1);
    return false;
  });
}

/** A reference and the address it names are the same item (live lists carry addresses, manifests refs). */
const itemKey = (item: Json) => (isRef(item) ? JSON.stringify(item.$ref) : stableStringify(item));

function pairLines(path: string, from: Json | undefined, to: Json | undefined, mode: Mode): string[] {
  const [a, b] = [show(from), show(to)];
  if (mode === 'plan' && `${path}: ${a} → ${b}`.length <= ONE_LINE) return [`${path}: ${a} → ${b}`];
  // An object that appears reads key by key, like a nested change; one that goes away stays one line,
  // its old value in full, since every key going to (unset) would only repeat it.
  if (isPlainObject(to) && from === undefined) return objectLines(path, {}, to, mode);
  if (mode === 'plan' && to === undefined) return [`${path}: ${a} → ${b}`];
  return [`${path}:`, ...sides(a, b, mode)];
}

function sides(from: string, to: string, mode: Mode): string[] {
  return mode === 'drift' ? [`  manifest: ${to}`, `  live:     ${from}`] : [`  from: ${from}`, `  to:   ${to}`];
}
