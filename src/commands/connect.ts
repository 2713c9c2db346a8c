import { dirname, resolve } from 'node:path';
import { type ApiClient, createApiClient } from '../api/client.js';
import { type Endpoint, parseDomain } from '../api/domain.js';
import { type Credentials, createTokenProvider, type RetryHook } from '../api/token.js';
import type { RunningEmulator } from '../emulator/index.js';
import { TenantctlError } from '../errors.js';
import { makeDirectory } from '../make-dir.js';
import type { Io, Out } from './io.js';

export interface Connection {
  api: ApiClient;
  endpoint: Endpoint;
  close(): Promise<void>;
}

export interface ConnectOptions {
  emulator?: boolean;
}

function credentialsFrom(env: Io['env']): Credentials {
  if (env.AUTH0_ACCESS_TOKEN) return { kind: 'token', accessToken: env.AUTH0_ACCESS_TOKEN };
  const clientId = env.AUTH0_CLIENT_ID;
  if (clientId && env.AUTH0_CLIENT_SECRET)
    return { kind: 'secret', clientId, clientSecret: env.AUTH0_CLIENT_SECRET };
  if (clientId && env.AUTH0_CLIENT_ASSERTION_KEY_FILE) {
    return {
      kind: 'private_key_jwt',
      clientId,
      keyFile: env.AUTH0_CLIENT_ASSERTION_KEY_FILE,
      alg: env.AUTH0_CLIENT_ASSERTION_ALG,
    };
  }
  throw new TenantctlError('config', 'no Management API credentials', {
    hint: 'Set AUTH0_CLIENT_ID with AUTH0_CLIENT_SECRET (or AUTH0_CLIENT_ASSERTION_KEY_FILE), or AUTH0_ACCESS_TOKEN; or pass --emulator to use the embedded emulator.',
  });
}

/** An API client for an emulator running in this process, as its deployer (embedded and `--seed-from`). */
export function emulatorClient(emulator: RunningEmulator): { api: ApiClient; endpoint: Endpoint } {
  const endpoint = parseDomain(emulator.url, emulator.audience);
  const tokens = createTokenProvider(endpoint, {
    kind: 'secret',
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
  });
  return { api: createApiClient({ endpoint: { ...endpoint, domain: emulator.domain }, tokens }), endpoint };
}

/**
 * The tenant to talk to: the one AUTH0_DOMAIN names, or with --emulator an in-process emulator whose
 * state lives in .tenantctl/emulator.json, so `apply` and a later `drift` see the same tenant.
 */
export async function connect(io: Io, out: Out, options: ConnectOptions): Promise<Connection> {
  if (options.emulator) {
    const statePath = resolve(io.cwd, '.tenantctl/emulator.json');
    await makeDirectory(dirname(statePath));
    // Loaded only here: the emulator (its TLS and key libraries included) would cost every plan against a
    // real tenant a third of a second of start-up.
    const { startEmulator } = await import('../emulator/index.js');
    // A fixed domain keeps tokens and the Management API audience stable across runs on random ports.
    const emulator = await startEmulator({
      port: 0,
      domain: 'emulator.tenantctl.local',
      statePath,
      quiet: true,
    });
    out.note(
      out.errStyle.dim(
        `Using the embedded emulator (state in .tenantctl/emulator.json) as tenant ${emulator.domain}\n`,
      ),
    );
    const { api, endpoint } = emulatorClient(emulator);
    return {
      api,
      endpoint,
      async close() {
        await api.close();
        await emulator.close();
      },
    };
  }
  if (!io.env.AUTH0_DOMAIN) {
    throw new TenantctlError('config', 'AUTH0_DOMAIN is not set', {
      hint: 'Set AUTH0_DOMAIN (e.g. acme.eu.auth0.com, or http://127.0.0.1:4010 for a running emulator), or pass --emulator.',
    });
  }
  const endpoint = parseDomain(io.env.AUTH0_DOMAIN, io.env.AUTH0_AUDIENCE);
  // `GET /clients: retrying in 2.0 s (attempt 2 of 5): connection reset by 127.0.0.1:4010`
  const onRetry: RetryHook = ({ method, path, reason, waitMs, attempt, of }) =>
    out.note(
      out.errStyle.dim(
        `  ${method} ${path}: ${attempt ? 'retrying' : 'waiting'} in ${(waitMs / 1000).toFixed(1)} s${attempt ? ` (attempt ${attempt} of ${of})` : ''}: ${reason}\n`,
      ),
    );
  const tokens = createTokenProvider(endpoint, credentialsFrom(io.env), { onRetry });
  const api = createApiClient({ endpoint, tokens, onRetry });
  return { api, endpoint, close: () => api.close() };
}
