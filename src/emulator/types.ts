import type { JWK } from 'jose';
import type { JsonObject } from '../json.js';
import type { BucketGroup } from './rate-limit.js';
import type { TlsMaterial } from './tls.js';

/**
 * One stored object. `seq` is a tenant-wide creation counter: lists are returned in creation order and
 * checkpoint cursors (`from`/`next`) point into it, so a cursor survives deletions of other objects.
 */
export interface Entity {
  seq: number;
  data: JsonObject;
}

export interface Collections {
  resourceServers: Entity[];
  clients: Entity[];
  clientGrants: Entity[];
  /** Keys behind private_key_jwt / mTLS client authentication (`/clients/{id}/credentials`). */
  clientCredentials: Entity[];
  /** Connections; each keeps its enabled clients in `enabled_clients` (client ids). */
  connections: Entity[];
  /** Users (`/users`, filled in bulk by `/jobs/users-imports`). */
  users: Entity[];
  /** Network ACLs (`/network-acls`); priorities are unique. */
  networkAcls: Entity[];
  /** Application signing keys (signing-keys.ts): current, next, previous; with their JWKs. */
  signingKeys: Entity[];
  /** Customer-provided public JWKs (`/keys/custom-signing`), one entity per key. */
  customSigningKeys: Entity[];
  /** Organizations (`/organizations`); names are unique. */
  organizations: Entity[];
  /** The tenant settings: one entity (`/tenants/settings`). */
  tenantSettings: Entity[];
  /** Roles (`/roles`), each with its permissions and members (routes/roles.ts). */
  roles: Entity[];
  /** Permissions assigned to users directly (`/users/{id}/permissions`), one entity per permission. */
  userPermissions: Entity[];
  /** Users' enrolled authentication methods (`/users/{id}/authentication-methods`), one entity per method. */
  authenticationMethods: Entity[];
}

export type CollectionName = keyof Collections;

/** Everything that survives a restart when a state file is used. Plain JSON. */
export interface EmulatorState {
  version: 1;
  seq: number;
  signingKey: { kid: string; privateJwk: JWK; publicJwk: JWK };
  deployer: { clientId: string; clientSecret: string };
  collections: Collections;
  /** The HTTPS certificate once the emulator has served `tls` (tls.ts); a reset keeps it. */
  tls?: TlsMaterial;
}

export interface TenantConfig {
  domain: string;
  /** Tenant name as the API prints it in `tenant` fields: the first label of the domain. */
  tenantName: string;
  issuer: string;
  audience: string;
  /** How many network ACLs the tenant may hold (default 10, routes/network-acls.ts). */
  maxNetworkAcls?: number;
}

/** A parsed /api/v2 request after authentication. */
export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  body: unknown;
  scopes: ReadonlySet<string>;
  /** client_id of the caller (the token's azp). */
  caller: string;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  /** A read that changed the state (connection keys made on first read): saved before it is answered, as a write is. */
  changed?: true;
}

/** What route handlers get: the live state, the tenant's names, and a commit hook for mutations. */
export interface Ctx {
  state: EmulatorState;
  tenant: TenantConfig;
  /** Saves the state, for work that finishes after its request did (background import jobs). */
  persist?: () => Promise<void>;
  /** Where this emulator is reachable (`--domain` may name a host that does not resolve): export links. */
  baseUrl?: string;
}

export type Handler = (req: ApiRequest, ctx: Ctx) => ApiResponse;

export interface Route {
  method: string;
  /** Path template with `{name}` parameters, e.g. `/api/v2/clients/{id}`; also the stats key. */
  pattern: string;
  /** The OAuth scopes the OpenAPI spec lists for the operation; the token needs any one of them. */
  scopes: readonly string[];
  handler: Handler;
  /** An endpoint bucket this operation draws on besides the global one (rate-limit.ts `BUCKET_GROUPS`). */
  bucket?: BucketGroup;
  /** The handler gets `{ raw: Buffer, contentType }` instead of parsed JSON (multipart uploads), up to a limit. */
  rawBody?: { maxBytes: number; tooLarge: string };
}
