import { bool, enumOf, nullable, obj, str } from '../validate.js';

/** Client credentials (private_key_jwt / mTLS keys), OAS Post/PatchClientCredentialRequestContent. */
export const credentialFields = {
  credential_type: enumOf(['public_key', 'cert_subject_dn', 'x509_cert']),
  name: str({ maxLength: 128 }),
  subject_dn: str({ minLength: 1, maxLength: 256 }),
  pem: str({ minLength: 1 }),
  alg: enumOf(['RS256', 'RS384', 'PS256']),
  parse_expiry_from_cert: bool(),
  expires_at: str({ pattern: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/ }),
  kid: str({ minLength: 10, maxLength: 64, pattern: /^([0-9a-zA-Z-_]{10,64})$/ }),
};

export const createCredentialSchema = obj(credentialFields, { required: ['credential_type'] });

/** "The only field you can update is the expires_at field" (seed-digest §4.6). */
export const updateCredentialSchema = obj({ expires_at: nullable(credentialFields.expires_at) });
