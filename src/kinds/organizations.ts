import { z } from 'zod';
import type { Api } from '../api/types.js';
import type { JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { pick, str, builtOnce } from './common.js';
import { syncMembers } from './org-members.js';
import { annotateMembers, MEMBERS_LIVE, membersStaleReason } from './org-members-plan.js';
import { defaultPlanKind } from '../plan/kind-plan.js';
import {
  canonicalWiring,
  connectionsSchema,
  listWiring,
  membersSchema,
  syncConnections,
  WIRING_FIELDS,
  wiringFromLive,
  wiringReferences,
  wiringToApi,
} from './org-wiring.js';
import { organizationsCatalog } from './fields/organizations.js';
import { itemSchemaOf, managedFields, type ItemSchemaSpec } from './fields/zod.js';
import { canonicalQuota, tokenQuotaSchema } from './token-quota.js';
import type { KindHandler } from './types.js';
import { restCollection } from './rest.js';

/**
 * Names are the organization's login identifier: lowercase letters, digits, `_` and `-`, 1..50 characters
 * (OAS format organization-name, which the spec names but does not spell out).
 */
const spec: ItemSchemaSpec = {
  // Enabled connections are declared by name as `connections` and kept exact through their own endpoint
  // (org-wiring.ts); the create body's enabled_connections takes ids.
  declaredAs: { enabled_connections: 'connections' },
  overrides: {
    name: z
      .string()
      .min(1)
      .max(50)
      .regex(/^[a-z0-9_-]+$/, 'must use only lowercase letters, digits, _ and -'),
    // The API takes null values to delete keys; a manifest deletes a key by leaving it out.
    metadata: z
      .record(z.string(), z.string().max(255))
      .refine((m) => Object.keys(m).length <= 25, 'at most 25 keys'),
    token_quota: tokenQuotaSchema,
  },
};

const FIELDS = managedFields(organizationsCatalog, spec);

const rest = restCollection({ path: '/organizations', key: 'organizations', idField: 'id', checkpoint: true, deleteAccepts: [404] });

/** Sub-resources go to their own endpoints once the organization exists. */
async function syncWiring(api: Api, id: string, body: JsonObject): Promise<void> {
  if (isObject(body.connections)) await syncConnections(api, id, body.connections);
  const known = body[MEMBERS_LIVE];
  if (isObject(body.members)) await syncMembers(api, id, body.members, isObject(known) ? known : undefined);
}

function withoutWiring(body: JsonObject): JsonObject {
  const { connections: _c, members: _m, [MEMBERS_LIVE]: _known, ...fields } = body;
  return fields;
}


const itemSchema = builtOnce(() =>
  itemSchemaOf(organizationsCatalog, spec).extend({
    connections: connectionsSchema.optional(),
    members: membersSchema.optional(),
  }),
);

export const organizations: KindHandler = {
  kind: 'organizations',
  label: 'organization',
  fields: { catalog: organizationsCatalog, spec },
  get itemSchema() {
    return itemSchema();
  },
  keyOf: (item) => str(item.name),
  liveKeyOf: (live) => str(live.name),
  references: wiringReferences,
  protectedReason: () => undefined,
  toApi(item) {
    const out = pick(item, FIELDS);
    wiringToApi(item, out);
    return out;
  },
  fromLive(live) {
    const out = pick(live, FIELDS);
    wiringFromLive(live, out);
    return out;
  },
  canonicalize(body) {
    const out = pick(body, FIELDS);
    canonicalWiring(body, out);
    const quota = canonicalQuota(out.token_quota);
    if (quota !== undefined) out.token_quota = quota;
    return out;
  },
  // The name is the key: renaming an organization in the manifest reads as a new one.
  replaceFields: [],
  // Metadata keys dropped from the manifest are sent as null (the API's metadata values are string|null);
  // the quota is compared whole so a dropped limit is dropped from the tenant.
  mapFields: ['metadata', 'token_quota', ...WIRING_FIELDS],
  // An organization declared without a quota has none (§5): PATCH `token_quota: null` removes it.
  absentMeansNull: ['token_quota'],
  // Enabled connections and member roles point at connections and roles, created first.
  dependsOn: ['connections', 'roles'],
  // Deleting an organization twice answers 404 (mgmt-api.md §3.3): it is gone, which is what we wanted.
  idOf: rest.idOf,
  remove: rest.remove,
  // Apply sets members from what the plan read instead of reading them again (org-members-plan.ts).
  plan(handler, input) {
    const out = defaultPlanKind(handler, input);
    annotateMembers(out.changes, input);
    return out;
  },
  staleReason: membersStaleReason,
  subResources: WIRING_FIELDS,
  list: async (api, read) => {
    const orgs = await rest.list(api);
    const which = WIRING_FIELDS.filter((field) => read?.has(field) ?? true);
    return which.length === 0 ? orgs : Promise.all(orgs.map((org) => listWiring(api, org, which)));
  },
  listRefs: rest.list,
  async create(api, body) {
    const created = await rest.create(api, withoutWiring(body));
    await syncWiring(api, str(created.id), body);
    return created;
  },
  async update(api, id, body) {
    const fields = withoutWiring(body);
    const out = Object.keys(fields).length > 0 ? await rest.update(api, id, fields) : {};
    await syncWiring(api, id, body);
    return out;
  },
};
