import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
  tls?: boolean;
  tlsCert?: string;
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

/**
 * Where `--tls` writes the certificate clients must trust: `--tls-cert`, else next to the state file (the
 * certificate lives in it, so the path stays valid across restarts), else a per-run temporary file.
 */
function certPathOf(options: EmulatorCommandOptions): string {
  // Absolute: clients read NODE_EXTRA_CA_CERTS relative to their own working directory.
  if (options.tlsCert) return resolve(options.tlsCert);
  if (options.state) return resolve(`${options.state.replace(/\.json$/i, '')}-ca.pem`);
  return join(tmpdir(), `tenantctl-emulator-${process.pid}-ca.pem`);
}

/** Serve the emulator until interrupted; prints how to point tenantctl at it. */
export async function emulatorCommand(options: EmulatorCommandOptions, out: Out): Promise<number> {
  if (options.rateLimit) checked('--rate-limit', () => parseRateLimit(options.rateLimit ?? ''));
  const faults: FaultRule[] = options.faults ? checked('--faults', () => parseFaultSpec(options.faults ?? '')) : [];
  const seed = checked('--seed', () => seedOf(options.seed));
  const certPath = options.tls ? certPathOf(options) : undefined;
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
    ...(certPath ? { tls: { certPath } } : {}),
  });
  // tenantctl, like any Node client, trusts the certificate through NODE_EXTRA_CA_CERTS: export it with the rest.
  const trust = certPath ? `NODE_EXTRA_CA_CERTS=${certPath} ` : '';
  out.print(
    [
      `Emulator listening on ${emulator.url} (tenant ${emulator.domain}${options.state ? `, state in ${options.state}` : ''})`,
      faults.length > 0
        ? `Faults armed: ${faults.length} rule(s), seed ${emulator.seed} (pass --seed ${emulator.seed} to replay them)`
        : '',
      certPath
        ? `Its self-signed certificate is in ${certPath}: clients must trust it (NODE_EXTRA_CA_CERTS for Node).`
        : '',
      'Point tenantctl at it with:',
      `  export ${trust}AUTH0_DOMAIN=${emulator.url} AUTH0_CLIENT_ID=${emulator.clientId} AUTH0_CLIENT_SECRET=<the secret>`,
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
