import { readFile } from 'node:fs/promises';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { TenantctlError } from '../errors.js';
import { isObject } from '../json.js';
import {
  deployerClient,
  deployerGrant,
  generateSecret,
  MANAGEMENT_API_NAME,
  seedCollections,
} from './seed.js';
import { replayJournal } from './journal-file.js';
import { ensureSigningKeys } from './signing-keys.js';
import { insert } from './store.js';
import type { EmulatorState, TenantConfig } from './types.js';

export interface Credentials {
  clientId: string;
  clientSecret?: string | undefined;
}

/** The tenant's token-signing key pair, generated once per state (RS256 like a real tenant). */
async function newSigningKey(): Promise<EmulatorState['signingKey']> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid },
    publicJwk: { ...publicJwk, kid, use: 'sig', alg: 'RS256' },
  };
}

export async function createState(tenant: TenantConfig, creds: Credentials): Promise<EmulatorState> {
  const deployer = { clientId: creds.clientId, clientSecret: creds.clientSecret ?? generateSecret() };
  const { collections, seq } = seedCollections(tenant, deployer);
  const state: EmulatorState = { version: 1, seq, signingKey: await newSigningKey(), deployer, collections };
  ensureSigningKeys(state);
  return state;
}

/** Back to the seeded tenant, keeping the signing key and the deployer's credentials (POST /__emulator/reset). */
export function resetState(state: EmulatorState, tenant: TenantConfig): void {
  const { collections, seq } = seedCollections(tenant, state.deployer);
  // Signing keys survive a reset like the token key: tokens already issued must stay valid.
  state.collections = { ...collections, signingKeys: state.collections.signingKeys };
  state.seq = seq;
}

export async function loadState(path: string): Promise<EmulatorState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!isObject(parsed) || parsed.version !== 1 || !isObject(parsed.collections)) {
    // Snapshots are written atomically (journal-file.ts), so this file was damaged or written by something else.
    throw new TenantctlError(
      'emulator_state',
      `${path} is not a readable emulator state file: delete it (or pass another --state file) to start from a fresh emulator tenant`,
    );
  }
  const state = parsed as unknown as EmulatorState & { journalGeneration?: unknown };
  const generation = typeof state.journalGeneration === 'string' ? state.journalGeneration : undefined;
  delete state.journalGeneration;
  // Collections added after a state file was written start empty.
  state.collections.clientCredentials ??= [];
  state.collections.connections ??= [];
  state.collections.users ??= [];
  state.collections.networkAcls ??= [];
  state.collections.organizations ??= [];
  // Empty settings are filled with a fresh tenant's on first use (routes/tenant-settings.ts).
  state.collections.tenantSettings ??= [];
  state.collections.roles ??= [];
  state.collections.userPermissions ??= [];
  state.collections.authenticationMethods ??= [];
  // A snapshot written before journals existed has no generation: no journal belongs to it.
  if (generation !== undefined) {
    try {
      await replayJournal(path, state, generation);
    } catch (e) {
      throw new TenantctlError(
        'emulator_state',
        `${path}.journal is damaged (${(e as Error).message}): delete ${path} and ${path}.journal (or pass another --state file) to start from a fresh emulator tenant`,
      );
    }
  }
  ensureSigningKeys(state);
  return state;
}

/**
 * Makes a loaded state fit this run: the deployer takes the requested credentials (its grants follow a new
 * client_id), and the system API and grants to it follow the current audience (the port may differ per run).
 */
export function adoptState(state: EmulatorState, tenant: TenantConfig, creds: Credentials): void {
  const { clients, clientGrants, resourceServers } = state.collections;
  const oldId = state.deployer.clientId;
  const deployer = clients.find((c) => c.data.client_id === oldId);
  state.deployer = {
    clientId: creds.clientId,
    clientSecret: creds.clientSecret ?? state.deployer.clientSecret,
  };
  if (deployer) {
    deployer.data.client_id = state.deployer.clientId;
    deployer.data.client_secret = state.deployer.clientSecret;
  }
  for (const g of clientGrants) if (g.data.client_id === oldId) g.data.client_id = state.deployer.clientId;

  const mgmt = resourceServers.find((r) => r.data.is_system === true && r.data.name === MANAGEMENT_API_NAME);
  if (mgmt && mgmt.data.identifier !== tenant.audience) {
    const oldAudience = mgmt.data.identifier;
    mgmt.data.identifier = tenant.audience;
    for (const g of clientGrants) if (g.data.audience === oldAudience) g.data.audience = tenant.audience;
  }

  // Someone deleted the deployer or its grant through the API: bring them back, or nobody could log in.
  const { clientId, clientSecret } = state.deployer;
  if (!deployer) insert(state, 'clients', deployerClient(tenant, clientId, clientSecret));
  if (
    !state.collections.clientGrants.some(
      (g) => g.data.client_id === clientId && g.data.audience === tenant.audience,
    )
  ) {
    insert(state, 'clientGrants', deployerGrant(clientId, tenant.audience));
  }
}
