import { z } from 'zod';
import { pick, str } from './common.js';
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
  unmanaged: {
    enabled_connections: 'create-only here; enabled connections are declared by name with the #9 organization wiring',
  },
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

export const organizations: KindHandler = {
  kind: 'organizations',
  label: 'organization',
  itemSchema: itemSchemaOf(organizationsCatalog, spec),
  keyOf: (item) => str(item.name),
  liveKeyOf: (live) => str(live.name),
  references: () => [],
  protectedReason: () => undefined,
  toApi: (item) => pick(item, FIELDS),
  fromLive: (live) => pick(live, FIELDS),
  canonicalize(body) {
    const out = pick(body, FIELDS);
    const quota = canonicalQuota(out.token_quota);
    if (quota !== undefined) out.token_quota = quota;
    return out;
  },
  // The name is the key: renaming an organization in the manifest reads as a new one.
  replaceFields: [],
  // Metadata keys dropped from the manifest are sent as null (the API's metadata values are string|null);
  // the quota is compared whole so a dropped limit is dropped from the tenant.
  mapFields: ['metadata', 'token_quota'],
  // An organization declared without a quota has none (§5): PATCH `token_quota: null` removes it.
  absentMeansNull: ['token_quota'],
  dependsOn: [],
  // Deleting an organization twice answers 404 (mgmt-api.md §3.3): it is gone, which is what we wanted.
  ...restCollection({ path: '/organizations', key: 'organizations', idField: 'id', checkpoint: true, deleteAccepts: [404] }),
};
