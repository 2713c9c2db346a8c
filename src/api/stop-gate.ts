/**
 * How an api client stops on Ctrl-C or a cancelled CI job: from `stop()` on, no request goes out but
 * cleanup (removing the apply lock). A request that would go out instead waits forever: the process ends
 * by the signal, and a run that got an error back instead would go on to print a result of its own, a
 * second one after the signal's. `stop()` resolves once every request already on the wire has its answer,
 * so the signal's document can say exactly which changes were made.
 */
export interface StopGate {
  readonly stopped: boolean;
  /** Never settles: what a request gets that the stop kept from going out. */
  hold(): Promise<never>;
  /** Counts `send` as on the wire until it settles. */
  onWire<T>(send: () => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

export function createStopGate(): StopGate {
  let stopped = false;
  let onWire = 0;
  const idle: (() => void)[] = [];
  return {
    get stopped() {
      return stopped;
    },
    hold: () => new Promise<never>(() => undefined),
    async onWire(send) {
      onWire += 1;
      try {
        return await send();
      } finally {
        onWire -= 1;
        if (onWire === 0) idle.splice(0).forEach((resolve) => resolve());
      }
    },
    stop() {
      stopped = true;
      return onWire === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve));
    },
  };
}
