import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from '../commands/connect.js';
import { TenantctlError } from '../errors.js';
import { onAbandon } from '../run-scope.js';
import { acquireLock, type HeldLock, type LockOptions } from './lock.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
/** How long a signal waits for each of its steps: the answers to requests on the wire, then the locks' removal. */
const STEP_MS = 5000;

/**
 * What one run of this process does when a signal comes. `settle` first: a run holding a lock sends nothing
 * more, waits for the answers on the wire and says what it did; a fleet (holding none) then prints its
 * summary of them. `release` last: the lock goes. A fleet runs several tenants in one process, each holding
 * its own lock, so one listener serves them all (no listener-leak warning at --parallel 20).
 */
interface OnStop {
  holdsLock: boolean;
  settle(signal: NodeJS.Signals): Promise<unknown>;
  release(): Promise<unknown>;
}
const onStop = new Set<OnStop>();
/** The signal that is ending this process: a fleet's tenant that would start meanwhile takes no lock. */
let stoppedBy: NodeJS.Signals | undefined;

const within = (work: Promise<unknown>[], ms: number) => Promise.race([Promise.allSettled(work), sleep(ms)]);

async function stopAll(signal: NodeJS.Signals) {
  stoppedBy = signal;
  SIGNALS.forEach((s) => process.off(s, stopAll));
  const stops = [...onStop];
  onStop.clear();
  try {
    // Each settle waits STEP_MS at most for its answers, then prints: the margin is for printing.
    await within(stops.filter((s) => s.holdsLock).map((s) => s.settle(signal)), STEP_MS + 1000);
    await within(stops.filter((s) => !s.holdsLock).map((s) => s.settle(signal)), 1000);
    await within(stops.map((s) => s.release()), STEP_MS);
  } finally {
    process.kill(process.pid, signal);
  }
}

function listen(stop: OnStop): () => void {
  if (onStop.size === 0) SIGNALS.forEach((s) => process.on(s, stopAll));
  onStop.add(stop);
  return () => {
    onStop.delete(stop);
    if (onStop.size === 0) SIGNALS.forEach((s) => process.off(s, stopAll));
  };
}

/**
 * Runs `hook` when SIGINT or SIGTERM stops the process, once every run holding a lock has said what it did,
 * and before the locks go and the signal ends it: a fleet prints its summary there. Returns the way to stop
 * listening.
 */
export const onStopSignal = (hook: (signal: NodeJS.Signals) => Promise<unknown>): (() => void) =>
  listen({ holdsLock: false, settle: hook, release: () => Promise.resolve() });

/**
 * Take the apply lock for the life of a connection: closing the connection releases it first, so every
 * path that closes (success, refusal, error) also unlocks. Ctrl-C or a cancelled CI job (SIGINT/SIGTERM)
 * stops the connection's requests, waits for those in flight, and removes the lock too, within a few
 * seconds, before the signal ends the process as it would have.
 */
export async function lockConnection(connection: Connection, options: LockOptions): Promise<void> {
  // Listen before the lock is asked for: a signal that lands while the create is in flight (the lock may
  // already exist in the tenant) must still remove it, once the create has answered.
  if (stoppedBy)
    throw new TenantctlError('stopping', `${stoppedBy} received: not taking the apply lock, nothing was changed`);
  let stopping = false;
  const acquiring = acquireLock(connection.api, options);
  const release = () => acquiring.then((lock) => lock.release()).catch(() => undefined);
  const unlistenSignals = listen({
    holdsLock: true,
    async settle(signal) {
      stopping = true;
      options.note(`\n${signal}: sending nothing more; removing the apply lock before stopping, once the requests in flight are answered.\n`);
      // The answers on the wire are awaited, so the output can say which changes were made; one that never
      // comes leaves its change listed as in flight.
      await Promise.race([connection.api.stop(), sleep(STEP_MS)]);
      // The code each answer resumes runs to its next request (held) before the result is read.
      await new Promise(setImmediate);
      options.onSignal?.(signal);
    },
    release,
  });
  // A fleet's tenant whose run crashed is abandoned: its lock goes as on a signal (src/fleet/crash.ts).
  const forget = onAbandon(release);
  const unlisten = () => {
    unlistenSignals();
    forget();
  };
  let lock: HeldLock;
  try {
    lock = await acquiring;
  } catch (error) {
    unlisten();
    throw error;
  }
  // Stopping: the handler releases the lock and ends the process; nothing more may be sent meanwhile.
  if (stopping) await new Promise<never>(() => undefined);
  const close = connection.close;
  connection.close = async () => {
    unlisten();
    try {
      await lock.release();
    } finally {
      await close();
    }
  };
}
