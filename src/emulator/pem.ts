import { createHash, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { fail } from './errors.js';

/** Reads a PEM public key (SPKI or PKCS#1) or X.509 certificate; a bad PEM is a 400 like any bad field. */
export function publicKeyFromPem(pem: string, field: string): KeyObject {
  try {
    return pem.includes('BEGIN CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
  } catch {
    throw fail(400, `Payload validation error: 'Invalid PEM' on property ${field}.`, 'invalid_body');
  }
}

/**
 * RFC 7638 JWK thumbprint (SHA-256, base64url): how the API derives `thumbprint_sha256` of a JWE key and the
 * `kid` of a client credential (seed-digest §1.8, §2.7).
 */
export function jwkThumbprint(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  const members =
    jwk.kty === 'RSA'
      ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
      : jwk.kty === 'EC'
        ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
        : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}
