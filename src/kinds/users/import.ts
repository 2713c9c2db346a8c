import { nodeCrypto } from '../../node-crypto.js';
import type { Api } from '../../api/types.js';
import { TenantctlError } from '../../errors.js';
import type { JsonObject } from '../../json.js';
import { isObject } from '../../json.js';
import type { Change } from '../../plan/types.js';
import type { PhaseResult } from '../types.js';
import { type Batch, fileText, packBatches, type RecordOf } from './batches.js';
import { waitForJob } from './jobs.js';
import { emailOfKey } from './route.js';

/** "At most 2 concurrent import jobs per tenant" (mgmt-api.md §8.2). */
const JOBS_IN_FLIGHT = 2;

/** Where a failed user is declared, for messages that send the reader to the manifest. */
export const whereDeclared = (change: Change) => change.source ?? change.address;

function multipart(fields: Record<string, string>, file: string): { data: Buffer; contentType: string } {
  const boundary = `tenantctl-${nodeCrypto().randomBytes(12).toString('hex')}`;
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  // The file part is named `users` and typed text/json, as the SDKs send it (TestJobManager_ImportUsers).
  const disposition = 'Content-Disposition: form-data; name="users"; filename="users.json"';
  parts.push(
    `--${boundary}\r\n${disposition}\r\nContent-Type: text/json\r\n\r\n${file}\r\n`,
    `--${boundary}--\r\n`,
  );
  const contentType = `multipart/form-data; boundary=${boundary}`;
  return { data: Buffer.from(parts.join(''), 'utf8'), contentType };
}

/** Where apply's ids (the plan's `refs`, then what this apply created) hold a connection's id. */
export const connectionAddress = (name: string) => `connections/${name}`;

/**
 * A connection's id read from the tenant: only for a plan file saved before plans recorded the ids of the
 * connections their users are imported into (`idsNeeded` of the users kind). Read now, so never stale.
 */
async function lookUpConnectionId(api: Api, name: string): Promise<string> {
  const res = await api.request({
    method: 'GET',
    path: '/connections',
    query: { name, fields: 'id,name', include_fields: true },
  });
  const body = res.body;
  const list = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.connections) ? body.connections : [];
  const found = list.filter(isObject).find((c) => c.name === name);
  if (!found || typeof found.id !== 'string')
    throw new TenantctlError('users_import', `connection '${name}' does not exist in the tenant`);
  return found.id;
}

/**
 * Connection name -> id, for the upload's `connection_id`. The plan resolved the ids of existing
 * connections from the live read it made anyway, and a connection created earlier in this apply is there
 * from its create's answer: no request. A lookup is made once per connection, and only when neither has it.
 */
function connectionIds(api: Api, ids: Readonly<Record<string, string>>): (name: string) => Promise<string> {
  const lookups = new Map<string, Promise<string>>();
  return (name) => {
    const known = ids[connectionAddress(name)];
    if (known !== undefined) return Promise.resolve(known);
    let found = lookups.get(name);
    if (!found) {
      found = lookUpConnectionId(api, name);
      lookups.set(name, found);
    }
    return found;
  };
}

/** Per-user problems of a finished job, matched back to changes by email. */
function userErrors(batch: Batch, jobId: string, body: unknown, result: PhaseResult): Set<Change> {
  const byEmail = new Map(batch.changes.map((change) => [emailOfKey(change.key), change]));
  const failed = new Set<Change>();
  for (const item of Array.isArray(body) ? body.filter(isObject) : []) {
    const user = isObject(item.user) ? item.user : {};
    const change = typeof user.email === 'string' ? byEmail.get(user.email.toLowerCase()) : undefined;
    if (!change || failed.has(change)) continue;
    const problems = (Array.isArray(item.errors) ? item.errors.filter(isObject) : [])
      .map((e: JsonObject) => `${String(e.code)}: ${String(e.message)}`)
      .join('; ');
    failed.add(change);
    result.failed.push({
      change,
      error: new TenantctlError(
        'users_import',
        `${whereDeclared(change)}: import job ${jobId} rejected this user: ${problems}`,
      ),
    });
  }
  return failed;
}

/** What the jobs of one phase share. */
interface ImportRun {
  api: Api;
  recordOf: RecordOf;
  connectionId: (name: string) => Promise<string>;
  result: PhaseResult;
}

async function runBatch({ api, recordOf, connectionId, result }: ImportRun, batch: Batch) {
  try {
    const upload = multipart(
      { connection_id: await connectionId(batch.connection), upsert: 'true', send_completion_email: 'false' },
      fileText(batch, recordOf),
    );
    const res = await api.request({ method: 'POST', path: '/jobs/users-imports', raw: upload });
    const jobId = isObject(res.body) && typeof res.body.id === 'string' ? res.body.id : '';
    await waitForJob(api, jobId);
    const errors = await api.request({ method: 'GET', path: `/jobs/${encodeURIComponent(jobId)}/errors` });
    const failed = userErrors(batch, jobId, errors.body, result);
    for (const change of batch.changes) if (!failed.has(change)) result.applied.push(change);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    for (const change of batch.changes)
      result.failed.push({
        change,
        error: new TenantctlError('users_import', `${whereDeclared(change)}: ${message}`),
      });
  }
}

/** Every change through import jobs (upsert), two jobs at most in flight; a failed file fails only its users. */
export async function importUsers(
  api: Api,
  bulk: { changes: Change[]; recordOf: RecordOf; ids: Readonly<Record<string, string>> },
  result: PhaseResult,
): Promise<void> {
  const { recordOf } = bulk;
  const batches = packBatches(bulk.changes, recordOf);
  const run: ImportRun = { api, recordOf, connectionId: connectionIds(api, bulk.ids), result };
  let next = 0;
  const worker = async () => {
    for (let batch = batches[next++]; batch; batch = batches[next++]) await runBatch(run, batch);
  };
  await Promise.all(Array.from({ length: Math.min(JOBS_IN_FLIGHT, batches.length) }, worker));
}
