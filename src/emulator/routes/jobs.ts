import type { JsonObject } from '../../json.js';
import { ApiFailure, errorBody, fail, invalidBody } from '../errors.js';
import { exportSchema } from '../schemas/users.js';
import type { ApiRequest, Ctx, Route } from '../types.js';
import { buildExport, type ExportField } from '../users/export.js';
import { importRecords, type ImportRun } from '../users/import.js';
import { inChunks, type Job, jobsOf, newJobId } from '../users/jobs-store.js';
import { parseMultipart } from '../users/multipart.js';
import { connectionOf, findConnection, usersOf } from '../users/store.js';
import { validateBody } from '../validate.js';

/** "The file must be ≤ 500 KB; above 512000 bytes the API returns 413" (mgmt-api.md §8.2). */
export const IMPORT_MAX_BYTES = 512_000;
export const IMPORT_TOO_LARGE = `Payload content length greater than maximum allowed: ${IMPORT_MAX_BYTES}.`;
/** "At most 2 concurrent import jobs per tenant" (§8.2); the real refusal is not recorded: a 429 here. */
const MAX_CONCURRENT_IMPORTS = 2;
/** Export download links are valid for 60 s; GET /jobs/{id} hands out a fresh one (§8.2). */
const LINK_TTL_MS = 60_000;
export const EXPORT_PATH = '/users-exports/';
const JOB_ID = /^job_[A-Za-z0-9]{16}$/;
const CONNECTION_ID = /^con_[A-Za-z0-9]{16}$/;
/** Records handled per event-loop turn while a job runs in the background. */
const CHUNK = 250;

const bad = (message: string) => fail(400, message, 'invalid_body');

function connectionFor(ctx: Ctx, id: string): JsonObject {
  if (!CONNECTION_ID.test(id))
    throw invalidBody(
      "Payload validation error: 'String does not match pattern ^con_[A-Za-z0-9]{16}$' on property connection_id.",
    );
  const connection = findConnection(ctx.state, { id });
  if (!connection) throw bad('The connection does not exist.');
  return connection;
}

function finish(ctx: Ctx, job: Job): void {
  // The users a job wrote are saved once, when it completes, not once per record; the job reads completed
  // only once they are on disk, so an emulator killed after a client saw it done still has them. A failed
  // save has no request to answer; the next mutation's save writes the same state again.
  const saved = ctx.persist?.() ?? Promise.resolve();
  void saved.catch(() => undefined).then(() => {
    job.data.status = 'completed';
  });
}

function createImport(req: ApiRequest, ctx: Ctx) {
  const { raw, contentType } = req.body as { raw: Buffer; contentType: string | undefined };
  const parts = parseMultipart(raw, contentType);
  if (!parts) throw invalidBody("Payload validation error: 'Invalid multipart payload format'.");
  const field = (name: string) => parts.find((p) => p.name === name);
  const file = field('users');
  if (!file) throw bad("Must provide 'users' file as multipart part.");
  if (file.data.length === 0) throw bad('Users file must not be empty.');
  const connectionId = field('connection_id')?.data.toString('utf8');
  if (connectionId === undefined) throw bad("Must provide 'connection_id' as multipart part.");
  const connection = connectionFor(ctx, connectionId);
  if (connection.strategy !== 'auth0') throw bad('Connection must be a database connection.');
  let records: unknown;
  try {
    records = JSON.parse(file.data.toString('utf8'));
  } catch {
    throw bad('Users file must be a valid JSON array of users.');
  }
  if (!Array.isArray(records)) throw bad('Users file must be a valid JSON array of users.');
  const all = jobsOf(ctx.state);
  const running = [...all.values()].filter((j) => j.data.type === 'users_import' && j.data.status === 'pending');
  if (running.length >= MAX_CONCURRENT_IMPORTS) {
    const message = `There are already ${MAX_CONCURRENT_IMPORTS} import jobs in progress; wait for one to finish.`;
    throw new ApiFailure(429, errorBody(429, message, 'too_many_requests'));
  }
  const externalId = field('external_id')?.data.toString('utf8');
  const data: JsonObject = {
    type: 'users_import',
    status: 'pending',
    connection_id: connectionId,
    connection: String(connection.name),
    created_at: new Date().toISOString(),
    id: newJobId(),
    ...(externalId ? { external_id: externalId } : {}),
  };
  const job: Job = { data, errors: [] };
  all.set(String(data.id), job);
  const run: ImportRun = {
    state: ctx.state,
    connection: String(connection.name),
    upsert: field('upsert')?.data.toString('utf8') === 'true',
    summary: { failed: 0, updated: 0, inserted: 0, total: 0 },
    errors: job.errors,
    seen: new Set(),
  };
  inChunks(records, CHUNK, (chunk) => importRecords(run, chunk), () => {
    data.summary = run.summary;
    finish(ctx, job);
  });
  return { status: 202, body: data };
}

