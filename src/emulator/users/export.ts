import { createGzip } from 'node:zlib';
import type { Json, JsonObject } from '../../json.js';
import type { Entity } from '../types.js';
import { inChunks } from './jobs-store.js';

export interface ExportField {
  name: string;
  export_as?: string;
}

/** `identities[0].connection` style paths, as export `fields` name them (mgmt-api.md §8.3). */
function valueAt(user: JsonObject, path: string): Json | undefined {
  let current: Json | undefined = user;
  for (const part of path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = Array.isArray(current) ? current[Number(part)] : (current as JsonObject)[part];
  }
  return current;
}

function pickFields(user: JsonObject, fields: ExportField[] | undefined): JsonObject {
  if (!fields) return user;
  const out: JsonObject = {};
  for (const f of fields) {
    const value = valueAt(user, f.name);
    if (value !== undefined) out[f.export_as ?? f.name] = value;
  }
  return out;
}

function csvCell(value: Json | undefined): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Writes the export file in slices on later event-loop turns (the server stays responsive with 50k
 * users): NDJSON for `json` (one user per line; imports take a JSON array instead), CSV with a header for
 * `csv`. The file is gzip-compressed, as real export files typically are (mgmt-api.md §8.2).
 */
export function buildExport(
  users: Entity[],
  options: { format: 'json' | 'csv'; fields: ExportField[] | undefined; limit: number | undefined },
  done: (file: Buffer) => void,
): void {
  const gzip = createGzip();
  const out: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => out.push(chunk));
  gzip.on('end', () => done(Buffer.concat(out)));
  const selected = options.limit === undefined ? users : users.slice(0, options.limit);
  const columns = options.fields ?? [];
  if (options.format === 'csv') gzip.write(`${columns.map((f) => csvCell(f.export_as ?? f.name)).join(',')}\n`);
  inChunks(
    selected,
    500,
    (chunk) => {
      const lines = chunk.map((e) =>
        options.format === 'csv'
          ? columns.map((f) => csvCell(valueAt(e.data, f.name))).join(',')
          : JSON.stringify(pickFields(e.data, options.fields)),
      );
      if (lines.length > 0) gzip.write(`${lines.join('\n')}\n`);
    },
    () => gzip.end(),
  );
}
