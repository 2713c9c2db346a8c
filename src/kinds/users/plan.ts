import { shownPath } from '../../manifest/format.js';
import { defaultPlanKind } from '../../plan/kind-plan.js';
import type { Change } from '../../plan/types.js';
import type { KindHandler, KindPlanInput, KindPlanOutput } from '../types.js';
import { packBatches } from './batches.js';
import { bulkThreshold, SEARCH_CAP } from './config.js';
import { str } from '../common.js';
import { importRecord, routeChanges, writesUser } from './route.js';
import { addVerificationOptions, matchingMovedEmails, ownId } from './in-place.js';
import { assignmentBatches, roleDelta, planRoleDelta } from './roles.js';

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
  const { bulk, single } = routeChanges(changes.filter(writesUser), threshold);
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
  const roles = rolesNote(changes);
  if (roles) notes.push(roles);
  return notes;
}

/** How the role changes will be sent: additions batched per role, removals one call per user. */
function rolesNote(changes: Change[]): string | undefined {
  const deltas = changes.flatMap((change) => {
    const delta = roleDelta(change, change.body);
    return delta ? [delta] : [];
  });
  if (deltas.length === 0) return undefined;
  const batches = assignmentBatches(deltas.map((d) => ({ roles: d.add, user: null })));
  const added = deltas.reduce((n, d) => n + d.add.length, 0);
  const losing = deltas.filter((d) => d.remove.length > 0).length;
  const parts = [
    added > 0 ? `${plural(added, 'assignment')} in ${plural(batches.length, 'call')} of POST /roles/{id}/users` : '',
    losing > 0 ? `${plural(losing, 'user')} losing roles, one DELETE /users/{id}/roles each` : '',
  ].filter(Boolean);
  return `users: roles of ${plural(deltas.length, 'user')}: ${parts.join('; ')}`;
}

/** The API takes `user_id` on create only: a declared one that differs cannot be applied, so it is an error. */
function userIdErrors(input: KindPlanInput, handler: KindHandler): string[] {
  const declared = input.items.filter((item) => typeof item.body.user_id === 'string');
  if (declared.length === 0) return [];
  const live = new Map(input.live.map((u) => [handler.liveKeyOf(u, input.ctx), u]));
  return declared.flatMap((item) => {
    const found = live.get(item.key);
    const have = found && ownId(str(found.user_id));
    if (have === undefined || have === item.body.user_id) return [];
    return [
      `${item.address}: user_id '${str(item.body.user_id)}' differs from the live user's '${have}', and the API cannot change a user's id; remove user_id from the item or delete the user first`,
    ];
  });
}

/**
 * The default match-and-diff, plus where each change is declared (so import errors can name the manifest
 * line) and notes on the path each change will take.
 */
export function planUsers(kindHandler: KindHandler, input: KindPlanInput): KindPlanOutput {
  const handler = matchingMovedEmails(kindHandler, input);
  const out = defaultPlanKind(handler, input);
  addVerificationOptions(out.changes, input.items);
  const declared = new Map(input.items.map((item) => [item.address, item]));
  // The changes are this plan's own objects: set in place, not copied (there may be tens of thousands).
  for (const change of out.changes) {
    const loc = declared.get(change.address)?.loc;
    if (loc) change.source = `${shownPath(loc.file, input.cwd)}:${loc.line}`;
    planRoleDelta(change);
  }
  out.errors.push(...userIdErrors(input, handler));
  const notesFor = (changes: Change[]) => pathNotes(changes, input.live.length, bulkThreshold());
  out.notes.push(...notesFor(out.changes));
  return { ...out, notesFor };
}
