import type { z } from 'zod';
import type { Api } from '../api/types.js';
import type { JsonObject } from '../json.js';
import type { DesiredItem } from '../manifest/types.js';
import type { Change, Skip } from '../plan/types.js';
import type { KindCatalog } from './fields/field.js';
import type { FieldSemantics } from './fields/semantics.js';
import type { ItemSchemaSpec } from './fields/zod.js';

/** Every manifest section, in dependency-friendly order. */
export const KINDS = [
  'tenant',
  'resourceServers',
  'clients',
  'clientGrants',
  'connections',
  'networkAcls',
  'signingKeys',
  'roles',
  'users',
  // After users: members are users, found by email when an apply adds them.
  'organizations',
] as const;
export type Kind = (typeof KINDS)[number];

/** Facts about the live tenant that keys and protection rules need. */
export interface KindContext {
  /** `https://<domain>/api/v2/`: the Management API audience. */
  managementAudience: string;
  /** The client tenantctl authenticates as. */
  deployerClientId: string | undefined;
  /** Live client id -> client name (grants name their client by name in manifests). */
  clientNames: Map<string, string>;
  /** Live tenant settings flags, when the tenant settings were read (a kind depends on `tenant`). */
  tenantFlags?: JsonObject;
  /** Live API identifier -> its scopes, when resource servers were read (role permissions point at them). */
  liveScopes?: Map<string, Set<string>>;
}

/** A reference from one manifest item to another resource, checked offline and resolved at apply. */
export interface Reference {
  kind: Kind;
  key: string;
  /** Where in the item the reference sits, for error locations. */
  path: (string | number)[];
  /** A scope the referenced API must declare (a role's permission), checked offline like the key. */
  scope?: string;
}

/** What a kind's own plan function gets: its declared items and its live objects. */
export interface KindPlanInput {
  items: DesiredItem[];
  live: JsonObject[];
  ctx: KindContext;
  allowDelete: boolean;
  now: Date;
  /** Changes already planned for the kinds planned before this one (its dependencies come first). */
  planned: Change[];
  /** Every kind the plan read (an organization names its members' users by the ids the users kind read). */
  liveKinds?: Partial<Record<Kind, JsonObject[]>>;
  /** Manifest places a plan names are shown relative to this directory, as diagnostics are. */
  cwd?: string;
}

export interface KindPlanOutput {
  changes: Change[];
  skipped: Skip[];
  warnings: string[];
  notes: string[];
  /**
   * The notes again for a subset of `changes` (what `--target` kept), when they count changes: a note
   * saying "4 to create via 1 import job" over a plan that creates one user misleads.
   */
  notesFor?(changes: Change[]): string[];
  /** Problems that make a plan impossible (e.g. two live objects with one key). */
  errors: string[];
}

export interface PhaseResult {
  applied: Change[];
  failed: { change: Change; error: Error }[];
}

/** A kind's field catalog and what its module says beyond it: read by fields:coverage and docs/fields.md. */
export interface KindFields {
  catalog: KindCatalog;
  spec: ItemSchemaSpec;
  semantics?: FieldSemantics;
  /** Nested fields (dotted paths) manifests cannot declare, each with its reason. */
  unmanagedNested?: Record<string, string>;
}

