import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { Api } from '../../api/types.js';
import { TenantctlError } from '../../errors.js';
import type { Json, JsonObject } from '../../json.js';
import { isObject } from '../../json.js';
import { bulkThreshold, SEARCH_CAP, USER_FIELDS } from './config.js';
import { waitForJob } from './jobs.js';

const PAGE = 100;

/**
 * A live user as the plan sees it: `user_id`, `connection` (of the primary identity) and the managed
 * fields. Both read paths produce exactly this, so digests do not depend on the path taken, and 50k users
 * stay small in memory.
 */
function compact(raw: JsonObject, connection: Json | undefined): JsonObject {
  const out: JsonObject = { user_id: raw.user_id ?? null, connection: connection ?? null };
  for (const field of USER_FIELDS) if (raw[field] !== undefined) out[field] = raw[field];
  return out;
}

function fromSearch(raw: JsonObject): JsonObject {
  const identities = Array.isArray(raw.identities) ? raw.identities : [];
  const first = identities[0];
  return compact(raw, isObject(first) ? first.connection : undefined);
}

const SEARCH_FIELDS = ['user_id', 'identities', ...USER_FIELDS].join(',');

async function searchPage(api: Api, page: number): Promise<{ users: JsonObject[]; total: number }> {
  const res = await api.request({
    method: 'GET',
    path: '/users',
    query: { page, per_page: PAGE, include_totals: true, search_engine: 'v3', fields: SEARCH_FIELDS, include_fields: true },
  });
  const body = isObject(res.body) ? res.body : {};
  const users = Array.isArray(body.users) ? body.users.filter(isObject) : [];
  return { users: users.map(fromSearch), total: typeof body.total === 'number' ? body.total : users.length };
}

/** gzip or plain text, told apart by the magic bytes: the docs do not say which (mgmt-api.md §8.2). */
async function* decompressed(source: Readable): AsyncGenerator<Buffer> {
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await chunks.next();
  if (first.done) return;
  async function* all(): AsyncGenerator<Buffer> {
    yield first.value;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  }
  if (first.value[0] === 0x1f && first.value[1] === 0x8b) {
    // Loaded here: every plan loads this module, few read an export.
    const { createGunzip } = await import('node:zlib');
    yield* Readable.from(all()).pipe(createGunzip());
  }
  else yield* all();
}

const EXPORT_FIELDS: JsonObject[] = [
  { name: 'user_id' },
  ...USER_FIELDS.map((name) => ({ name })),
  { name: 'identities[0].connection', export_as: 'connection' },
];

/**
 * Every user through a users-export job (mgmt-api.md §8.3): NDJSON, read line by line from the download
 * stream, so the export's text is never held whole.
 */
export async function exportUsers(api: Api): Promise<JsonObject[]> {
  const res = await api.request({
    method: 'POST',
    path: '/jobs/users-exports',
    body: { format: 'json', fields: EXPORT_FIELDS },
  });
  const id = isObject(res.body) && typeof res.body.id === 'string' ? res.body.id : '';
  const job = await waitForJob(api, id);
  if (typeof job.location !== 'string')
    throw new TenantctlError('users_export', `users-export job ${id} completed without a download location`);
  // Lines split here rather than by node:readline, whose events and per-line strings cost a replan of 5,000
  // users ~0.03 s; a chunk's text is split at each newline and the unfinished end carried to the next.
  const decoder = new StringDecoder('utf8');
  const users: JsonObject[] = [];
  const take = (line: string) => {
    if (line.trim() === '') return;
    let parsed: Json;
    try {
      parsed = JSON.parse(line) as Json;
    } catch {
      throw new TenantctlError('users_export', `users-export job ${id} returned a line that is not JSON`);
    }
    if (isObject(parsed)) users.push(compact(parsed, parsed.connection));
  };
  let rest = '';
  for await (const chunk of decompressed(await api.download(job.location))) {
    const text = rest + decoder.write(chunk);
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      take(text.slice(start, end));
      start = end + 1;
    }
    rest = text.slice(start);
  }
  take(rest + decoder.end());
  return users;
}

/**
 * Count first (one search page, which also carries the first 100 users), then page through /users when the
 * count is small, or run an export job when it is above the bulk threshold or past what search can reach.
 */
export async function listUsers(api: Api): Promise<JsonObject[]> {
  const first = await searchPage(api, 0);
  if (first.total > Math.min(bulkThreshold(), SEARCH_CAP)) return exportUsers(api);
  const users = [...first.users];
  for (let page = 1; users.length < first.total && page * PAGE < SEARCH_CAP; page += 1) {
    const next = await searchPage(api, page);
    if (next.users.length === 0) break;
    users.push(...next.users);
  }
  return users;
}
