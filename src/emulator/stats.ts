/** One answered request in the log (GET /__emulator/requests). Bodies are never kept: they carry secrets. */
export interface LoggedRequest {
  at: string;
  method: string;
  /** Path with its query string. */
  path: string;
  /** The status sent, or 'dropped' when a fault destroyed the connection. */
  status: number | 'dropped';
  ms: number;
}

/** How many requests the log keeps: the most recent ones. */
export const REQUEST_LOG_SIZE = 1000;

/** Request counters for tests and benches (GET /__emulator/stats), and the recent-request log. */
export interface Stats {
  total: number;
  byRoute: Record<string, number>;
  rateLimited: number;
  /** The 429s per route: a refused write changed nothing, so benches do not count it as a write. */
  rateLimitedByRoute: Record<string, number>;
  requests: LoggedRequest[];
}

export const emptyStats = (): Stats => ({ total: 0, byRoute: {}, rateLimited: 0, rateLimitedByRoute: {}, requests: [] });

export function logRequest(stats: Stats, entry: LoggedRequest): void {
  stats.requests.push(entry);
  if (stats.requests.length > REQUEST_LOG_SIZE) stats.requests.splice(0, stats.requests.length - REQUEST_LOG_SIZE);
}

export function countRequest(stats: Stats, routeKey: string): void {
  stats.total += 1;
  stats.byRoute[routeKey] = (stats.byRoute[routeKey] ?? 0) + 1;
}

/**
 * Stats key for a path no route template matched: segments that look like ids become `{id}` so that
 * counters of unknown endpoints still aggregate (e.g. `GET /api/v2/users/{id}`).
 */
export function normalisePath(path: string): string {
  const parts = path.split('/');
  return parts
    .map((seg, i) => {
      if (i < 4) return seg; // '', 'api', 'v2', collection
      return /\d|%|\||:|@/.test(seg) || seg.length >= 16 ? '{id}' : seg;
    })
    .join('/');
}
