import { setFlagsFromString } from 'node:v8';

/**
 * Which of V8's compilers a run may use. A run starts without the optimizing compiler (TurboFan): most of
 * its code runs once or a few times, and compiling it costs more CPU than it saves (v8-flags.ts). js-yaml
 * is the exception: its few small functions run once per character or value, millions of times on a
 * large tenant, and TurboFan halves their CPU (js-yaml alone on the 8,335-object bench tenant: 0.53 s
 * baseline-only, 0.26 s optimized, compiling included). So it is switched on while js-yaml reads a file and
 * off again after; the code it optimized keeps running optimized. (Most files never get there: the line
 * reader, yaml-lines.ts, reads them first, in ~0.12 s for that tenant without TurboFan.) A wider window (the item checks and zod
 * too) cost more than it saved: plan of that tenant 1.47 s against 1.24 s with js-yaml alone. The located
 * reading of files with problems (the yaml library, whose tree costs about four times js-yaml's reading) is
 * the other window: one typo in the bench's users file, 2.8 s of CPU with it and 3.2 s without.
 *
 * Only a process that lowered the tier (the CLI's bin) switches: tests and library users keep V8's defaults.
 */
let lowered = false;

/** Called once, before the CLI is loaded: from now on only the baseline compilers. */
export function lowerTier(): void {
  setFlagsFromString('--max-opt=2');
  lowered = true;
}

let open = 0;

/**
 * Both flags are set each way: `--max-opt=2` alone turns TurboFan off only as V8's default implication,
 * which an explicit `--turbofan` overrides (after one, every hot function of the plan was optimized too).
 * Windows may overlap (a fleet reads several tenants at once): TurboFan stays on until the last one closes.
 */
function openWindow(): void {
  if (open++ > 0) return;
  setFlagsFromString('--max-opt=3');
  setFlagsFromString('--turbofan');
}

function closeWindow(): void {
  if (--open > 0) return;
  setFlagsFromString('--max-opt=2');
  setFlagsFromString('--no-turbofan');
}

/** Runs `work` with the optimizing compiler on. */
export function withOptimizingCompiler<T>(work: () => T): T {
  if (!lowered) return work();
  openWindow();
  try {
    return work();
  } finally {
    closeWindow();
  }
}

/** The same for work that waits: whatever else runs meanwhile is compiled by TurboFan too. */
export async function withOptimizingCompilerAsync<T>(work: () => Promise<T>): Promise<T> {
  if (!lowered) return work();
  openWindow();
  try {
    return await work();
  } finally {
    closeWindow();
  }
}
