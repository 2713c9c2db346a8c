import { bool, int, nullable, obj, openObj, type Schema } from '../validate.js';

/**
 * Token quotas (mgmt-api.md §5; OAS TokenQuota, TokenQuotaClientCredentials, DefaultTokenQuota):
 * `client_credentials` is required, closed, and needs at least one property; counts are 1..2147483647.
 */
const clientCredentials = obj(
  {
    enforce: bool(),
    per_day: int({ minimum: 1, maximum: 2147483647 }),
    per_hour: int({ minimum: 1, maximum: 2147483647 }),
  },
  { minProperties: 1 },
);

/** An organization's (or client's) quota; PATCH takes null to remove it. */
export const tokenQuota = obj(
  { client_credentials: clientCredentials },
  { required: ['client_credentials'] },
);

/** TokenQuotaConfiguration is open (OAS additionalProperties: true) but requires client_credentials. */
const quotaConfiguration = openObj({
  properties: { client_credentials: clientCredentials },
  required: ['client_credentials'],
});

/** The tenant default: `{}` is refused (minProperties 1), null removes it. */
export const defaultTokenQuota: Schema = nullable(
  obj({ clients: quotaConfiguration, organizations: quotaConfiguration }, { minProperties: 1 }),
);
