import type { JsonObject } from '../json.js';
import { fail } from './errors.js';
import type { QueryValues } from './query.js';
import type { Entity } from './types.js';

/** Default page size when `per_page`/`take` is omitted (OAS "Default value is 50"; §2.1, §2.3). */
const DEFAULT_PAGE = 50;

export interface ListOptions {
  /** Envelope key: `clients`, `client_grants`, `resource_servers`. */
  key: string;
  /** Whether the endpoint offers `from`/`take` checkpoints (clients and client grants; not resource servers). */
  checkpoint: boolean;
  view: (e: Entity) => JsonObject;
  /** Position of an entity in the list order (default: its creation `seq`); cursors resume after it. */
  orderKey?: (e: Entity) => number;
  /** Offset paging reaches only the first 1000 records (endpoints whose OAS says checkpoints must be used beyond). */
  offsetCap?: boolean;
}

/** Offset paging reaches only the first 1000 records on capped endpoints (mgmt-api.md §2.2). */
export const OFFSET_CAP = 1000;

/** The 400 for a page that would reach past the cap, however many records exist (§2.2, the recorded wording). */
export function checkOffsetCap(page: number, perPage: number): void {
  if (page * perPage + perPage > OFFSET_CAP)
    throw fail(
      400,
      `Requesting page ${page} exceeds the allowed maximum of ${OFFSET_CAP} records. To fetch results beyond ${OFFSET_CAP}, use the checkpoint pagination method.`,
    );
}

/** Checkpoint cursors are opaque to clients; ours carry the creation sequence to resume after. */
const encodeCursor = (seq: number): string => Buffer.from(`seq:${seq}`).toString('base64url');

function decodeCursor(from: string): number {
  const text = Buffer.from(from, 'base64url').toString('utf8');
  const m = /^seq:(\d+)$/.exec(text);
  if (!m) throw fail(400, 'The from parameter is invalid or expired', 'invalid_paging');
  return Number(m[1]);
}

/**
 * `entities` must already be filtered and sorted by `orderKey`. Builds a list response the way the real endpoints do (mgmt-api.md §2):
 * - `from` or `take` present (checkpoint endpoints): `{<key>: [...], next?}`; page/per_page/include_totals
 *   are ignored and `next` is absent on the last page;
 * - otherwise offset paging: a bare array, or `{total, start, limit, <key>}` with include_totals=true.
 */
export function listResponse(entities: Entity[], q: QueryValues, o: ListOptions): unknown {
  if (o.checkpoint && (q.from !== undefined || q.take !== undefined)) {
    const take = typeof q.take === 'number' ? q.take : DEFAULT_PAGE;
    const after = typeof q.from === 'string' && q.from !== '' ? decodeCursor(q.from) : 0;
    const key = o.orderKey ?? ((e: Entity) => e.seq);
    const rest = entities.filter((e) => key(e) > after);
    const page = rest.slice(0, take);
    const body: JsonObject = { [o.key]: page.map(o.view) };
    const last = page[page.length - 1];
    if (rest.length > take && last) body.next = encodeCursor(key(last));
    return body;
  }
  const perPage = typeof q.per_page === 'number' ? q.per_page : DEFAULT_PAGE;
  const pageNo = typeof q.page === 'number' ? q.page : 0;
  if (o.offsetCap) checkOffsetCap(pageNo, perPage);
  const start = pageNo * perPage;
  const items = entities.slice(start, start + perPage).map(o.view);
  if (q.include_totals === true) return { total: entities.length, start, limit: perPage, [o.key]: items };
  return items;
}
