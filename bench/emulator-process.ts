/**
 * The emulator of a benchmark, in its own process so the bench's memory figure is the CLI's alone. Started
 * with `fork`: it sends `{url, clientId, clientSecret}` once listening, and answers `'peak'` with its peak
 * RSS in MB, then closes.
 */
import { startEmulator } from '../src/emulator/index.js';

const emu = await startEmulator({ quiet: true, rateLimit: '100000/100000' });
process.send?.({ url: emu.url, clientId: emu.clientId, clientSecret: emu.clientSecret });
process.on('message', (message) => {
  if (message !== 'peak') return;
  process.send?.({ peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }, () => {
    void emu.close().then(() => process.disconnect());
  });
});
