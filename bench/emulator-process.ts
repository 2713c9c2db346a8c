/**
 * The emulator of a benchmark, in its own process so the bench's memory figure is the CLI's alone. Started
 * with `fork` and optional `--state FILE` / `--rate-limit BURST/RPS`: it sends `{url, clientId, clientSecret}`
 * once listening, and answers `'peak'` with its peak RSS in MB and its CPU seconds, then closes.
 */
import { parseArgs } from 'node:util';
import { startEmulator } from '../src/emulator/index.js';

const { values } = parseArgs({
  options: { state: { type: 'string' }, 'rate-limit': { type: 'string', default: '100000/100000' } },
});
const emu = await startEmulator({
  quiet: true,
  rateLimit: values['rate-limit'],
  ...(values.state ? { statePath: values.state } : {}),
});
process.send?.({ url: emu.url, clientId: emu.clientId, clientSecret: emu.clientSecret });
process.on('message', (message) => {
  if (message !== 'peak') return;
  const usage = process.resourceUsage();
  const cpuS = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
  process.send?.({ peakRssMb: Math.round(usage.maxRSS / 1024), cpuS }, () => {
    void emu.close().then(() => process.disconnect());
  });
});
