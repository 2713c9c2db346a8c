import type { Change } from '../plan/types.js';
import { progressLine } from '../render/plan-text.js';
import type { Io, Out } from './io.js';

export interface Progress {
  done(change: Change): void;
  failed(change: Change): void;
  finish(): void;
}

/**
 * Apply progress on stderr. Small plans get a line per change. Large ones (thousands of users) get one
 * self-updating line on a terminal, and otherwise a line every few seconds, so CI logs stay readable;
 * failures are always listed.
 */
export function applyProgress(total: number, io: Io, out: Out, options: { everyMs?: number; perChangeUpTo?: number } = {}): Progress {
  const perChange = total <= (options.perChangeUpTo ?? 50);
  const tty = io.stderr.isTTY === true;
  const everyMs = options.everyMs ?? 5000;
  let count = 0;
  let failures = 0;
  let last = Date.now();
  const status = () => `  applied ${count}/${total} change(s)${failures ? `, ${failures} failed` : ''}`;
  const tick = () => {
    if (perChange) return;
    if (tty) out.note(`\r${status()}`);
    else if (Date.now() - last >= everyMs) {
      last = Date.now();
      out.note(`${status()}\n`);
    }
  };
  return {
    done(change) {
      count += 1;
      if (perChange) out.note(progressLine(change, 'done', out.errStyle));
      tick();
    },
    failed(change) {
      count += 1;
      failures += 1;
      if (tty && !perChange) out.note('\n');
      out.note(progressLine(change, 'failed', out.errStyle));
      tick();
    },
    finish() {
      if (!perChange) out.note(tty ? `\r${status()}\n` : `${status()}\n`);
    },
  };
}