function createExport(req: ApiRequest, ctx: Ctx) {
  const body = validateBody(exportSchema, req.body);
  const connection =
    typeof body.connection_id === 'string' ? connectionFor(ctx, body.connection_id) : undefined;
  const format = body.format === 'json' ? 'json' : 'csv';
  const data: JsonObject = {
    type: 'users_export',
    status: 'pending',
    ...(connection ? { connection_id: String(connection.id), connection: String(connection.name) } : {}),
    format,
    ...(typeof body.limit === 'number' ? { limit: body.limit } : {}),
    ...(Array.isArray(body.fields) ? { fields: body.fields as JsonObject[] } : {}),
    created_at: new Date().toISOString(),
    id: newJobId(),
  };
  const job: Job = { data, errors: [] };
  jobsOf(ctx.state).set(String(data.id), job);
  const users = usersOf(ctx.state).filter((e) => !connection || connectionOf(e.data) === connection.name);
  const options = {
    format: format as 'json' | 'csv',
    fields: body.fields as ExportField[] | undefined,
    limit: typeof body.limit === 'number' ? body.limit : undefined,
  };
  buildExport(users, options, (file) => {
    job.file = file;
    job.data.status = 'completed';
  });
  return { status: 200, body: data };
}

function findJob(req: ApiRequest, ctx: Ctx): Job {
  const id = req.params.id as string;
  if (!JOB_ID.test(id))
    throw bad("Path validation error: 'String does not match pattern ^job_[A-Za-z0-9]{16}$' on property id.");
  const job = jobsOf(ctx.state).get(id);
  if (!job) throw fail(404, 'The job does not exist.', 'inexistent_job');
  return job;
}

function getJob(req: ApiRequest, ctx: Ctx) {
  const job = findJob(req, ctx);
  const view: JsonObject = { ...job.data };
  if (job.data.type === 'users_export') {
    const done = job.data.status === 'completed';
    view.percentage_done = done ? 100 : 0;
    view.time_left_seconds = 0;
    if (done) {
      // The emulator serves the file itself, where it listens (the tenant domain may not resolve).
      const base = ctx.baseUrl ?? `http://${ctx.tenant.domain}`;
      const ext = job.data.format === 'json' ? 'json' : 'csv';
      const expires = Date.now() + LINK_TTL_MS;
      view.location = `${base}${EXPORT_PATH}${String(job.data.id)}.${ext}.gz?expires=${expires}`;
    }
  }
  return { status: 200, body: view };
}

/** 204 without errors; otherwise `[{user, errors: [{code, message, path?}]}]` (TestJobManager_ReadErrors). */
function getErrors(req: ApiRequest, ctx: Ctx) {
  const job = findJob(req, ctx);
  return job.errors.length === 0 ? { status: 204 } : { status: 200, body: job.errors };
}

/** The download behind an export's `location`; outside /api/v2 like the real (pre-signed) link. */
export function serveExport(ctx: Ctx, path: string, query: URLSearchParams) {
  const name = path.slice(EXPORT_PATH.length);
  const job = jobsOf(ctx.state).get(name.replace(/\.(json|csv)\.gz$/, ''));
  if (!job?.file) return { status: 404, body: errorBody(404, 'The export file does not exist.') };
  if (Number(query.get('expires') ?? 0) < Date.now())
    return { status: 403, body: errorBody(403, 'Request has expired') };
  return { status: 200, body: job.file, headers: { 'content-type': 'application/gzip' } };
}

export const jobRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/api/v2/jobs/users-imports',
    scopes: ['create:users'],
    handler: createImport,
    rawBody: { maxBytes: IMPORT_MAX_BYTES, tooLarge: IMPORT_TOO_LARGE },
  },
  { method: 'POST', pattern: '/api/v2/jobs/users-exports', scopes: ['read:users'], handler: createExport },
  { method: 'GET', pattern: '/api/v2/jobs/{id}', scopes: ['create:users', 'read:users'], handler: getJob },
  {
    method: 'GET',
    pattern: '/api/v2/jobs/{id}/errors',
    scopes: ['create:users', 'read:users'],
    handler: getErrors,
  },
];
