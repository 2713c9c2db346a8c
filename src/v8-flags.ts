import { setFlagsFromString } from 'node:v8';

/**
 * Imported first by the CLI's entry, before the rest is evaluated. A tenantctl run is short and spends its
 * CPU once over each value (parse, check, plan), where V8's optimizing compiler (TurboFan, on background
 * threads) costs more than it saves: a plan of an 8,000-object tenant took ~0.3 s less CPU without it, at
 * the same wall time. `--max-opt=2` keeps the baseline compilers. The emulator is the exception: a server
 * runs long enough for optimized code to pay off. Only this flag is changed at run time: it is read each
 * time V8 considers optimizing a function, unlike heap flags, which must be set before start.
 */
if (process.argv[2] !== 'emulator') setFlagsFromString('--max-opt=2');
