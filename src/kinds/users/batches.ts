import type { JsonObject } from '../../json.js';
import type { Change } from '../../plan/types.js';
import { connectionOfKey } from './route.js';

/**
 * An import file must stay under 500 KB and the whole upload under 512000 bytes (mgmt-api.md §8.2); the
 * multipart envelope around the file takes well under 1 KB, so files are packed up to 500,000 bytes.
 */
export const FILE_LIMIT = 500_000;

export interface Entry {
  change: Change;
  record: JsonObject;
}

export interface Batch {
  /** One connection per job: `connection_id` is a field of the upload. */
  connection: string;
  entries: Entry[];
}

/** Packs records into files of one connection each, in order, each a JSON array under FILE_LIMIT bytes. */
export function packBatches(entries: Entry[]): Batch[] {
  const out: Batch[] = [];
  const open = new Map<string, { batch: Batch; bytes: number }>();
  for (const entry of entries) {
    const connection = connectionOfKey(entry.change.key);
    // Each record costs its JSON plus a separating comma; the array adds its two brackets.
    const size = Buffer.byteLength(JSON.stringify(entry.record)) + 1;
    let current = open.get(connection);
    if (!current || (current.batch.entries.length > 0 && current.bytes + size > FILE_LIMIT)) {
      current = { batch: { connection, entries: [] }, bytes: 2 };
      open.set(connection, current);
      out.push(current.batch);
    }
    current.batch.entries.push(entry);
    current.bytes += size;
  }
  return out;
}

/** The file's text, built only when its job is sent. */
export function fileText(batch: Batch): string {
  return `[${batch.entries.map((e) => JSON.stringify(e.record)).join(',')}]`;
}
