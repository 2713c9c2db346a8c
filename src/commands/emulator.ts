import { type FaultRule, parseFaultSpec } from '../emulator/faults.js';
import { startEmulator } from '../emulator/index.js';
import { parseRateLimit, type ResetMode } from '../emulator/rate-limit.js';
import { TenantctlError } from '../errors.js';
import type { Out } from './io.js';

export interface EmulatorCommandOptions {
  port: string;
  host: string;
  state?: string;
  domain?: string;
  clientId?: string;
  clientSecret?: string;
  rateLimit?: string;
  retryAfter?: boolean;
  rateLimitReset?: ResetMode;
  faults?: string;
  seed?: string;
}

/** Options that do not parse are usage errors, reported before anything listens. */
function checked<T>(option: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new TenantctlError('usage', `${option}: ${(e as Error).message}`);
  }
}

function seedOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) >= 2 ** 32) throw new Error(`expected an integer from 0 to 4294967295, got "${text}"`);
  return Number(text);
}

/** Serve the emulator until interrupted; prints how to point tenantctl at it. */
export async function emulatorCommand(options: EmulatorCommandOptions, out: Out): Promise<number> {
  if (options.rateLimit) checked('--rate-limit', () => parseRateLimit(options.rateLimit ?? ''));
  const faults: FaultRule[] = options.faults ? checked('--faults', () => parseFaultSpec(options.faults ?? '')) : [];
  const seed = checked('--seed', () => seedOf(options.seed));
  const emulator = await startEmulator({
    port: Number(options.port),
    host: options.host,
    statePath: options.state,
    domain: options.domain,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    rateLimit: options.rateLimit,
    retryAfter: options.retryAfter,
    rateLimitReset: options.rateLimitReset,
    faults,
    seed,
  });
  out.print(
    [
      `Emulator listening on ${emulator.url} (tenant ${emulator.domain}${options.state ? `, state in ${options.state}` : ''})`,
      faults.length > 0
        ? `Faults armed: ${faults.length} rule(s), seed ${emulator.seed} (pass --seed ${emulator.seed} to replay them)`
        : '',
      'Point tenantctl at it with:',
      `  export AUTH0_DOMAIN=${emulator.url} AUTH0_CLIENT_ID=${emulator.clientId} AUTH0_CLIENT_SECRET=<the secret>`,
      options.clientSecret
        ? ''
        : '  (no --client-secret was given, so the secret is random: restart with --client-secret to choose it)',
      'Press Ctrl+C to stop.',
      '',
    ]
      .filter((line, i, all) => line !== '' || i === all.length - 1)
      .join('\n'),
  );
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await emulator.close();
  out.note('Emulator stopped.\n');
  return 0;
}
