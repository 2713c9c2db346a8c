import { isObject, type JsonObject } from '../json.js';

/**
 * The claims of a compact JWT, unverified: what jose's decodeJwt reads, without loading jose (a sizeable
 * part of every plan's start-up) when only a client secret is used. Throws on anything but `a.b.c` with a
 * JSON object as its middle part; callers treat that as "no claims".
 */
export function jwtClaims(token: string): JsonObject {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1] === '') throw new Error('not a compact JWT');
  const claims: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  if (!isObject(claims)) throw new Error('the JWT claims are not an object');
  return claims;
}
