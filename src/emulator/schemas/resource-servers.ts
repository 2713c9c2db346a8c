import { arr, bool, enumOf, int, nullable, obj, openObj, type Schema, str } from '../validate.js';

/**
 * Request schemas for /resource-servers, written from the API facts (mgmt-api.md §7.1, OAS
 * Create/UpdateResourceServerRequestContent). Recordings win over the spec: `token_lifetime_for_web` is
 * missing from the 2026 spec, yet real POST/PATCH calls with it succeed.
 */
const scope = obj(
  { value: str({ minLength: 1, maxLength: 280 }), description: str({ maxLength: 500 }) },
  { required: ['value'] },
);

const tokenEncryption = nullable(
  obj(
    {
      format: enumOf(['compact-nested-jwe']),
      encryption_key: obj(
        {
          name: str({ minLength: 1, maxLength: 128 }),
          alg: enumOf(['RSA-OAEP-256', 'RSA-OAEP-384', 'RSA-OAEP-512']),
          kid: str({ minLength: 1, maxLength: 128 }),
          pem: str({ minLength: 1, maxLength: 4096 }),
        },
        { required: ['alg', 'pem'] },
      ),
    },
    { required: ['format', 'encryption_key'] },
  ),
);

const proofOfPossession = nullable(
  obj(
    {
      mechanism: enumOf(['mtls', 'dpop']),
      required: bool(),
      required_for: enumOf(['public_clients', 'all_clients']),
    },
    { required: ['mechanism', 'required'] },
  ),
);

const subjectTypeAuthorization = obj({
  user: openObj({ properties: { policy: enumOf(['allow_all', 'deny_all', 'require_client_grant']) } }),
  client: openObj({ properties: { policy: enumOf(['deny_all', 'require_client_grant']) } }),
});

const authorizationPolicy = nullable(
  obj({ policy_id: str({ minLength: 1, maxLength: 1024 }) }, { required: ['policy_id'] }),
);

/** Fields a PATCH may carry on a system API (deploy-cli's list; `scopes` is refused, §7.1). */
const systemPatchable: Record<string, Schema> = {
  token_lifetime: int({ minimum: 0, maximum: 2592000 }),
  proof_of_possession: proofOfPossession,
  skip_consent_for_verifiable_first_party_clients: bool(),
  subject_type_authorization: subjectTypeAuthorization,
  authorization_policy: authorizationPolicy,
};

const updatable: Record<string, Schema> = {
  ...systemPatchable,
  name: str({ maxLength: 200, pattern: /^[^<>]+$/ }),
  scopes: arr(scope),
  signing_alg: enumOf(['HS256', 'RS256', 'RS512', 'PS256']),
  signing_secret: str({ minLength: 16 }),
  allow_offline_access: bool(),
  allow_online_access: bool(),
  allow_online_access_with_ephemeral_sessions: bool(),
  token_lifetime_for_web: int({ minimum: 0, maximum: 2592000 }),
  token_dialect: enumOf(['access_token', 'access_token_authz', 'rfc9068_profile', 'rfc9068_profile_authz']),
  enforce_policies: bool(),
  token_encryption: tokenEncryption,
  consent_policy: nullable(enumOf(['transactional-authorization-with-mfa'])),
  authorization_details: nullable(arr()),
};

export const createResourceServerSchema = obj(
  { ...updatable, identifier: str({ minLength: 1, maxLength: 600 }) },
  { required: ['identifier'] },
);

export const updateResourceServerSchema = obj(updatable);

export const updateSystemResourceServerSchema = obj(systemPatchable);

export const SYSTEM_PATCHABLE_FIELDS: readonly string[] = Object.keys(systemPatchable);
