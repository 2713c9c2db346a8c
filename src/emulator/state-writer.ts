import { type FileHandle, open } from 'node:fs/promises';
import {
  appendLine,
  batchLine,
  journalHeader,
  journalPath,
  newGeneration,
  snapshotText,
  writeAtomically,
} from './journal-file.js';
import { collect, track, type Tracker } from './journal-track.js';
import type { EmulatorState } from './types.js';

/** How long a first write waits for others to join its batch (group commit). */
const GATHER_MS = 20;
/** A journal may grow to this many times the snapshot before it is folded into a new snapshot. */
const JOURNAL_FACTOR = 2;
/** ...but a small tenant's journal may reach this size first (replaying it costs little). */
const MIN_JOURNAL_BYTES = 1 << 20;

export interface StateWriter {
  /** Resolves once a batch that started after this call is on disk: the caller's mutation is durable. */
  persist(): Promise<void>;
  /**
   * Waits for every batch asked for so far, then folds the journal into the snapshot and closes it: after
   * a clean stop FILE alone holds the whole tenant, as it did before journals existed.
   */
  flush(): Promise<void>;
}

/**
 * Durable, crash-safe saves at O(1) amortised cost per write (issue #11). Each batch appends the changed
 * entities (journal-track.ts) as one line to FILE.journal and fdatasyncs it; a batch gathers every mutation
 * that arrives while the previous one is being written. When the journal outgrows the snapshot
 * (JOURNAL_FACTOR) a new snapshot is written and the journal restarted (journal-file.ts says why a crash
 * between any two steps loses nothing): a snapshot costs O(n), and at least 2n bytes of records were
 * appended since the last one, so its cost spreads over them. The first batch is always a snapshot: it
 * folds in the journal that was replayed on load, and any torn line at its end.
 */
export function createStateWriter(path: string, state: EmulatorState): StateWriter {
  let tracker: Tracker | undefined;
  let journal: FileHandle | undefined;
  let journalBytes = 0;
  let snapshotBytes = 0;
  let headerBytes = 0;
  let running: Promise<void> = Promise.resolve();
  let next: Promise<void> | undefined;

  const snapshot = async () => {
    // Serialised and tracked in the same tick: the new journal starts exactly where the snapshot ends.
    const generation = newGeneration();
    const text = snapshotText(state, generation);
    tracker = track(state);
    snapshotBytes = Buffer.byteLength(text);
    await journal?.close();
    journal = undefined;
    await writeAtomically(path, text);
    const header = journalHeader(generation);
    await writeAtomically(journalPath(path), header);
    journal = await open(journalPath(path), 'a');
    journalBytes = headerBytes = header.length;
  };

  const save = async () => {
    if (!tracker || !journal || journalBytes > Math.max(snapshotBytes * JOURNAL_FACTOR, MIN_JOURNAL_BYTES)) {
      return snapshot();
    }
    const changes = collect(tracker);
    if (changes === 'snapshot') return snapshot();
    if (changes.records.length === 0 && !changes.meta) return;
    const line = batchLine(changes);
    journalBytes += Buffer.byteLength(line);
    const file = journal;
    try {
      await appendLine(file, line);
    } catch (e) {
      // The line may be half written: the next batch starts over with a snapshot and a fresh journal.
      journal = undefined;
      await file.close().catch(() => undefined);
      throw e;
    }
  };

  const persist = () => {
    if (next) return next;
    const batch = running
      .catch(() => undefined)
      .then(() => new Promise((resolve) => setTimeout(resolve, GATHER_MS)))
      .then(() => {
        // From here on, new mutations may not be in this batch: they wait for the next one.
        next = undefined;
        return save();
      });
    next = batch;
    running = batch;
    return batch;
  };

  return {
    persist,
    flush: async () => {
      const last = (next ?? running)
        .catch(() => undefined)
        .then(async () => {
          const changes = tracker ? collect(tracker) : 'snapshot';
          const dirty = changes === 'snapshot' || changes.records.length > 0 || changes.meta !== undefined;
          if (dirty || journalBytes > headerBytes) await snapshot();
          await journal?.close();
          journal = undefined;
        });
      // Chained like a batch, so a save asked for meanwhile (a background job) waits for it.
      running = last;
      await last;
    },
  };
}
