import { setFlagsFromString } from 'node:v8';
import { lowerTier } from './compiler-tier.js';

/**
 * Imported first by the CLI's entry, before the rest is evaluated. A tenantctl run is short and spends its
 * CPU once over each value (parse, check, plan), where V8's optimizing compiler (TurboFan, on background
 * threads) costs more than it saves: a plan of an 8,000-object tenant took ~0.3 s less CPU without it, at
 * the same wall time. `--max-opt=2` keeps the baseline compilers (compiler-tier.ts switches TurboFan on
 * while js-yaml reads a file, the one place it pays).
 *
 * The garbage collector's helper threads are switched off for the same reason: on the two cores a CI runner
 * has, a scavenge split over threads spends more CPU handing work around than it saves in wall time, and
 * a run's CPU is what users pay for (the same plan: ~0.04 s less CPU, issue #11). Sweeping, compaction and
 * pointer updates then run on the main thread too. Only flags V8 reads each time it acts are changed here,
 * at run time: heap sizes are fixed at start, and switching concurrent or parallel marking on a running
 * heap crashes it.
 *
 * The emulator is the exception: a server runs long enough for optimized code and parallel GC to pay off.
 */
const GC_FLAGS = [
  '--no-parallel-scavenge',
  '--no-parallel-compaction',
  '--no-parallel-pointer-update',
  '--no-concurrent-sweeping',
];

if (process.argv[2] !== 'emulator') {
  lowerTier();
  for (const flag of GC_FLAGS) setFlagsFromString(flag);
}
