import { TenantctlError } from '../errors.js';
import { findLock, holderRunsHere, removeLock } from '../lock/lock.js';
import { describeRecord, readRecord } from '../lock/record.js';
import { connect } from './connect.js';
import type { Io, Out, OutputFormat } from './io.js';

export interface UnlockOptions {
  emulator?: boolean;
  force?: boolean;
  output: OutputFormat;
}

/** Break the tenant's apply lock (a run that died, a CI job that was cancelled), saying whose it was. */
export async function unlockCommand(options: UnlockOptions, io: Io, out: Out): Promise<number> {
  const connection = await connect(io, out, { emulator: options.emulator });
  try {
    const lock = await findLock(connection.api);
    const record = lock === undefined ? undefined : readRecord(lock);
    const expired = record !== undefined && Date.parse(record.expires) <= Date.now();
    // An apply that is still running here is not a leftover: removing its lock lets another apply write
    // at the same time. Only a holder on this host can be checked; another host's is the user's call.
    if (record !== undefined && !expired && !options.force && holderRunsHere(record)) {
      throw new TenantctlError('lock_in_use', `the apply lock belongs to ${describeRecord(record)}, which is still running on this host`, {
        hint: 'Let it finish, or stop it (Ctrl-C or SIGTERM removes its lock); pass --force to remove the lock anyway.',
      });
    }
    if (lock !== undefined) await removeLock(connection.api, String(lock.id));
    if (options.output === 'json') {
      out.printJson({ tenant: connection.api.domain, removed: lock !== undefined, holder: record ?? null });
    } else if (lock === undefined) {
      out.print(`The tenant ${connection.api.domain} is not locked; nothing to remove.\n`);
    } else {
      out.print(`Removed the apply lock of ${describeRecord(record)}.\n`);
      if (!expired)
        out.note(
          out.errStyle.yellow(
            'It had not expired: if that apply is still running, another one may now write at the same time.\n',
          ),
        );
    }
    return 0;
  } finally {
    await connection.close();
  }
}
