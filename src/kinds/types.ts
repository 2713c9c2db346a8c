import type { z } from 'zod';
import type { Api } from '../api/types.js';
import type { JsonObject } from '../json.js';

/** Every manifest section, in dependency-friendly order. */
export const KINDS = ['resourceServers', 'clients', 'clientGrants'] as const;
export type Kind = (typeof KINDS)[number];

/** Facts about the live tenant that keys and protection rules need. */
export interface KindContext {
  /** `https://<domain>/api/v2/`: the Management API audience. */
  managementAudience: string;
  /** The client tenantctl authenticates as. */
  deployerClientId: string | undefined;
  /** Live client id -> client name (grants name their client by name in manifests). */
  clientNames: Map<string, string>;
}

/** A reference from one manifest item to another resource, checked offline and resolved at apply. */
export interface Reference {
  kind: Kind;
  key: string;
  /** Where in the item the reference sits, for error locations. */
  path: (string | number)[];
}

export interface KindHandler {
  kind: Kind;
  /** Singular, for messages: `client grant`. */
  label: string;
  /** Schema of one manifest item (manifest field names, after keyword replacement). */
  itemSchema: z.ZodType;
  /** Natural key of a manifest item. */
  keyOf(item: JsonObject): string;
  /** Natural key of a live object, or undefined if it cannot be keyed (e.g. a grant of an unknown client). */
  liveKeyOf(live: JsonObject, ctx: KindContext): string | undefined;
  /** Other resources a manifest item points at. */
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
  /** Kinds whose objects this kind's objects may reference (created first, deleted last). */
  dependsOn: Kind[];
  idOf(live: JsonObject): string;
  list(api: Api): Promise<JsonObject[]>;
  create(api: Api, body: JsonObject): Promise<JsonObject>;
  update(api: Api, id: string, body: JsonObject): Promise<JsonObject>;
  remove(api: Api, id: string): Promise<void>;
}
