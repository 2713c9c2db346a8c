import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type FaultRule, parseFaultSpec } from '../emulator/faults.js';
import { startEmulator } from '../emulator/index.js';
import { parseRateLimit, type ResetMode } from '../emulator/rate-limit.js';
import { TenantctlError } from '../errors.js';
import { seedEmulator } from './emulator-seed.js';
import type { Io, Out } from './io.js';

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
  seedFrom?: string;
  env?: string;
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

function portOf(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535)
    throw new Error(`expected a port number from 0 to 65535 (0 picks a free one), got "${text}"`);
  return Number(text);
}

/** The state file's directory must exist: the emulator writes the file there after every change. */
async function checkStateDir(state: string, cwd: string): Promise<void> {
  const dir = dirname(resolve(cwd, state));
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new TenantctlError('usage', `--state: the directory ${dir} does not exist`, {
      hint: `Create it first (mkdir -p ${dir}), or pass a --state path in an existing directory.`,
    });
  }
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
export async function emulatorCommand(options: EmulatorCommandOptions, io: Io, out: Out): Promise<number> {
  const port = checked('--port', () => portOf(options.port));
  if (options.state) await checkStateDir(options.state, io.cwd);
  if (options.seedFrom && !options.env)
    throw new TenantctlError('usage', '--seed-from needs --env ENV: the environment whose keywords apply', {
      hint: 'e.g. tenantctl emulator --seed-from examples/tenants/acme --env dev',
    });
  // tenantctl's own client trusts only the system's certificates; the seeding runs over plain HTTP.
  if (options.seedFrom && options.tls)
    throw new TenantctlError('usage', '--seed-from cannot be combined with --tls', {
      hint: 'Seed once with --state FILE (no --tls), then restart with --tls --state FILE.',
    });
  if (options.rateLimit) checked('--rate-limit', () => parseRateLimit(options.rateLimit ?? ''));
  const faults: FaultRule[] = options.faults ? checked('--faults', () => parseFaultSpec(options.faults ?? '')) : [];
  const seed = checked('--seed', () => seedOf(options.seed));
  const certPath = options.tls ? certPathOf(options) : undefined;
  const emulator = await startEmulator({
    port,
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
  if (options.seedFrom && options.env) {
    try {
      await seedEmulator(emulator, { dir: options.seedFrom, env: options.env }, io, out);
    } catch (error) {
      await emulator.close();
      throw error;
    }
  }
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
