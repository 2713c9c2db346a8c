import { z } from 'zod';
import { pick, str } from './common.js';
import { canonicalQuota, tokenQuotaSchema } from './token-quota.js';
import type { KindHandler } from './types.js';
import { restCollection } from './rest.js';

const FIELDS = ['name', 'display_name', 'metadata', 'token_quota'] as const;

/**
 * Names are the organization's login identifier: lowercase letters, digits, `_` and `-`, 1..50 characters
 * (OAS CreateOrganizationRequestContent, format organization-name). Metadata holds at most 25 string
 * values of at most 255 characters (OAS OrganizationMetadata).
 */
const itemSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(50)
    .regex(/^[a-z0-9_-]+$/, 'must use only lowercase letters, digits, _ and -'),
  display_name: z.string().min(1).max(255).optional(),
  metadata: z
    .record(z.string(), z.string().max(255))
    .refine((m) => Object.keys(m).length <= 25, 'at most 25 keys')
    .optional(),
  token_quota: tokenQuotaSchema.optional(),
});


export const organizations: KindHandler = {
  kind: 'organizations',
  label: 'organization',
  itemSchema,
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
