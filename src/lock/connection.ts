import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from '../commands/connect.js';
import { acquireLock, type LockOptions } from './lock.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Take the apply lock for the life of a connection: closing the connection releases it first, so every
 * path that closes (success, refusal, error) also unlocks. Ctrl-C or a cancelled CI job (SIGINT/SIGTERM)
 * removes the lock too, within a few seconds, before the signal ends the process as it would have.
 */
export async function lockConnection(connection: Connection, options: LockOptions): Promise<void> {
  const lock = await acquireLock(connection.api, options);
  const unlisten = () => SIGNALS.forEach((s) => process.off(s, onSignal));
  function onSignal(signal: NodeJS.Signals) {
    unlisten();
    options.note(`\n${signal}: removing the apply lock before stopping; the apply may be incomplete, run it again.\n`);
    void Promise.race([lock.release(), sleep(5000)]).finally(() => process.kill(process.pid, signal));
  }
  SIGNALS.forEach((s) => process.on(s, onSignal));
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
