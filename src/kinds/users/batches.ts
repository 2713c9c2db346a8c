import type { JsonObject } from '../../json.js';
import type { Change } from '../../plan/types.js';
import { connectionOfKey } from './route.js';

/**
 * An import file must stay under 500 KB and the whole upload under 512000 bytes (mgmt-api.md §8.2); the
 * multipart envelope around the file takes well under 1 KB, so files are packed up to 500,000 bytes.
 */
export const FILE_LIMIT = 500_000;

/** The import record that carries out a change. */
export type RecordOf = (change: Change) => JsonObject;

export interface Batch {
  /** One connection per job: `connection_id` is a field of the upload. */
  connection: string;
  changes: Change[];
}

/**
 * Packs changes into files of one connection each, in order, each a JSON array under FILE_LIMIT bytes.
 * Records are built to be measured and dropped: with tens of thousands of users, holding them all until
 * their files are sent would double the memory a plan takes.
 */
export function packBatches(changes: Change[], recordOf: RecordOf): Batch[] {
  const out: Batch[] = [];
  const open = new Map<string, { batch: Batch; bytes: number }>();
  for (const change of changes) {
    const connection = connectionOfKey(change.key);
    // Each record costs its JSON plus a separating comma; the array adds its two brackets.
    const size = Buffer.byteLength(JSON.stringify(recordOf(change))) + 1;
    let current = open.get(connection);
    if (!current || (current.batch.changes.length > 0 && current.bytes + size > FILE_LIMIT)) {
      current = { batch: { connection, changes: [] }, bytes: 2 };
      open.set(connection, current);
      out.push(current.batch);
    }
    current.batch.changes.push(change);
    current.bytes += size;
  }
  return out;
}

/** The file's text, built only when its job is sent. */
export function fileText(batch: Batch, recordOf: RecordOf): string {
  return `[${batch.changes.map((change) => JSON.stringify(recordOf(change))).join(',')}]`;
}
