import { createHash, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import type { JsonObject } from '../json.js';

/**
 * Key material for the tenant's application signing keys (mgmt-api.md §6.1): real RSA-2048 key pairs, so
 * tokens signed with them verify against /.well-known/jwks.json.
 *
 * The API's `cert` is a PEM X.509 certificate and `pkcs7` a PEM PKCS#7 bundle. Node cannot issue
 * certificates, and nothing here needs one, so the emulator serves the key's SubjectPublicKeyInfo instead:
 * `cert` is a `-----BEGIN PUBLIC KEY-----` PEM (readable with `crypto.createPublicKey`), `pkcs7` carries the
 * same DER under a `-----BEGIN PKCS7-----` label. Both use CRLF line breaks like the real values, and
 * `fingerprint` / `thumbprint` are the SHA-1 of that DER (colon-separated / plain upper-case hex).
 */
export interface KeyMaterial {
  kid: string;
  publicJwk: JWK;
  privateJwk: JWK;
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Real kids are ~21 opaque characters (seed-digest: `21hi274Rp02112mgkUGma`). */
function newKid(): string {
  return [...randomBytes(21)].map((b) => BASE62[b % BASE62.length]).join('');
}

export function newKeyMaterial(): KeyMaterial {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = newKid();
  return {
    kid,
    publicJwk: { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, use: 'sig', alg: 'RS256' },
    privateJwk: { ...(privateKey.export({ format: 'jwk' }) as JWK), kid },
  };
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`].join('\r\n');
}

/** The public fields the API shows for a key: cert, pkcs7, fingerprint, thumbprint (see above). */
export function publicFields(jwk: JWK): JsonObject {
  const der = spkiDer(jwk);
  const sha1 = createHash('sha1').update(der).digest('hex').toUpperCase();
  return {
    cert: pem('PUBLIC KEY', der),
    pkcs7: pem('PKCS7', der),
    fingerprint: (sha1.match(/.{2}/g) ?? []).join(':'),
    thumbprint: sha1,
  };
}

/** SubjectPublicKeyInfo DER from the public members only: private members never reach the DER. */
function spkiDer(jwk: JWK): Buffer {
  const key = createPublicKey({ key: { kty: 'RSA', n: jwk.n ?? '', e: jwk.e ?? '' }, format: 'jwk' });
  return key.export({ format: 'der', type: 'spki' });
}
