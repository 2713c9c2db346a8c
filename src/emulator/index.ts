import { randomInt } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { TenantctlError } from '../errors.js';
import { makeDirectory } from '../make-dir.js';
import { importKeys } from './auth.js';
import { arm, type FaultRule, noFaults, parseFaultSpec } from './faults.js';
import { createRateLimiter, type ResetMode } from './rate-limit.js';
import { createRequestHandler, type ServerDeps } from './server.js';
import { ageSigningKeys } from './signing-keys.js';
import { adoptState, createState, loadState, resetState } from './state.js';
import { createStateWriter } from './state-writer.js';
import { emptyStats } from './stats.js';
import { tlsHosts, tlsMaterial } from './tls.js';
import type { EmulatorState, TenantConfig } from './types.js';

export interface EmulatorOptions {
  /** Default 0 (a random free port). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /**
   * Load the tenant from this file (and replay `FILE.journal`) if it exists; every answered mutation is in
   * the journal on disk first, and the journal is folded into a new snapshot as it grows (state-writer.ts).
   */
  statePath?: string;
  /** Default `127.0.0.1:<actual port>`; issuer `https://<domain>/`, audience `https://<domain>/api/v2/`. */
  domain?: string;
  /** The deployer client's id; default 'tenantctl-deployer'. */
  clientId?: string;
  /** The deployer client's secret; default: random, generated once and kept in the state file. */
  clientSecret?: string;
  /** A plan (`free` 2/2, `dev` 10/2, `enterprise` 50/16) or 'BURST/RPS'; default `enterprise`. */
  rateLimit?: string;
  /** Send `Retry-After` on 429s (the real Management API does not promise it). */
  retryAfter?: boolean;
  /** What `x-ratelimit-reset` announces: the next token (default) or a full bucket. */
  rateLimitReset?: ResetMode;
  /** Fault rules armed from the start: a `--faults` spec (faults.ts) or parsed rules. */
  faults?: string | FaultRule[];
  /** Seed of the faults' chances; default random (see `seed` on the running emulator to replay a run). */
  seed?: number;
  quiet?: boolean;
  /** How many network ACLs the tenant may hold; default 10 (mgmt-api.md §4.3). */
  maxNetworkAcls?: number;
  /**
   * Serve HTTPS with a self-signed certificate for localhost, 127.0.0.1, ::1, `host` and the domain's host
   * (tls.ts; kept in the state file). `certPath`: also write the certificate there, for NODE_EXTRA_CA_CERTS.
   */
  tls?: boolean | { certPath?: string };
}

export interface RunningEmulator {
  url: string;
  port: number;
  domain: string;
  audience: string;
  clientId: string;
  clientSecret: string;
  /** The faults' seed: pass it back as `seed` to fault the same requests again. */
  seed: number;
  /** With `tls`: the certificate (PEM) clients must trust, and where it was written if a `certPath` was given. */
  tls?: { cert: string; caPath?: string };
  close(): Promise<void>;
}

function tenantConfig(domain: string): TenantConfig {
  const first = domain.split(/[.:]/)[0] ?? '';
  const tenantName = /^[a-z][a-z0-9-]*$/i.test(first) ? first : 'emulator';
  return { domain, tenantName, issuer: `https://${domain}/`, audience: `https://${domain}/api/v2/` };
}

/**
 * What a request gets while the tenant is still being prepared (only with port 0, where the port, and so
 * the tenant's names, are known only after listening): a JSON error body that says to come back.
 */
export const starting: RequestListener = (_req, res) => {
  res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '1' });
  res.end(
    JSON.stringify({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'The emulator is still starting; retry in a moment.',
      errorCode: 'emulator_starting',
    }),
  );
};

/** Listen, turning the socket errors a user can cause into one line that says what to change. */
async function listen(server: Server, port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((e: NodeJS.ErrnoException) => {
    throw listenError(e, port, host);
  });
}

