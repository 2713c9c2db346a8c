import type { Json, JsonObject } from '../json.js';
import type { Kind } from '../kinds/types.js';
import type { SensitiveValue } from '../manifest/types.js';

/** What readLive saw: raw API objects per kind, plus who we are. Plain JSON. */
export interface Live {
  domain: string;
  managementAudience: string;
  deployerClientId: string | undefined;
  kinds: Partial<Record<Kind, JsonObject[]>>;
}

export type Action = 'create' | 'update' | 'delete' | 'replace';

/** One field difference, for people. Paths use dots and [i]: `jwt_configuration.alg`, `scopes[2]`. */
export interface FieldChange {
  path: string;
  from?: Json;
  to?: Json;
  /** The new value came from an env-bound keyword: shown as (sensitive), never stored. */
  sensitive?: boolean;
}

export interface Change {
  address: string;
  kind: Kind;
  key: string;
  action: Action;
  /** Live id, for update / delete / replace. */
  id?: string;
  /** What is sent: the full declared body on create, only changed fields on update. May hold `{ $ref }`s. */
  body?: JsonObject;
  fields: FieldChange[];
  /** Digest of the live object this change was computed from; apply refuses if it moved. */
  liveDigest?: string;
  /** Values in `body` that are sensitive (path within body). */
  sensitive?: SensitiveValue[];
}

export interface Skip {
  address: string;
  kind: Kind;
  reason: 'would-delete' | 'protected';
  message: string;
}

export interface Plan {
  version: 1;
  tenant: string;
  env?: string;
  createdAt: string;
  /** Changes in the order apply runs them. */
  changes: Change[];
  skipped: Skip[];
  warnings: string[];
  /** Live ids of objects that changes reference (`clients/Orders Service` -> client_id). */
  refs: Record<string, string>;
  /** Kinds the manifests manage; apply re-reads these to check the plan is not stale. */
  managedKinds: Kind[];
  summary: { add: number; change: number; destroy: number };
}
