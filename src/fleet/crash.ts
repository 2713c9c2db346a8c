import { setTimeout as sleep } from 'node:timers/promises';
import { currentScope, type RunScope, runInScope } from '../run-scope.js';

/** How long an abandoned tenant's cleanups (removing its lock) may take, as on a signal. */
const CLEANUP_MS = 5000;

async function cleanUp(scope: RunScope): Promise<void> {
  const pending = [...scope.cleanups].map((cleanup) => cleanup().catch(() => undefined));
  scope.cleanups.clear();
  // A lock that cannot be removed in time expires by itself (15 minutes), or `tenantctl unlock` removes it.
  await Promise.race([Promise.all(pending), sleep(CLEANUP_MS, undefined, { ref: false })]);
}

const asError = (raw: unknown) => (raw instanceof Error ? raw : new Error(String(raw)));

/**
 * Watches for crash-class failures (an unhandled promise rejection, an uncaught exception) while a fleet's
 * tenants run in this process, instead of letting one end the process and every tenant with it. Node
 * gives the listener the async scope of the code that failed (src/run-scope.ts), so:
 * - pinned on a running tenant: that tenant fails (exit code 1), its lock is removed, the others go on;
 * - pinned on a tenant that already ended: its result becomes a failure, nothing else changes;
 * - pinned on none: every running tenant fails and its lock is removed, and no tenant starts after it.
 * What a crashed tenant still had going sends nothing more (its api client refuses, src/api/client.ts).
 */
export function watchCrashes(note: (text: string) => void) {
  const running = new Map<RunScope, (error: Error) => void>();
  const ended = new Set<RunScope>();
  const state: { unattributed?: Error } = {};

  const onCrash = (raw: unknown) => {
    const error = asError(raw);
    const scope = currentScope();
    if (scope?.crashed) return; // more of a run already failed and abandoned
    const trace = error.stack ?? error.message;
    const fail = scope && running.get(scope);
    if (scope && (fail || ended.has(scope))) {
      note(`${scope.name}: tenantctl hit a bug in this tenant's run (it fails; the others go on); please report it with this trace:\n${trace}\n`);
      scope.crashed = error;
      fail?.(error);
      return;
    }
    state.unattributed ??= error;
    const names = [...running.keys()].map((s) => s.name);
    note(
      `tenantctl hit a bug outside any one tenant's run; please report it with this trace:\n${trace}\n` +
        `Failing the tenants still running${names.length > 0 ? ` (${names.join(', ')})` : ''}, removing their apply locks, and starting no more.\n`,
    );
    for (const [each, failEach] of running) {
      each.crashed = error;
      failEach(error);
    }
  };
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);

  return {
    /** Why no tenant may start any more, if a crash could not be pinned on one. */
    stopped: () => state.unattributed,
    /**
     * One tenant's run in its own scope: its result, or what `crashed` makes of the error once the run's
     * cleanups are done (its lock removed). A crash after the run ended is in `lateCrash`.
     */
    async run<T>(name: string, fn: () => Promise<T>, crashed: (error: Error) => T): Promise<{ value: T; scope: RunScope }> {
      const scope: RunScope = { name, cleanups: new Set() };
      let fail: (error: Error) => void = () => undefined;
      const failure = new Promise<T>((resolve) => {
        fail = (error) => resolve(cleanUp(scope).then(() => crashed(error)));
      });
      running.set(scope, fail);
      const own = runInScope(scope, fn);
      own.catch(() => undefined); // an abandoned run's own ending is not news
      try {
        return { value: await Promise.race([own, failure]), scope };
      } finally {
        running.delete(scope);
        ended.add(scope);
      }
    },
    close() {
      process.off('unhandledRejection', onCrash);
      process.off('uncaughtException', onCrash);
    },
  };
}

/**
 * Test hook (test/cli/fleet-crash.test.ts): `TENANTCTL_TEST_FLEET_CRASH=NAME:rejection|exception:MS` raises
 * that failure MS milliseconds into the run of tenant NAME, or outside every tenant's run for NAME `-`.
 */
export function testCrash(env: Record<string, string | undefined>, name: string): void {
  const [who, kind, ms] = (env.TENANTCTL_TEST_FLEET_CRASH ?? '').split(':');
  if (who !== name) return;
  const error = new Error(`test crash (${kind ?? ''}) in ${name}`);
  setTimeout(() => {
    if (kind === 'exception') throw error;
    void Promise.reject(error);
  }, Number(ms ?? 0)).unref();
}
