import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * One run of tenantctl inside a process that runs several (a fleet's tenants). Node keeps the scope across
 * every callback, timer and promise the run starts, and hands it to process 'unhandledRejection' and
 * 'uncaughtException' listeners too (measured on Node 20), so a crash can be pinned on the tenant whose
 * code raised it, and that tenant alone fails (src/fleet/crash.ts).
 */
export interface RunScope {
  name: string;
  /** Set once the run crashed: its api client sends nothing more except cleanup (removing its lock). */
  crashed?: Error;
  /** What must happen if the run is abandoned: removing the apply lock it holds or is taking. */
  cleanups: Set<() => Promise<unknown>>;
}

const storage = new AsyncLocalStorage<RunScope>();

export function runInScope<T>(scope: RunScope, fn: () => Promise<T>): Promise<T> {
  return storage.run(scope, fn);
}

export function currentScope(): RunScope | undefined {
  return storage.getStore();
}

/**
 * Registers work for an abandoned run (none outside a fleet); returns how to unregister it. A run that
 * already crashed does it at once: its cleanups have run, and a lock taken after that must still go.
 */
export function onAbandon(cleanup: () => Promise<unknown>): () => void {
  const scope = storage.getStore();
  if (scope === undefined) return () => undefined;
  if (scope.crashed) {
    void cleanup();
    return () => undefined;
  }
  scope.cleanups.add(cleanup);
  return () => scope.cleanups.delete(cleanup);
}
