import { nullable, obj, openObj, type Schema, str } from '../validate.js';
import { tokenQuota } from './token-quota.js';

/**
 * /organizations request bodies (OAS Create/UpdateOrganizationRequestContent). A name is 1..50 lowercase
 * letters, digits, `_` and `-` (format organization-name; the Organizations docs spell the rule out).
 * Branding and enabled connections are accepted as objects: tenantctl does not send them.
 */
const name = str({ minLength: 1, maxLength: 50, pattern: /^[a-z0-9_-]+$/ });
const displayName = str({ minLength: 1, maxLength: 255 });
/** At most 25 string values of at most 255 chars; null deletes a key on PATCH (OAS OrganizationMetadata). */
const metadata: Schema = openObj({ maxProperties: 25, additional: nullable(str({ maxLength: 255 })) });

export const createOrganizationSchema = obj(
  {
    name,
    display_name: displayName,
    branding: openObj(),
    metadata,
    enabled_connections: { type: 'array' },
    token_quota: tokenQuota,
  },
  { required: ['name'] },
);

export const updateOrganizationSchema = obj({
  name,
  display_name: displayName,
  branding: nullable(openObj()),
  metadata: nullable(metadata),
  token_quota: nullable(tokenQuota),
});
