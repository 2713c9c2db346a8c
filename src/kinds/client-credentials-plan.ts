import type { Api } from '../api/types.js';
import type { JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { defaultPlanKind } from '../plan/kind-plan.js';
import { str } from './common.js';
import type { KindHandler, KindPlanInput, KindPlanOutput } from './types.js';

/**
 * Credentials of the clients that use them: GET /clients/{id}/credentials only where
 * `client_authentication_methods` is set, so a tenant of secret-based clients costs no extra calls.
 */
export async function withCredentials(api: Api, clients: JsonObject[]): Promise<JsonObject[]> {
  return Promise.all(
    clients.map(async (c) =>
      isObject(c.client_authentication_methods)
        ? { ...c, credentials: await api.list(`/clients/${encodeURIComponent(str(c.client_id))}/credentials`, 'credentials') }
        : c,
    ),
  );
}

/** The order apply follows for a client's credentials, spelled out under the change. */
function rotationNote(change: { fields: { path: string; from?: unknown; to?: unknown }[] }): string | undefined {
  const names = (pick: (f: { from?: unknown; to?: unknown }) => boolean) =>
    change.fields.filter((f) => /^credentials\.[^.]+$/.test(f.path) && pick(f)).map((f) => `'${f.path.slice('credentials.'.length)}'`);
  const added = names((f) => f.from === undefined);
  const removed = names((f) => f.to === undefined);
  const changed = change.fields.some((f) => f.path.startsWith('credentials.'));
  if (!changed) return undefined;
  const steps = [
    added.length ? `add ${added.join(', ')}` : '',
    'point client_authentication_methods at the declared credentials',
    removed.length ? `then remove ${removed.join(', ')}` : '',
  ].filter(Boolean);
  return `credentials: ${steps.join(', ')}`;
}

/** The default plan, with the credential steps of each client change named in order. */
export function planClients(handler: KindHandler, input: KindPlanInput): KindPlanOutput {
  const out = defaultPlanKind(handler, input);
  for (const change of out.changes) {
    if (change.action !== 'update') continue;
    const note = rotationNote(change);
    if (note) change.note = change.note ? `${change.note}; ${note}` : note;
  }
  return out;
}
