import type { Json, JsonObject } from '../json.js';
import type { Kind } from '../kinds/types.js';
import type { SensitiveValue } from '../manifest/types.js';

/** What readLive saw: raw API objects per kind, plus who we are. Plain JSON. */
export interface Live {
  domain: string;
  managementAudience: string;
  deployerClientId: string | undefined;
  kinds: Partial<Record<Kind, JsonObject[]>>;
  /** Per kind, the sub-resources the read covered (KindHandler.subResources); absent: all of them. */
  subReads?: Partial<Record<Kind, string[]>>;
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
  /**
   * A kind-specific operation its handler executes (`rotate`, `revoke`, `move-priority`), shown in the
   * plan instead of the plain action.
   */
  operation?: string;
  /**
   * Why this change is risky (src/plan/risk.ts), for display only: apply recomputes it from the change and
   * refuses without --allow-lockout-risk, whatever a plan file says here.
   */
  risk?: string;
  /** Shown instead of the address when the address alone misleads (`revoke signing key k1 (previous, 47 days old)`). */
  title?: string;
  /** One line of context shown under the change (e.g. which API path a bulk change takes). */
  note?: string;
  /** Where the manifest declares the item (`file:line`), for errors that arrive after apply (bulk imports). */
  source?: string;
}

export interface Skip {
  address: string;
  kind: Kind;
  reason: 'would-delete' | 'protected' | 'untargeted';
  message: string;
}

/** Per managed kind: declared objects, live objects left alone, and skipped ones. */
export interface KindCount {
  managed: number;
  unmanaged: number;
  skipped: number;
}

export interface Plan {
  version: 1;
  tenant: string;
  env?: string;
  /** The tenant the environment file binds the manifests to; apply --plan refuses any other. */
  boundTenant?: string;
  createdAt: string;
  /** Changes in the order apply runs them. */
  changes: Change[];
  skipped: Skip[];
  warnings: string[];
  /** Facts about how the plan will run (e.g. "users: 12000 objects, via import jobs"). */
  notes: string[];
  /** Live ids of objects that changes reference (`clients/Orders Service` -> client_id). */
  refs: Record<string, string>;
  /** Kinds the manifests manage; apply re-reads these to check the plan is not stale. */
  managedKinds: Kind[];
  /** Per kind, the sub-resources the plan read (read-live.ts); apply re-reads the same. Absent: all. */
  subReads?: Partial<Record<Kind, string[]>>;
  summary: { add: number; change: number; destroy: number };
  counts: Partial<Record<Kind, KindCount>>;
  /** `--target` filters this plan was made with, if any. */
  targets?: string[];
}
