import { arr, enumOf, obj, str } from '../validate.js';

/**
 * PUT /keys/custom-signing (mgmt-api.md §6.2, OAS CustomSigningKeyJwk): 1..10 public JWKs; the JWK schema is
 * closed, so private members (`d`, `p`, `q`, …) are "Additional properties not allowed".
 */
const b64 = str({ minLength: 1 });
const jwk = obj(
  {
    kty: enumOf(['EC', 'RSA']),
    kid: str(),
    use: enumOf(['sig']),
    key_ops: arr(enumOf(['verify']), { minItems: 1, uniqueItems: true }),
    alg: enumOf(['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512']),
    n: b64,
    e: b64,
    crv: enumOf(['P-256', 'P-384', 'P-521']),
    x: b64,
    y: b64,
    x5u: str(),
    x5c: arr(str()),
    x5t: str(),
    'x5t#S256': str(),
  },
  { required: ['kty'] },
);

export const customSigningKeysSchema = obj({ keys: arr(jwk, { minItems: 1, maxItems: 10 }) }, { required: ['keys'] });
