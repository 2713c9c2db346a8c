import { randomBytes } from 'node:crypto';
import { type FileHandle, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isObject } from '../json.js';
import type { Changes, JournalRecord } from './journal-track.js';
import type { CollectionName, EmulatorState, Entity } from './types.js';

/**
 * The files behind `--state FILE`: FILE is a snapshot of the whole state, FILE.journal the changes since.
 *
 * The snapshot names a journal generation (random, new at every snapshot); the journal's first line names
 * its own. A replay applies the journal only when the two agree, so the steps of a compaction can be cut
 * anywhere by a crash:
 *   1. snapshot of a new generation H written to a temporary file, fsynced, renamed over FILE;
 *   2. an empty journal of generation H written the same way over FILE.journal.
 * Killed before 1 ends: the old snapshot and its journal of generation G, which holds every record.
 * Killed between 1 and 2: the new snapshot already holds everything; the old journal (G) is ignored.
 * Each batch of records is one line, appended and fdatasynced before any of its writes is answered; a
 * line cut short by a crash was never answered, and a replay ignores it whole (so a request's records,
 * say a deleted client and its grants, land together or not at all).
 */

export const journalPath = (path: string) => `${path}.journal`;

/**
 * A fresh generation name. Random rather than counted: a snapshot deleted by hand and started over must
 * not share a generation with the journal left beside it, or a crash at the wrong step would replay it.
 */
export const newGeneration = () => randomBytes(8).toString('hex');

async function syncDir(path: string): Promise<void> {
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** Replaces `path` with `text` so that a crash leaves either the old file or the new one. */
export async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const file = await open(tmp, 'w');
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  await syncDir(path);
}

export const snapshotText = (state: EmulatorState, generation: string) =>
  JSON.stringify({ ...state, journalGeneration: generation });

export const journalHeader = (generation: string) => `${JSON.stringify({ journal: 1, generation })}\n`;

/** One appended batch: its records and the state fields that changed, on one line. */
export function batchLine(changes: Changes): string {
  return `${JSON.stringify(changes.meta ? { r: changes.records, m: changes.meta } : { r: changes.records })}\n`;
}

export async function appendLine(file: FileHandle, line: string): Promise<void> {
  await file.write(line);
  await file.datasync();
}

/** The journal's batches, without a last line cut short by a crash; undefined when there is no journal. */
async function readJournal(path: string): Promise<{ generation: string; batches: unknown[] } | undefined> {
  let text: string;
  try {
    text = await readFile(journalPath(path), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const lines = text.split('\n');
  // What follows the last newline was being written when the process died: its batch was never answered.
  lines.pop();
  const parsed: unknown[] = [];
  for (const line of lines) {
    try {
      parsed.push(JSON.parse(line));
    } catch {
      parsed.push(undefined);
    }
  }
  // A bad line can only be the last one written (a crash); one in the middle means a damaged file.
  while (parsed.length > 0 && parsed[parsed.length - 1] === undefined) parsed.pop();
  const header = parsed.shift();
  if (!isObject(header) || header.journal !== 1 || typeof header.generation !== 'string') return undefined;
  if (parsed.some((b) => !isObject(b) || !Array.isArray(b.r))) throw new Error('damaged journal');
  return { generation: header.generation, batches: parsed };
}

/** Applies the journal that belongs to a loaded snapshot; throws on a damaged journal. */
export async function replayJournal(path: string, state: EmulatorState, generation: string): Promise<void> {
  const journal = await readJournal(path);
  if (!journal || journal.generation !== generation) return;
  // Ids are positions in the snapshot, then counted on per collection in the order entities were added.
  const byId = new Map<string, Map<number, Entity>>();
  const nextIds = new Map<string, number>();
  for (const [name, arr] of Object.entries(state.collections) as [string, Entity[]][]) {
    byId.set(name, new Map(arr.map((e, i) => [i, e])));
    nextIds.set(name, arr.length);
  }
  const removed = new Set<Entity>();
  for (const batch of journal.batches as { r: JournalRecord[]; m?: Partial<EmulatorState> }[]) {
    for (const r of batch.r) {
      const ids = byId.get(r.c);
      if (!ids) throw new Error(`journal names an unknown collection ${r.c}`);
      const e = ids.get(r.i);
      if ('x' in r) {
        if (e) removed.add(e);
        ids.delete(r.i);
      } else if (e) {
        e.seq = r.s;
        e.data = r.d;
      } else {
        if (r.i !== nextIds.get(r.c)) throw new Error(`journal record out of order in ${r.c}`);
        const added = { seq: r.s, data: r.d };
        state.collections[r.c as CollectionName].push(added);
        ids.set(r.i, added);
        nextIds.set(r.c, r.i + 1);
      }
    }
    if (batch.m) Object.assign(state, batch.m);
  }
  if (removed.size === 0) return;
  for (const name of Object.keys(state.collections) as CollectionName[]) {
    state.collections[name] = state.collections[name].filter((e) => !removed.has(e));
  }
}
