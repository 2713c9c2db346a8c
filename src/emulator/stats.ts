/** Request counters for tests and benches (GET /__emulator/stats). */
export interface Stats {
  total: number;
  byRoute: Record<string, number>;
  rateLimited: number;
}

export const emptyStats = (): Stats => ({ total: 0, byRoute: {}, rateLimited: 0 });

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
