import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from '../commands/connect.js';
import { TenantctlError } from '../errors.js';
import { onAbandon } from '../run-scope.js';
import { acquireLock, type HeldLock, type LockOptions } from './lock.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * What each lock of this process does when a signal comes: start removing itself. A fleet runs several
 * tenants in one process, each holding its own lock, so one listener serves them all (no listener-leak
 * warning at --parallel 20) and the signal ends the process only once every lock has gone, or after 5 s.
 */
const onStop = new Set<(signal: NodeJS.Signals) => Promise<unknown>>();
/** The signal that is ending this process: a fleet's tenant that would start meanwhile takes no lock. */
let stoppedBy: NodeJS.Signals | undefined;

function stopAll(signal: NodeJS.Signals) {
  stoppedBy = signal;
  SIGNALS.forEach((s) => process.off(s, stopAll));
  const releases = [...onStop].map((release) => release(signal));
  onStop.clear();
  void Promise.race([Promise.all(releases), sleep(5000)]).finally(() => process.kill(process.pid, signal));
}

function listen(release: (signal: NodeJS.Signals) => Promise<unknown>): () => void {
  if (onStop.size === 0) SIGNALS.forEach((s) => process.on(s, stopAll));
  onStop.add(release);
  return () => {
    onStop.delete(release);
    if (onStop.size === 0) SIGNALS.forEach((s) => process.off(s, stopAll));
  };
}

/**
 * Runs `hook` when SIGINT or SIGTERM stops the process, with the locks' removals and before the signal
 * ends it (within the same 5 s): a fleet prints its summary so far there. Returns the way to stop listening.
 */
export const onStopSignal = (hook: (signal: NodeJS.Signals) => Promise<unknown>): (() => void) => listen(hook);

/**
 * Take the apply lock for the life of a connection: closing the connection releases it first, so every
 * path that closes (success, refusal, error) also unlocks. Ctrl-C or a cancelled CI job (SIGINT/SIGTERM)
 * removes the lock too, within a few seconds, before the signal ends the process as it would have.
 */
export async function lockConnection(connection: Connection, options: LockOptions): Promise<void> {
  // Listen before the lock is asked for: a signal that lands while the create is in flight (the lock may
  // already exist in the tenant) must still remove it, once the create has answered.
  if (stoppedBy)
    throw new TenantctlError('stopping', `${stoppedBy} received: not taking the apply lock, nothing was changed`);
  let stopping = false;
  const acquiring = acquireLock(connection.api, options);
  const release = () => acquiring.then((lock) => lock.release()).catch(() => undefined);
  const unlistenSignals = listen((signal) => {
    stopping = true;
    options.note(`\n${signal}: removing the apply lock before stopping; the apply may be incomplete, run it again.\n`);
    options.onSignal?.(signal);
    return release();
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
