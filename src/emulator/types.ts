import type { JWK } from 'jose';
import type { JsonObject } from '../json.js';

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
}

export type CollectionName = keyof Collections;

/** Everything that survives a restart when a state file is used. Plain JSON. */
export interface EmulatorState {
  version: 1;
  seq: number;
  signingKey: { kid: string; privateJwk: JWK; publicJwk: JWK };
  deployer: { clientId: string; clientSecret: string };
  collections: Collections;
}

export interface TenantConfig {
  domain: string;
  /** Tenant name as the API prints it in `tenant` fields: the first label of the domain. */
  tenantName: string;
  issuer: string;
  audience: string;
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
}

/** What route handlers get: the live state, the tenant's names, and a commit hook for mutations. */
export interface Ctx {
  state: EmulatorState;
  tenant: TenantConfig;
}

export type Handler = (req: ApiRequest, ctx: Ctx) => ApiResponse;

export interface Route {
  method: string;
  /** Path template with `{name}` parameters, e.g. `/api/v2/clients/{id}`; also the stats key. */
  pattern: string;
  /** The OAuth scopes the OpenAPI spec lists for the operation; the token needs any one of them. */
  scopes: readonly string[];
  handler: Handler;
}
