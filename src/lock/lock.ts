import { hostname } from 'node:os';
import { UncertainWriteError } from '../api/client.js';
import { sleep } from '../api/backoff.js';
import type { Api } from '../api/types.js';
import { TenantctlError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { formatDuration } from './duration.js';
import { describeRecord, LOCK_IDENTIFIER, type LockRecord, lockBody, lockFields, newRecord, readRecord } from './record.js';

/** A run that crashed leaves its lock behind; after this long without a refresh anyone may take it. */
export const LOCK_TTL_MS = 15 * 60_000;

export interface LockOptions {
  /** What we run, for the record (`apply tenants/acme --env prod`). */
  command: string;
  /** How long to wait for a lock someone else holds; 0 fails at once. */
  timeoutMs: number;
  env: Record<string, string | undefined>;
  /** Progress and takeover lines (stderr). */
  note(text: string): void;
  /** What the run says when SIGINT or SIGTERM stops it, before its lock is removed (apply's JSON document). */
  onSignal?(signal: NodeJS.Signals): void;
  ttlMs?: number;
  /** Between looks at a held lock while waiting. */
  pollMs?: number;
}

export interface HeldLock {
  /** Removes our lock (never another run's that replaced it after ours expired). */
  release(): Promise<void>;
}

const byId = (id: string) => `/resource-servers/${encodeURIComponent(id)}`;

/** The lock object, if there is one. `{id}` takes the identifier too ("ID or audience", OAS). */
export async function findLock(api: Api): Promise<JsonObject | undefined> {
  const res = await api.request({ method: 'GET', path: byId(LOCK_IDENTIFIER), accept: [404] });
  return res.status === 404 ? undefined : (res.body as JsonObject);
}

export async function removeLock(api: Api, id: string): Promise<void> {
  // Deleting by id, never by identifier: if the lock was replaced meanwhile, the new one has another id.
  await api.request({ method: 'DELETE', path: byId(id), accept: [404], cleanup: true });
}

/** Whether a process on this host with that pid is gone (kill 0 only checks; EPERM means it exists). */
function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Whether the lock's holder is a process of this host that is still running: an apply, not a leftover. */
export function holderRunsHere(record: LockRecord): boolean {
  return record.host === hostname() && !processGone(record.pid);
}

/** Why a lock may be taken over: it expired, or its holder ran on this host and has exited. */
function staleReason(record: LockRecord | undefined, now: number): string | undefined {
  if (record === undefined) return undefined;
  if (Date.parse(record.expires) <= now) return `it expired at ${record.expires}`;
  if (record.host === hostname() && processGone(record.pid))
    return `its process ${record.pid} on this host has exited`;
  return undefined;
}

/** POST the lock: its id when we got it, undefined when another run holds it (409). */
async function tryCreate(api: Api, record: LockRecord): Promise<string | undefined> {
  try {
    const res = await api.request({ method: 'POST', path: '/resource-servers', body: lockBody(record), accept: [409] });
    return res.status === 409 ? undefined : String((res.body as JsonObject).id);
  } catch (error) {
    if (!(error instanceof UncertainWriteError)) throw error;
    // The answer was lost: the record's token says whether the lock that is there now is ours.
    const current = await findLock(api);
    if (current === undefined) return tryCreate(api, record);
    return readRecord(current)?.token === record.token ? String(current.id) : undefined;
  }
}

function lockedError(record: LockRecord | undefined, waitedMs: number, timeoutMs: number): TenantctlError {
  const waited = timeoutMs > 0 ? ` (waited ${formatDuration(waitedMs)})` : '';
  return new TenantctlError(
    'locked',
    `the tenant is locked by another apply${waited}: ${describeRecord(record)}; nothing was changed`,
    {
      hint:
        'Wait for it with --lock-timeout (e.g. --lock-timeout 10m). If that run is gone, remove its lock with ' +
        '`tenantctl unlock` against the same tenant (it expires by itself otherwise).',
    },
  );
}

/**
 * Take the tenant's apply lock: create the lock object, whose identifier is unique, so of two runs
 * exactly one gets a 201 and the other a 409. A stale lock is deleted (by its id) and the create raced
 * again. While held, the expiry is pushed forward every third of the TTL so long applies keep it.
 */
export async function acquireLock(api: Api, options: LockOptions): Promise<HeldLock> {
  const ttlMs = options.ttlMs ?? LOCK_TTL_MS;
  const pollMs = options.pollMs ?? 2000;
  const started = Date.now();
  let lastNote = 0;
  for (;;) {
    const record = newRecord({ command: options.command, ttlMs, now: new Date(), env: options.env });
    const id = await tryCreate(api, record);
    if (id !== undefined) return held(api, id, record, { ...options, ttlMs });
    const current = await findLock(api);
    if (current === undefined) continue; // released between our POST and this GET: race again
    const theirs = readRecord(current);
    const stale = staleReason(theirs, Date.now());
    if (stale) {
      options.note(`Taking over the apply lock of ${describeRecord(theirs)}: ${stale}.\n`);
      await removeLock(api, String(current.id));
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= options.timeoutMs) throw lockedError(theirs, waited, options.timeoutMs);
    if (lastNote === 0 || Date.now() - lastNote >= 10_000) {
      lastNote = Date.now();
      options.note(
        `Waiting for the apply lock held by ${describeRecord(theirs)} (${formatDuration(options.timeoutMs - waited)} of --lock-timeout left)\n`,
      );
    }
    await sleep(Math.min(pollMs, options.timeoutMs - waited));
  }
}

function held(api: Api, id: string, first: LockRecord, options: LockOptions & { ttlMs: number }): HeldLock {
  let lost = false;
  let expires = first.expires;
  const refresh = async () => {
    const record = { ...first, expires: new Date(Date.now() + options.ttlMs).toISOString() };
    const res = await api.request({ method: 'PATCH', path: byId(id), body: lockFields(record), accept: [404] });
    if (res.status === 404 && !lost) {
      lost = true;
      options.note('Warning: the apply lock was removed while this apply ran (tenantctl unlock?).\n');
    } else expires = record.expires;
  };
  const timer = setInterval(() => {
    refresh().catch((error: Error) => options.note(`Warning: could not refresh the apply lock: ${error.message}\n`));
  }, options.ttlMs / 3);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      if (lost) return;
      try {
        await removeLock(api, id);
      } catch (error) {
        options.note(
          `Warning: could not remove the apply lock (${(error as Error).message}); it expires at ${expires} at the latest, or \`tenantctl unlock\` removes it now.\n`,
        );
      }
    },
  };
}
