import { any, arr, bool, enumOf, int, nullable, obj, openObj, type Schema, str } from '../validate.js';

/**
 * Request schemas for /clients (mgmt-api.md §7.3; OAS Create/UpdateClientRequestContent). Deeply nested
 * add-on style objects are checked for being objects only: their inner rules would not catch anything our
 * own client sends wrong, and a false refusal would be worse than a miss.
 */
const APP_TYPES = [
  'native',
  'spa',
  'regular_web',
  'non_interactive',
  'resource_server',
  'express_configuration',
  'rms',
  'box',
  'cloudbees',
  'concur',
  'dropbox',
  'mscrm',
  'echosign',
  'egnyte',
  'newrelic',
  'office365',
  'salesforce',
  'sentry',
  'sharepoint',
  'slack',
  'springcm',
  'zendesk',
  'zoom',
  'sso_integration',
  'oag',
];
const ALGS = ['HS256', 'RS256', 'RS512', 'PS256'];
const AUTH_METHODS = ['none', 'client_secret_post', 'client_secret_basic'];
const COMPLIANCE = [
  'none',
  'fapi1_adv_pkj_par',
  'fapi1_adv_mtls_par',
  'fapi2_sp_pkj_mtls',
  'fapi2_sp_mtls_mtls',
];

const urls = arr(str());
const nonEmptyStrings = arr(str({ minLength: 1 }));

const jwtConfiguration = openObj({
  properties: {
    lifetime_in_seconds: int(),
    secret_encoded: bool(),
    scopes: openObj(),
    alg: enumOf(ALGS),
  },
});

const refreshToken = nullable(
  obj(
    {
      rotation_type: enumOf(['rotating', 'non-rotating']),
      expiration_type: enumOf(['expiring', 'non-expiring']),
      leeway: int({ minimum: 0 }),
      token_lifetime: int({ minimum: 1, maximum: 157788000 }),
      infinite_token_lifetime: bool(),
      idle_token_lifetime: int({ minimum: 1 }),
      infinite_idle_token_lifetime: bool(),
      policies: nullable(
        arr(
          obj(
            {
              audience: str({ minLength: 1, maxLength: 600 }),
              scope: arr(str({ minLength: 1, maxLength: 280 })),
            },
            { required: ['audience', 'scope'] },
          ),
          { minItems: 1 },
        ),
      ),
    },
    { required: ['rotation_type', 'expiration_type'] },
  ),
);

/** ≤10 keys, string values ≤255 (mgmt-api.md §7.3); PATCH also takes null to delete a key. */
const clientMetadata = (allowNull: boolean): Schema =>
  openObj({
    maxProperties: 10,
    additional: allowNull ? nullable(str({ maxLength: 255 })) : str({ maxLength: 255 }),
  });

const quotaCredentials = obj(
  {
    enforce: bool(),
    per_day: int({ minimum: 1, maximum: 2147483647 }),
    per_hour: int({ minimum: 1, maximum: 2147483647 }),
  },
  { minProperties: 1 },
);
const tokenQuota = obj({ client_credentials: quotaCredentials }, { required: ['client_credentials'] });

const defaultOrganization = nullable(
  obj(
    { organization_id: str(), flows: arr(enumOf(['client_credentials'])) },
    { required: ['organization_id', 'flows'] },
  ),
);

const authMethods = (credentials: Schema): Schema =>
  obj(
    {
      private_key_jwt: obj({ credentials }, { required: ['credentials'] }),
      tls_client_auth: obj({ credentials }, { required: ['credentials'] }),
      self_signed_tls_client_auth: obj({ credentials }, { required: ['credentials'] }),
    },
    { minProperties: 1, maxProperties: 1 },
  );
const credentialRefs = arr(obj({ id: str() }, { required: ['id'] }));

