import type { ApplyHooks, ApplyResult } from '../apply/apply.js';
import { lockConnection } from '../lock/connection.js';
import { parseDuration } from '../lock/duration.js';
import type { Change } from '../plan/types.js';
import { failJson, failMarkdown } from '../program-errors.js';
import { renderApplyMarkdown } from '../render/apply-markdown.js';
import { renderApplyText } from '../render/plan-text.js';
import type { Connection } from './connect.js';
import type { Io, Out, OutputFormat } from './io.js';

/** An apply's result in its `--output json` document. */
export function resultJson(result: ApplyResult) {
  const addresses = (list: Change[]) => list.map((c) => c.address);
  return {
    applied: addresses(result.applied),
    failed: result.failed.map((f) => ({ address: f.change.address, error: f.error.message })),
    ...(result.inFlight ? { inFlight: addresses(result.inFlight) } : {}),
    notAttempted: addresses(result.skipped),
  };
}

/**
 * What became of each change so far, for a signal that stops the apply: the apply's own result comes
 * only when it ends, and a stopped apply never ends (src/api/stop-gate.ts).
 */
function record(changes: Change[]) {
  const applied: Change[] = [];
  const failed: ApplyResult['failed'] = [];
  const written = new Set<Change>();
  const settled = new Set<Change>();
  const hooks: Required<Pick<ApplyHooks, 'onWrite' | 'onDone' | 'onFail'>> = {
    onWrite: (change) => written.add(change),
    onDone(change) {
      settled.add(change);
      applied.push(change);
    },
    onFail(change, error) {
      settled.add(change);
      failed.push({ change, error });
    },
  };
  const stopped = (signal: NodeJS.Signals): ApplyResult => {
    const open = changes.filter((c) => !settled.has(c));
    return {
      applied,
      failed,
      inFlight: open.filter((c) => written.has(c)),
      skipped: open.filter((c) => !written.has(c)),
      stoppedBy: signal,
    };
  };
  return { hooks, stopped };
}

export interface ApplyStop {
  /** Starts recording the apply's changes; their hooks, to pass on to `apply`. */
  record(changes: Change[]): ApplyHooks & Required<Pick<ApplyHooks, 'onWrite' | 'onDone' | 'onFail'>>;
  /** Takes the apply lock on the connection, for as long as it is open. */
  takeLock(connection: Connection): Promise<void>;
}

/**
 * The apply lock, and what a signal prints. Ctrl-C or a cancelled CI job (SIGINT/SIGTERM) stops the apply
 * where it is: nothing new is sent, the requests on the wire get their answers (lock/connection.ts), and
 * the output, in the format asked for, says which changes were applied, which were in flight (the only ones
 * that may or may not have been made) and which never started; then the lock goes and the signal ends the
 * process. The result is the one the apply prints when it ends, with the error `interrupted`.
 */
export function applyStop(run: { command: string; output: OutputFormat; lockTimeout: string | undefined }, io: Io, out: Out): ApplyStop {
  const timeoutMs = parseDuration(run.lockTimeout ?? '0', '--lock-timeout');
  let sofar: ReturnType<typeof record> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    const result = sofar?.stopped(signal);
    const inFlight = result?.inFlight?.length ?? 0;
    const error = {
      code: 'interrupted',
      message: result
        ? `${signal} received: the apply stopped; no change was started after it`
        : `${signal} received: the apply stopped before making any change`,
      hint:
        inFlight > 0
          ? 'Changes in flight may still land: give them a minute, then run apply again; it plans from the live tenant and converges.'
          : 'Run apply again: it plans from the live tenant and converges.',
    };
    if (run.output === 'json') {
      if (result) out.context.result = resultJson(result);
      failJson(out, true, error);
    } else if (run.output === 'markdown') {
      // The result below ends with the hint's advice.
      failMarkdown(out, 'apply', result ? { code: error.code, message: error.message } : error);
      if (result) out.print(`\n${renderApplyMarkdown(result)}`);
    } else if (result) out.print(renderApplyText(result, out.style));
  };
  return {
    record(changes) {
      sofar = record(changes);
      return sofar.hooks;
    },
    takeLock: (connection) =>
      lockConnection(connection, {
        command: run.command,
        timeoutMs,
        env: io.env,
        note: (text) => out.note(out.errStyle.dim(text)),
        onSignal,
      }),
  };
}
