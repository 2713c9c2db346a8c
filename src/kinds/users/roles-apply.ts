import type { Api } from '../../api/types.js';
import { TenantctlError } from '../../errors.js';
import type { Change } from '../../plan/types.js';
import type { PhaseResult } from '../types.js';
import { whereDeclared } from './import.js';
import { createdIds } from './lookup.js';
import { assignmentBatches, type RoleDelta } from './roles.js';
import { writesUser } from './route.js';

/** One user's role changes, with its id once known (users created by an import job are looked up). */
export interface RoleWork {
  change: Change;
  delta: RoleDelta;
  id?: string;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Removals first, one DELETE /users/{id}/roles each (the API has no bulk removal from a role), then
 * additions grouped per role, one POST /roles/{id}/users per ROLE_BATCH users. A user whose role call
 * fails is reported failed, saying its own fields were written: a new apply converges.
 */
export async function syncRoles(api: Api, work: RoleWork[], result: PhaseResult): Promise<void> {
  const failed = new Map<Change, string>();
  const unknown = work.filter((w) => w.id === undefined);
  if (unknown.length > 0) {
    const ids = await createdIds(api, unknown.map((w) => w.change)).catch((error: unknown) => {
      for (const w of unknown) failed.set(w.change, `could not find the created user: ${message(error)}`);
      return new Map<Change, string>();
    });
    for (const w of unknown) {
      w.id = ids.get(w.change);
      if (w.id === undefined && !failed.has(w.change)) failed.set(w.change, 'the import job created no such user');
    }
  }
  const ready = () => work.filter((w) => w.id !== undefined && !failed.has(w.change));
  await Promise.all(
    ready()
      .filter((w) => w.delta.remove.length > 0)
      .map(async (w) => {
        const path = `/users/${encodeURIComponent(w.id ?? '')}/roles`;
        await api
          .request({ method: 'DELETE', path, body: { roles: w.delta.remove.map(String) } })
          .catch((error: unknown) => failed.set(w.change, message(error)));
      }),
  );
  const batches = assignmentBatches(ready().map((w) => ({ roles: w.delta.add, user: w })));
  await Promise.all(
    batches.map(async ({ role, users }) => {
      const path = `/roles/${encodeURIComponent(role)}/users`;
      await api
        .request({ method: 'POST', path, body: { users: users.map((w) => w.id ?? '') } })
        .catch((error: unknown) => {
          for (const w of users) failed.set(w.change, message(error));
        });
    }),
  );
  for (const { change } of work) {
    const problem = failed.get(change);
    if (problem === undefined) {
      result.applied.push(change);
      continue;
    }
    const written = change.action === 'create' || writesUser(change);
    const what = written ? 'the user was written, but its roles were not all set' : 'its roles were not all set';
    result.failed.push({ change, error: new TenantctlError('users_roles', `${whereDeclared(change)}: ${what}: ${problem}`) });
  }
}
