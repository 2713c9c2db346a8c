import type { JsonObject } from '../json.js';
import type { CollectionName, EmulatorState, Entity } from './types.js';

/**
 * What changed in the state since the last look, per entity, without being told by the route handlers
 * (they change entities in place: `applyPatch(e.data, …)`, `e.data = next`, `Object.assign(e.data, …)`).
 *
 * Every stored entity gets a `data` accessor. Reading `e.data` marks the entity as reached; a handler can
 * only change an entity it reached, so only reached entities are compared with their shadow (the seq, the
 * data object and its top-level values, by identity) when the changes are collected. The cost is O(1) per
 * entity a request touched, never a pass over the whole tenant. Membership changes (insert, removeWhere,
 * a collection replaced) are found from the arrays: appended entities at the tail, removals by a diff that
 * runs only when the array was replaced (which itself cost its handler a pass over the collection).
 *
 * Nested values of stored entities are frozen: a change deep inside an entity that kept its top-level
 * values would escape the shadow comparison, so such a change throws instead of being silently lost.
 */

const RAW = Symbol('raw data');
const ID = Symbol('journal id');
const TRACKER = Symbol('tracker');
const COL = Symbol('collection');

interface Tracked extends Entity {
  [RAW]: JsonObject;
  [ID]: number | undefined;
  [TRACKER]: Tracker;
  [COL]: string;
}

interface Column {
  arr: Entity[];
  /** The array's entities at the last collection, in order. */
  order: Entity[];
  members: Set<Entity>;
  nextId: number;
}

interface Meta {
  seq: number;
  deployer: string;
  signingKey: unknown;
  tls: unknown;
}

export interface Tracker {
  state: EmulatorState;
  collections: EmulatorState['collections'];
  columns: Map<string, Column>;
  reached: Set<Tracked>;
  shadows: WeakMap<Entity, unknown[]>;
  meta: Meta;
}

/** One journal record: an entity's new value, or its removal. `i` is the entity's journal id. */
export type JournalRecord =
  | { c: string; i: number; s: number; d: JsonObject }
  | { c: string; i: number; x: 1 };

export interface Changes {
  records: JournalRecord[];
  /** Changed top-level fields of the state other than the collections. */
  meta?: Partial<Pick<EmulatorState, 'seq' | 'deployer' | 'signingKey' | 'tls'>>;
}

function getData(this: Tracked): JsonObject {
  this[TRACKER].reached.add(this);
  return this[RAW];
}

