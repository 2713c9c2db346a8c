import type { KeyObject } from 'node:crypto';
import { nodeCrypto } from '../node-crypto.js';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { str } from './common.js';

/**
 * `clients[].credentials`: the public keys and certificates behind private_key_jwt and mTLS
 * (/clients/{id}/credentials). Compared by name, type, key identity, `alg` and `expires_at`; the PEM is
 * write-only in the API, so the key's identity is computed here the way Auth0 does: a public key's `kid` is
 * its RFC 7638 thumbprint, a certificate's `thumbprint_sha256` the SHA-256 of its DER bytes (seed-digest §4.6).
 */
const TYPES = ['public_key', 'x509_cert', 'cert_subject_dn'] as const;

/** Each credential type belongs to one client authentication method (OAS ClientAuthenticationMethod). */
export const METHOD_OF: Record<string, string> = {
  public_key: 'private_key_jwt',
  x509_cert: 'self_signed_tls_client_auth',
  cert_subject_dn: 'tls_client_auth',
};

const credential = z
  .strictObject({
    name: z.string().min(1).max(128),
    credential_type: z.enum(TYPES).optional(),
    pem: z.string().min(1).optional(),
    /** A PEM file relative to the tenant directory, read at load time. */
    pem_file: z.string().min(1).optional(),
    subject_dn: z.string().min(1).max(256).optional(),
    alg: z.enum(['RS256', 'RS384', 'PS256']).optional(),
    expires_at: z.iso.datetime({ offset: true }).optional(),
    /**
     * The private key of a public_key credential, only as an env-bound keyword (clients' secretFields):
     * `tenantctl verify` signs a client assertion with it. Never sent, compared or stored.
     */
    private_key: z.string().min(1).optional(),
  })
  .superRefine((c, ctx) => {
    const type = c.credential_type ?? 'public_key';
    const pems = [c.pem, c.pem_file].filter((v) => v !== undefined).length;
    if (type === 'cert_subject_dn') {
      if (c.subject_dn === undefined) ctx.addIssue({ code: 'custom', message: 'cert_subject_dn needs subject_dn', path: ['subject_dn'] });
      if (pems > 0) ctx.addIssue({ code: 'custom', message: 'cert_subject_dn takes subject_dn, not a PEM', path: ['pem'] });
    } else if (pems !== 1) {
      ctx.addIssue({ code: 'custom', message: `${type} needs exactly one of pem or pem_file`, path: ['pem'] });
    }
    if (c.private_key !== undefined && type !== 'public_key')
      ctx.addIssue({ code: 'custom', message: 'private_key applies to public_key credentials only', path: ['private_key'] });
    if (c.alg !== undefined && type !== 'public_key')
      ctx.addIssue({ code: 'custom', message: 'alg applies to public_key credentials only', path: ['alg'] });
  });

/** A client authenticates with one method at a time, so all its credentials share one type; names are unique. */
export const credentialsSchema = z
  .array(credential)
  .max(2, 'a client holds at most 2 credentials (Auth0 limit)')
  .superRefine((list, ctx) => {
    const types = new Set(list.map((c) => c.credential_type ?? 'public_key'));
    if (types.size > 1) ctx.addIssue({ code: 'custom', message: 'all credentials of a client must have one credential_type (one authentication method)' });
    const names = list.map((c) => c.name);
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i) ctx.addIssue({ code: 'custom', message: `credential name '${n}' is used twice`, path: [i, 'name'] });
    });
  });

function keyOfPem(pem: string): KeyObject {
  return nodeCrypto().createPublicKey(pem.includes('BEGIN CERTIFICATE') ? new (nodeCrypto().X509Certificate)(pem).publicKey.export({ type: 'spki', format: 'pem' }) : pem);
}

