import { arr, bool, enumOf, nullable, obj, str } from '../validate.js';

/** Request schemas for /client-grants (mgmt-api.md §7.2; OAS Create/UpdateClientGrantRequestContent). */
const scopeValue = str({ minLength: 1, maxLength: 280 });
const detailsTypes = arr(str({ minLength: 1, maxLength: 255 }));

export const createClientGrantSchema = obj(
  {
    client_id: str(),
    audience: str({ minLength: 1 }),
    default_for: enumOf(['third_party_clients']),
    organization_usage: enumOf(['deny', 'allow', 'require']),
    allow_any_organization: bool(),
    scope: arr(scopeValue),
    subject_type: enumOf(['client', 'user']),
    authorization_details_types: detailsTypes,
    allow_all_scopes: bool(),
  },
  { required: ['audience'] },
);

/** client_id, audience, subject_type and default_for are immutable: sending them is an unknown property. */
export const updateClientGrantSchema = obj({
  scope: nullable(arr(scopeValue)),
  organization_usage: nullable(enumOf(['deny', 'allow', 'require'])),
  allow_any_organization: nullable(bool()),
  authorization_details_types: detailsTypes,
  allow_all_scopes: nullable(bool()),
});
