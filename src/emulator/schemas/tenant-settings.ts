import { arr, bool, enumOf, int, nullable, obj, openObj, type Schema, str } from '../validate.js';
import { defaultTokenQuota } from './token-quota.js';

/**
 * PATCH /tenants/settings (OAS UpdateTenantSettingsRequestContent, mgmt-api.md §9): closed, at least one
 * property. Flags are the OAS TenantSettingsFlags plus `use_scope_descriptions_for_consent`, which real
 * PATCHes send and the API accepts (TestAccTenant_Main; recordings win over the spec).
 */
const FLAGS = [
  'change_pwd_flow_v1',
  'enable_apis_section',
  'disable_impersonation',
  'enable_client_connections',
  'enable_pipeline2',
  'allow_legacy_delegation_grant_types',
  'allow_legacy_ro_grant_types',
  'allow_legacy_tokeninfo_endpoint',
  'enable_legacy_profile',
  'enable_idtoken_api2',
  'enable_public_signup_user_exists_error',
  'enable_sso',
  'allow_changing_enable_sso',
  'disable_clickjack_protection_headers',
  'no_disclose_enterprise_connections',
  'enforce_client_authentication_on_passwordless_start',
  'enable_adfs_waad_email_verification',
  'revoke_refresh_token_grant',
  'dashboard_log_streams_next',
  'dashboard_insights_view',
  'disable_fields_map_fix',
  'mfa_show_factor_list_on_enrollment',
  'remove_alg_from_jwks',
  'improved_signup_bot_detection_in_classic',
  'genai_trial',
  'enable_dynamic_client_registration',
  'disable_management_api_sms_obfuscation',
  'trust_azure_adfs_email_verified_connection_property',
  'custom_domains_provisioning',
  'use_scope_descriptions_for_consent',
];

/** OAS TenantSettingsSupportedLocalesEnum. */
const LOCALES = `
  am ar ar-EG ar-SA az bg bn bs ca-ES cnr cs cy da de el en en-CA es es-419 es-AR es-MX et eu-ES fa
  fi fr fr-CA fr-FR gl-ES gu he hi hr hu hy id is it ja ka kk kn ko lt lv mk ml mn mr ms my nb nl
  nn no pa pl pt pt-BR pt-PT ro ru sk sl so sq sr sv sw ta te th tl tr uk ur vi zgh zh-CN zh-HK
  zh-MO zh-TW
`
  .trim()
  .split(/\s+/);

/** Formats absolute-uri-or-empty, absolute-https-uri-or-empty and email-or-empty, as patterns. */
const uriOrEmpty = str({ pattern: /^(?:$|[a-zA-Z][a-zA-Z0-9+.-]*:\/\/\S+)$/ });
const httpsUriOrEmpty = str({ pattern: /^(?:$|https:\/\/\S+)$/ });
const emailOrEmpty = str({ pattern: /^(?:$|[^\s@]+@[^\s@]+)$/ });
const hours = int({ minimum: 1 });
const page = nullable(obj({ enabled: bool(), html: str() }));

const properties: Record<string, Schema> = {
  change_password: page,
  device_flow: nullable(
    obj({ charset: enumOf(['base20', 'digits']), mask: str({ minLength: 1, maxLength: 20 }) }),
  ),
  guardian_mfa_page: page,
  default_audience: str(),
  default_directory: str(),
  error_page: nullable(obj({ html: str(), show_log_link: bool(), url: uriOrEmpty })),
  default_token_quota: defaultTokenQuota,
  flags: obj(Object.fromEntries(FLAGS.map((f) => [f, bool()]))),
  friendly_name: str(),
  picture_url: uriOrEmpty,
  support_email: emailOrEmpty,
  support_url: uriOrEmpty,
  allowed_logout_urls: arr(str()),
  session_lifetime: hours,
  session_lifetime_in_minutes: hours,
  idle_session_lifetime: hours,
  idle_session_lifetime_in_minutes: hours,
  ephemeral_session_lifetime: hours,
  idle_ephemeral_session_lifetime: hours,
  ephemeral_session_lifetime_in_minutes: hours,
  idle_ephemeral_session_lifetime_in_minutes: hours,
  sandbox_version: str({ maxLength: 8 }),
  legacy_sandbox_version: str({ maxLength: 8 }),
  default_redirection_uri: httpsUriOrEmpty,
  enabled_locales: arr(enumOf(LOCALES), { minItems: 1 }),
  // OAS TenantSettingsNullableSecurityHeaders: both headers are configuration objects, not strings.
  security_headers: nullable(
    obj({
      content_security_policy: nullable(
        obj({ enabled: bool(), policies: arr(openObj()), reporting_infrastructure: nullable(openObj()) }),
      ),
      x_xss_protection: nullable(obj({ enabled: bool(), mode: enumOf(['block']), report_uri: str() })),
    }),
  ),
  session_cookie: nullable(obj({ mode: enumOf(['persistent', 'non-persistent']) }, { required: ['mode'] })),
  sessions: nullable(obj({ oidc_logout_prompt_enabled: bool() })),
  oidc_logout: obj({ rp_logout_end_session_endpoint_discovery: bool() }),
  customize_mfa_in_postlogin_action: nullable(bool()),
  allow_organization_name_in_authentication_api: nullable(bool()),
  acr_values_supported: nullable(arr(str())),
  mtls: nullable(obj({ enable_endpoint_aliases: bool() })),
  pushed_authorization_requests_supported: nullable(bool()),
  authorization_response_iss_parameter_supported: nullable(bool()),
  skip_non_verifiable_callback_uri_confirmation_prompt: nullable(bool()),
  resource_parameter_profile: enumOf(['audience', 'compatibility']),
  client_id_metadata_document_supported: bool(),
  enable_ai_guide: bool(),
  phone_consolidated_experience: bool(),
  include_session_metadata_in_tenant_logs: bool(),
  dynamic_client_registration_security_mode: enumOf(['strict', 'permissive']),
  country_codes: nullable(obj({ list: arr(str()), mode: enumOf(['allow', 'deny']) })),
};

export const updateTenantSettingsSchema = obj(properties, { minProperties: 1 });
