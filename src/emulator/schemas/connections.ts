import { any, arr, bool, enumOf, int, nullable, obj, openObj, type Schema, str } from '../validate.js';

/**
 * Request schemas for /connections, written from the OAS (Create/UpdateConnectionRequestContent,
 * ConnectionPropertiesOptions, UpdateEnabledClientConnectionsRequestContent). `options` is an open object
 * (additionalProperties true: every strategy has its own keys); the keys a database connection shares are
 * checked. Neither `name` nor `strategy` is in the update schema, so a PATCH with them is refused.
 */
export const STRATEGIES = [
  'ad', 'adfs', 'amazon', 'apple', 'dropbox', 'bitbucket', 'auth0-oidc', 'auth0', 'baidu', 'bitly', 'box',
  'custom', 'daccount', 'dwolla', 'email', 'evernote-sandbox', 'evernote', 'exact', 'facebook', 'fitbit',
  'github', 'google-apps', 'google-oauth2', 'instagram', 'ip', 'line', 'linkedin', 'oauth1', 'oauth2',
  'office365', 'oidc', 'okta', 'paypal', 'paypal-sandbox', 'pingfederate', 'planningcenter',
  'salesforce-community', 'salesforce-sandbox', 'salesforce', 'samlp', 'sharepoint', 'shopify', 'shop', 'sms',
  'soundcloud', 'thirtysevensignals', 'twitter', 'untappd', 'vkontakte', 'waad', 'weibo', 'windowslive',
  'wordpress', 'yahoo', 'yandex',
] as const;

const enable = (extra: Record<string, Schema> = {}): Schema =>
  nullable(obj({ enable: bool(), ...extra }, { required: ['enable'] }));

const options = openObj({
  properties: {
    validation: nullable(
      obj({
        username: nullable(
          obj({ min: int({ minimum: 1 }), max: int({ maximum: 128 }) }, { required: ['max', 'min'] }),
        ),
      }),
    ),
    non_persistent_attrs: nullable(arr(str({ maxLength: 255 }), { maxItems: 96 })),
    precedence: arr(enumOf(['email', 'phone_number', 'username']), { minItems: 3 }),
    passwordPolicy: enumOf(['none', 'low', 'fair', 'good', 'excellent'], { nullable: true }),
    password_complexity_options: nullable(obj({ min_length: int({ minimum: 1, maximum: 128 }) })),
    password_history: enable({ size: int({ minimum: 0, maximum: 24 }) }),
    password_no_personal_info: enable(),
    password_dictionary: enable({ dictionary: arr(str({ maxLength: 50 })) }),
    brute_force_protection: bool(),
    requires_username: bool(),
    disable_signup: bool(),
    disable_self_service_change_password: bool(),
    import_mode: bool(),
    enabledDatabaseCustomization: bool(),
    enable_script_context: bool(),
    configuration: nullable(openObj()),
    customScripts: openObj(),
    mfa: openObj({ properties: { active: bool(), return_enroll_settings: bool() } }),
  },
});

const common: Record<string, Schema> = {
  display_name: str({ maxLength: 128 }),
  is_domain_connection: bool(),
  show_as_button: bool(),
  realms: arr(str()),
  metadata: openObj({ additional: nullable(str({ maxLength: 255 })), maxProperties: 10 }),
  authentication: obj({ active: bool() }, { required: ['active'] }),
  connected_accounts: any(),
  cross_app_access_requesting_app: any(),
};

export const createConnectionSchema = obj(
  {
    ...common,
    name: str({ maxLength: 128, pattern: /^[a-zA-Z0-9](-[a-zA-Z0-9]|[a-zA-Z0-9])*$/ }),
    strategy: enumOf(STRATEGIES),
    options,
    enabled_clients: arr(str()),
  },
  { required: ['name', 'strategy'] },
);

export const updateConnectionSchema = obj({
  ...common,
  options: nullable(options),
  enabled_clients: nullable(arr(str())),
});

/** PATCH /connections/{id}/clients: `[{client_id, status}]`, at least one. */
export const enabledClientsPatchSchema = arr(
  obj({ client_id: str(), status: bool() }, { required: ['client_id', 'status'] }),
  { minItems: 1 },
);
