import type { JsonObject } from '../../json.js';
import { fail } from '../errors.js';
import type { Ctx, Entity } from '../types.js';

/**
 * An organization's enabled connections and members live inside its entity, under keys its views leave
 * out, so deleting the organization takes them along (as the API does). Entries are shown only while
 * what they point at still exists: a deleted connection or user drops out without bookkeeping elsewhere.
 *   `_connections`: `{connection_id, assign_membership_on_login, show_as_button, is_signup_enabled}`
 *   `_members`: `{user_id, created_at?, seq, roles: [role id]}` (seq orders checkpoint cursors)
 *   `_client_grants`: the ids of the client grants associated with it
 *   `_discovery_domains`: `{id, domain, status, use_for_organization_discovery?, verification_txt, verification_host}`
 *   `_invitations`: the invitations as answered (org-invitations.ts)
 */
export const HIDDEN = ['_connections', '_members', '_client_grants', '_discovery_domains', '_invitations'] as const;

export const orgNotFound = () => fail(404, 'No organization found by that id or name');

export function findOrg(ctx: Ctx, id: string): Entity {
  const e = ctx.state.collections.organizations.find((x) => x.data.id === id);
  if (!e) throw orgNotFound();
  return e;
}

export interface OrgConnection {
  connection_id: string;
  assign_membership_on_login: boolean;
  show_as_button: boolean;
  is_signup_enabled: boolean;
  /** Only through `/organizations/{id}/connections` (org-all-connections.ts); false hides the entry from enabled_connections. */
  is_enabled?: boolean;
  organization_connection_name?: string;
  organization_access_level?: string;
}

export interface OrgMember {
  user_id: string;
  created_at?: string;
  seq: number;
  roles: string[];
}

export const connectionsOf = (org: Entity): OrgConnection[] =>
  (org.data._connections ?? []) as unknown as OrgConnection[];
export const membersOf = (org: Entity): OrgMember[] => (org.data._members ?? []) as unknown as OrgMember[];

export const grantIdsOf = (org: Entity): string[] => (org.data._client_grants ?? []) as string[];

export function setGrantIds(org: Entity, ids: string[]): void {
  org.data._client_grants = ids;
}

export function setConnections(org: Entity, list: OrgConnection[]): void {
  org.data._connections = list as unknown as JsonObject[];
}
export function setMembers(org: Entity, list: OrgMember[]): void {
  org.data._members = list as unknown as JsonObject[];
}

/** The organization as every answer shows it: no stored sub-resources. */
export function orgView(e: Entity): JsonObject {
  const out = structuredClone(e.data);
  for (const key of HIDDEN) delete out[key];
  return out;
}
