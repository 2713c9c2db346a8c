import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from '../commands/connect.js';
import { acquireLock, type HeldLock, type LockOptions } from './lock.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Take the apply lock for the life of a connection: closing the connection releases it first, so every
 * path that closes (success, refusal, error) also unlocks. Ctrl-C or a cancelled CI job (SIGINT/SIGTERM)
 * removes the lock too, within a few seconds, before the signal ends the process as it would have.
 */
export async function lockConnection(connection: Connection, options: LockOptions): Promise<void> {
  // Listen before the lock is asked for: a signal that lands while the create is in flight (the lock may
  // already exist in the tenant) must still remove it, once the create has answered.
  let stopping = false;
  const acquiring = acquireLock(connection.api, options);
  const unlisten = () => SIGNALS.forEach((s) => process.off(s, onSignal));
  function onSignal(signal: NodeJS.Signals) {
    unlisten();
    stopping = true;
    options.note(`\n${signal}: removing the apply lock before stopping; the apply may be incomplete, run it again.\n`);
    const released = acquiring.then((lock) => lock.release()).catch(() => undefined);
    void Promise.race([released, sleep(5000)]).finally(() => process.kill(process.pid, signal));
  }
  SIGNALS.forEach((s) => process.on(s, onSignal));
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
