import { where } from '../../manifest/diagnostics.js';
import { defaultPlanKind } from '../../plan/kind-plan.js';
import type { Change } from '../../plan/types.js';
import type { KindHandler, KindPlanInput, KindPlanOutput } from '../types.js';
import { packBatches } from './batches.js';
import { bulkThreshold, SEARCH_CAP } from './config.js';
import { importRecord, routeChanges } from './route.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function counts(changes: Change[]): string {
  const n = (action: Change['action']) => changes.filter((c) => c.action === action).length;
  return [
    n('create') ? `${n('create')} to create` : '',
    n('update') ? `${n('update')} to update` : '',
    n('delete') ? `${n('delete')} to delete` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** The notes that say which API path the plan will take (the same rule apply follows). */
function pathNotes(changes: Change[], liveCount: number, threshold: number): string[] {
  const readPath =
    liveCount > Math.min(threshold, SEARCH_CAP) ? 'a users-export job' : 'GET /api/v2/users (search)';
  const notes = [`users: read ${plural(liveCount, 'live user')} through ${readPath}`];
  const { bulk, single } = routeChanges(changes, threshold);
  if (bulk.length > 0) {
    const jobs = packBatches(bulk, (change) => importRecord(change, change.body ?? {}));
    const why =
      bulk.length > threshold
        ? `bulk path above ${threshold} users`
        : 'users without a password are created by import, as POST /users needs one';
    notes.push(`users: ${counts(bulk)} via ${plural(jobs.length, 'import job')} (${why})`);
  }
  if (single.length > 0)
    notes.push(`users: ${counts(single)} through /api/v2/users, one call each (per-user path up to ${threshold} users)`);
  return notes;
}

/**
 * The default match-and-diff, plus where each change is declared (so import errors can name the manifest
 * line) and notes on the path each change will take.
 */
export function planUsers(handler: KindHandler, input: KindPlanInput): KindPlanOutput {
  const out = defaultPlanKind(handler, input);
  const declared = new Map(input.items.map((item) => [item.address, item]));
  // The changes are this plan's own objects: set in place, not copied (there may be tens of thousands).
  for (const change of out.changes) {
    const loc = declared.get(change.address)?.loc;
    if (loc) change.source = where(loc);
  }
  out.notes.push(...pathNotes(out.changes, input.live.length, bulkThreshold()));
  return out;
}