/** RFC 7638: SHA-256 over the required members of the JWK, in lexicographic order, base64url. */
function thumbprint(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  const members = jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { e: jwk.e, kty: jwk.kty, n: jwk.n };
  return nodeCrypto().createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/** What identifies the key of a declared credential, in the field the API reads it back in. */
export function identityOf(c: JsonObject): string {
  const type = str(c.credential_type) || 'public_key';
  if (type === 'cert_subject_dn') return str(c.subject_dn);
  const pem = str(c.pem);
  if (type === 'x509_cert') return nodeCrypto().createHash('sha256').update(new (nodeCrypto().X509Certificate)(pem).raw).digest('base64url');
  return thumbprint(keyOfPem(pem));
}

/** The identity of a live credential (GET /clients/{id}/credentials). */
export const liveIdentityOf = (c: JsonObject): string => str(c.kid ?? c.thumbprint_sha256 ?? c.subject_dn);

/** Reads `pem_file`s relative to the tenant directory and checks every PEM parses. */
export async function loadCredentialFiles(body: JsonObject, dir: string) {
  const problems: { path: (string | number)[]; message: string }[] = [];
  if (!Array.isArray(body.credentials)) return { body, problems };
  const credentials: Json[] = [];
  for (const [i, raw] of body.credentials.entries()) {
    if (!isObject(raw)) continue;
    const c: JsonObject = { ...raw };
    if (typeof c.pem_file === 'string') {
      try {
        c.pem = await readFile(resolve(dir, c.pem_file), 'utf8');
        delete c.pem_file;
      } catch {
        problems.push({ path: ['credentials', i, 'pem_file'], message: `cannot read ${c.pem_file} (relative to the tenant directory)` });
        continue;
      }
    }
    if (typeof c.pem === 'string') {
      if (/PRIVATE KEY/.test(c.pem)) {
        problems.push({ path: ['credentials', i, 'pem'], message: 'is a private key: a credential takes the public key or certificate only' });
        continue;
      }
      try {
        identityOf(c);
      } catch {
        problems.push({ path: ['credentials', i, 'pem'], message: 'is not a PEM public key or X.509 certificate' });
        continue;
      }
    }
    credentials.push(c);
  }
  return { body: { ...body, credentials }, problems };
}

/** ISO instants compare as instants: `2027-01-01T00:00:00Z` and `…00.000Z` are the same. */
const instant = (v: Json | undefined) => (typeof v === 'string' ? new Date(v).toISOString() : undefined);

/** Manifest list -> `{name: {credential_type, pem|subject_dn, alg?, expires_at?}}`, what apply sends. */
export function credentialsToApi(list: Json | undefined): JsonObject {
  const out: JsonObject = {};
  for (const c of Array.isArray(list) ? list.filter(isObject) : []) {
    const { name, pem_file: _file, private_key: _private, ...rest } = c;
    out[str(name)] = { credential_type: 'public_key', ...rest };
  }
  return out;
}

/** Live credentials and the ids the client's authentication method uses -> the same map, with identities. */
export function credentialsFromLive(list: Json | undefined, inUse: Set<string>): JsonObject {
  const out: JsonObject = {};
  for (const c of Array.isArray(list) ? list.filter(isObject) : []) {
    out[str(c.name)] = {
      credential_type: c.credential_type ?? null,
      key: liveIdentityOf(c),
      ...(c.alg === undefined ? {} : { alg: c.alg }),
      ...(c.expires_at ? { expires_at: c.expires_at } : {}),
      in_use: inUse.has(str(c.id)),
    };
  }
  return out;
}

/** Both sides: identity instead of PEM, RS256 as the default alg, and every declared credential in use. */
export function canonicalCredentials(map: Json | undefined): Json | undefined {
  if (!isObject(map)) return map;
  return Object.fromEntries(
    Object.entries(map).map(([name, c]) => {
      if (!isObject(c)) return [name, c];
      const type = str(c.credential_type) || 'public_key';
      const out: JsonObject = { credential_type: type, key: c.key ?? identityOf(c) };
      if (type === 'public_key') out.alg = c.alg ?? 'RS256';
      const expires = instant(c.expires_at);
      if (expires) out.expires_at = expires;
      out.in_use = c.in_use ?? true;
      return [name, out];
    }),
  );
}

/** Credential ids a client's `client_authentication_methods` points at. */
export function credentialIdsInUse(methods: Json | undefined): Set<string> {
  const ids = new Set<string>();
  if (!isObject(methods)) return ids;
  for (const m of Object.values(methods))
    if (isObject(m) && Array.isArray(m.credentials))
      for (const c of m.credentials) if (isObject(c) && typeof c.id === 'string') ids.add(c.id);
  return ids;
}
