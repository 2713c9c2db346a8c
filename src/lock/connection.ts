import type { Connection } from '../commands/connect.js';
import { acquireLock, type LockOptions } from './lock.js';

/**
 * Take the apply lock for the life of a connection: closing the connection releases it first, so every
 * path that closes (success, refusal, error) also unlocks.
 */
export async function lockConnection(connection: Connection, options: LockOptions): Promise<void> {
  const lock = await acquireLock(connection.api, options);
  const close = connection.close;
  connection.close = async () => {
    try {
      await lock.release();
    } finally {
      await close();
    }
  };
}