/** Fields with the same rule on create and update. */
const common: Record<string, Schema> = {
  name: str({ minLength: 1, pattern: /^[^<>]+$/ }),
  description: str({ maxLength: 140 }),
  logo_uri: str(),
  callbacks: urls,
  oidc_logout: openObj(),
  oidc_backchannel_logout: openObj(),
  session_transfer: nullable(openObj()),
  allowed_origins: urls,
  web_origins: urls,
  client_aliases: nonEmptyStrings,
  allowed_clients: nonEmptyStrings,
  allowed_logout_urls: urls,
  // "Array items are not unique … on property grant_types" is a recorded real 400 (§3.2).
  grant_types: arr(str({ minLength: 1 }), { uniqueItems: true }),
  is_token_endpoint_ip_header_trusted: bool(),
  app_type: enumOf(APP_TYPES),
  is_first_party: bool(),
  oidc_conformant: bool(),
  jwt_configuration: jwtConfiguration,
  encryption_key: nullable(openObj()),
  sso: bool(),
  cross_origin_authentication: bool(),
  sso_disabled: bool(),
  custom_login_page_on: bool(),
  addons: openObj(),
  mobile: openObj(),
  initiate_login_uri: str(),
  refresh_token: refreshToken,
  require_pushed_authorization_requests: bool(),
  require_proof_of_possession: bool(),
  compliance_level: nullable(enumOf(COMPLIANCE)),
  par_request_expiry: nullable(int({ minimum: 10, maximum: 600 })),
  redirection_policy: enumOf(['allow_always', 'open_redirect_protection']),
  third_party_security_mode: enumOf(['strict', 'permissive']),
  express_configuration: nullable(openObj()),
  my_organization_configuration: openObj(),
  token_vault_privileged_access: openObj(),
  default_organization: defaultOrganization,
};

export const createClientSchema = obj(
  {
    ...common,
    token_endpoint_auth_method: enumOf(AUTH_METHODS),
    cross_origin_loc: str(),
    custom_login_page: str({ minLength: 1 }),
    custom_login_page_preview: str({ minLength: 1 }),
    form_template: str({ minLength: 1 }),
    client_metadata: clientMetadata(false),
    native_social_login: openObj({ minProperties: 1 }),
    fedcm_login: openObj({ minProperties: 1 }),
    organization_usage: enumOf(['deny', 'allow', 'require']),
    organization_require_behavior: enumOf(['no_prompt', 'pre_login_prompt', 'post_login_prompt']),
    organization_discovery_methods: arr(enumOf(['email', 'organization_name']), { minItems: 1 }),
    client_authentication_methods: authMethods(arr(openObj())),
    signed_request_object: openObj(),
    skip_non_verifiable_callback_uri_confirmation_prompt: bool(),
    token_exchange: openObj(),
    token_quota: tokenQuota,
    resource_server_identifier: str({ minLength: 1, maxLength: 600 }),
    async_approval_notification_channels: arr(any(), { minItems: 1 }),
  },
  { required: ['name'] },
);

export const updateClientSchema = obj({
  ...common,
  client_secret: str({ minLength: 1 }),
  token_endpoint_auth_method: nullable(enumOf(AUTH_METHODS)),
  cross_origin_loc: nullable(str()),
  custom_login_page: str(),
  custom_login_page_preview: str(),
  form_template: str(),
  client_metadata: clientMetadata(true),
  native_social_login: nullable(openObj({ minProperties: 1 })),
  fedcm_login: nullable(openObj({ minProperties: 1 })),
  organization_usage: nullable(enumOf(['deny', 'allow', 'require'])),
  organization_require_behavior: nullable(enumOf(['no_prompt', 'pre_login_prompt', 'post_login_prompt'])),
  organization_discovery_methods: nullable(arr(enumOf(['email', 'organization_name']), { minItems: 1 })),
  client_authentication_methods: nullable(authMethods(credentialRefs)),
  signed_request_object: nullable(openObj()),
  skip_non_verifiable_callback_uri_confirmation_prompt: nullable(bool()),
  token_exchange: nullable(openObj()),
  token_quota: nullable(tokenQuota),
  async_approval_notification_channels: nullable(arr(any(), { minItems: 1 })),
});