export interface KindHandler {
  kind: Kind;
  /** Singular, for messages: `client grant`. */
  label: string;
  /** Schema of one manifest item (manifest field names, after keyword replacement). */
  itemSchema: z.ZodType;
  /**
   * The schema of this raw item when its fields depend on its own values (a connection's `options` on its
   * `strategy`): validation reports issues and did-you-mean hints against it. Defaults to `itemSchema`.
   */
  itemSchemaFor?(raw: unknown): z.ZodType;
  /** Where the kind's fields come from, when it is built from the field catalog. */
  fields?: KindFields;
  /** Natural key of a manifest item. */
  keyOf(item: JsonObject): string;
  /** Natural key of a live object, or undefined if it cannot be keyed (e.g. a grant of an unknown client). */
  liveKeyOf(live: JsonObject, ctx: KindContext): string | undefined;
  /** Other resources a manifest item points at: new objects on every call (validate.ts sets their places on them). */
  references(item: JsonObject): Reference[];
  /** Why a live object must never be planned (deployer client, system API...), or undefined. */
  protectedReason(live: JsonObject, ctx: KindContext): string | undefined;
  /**
   * Manifest item -> the API's field names. References become `{ $ref: 'kind/key' }` placeholders that
   * the plan resolves to live ids, or apply resolves after creating the target.
   */
  toApi(item: JsonObject): JsonObject;
  /**
   * Applied to BOTH sides before comparing: drop read-only fields, sort set-like arrays, strip secrets.
   * Live objects pass through `fromLive` first (e.g. ids -> `$ref`s) so both sides speak the same terms.
   */
  canonicalize(body: JsonObject): JsonObject;
  /** Live object -> comparable form (client_id -> `{ $ref }`, etc.). */
  fromLive(live: JsonObject, ctx: KindContext): JsonObject;
  /** Fields that the API cannot change in place: a change replaces the object (delete + create). */
  replaceFields: string[];
  /** Map-like fields: compared whole; keys removed from the manifest are sent as explicit null. */
  mapFields: string[];
  /**
   * Nested objects the API merges per key on PATCH (tenant `flags`): only the declared keys are sent.
   * Other nested objects are sent whole (the live object with the declared keys changed).
   */
  mergedObjects?: string[];
  /**
   * Fields whose absence from a declared item means "remove it" (explicit null), not "unmanaged":
   * token quotas, where leaving an old quota behind would silently keep limiting a client.
   */
  absentMeansNull?: string[];
  /** The section is one object (tenant settings, a signing-key policy), not a list; its key is constant. */
  singleton?: boolean;
  /** This kind's changes run one at a time, in plan order (e.g. network ACL priorities are unique). */
  sequential?: boolean;
  /** Replaces the default match-and-diff for this kind; may use `defaultPlanKind` from src/plan. */
  plan?(handler: KindHandler, input: KindPlanInput): KindPlanOutput;
  /**
   * Reads files a manifest item points at (e.g. a JWKS file), relative to the tenant directory, at load
   * time so the plan stays pure. Problems carry the path within the item they belong to.
   */
  loadFiles?(
    body: JsonObject,
    dir: string,
  ): Promise<{ body: JsonObject; problems: { path: (string | number)[]; message: string }[] }>;
  /** Runs a change that carries an `operation` (rotate, revoke, move-priority...). */
  execute?(api: Api, change: Change, body: JsonObject | undefined): Promise<JsonObject | undefined>;
  /**
   * Fields (dotted paths for nested ones: `options.client_secret`) only an env-bound keyword may set
   * (passwords, client secrets): a literal value in a manifest is a validation error, so secrets never
   * sit in git.
   */
  secretFields?: string[];
  /**
   * Addresses (`connections/NAME`) of other objects whose ids this change's apply needs besides the `$ref`s
   * in its body (a users-import job names its connection by id, not by name): the plan resolves them into
   * `refs` from the live read it already made, so apply never looks them up again.
   */
  idsNeeded?(change: Change): string[];
  /**
   * Applies a whole phase of this kind at once (bulk jobs); default: each change on its own. `ids` maps
   * addresses to ids: the plan's `refs` and every object created so far in this apply.
   */
  applyPhase?(
    api: Api,
    changes: { change: Change; body: JsonObject | undefined }[],
    ids: Readonly<Record<string, string>>,
  ): Promise<PhaseResult>;
  /**
   * Why a saved plan's change no longer fits its live object beyond the digest of the compared fields
   * (organization members' ids and role ids, which apply uses from the plan), or undefined.
   */
  staleReason?(change: Change, live: JsonObject): string | undefined;
  /** Kinds whose objects this kind's objects may reference (created first, deleted last). */
  dependsOn: Kind[];
  idOf(live: JsonObject): string;
  /**
   * Manifest fields whose live values take calls per object (an organization's members, a role's
   * permissions): read only when some item declares them, since an undeclared field is never compared.
   */
  subResources?: readonly string[];
  /** The live objects; `read` names the sub-resources to read with them (default: all of them). */
  list(api: Api, read?: ReadonlySet<string>): Promise<JsonObject[]>;
  /**
   * What other kinds' references to this one need (keys and ids), when this kind is not managed: the list
   * without the sub-resources `list` reads per object. Default: `list`.
   */
  listRefs?(api: Api): Promise<JsonObject[]>;
  create(api: Api, body: JsonObject): Promise<JsonObject>;
  update(api: Api, id: string, body: JsonObject): Promise<JsonObject>;
  remove(api: Api, id: string): Promise<void>;
}