function setData(this: Tracked, value: JsonObject): void {
  this[TRACKER].reached.add(this);
  this[RAW] = value;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

function shadowOf(e: Tracked): unknown[] {
  const data = e[RAW];
  const out: unknown[] = [e.seq, data];
  for (const key in data) {
    const v = data[key];
    deepFreeze(v);
    out.push(key, v);
  }
  return out;
}

function unchanged(e: Tracked, shadow: unknown[]): boolean {
  const data = e[RAW];
  if (shadow[0] !== e.seq || shadow[1] !== data) return false;
  let i = 2;
  for (const key in data) {
    if (shadow[i] !== key || shadow[i + 1] !== data[key]) return false;
    i += 2;
  }
  return i === shadow.length;
}

function adopt(t: Tracker, e: Entity, name: string, id: number): Tracked {
  const tracked = e as Tracked;
  if (tracked[TRACKER] !== t) {
    const raw = e.data;
    Object.defineProperty(e, RAW, { value: raw, writable: true, enumerable: false, configurable: true });
    Object.defineProperty(e, TRACKER, { value: t, writable: true, enumerable: false, configurable: true });
    Object.defineProperty(e, 'data', { get: getData, set: setData, enumerable: true, configurable: true });
  }
  Object.defineProperty(e, ID, { value: id, writable: true, enumerable: false, configurable: true });
  Object.defineProperty(e, COL, { value: name, writable: true, enumerable: false, configurable: true });
  t.shadows.set(e, shadowOf(tracked));
  return tracked;
}

const metaOf = (s: EmulatorState): Meta => ({
  seq: s.seq,
  deployer: JSON.stringify(s.deployer),
  signingKey: s.signingKey,
  tls: s.tls,
});

/**
 * Starts tracking from a state that is on disk as a snapshot: ids are the positions in each collection,
 * the numbering a replay of the snapshot uses too (journal-file.ts).
 */
export function track(state: EmulatorState): Tracker {
  const t: Tracker = {
    state,
    collections: state.collections,
    columns: new Map(),
    reached: new Set(),
    shadows: new WeakMap(),
    meta: metaOf(state),
  };
  for (const [name, arr] of Object.entries(state.collections) as [CollectionName, Entity[]][]) {
    arr.forEach((e, i) => adopt(t, e, name, i));
    t.columns.set(name, { arr, order: [...arr], members: new Set(arr), nextId: arr.length });
  }
  return t;
}

/** Adopts the entities appended from `from` on, and records them. */
function appendTail(t: Tracker, name: string, col: Column, arr: Entity[], from: number, out: JournalRecord[]) {
  for (let j = from; j < arr.length; j++) {
    const e = adopt(t, arr[j] as Entity, name, col.nextId++);
    col.members.add(e);
    out.push({ c: name, i: e[ID] as number, s: e.seq, d: e[RAW] });
  }
}

/** The records of a collection whose array was replaced or changed other than by appending; false: no fit. */
function diffColumn(t: Tracker, name: string, col: Column, arr: Entity[], out: JournalRecord[]): boolean {
  const now = new Set(arr);
  const gone = new Set(col.order.filter((e) => !now.has(e)));
  // The kept entities must come first and in their old order, new ones after: a replay appends.
  let k = 0;
  for (const old of col.order) {
    if (gone.has(old)) continue;
    if (arr[k] !== old) return false;
    k += 1;
  }
  for (let j = k; j < arr.length; j++) if (col.members.has(arr[j] as Entity)) return false;
  for (const e of gone) {
    out.push({ c: name, i: (e as Tracked)[ID] as number, x: 1 });
    col.members.delete(e);
    t.shadows.delete(e);
    (e as Tracked)[ID] = undefined;
  }
  appendTail(t, name, col, arr, k, out);
  col.arr = arr;
  col.order = [...arr];
  return true;
}

/**
 * Collects what changed since the last call, or 'snapshot' when the change does not fit records (the
 * collections were replaced, by a reset): the caller then writes a whole snapshot and calls `track` again.
 * The records hold the live data objects: serialise them before anything else can run.
 */
export function collect(t: Tracker): Changes | 'snapshot' {
  const { state } = t;
  if (state.collections !== t.collections) return 'snapshot';
  const names = Object.keys(state.collections);
  if (names.length !== t.columns.size) return 'snapshot';
  const records: JournalRecord[] = [];
  for (const name of names) {
    const col = t.columns.get(name);
    const arr = state.collections[name as CollectionName];
    if (!col || !Array.isArray(arr)) return 'snapshot';
    const n = col.order.length;
    const prefixKept = arr === col.arr && arr.length >= n && (n === 0 || arr[n - 1] === col.order[n - 1]);
    if (prefixKept) {
      // Same array, grown at the end (insert): only the tail is new.
      if (arr.length === n) continue;
      appendTail(t, name, col, arr, n, records);
      for (let j = n; j < arr.length; j++) col.order.push(arr[j] as Entity);
      continue;
    }
    if (!diffColumn(t, name, col, arr, records)) return 'snapshot';
  }
  for (const e of t.reached) {
    const shadow = t.shadows.get(e);
    // No shadow: removed, or an object that only looks like a stored entity.
    if (!shadow || e[TRACKER] !== t || e[ID] === undefined || unchanged(e, shadow)) continue;
    t.shadows.set(e, shadowOf(e));
    records.push({ c: e[COL], i: e[ID], s: e.seq, d: e[RAW] });
  }
  t.reached.clear();
  const meta = metaOf(state);
  const changes: Changes = { records };
  const m: NonNullable<Changes['meta']> = {};
  if (meta.seq !== t.meta.seq) m.seq = state.seq;
  if (meta.deployer !== t.meta.deployer) m.deployer = state.deployer;
  if (meta.signingKey !== t.meta.signingKey) m.signingKey = state.signingKey;
  if (meta.tls !== t.meta.tls && state.tls) m.tls = state.tls;
  t.meta = meta;
  if (Object.keys(m).length > 0) changes.meta = m;
  return changes;
}