function listenError(e: NodeJS.ErrnoException, port: number, host: string): Error {
  switch (e.code) {
    case 'EADDRINUSE':
      return new TenantctlError('emulator_port_in_use', `port ${port} on ${host} is already in use`, {
        hint: 'Stop what is listening there, or pick another port with --port (0 picks a free one).',
      });
    case 'EACCES':
      return new TenantctlError('emulator_port_denied', `not allowed to listen on port ${port} on ${host}`, {
        hint: 'Ports below 1024 need privileges: pick a higher --port (0 picks a free one).',
      });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new TenantctlError('emulator_bad_host', `cannot listen on host "${host}": it is not an address of this machine (${e.code})`, {
        hint: 'Use --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every interface).',
      });
    default:
      return e;
  }
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const limiter = createRateLimiter(
    { spec: options.rateLimit, retryAfter: options.retryAfter, reset: options.rateLimitReset },
    Date.now(),
  );
  const faults = noFaults(options.seed ?? randomInt(2 ** 32));
  faults.armed = arm(typeof options.faults === 'string' ? parseFaultSpec(options.faults) : (options.faults ?? []));
  const log = options.quiet ? undefined : (line: string) => process.stderr.write(`[emulator] ${line}\n`);
  let handle: RequestListener = starting;
  // With TLS the certificate is in the state, loaded below: until then handshakes fail, the same "not ready".
  const listener: RequestListener = (req, res) => handle(req, res);
  const secure = options.tls ? createHttpsServer({}, listener) : undefined;
  const server = secure ?? createServer(listener);
  server.keepAliveTimeout = 5000;

  // A fixed port is known before listening, so the tenant (keys, certificate) is prepared first and the
  // socket opens only when it can answer. Port 0 is known only after listening; nobody can know it before
  // it is printed, and the few requests that could arrive in between get the 503 above.
  const requested = options.port ?? 0;
  if (requested === 0) await listen(server, 0, host);
  const port = requested === 0 ? (server.address() as AddressInfo).port : requested;
  try {
    const tenant = tenantConfig(options.domain ?? `127.0.0.1:${port}`);
    const urlHost =
      host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    if (options.maxNetworkAcls !== undefined) tenant.maxNetworkAcls = options.maxNetworkAcls;
    const creds = { clientId: options.clientId ?? 'tenantctl-deployer', clientSecret: options.clientSecret };
    const loaded = options.statePath ? await loadState(options.statePath) : undefined;
    if (loaded) adoptState(loaded, tenant, creds);
    const state: EmulatorState = loaded ?? (await createState(tenant, creds));
    const certPath = typeof options.tls === 'object' ? options.tls.certPath : undefined;
    if (secure) {
      state.tls = await tlsMaterial(state.tls, tlsHosts(host, tenant.domain));
      secure.setSecureContext({ key: state.tls.key, cert: state.tls.cert });
      if (certPath) {
        await makeDirectory(dirname(certPath), '--tls-cert');
        await writeFile(certPath, state.tls.cert);
      }
    }
    const url = `${secure ? 'https' : 'http'}://${urlHost}:${port}`;

    const writer = options.statePath ? createStateWriter(options.statePath, state) : undefined;
    const persist = (): Promise<void> => writer?.persist() ?? Promise.resolve();
    await persist();

    const stats = emptyStats();
    const deps: ServerDeps = {
      log,
      ctx: { state, tenant, persist, baseUrl: url },
      keys: await importKeys(state),
      limiter,
      stats,
      faults,
      persist,
      control: {
        stats,
        faults,
        resetStats: () => Object.assign(stats, emptyStats()),
        resetTenant: async () => {
          resetState(state, tenant);
          await persist();
        },
        ageSigningKeys: async (days) => {
          ageSigningKeys(state, days);
          await persist();
        },
      },
    };
    handle = createRequestHandler(deps);
    if (requested !== 0) await listen(server, requested, host);
    await persist();

    return {
      url,
      port,
      domain: tenant.domain,
      audience: tenant.audience,
      clientId: state.deployer.clientId,
      clientSecret: state.deployer.clientSecret,
      seed: faults.seed,
      ...(secure && state.tls
        ? { tls: { cert: state.tls.cert, ...(certPath ? { caPath: certPath } : {}) } }
        : {}),
      close: async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await writer?.flush();
      },
    };
  } catch (e) {
    server.close();
    throw e;
  }
}
