import { createHash, type KeyObject, X509Certificate } from 'node:crypto';
import type { JsonObject } from '../../json.js';
import { fail } from '../errors.js';
import { newCredentialId } from '../ids.js';
import { jwkThumbprint, publicKeyFromPem } from '../pem.js';
import { createCredentialSchema, updateCredentialSchema } from '../schemas/credentials.js';
import { applyPatch, insert, removeWhere } from '../store.js';
import type { ApiRequest, Ctx, EmulatorState, Entity, Route } from '../types.js';
import { validateBody } from '../validate.js';

/**
 * /clients/{id}/credentials: the public keys and certificates behind private_key_jwt and mTLS client
 * authentication. The PEM is write-only; a public key's `kid` is its RFC 7638 thumbprint (REC).
 */
const clientNotFound = () => fail(404, 'The client does not exist', 'inexistent_client');
const notFound = () => fail(404, 'Credential does not exist', 'inexistent_credential');

function requireClient(ctx: Ctx, id: string): void {
  if (!ctx.state.collections.clients.some((c) => c.data.client_id === id)) throw clientNotFound();
}

const ofClient = (ctx: Ctx, clientId: string): Entity[] =>
  ctx.state.collections.clientCredentials.filter((e) => e.data.client_id === clientId);

function view(e: Entity): JsonObject {
  const { client_id: _owner, public_jwk: _key, ...rest } = e.data;
  return rest;
}

/** "Applications can have a maximum of two credentials configured" (seed-digest §4.6). */
export const MAX_CREDENTIALS = 2;
const RSA_BITS = { min: 2048, max: 4096 };

/** The value that makes two credentials the same one: "The same credential can't be uploaded more than once." */
const identityOf = (data: JsonObject): string =>
  String(data.kid ?? data.thumbprint_sha256 ?? data.subject_dn ?? '');

function checkKeySize(key: KeyObject): void {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType === 'rsa' && bits !== undefined && (bits < RSA_BITS.min || bits > RSA_BITS.max))
    throw fail(400, `The RSA key must be between ${RSA_BITS.min} and ${RSA_BITS.max} bits long (got ${bits}).`, 'invalid_body');
}

/** An x509 certificate's expiry, for `parse_expiry_from_cert` (mutually exclusive with expires_at). */
function expiryOf(body: Record<string, unknown>, pem: string | undefined): string | undefined {
  if (body.parse_expiry_from_cert !== true) return typeof body.expires_at === 'string' ? body.expires_at : undefined;
  if (body.expires_at !== undefined)
    throw fail(400, 'parse_expiry_from_cert and expires_at are mutually exclusive.', 'invalid_body');
  if (!pem?.includes('BEGIN CERTIFICATE'))
    throw fail(400, 'parse_expiry_from_cert needs an X.509 certificate in pem.', 'invalid_body');
  return new Date(new X509Certificate(pem).validTo).toISOString();
}

/**
 * Creates a credential for a client (also used for credentials given in full on POST /clients): at most
 * two per client (400), never the same key twice (409).
 */
export function createCredential(
  state: EmulatorState,
  clientId: string,
  body: Record<string, unknown>,
): Entity {
  const existing = state.collections.clientCredentials.filter((e) => e.data.client_id === clientId);
  if (existing.length >= MAX_CREDENTIALS)
    throw fail(400, `A client can have at most ${MAX_CREDENTIALS} credentials; delete an unused one first.`, 'invalid_body');
  const now = new Date().toISOString();
  const data: JsonObject = { id: newCredentialId(), credential_type: body.credential_type as string };
  if (typeof body.name === 'string') data.name = body.name;
  const pem = typeof body.pem === 'string' ? body.pem : undefined;
  if (data.credential_type === 'public_key') {
    if (!pem) throw fail(400, "Payload validation error: 'Missing required property: pem'.", 'invalid_body');
    const key = publicKeyFromPem(pem, 'pem');
    checkKeySize(key);
    data.kid = typeof body.kid === 'string' ? body.kid : jwkThumbprint(key);
    data.alg = typeof body.alg === 'string' ? body.alg : 'RS256';
    // Kept (never shown) to verify Private Key JWT assertions at /oauth/token; the PEM itself is not kept.
    data.public_jwk = key.export({ format: 'jwk' }) as JsonObject;
  } else if (data.credential_type === 'x509_cert' || pem) {
    if (!pem) throw fail(400, "Payload validation error: 'Missing required property: pem'.", 'invalid_body');
    publicKeyFromPem(pem, 'pem');
    // RFC 8705 x5t#S256: SHA-256 of the certificate's DER bytes.
    const der = pem.includes('BEGIN CERTIFICATE') ? new X509Certificate(pem).raw : Buffer.from(pem);
    data.thumbprint_sha256 = createHash('sha256').update(der).digest('base64url');
  } else if (typeof body.subject_dn === 'string') {
    data.subject_dn = body.subject_dn;
  } else {
    throw fail(400, "Payload validation error: 'Missing required property: subject_dn'.", 'invalid_body');
  }
  if (existing.some((e) => identityOf(e.data) === identityOf(data)))
    throw fail(409, 'The credential already exists for this client.', 'credential_conflict');
  data.created_at = now;
  data.updated_at = now;
  const expires = expiryOf(body, pem);
  if (expires !== undefined) data.expires_at = expires;
  data.client_id = clientId;
  return insert(state, 'clientCredentials', data);
}

/** Credential ids a client may reference in client_authentication_methods / signed_request_object. */
export function requireCredentials(ctx: Ctx, clientId: string, ids: string[]): void {
  const own = new Set(ofClient(ctx, clientId).map((e) => e.data.id));
  const missing = ids.find((id) => !own.has(id));
  if (missing) throw fail(400, `Credential ${missing} does not exist for this client.`, 'invalid_body');
}

function list(req: ApiRequest, ctx: Ctx) {
  const clientId = req.params.id as string;
  requireClient(ctx, clientId);
  // A bare array, even when the SDK sends include_totals/per_page (REC).
  return { status: 200, body: ofClient(ctx, clientId).map(view) };
}

function get(req: ApiRequest, ctx: Ctx) {
  const clientId = req.params.id as string;
  requireClient(ctx, clientId);
  const e = ofClient(ctx, clientId).find((c) => c.data.id === req.params.credentialId);
  if (!e) throw notFound();
  return { status: 200, body: view(e) };
}

function create(req: ApiRequest, ctx: Ctx) {
  const clientId = req.params.id as string;
  requireClient(ctx, clientId);
  const body = validateBody(createCredentialSchema, req.body);
  return { status: 201, body: view(createCredential(ctx.state, clientId, body)) };
}

function update(req: ApiRequest, ctx: Ctx) {
  const clientId = req.params.id as string;
  requireClient(ctx, clientId);
  const e = ofClient(ctx, clientId).find((c) => c.data.id === req.params.credentialId);
  if (!e) throw notFound();
  applyPatch(e.data, validateBody(updateCredentialSchema, req.body));
  e.data.updated_at = new Date().toISOString();
  // `expires_at: null` makes the credential never expire.
  if (e.data.expires_at === null) delete e.data.expires_at;
  // The OAS documents 201 for this PATCH (seed-digest §1.2 notes the oddity).
  return { status: 201, body: view(e) };
}

function remove(req: ApiRequest, ctx: Ctx) {
  const clientId = req.params.id as string;
  const id = req.params.credentialId as string;
  const client = ctx.state.collections.clients.find((c) => c.data.client_id === clientId);
  // A credential must be unassociated from the client before it can go (seed-digest §4.6).
  if (client && JSON.stringify(client.data.client_authentication_methods ?? null).includes(`"${id}"`)) {
    throw fail(400, 'The credential is in use by the client and cannot be deleted.', 'invalid_body');
  }
  removeWhere(ctx.state, 'clientCredentials', (e) => e.data.client_id === clientId && e.data.id === id);
  return { status: 204 };
}

const BASE = '/api/v2/clients/{id}/credentials';
export const credentialRoutes: Route[] = [
  { method: 'GET', pattern: BASE, scopes: ['read:client_credentials'], handler: list },
  { method: 'POST', pattern: BASE, scopes: ['create:client_credentials'], handler: create },
  { method: 'GET', pattern: `${BASE}/{credentialId}`, scopes: ['read:client_credentials'], handler: get },
  {
    method: 'PATCH',
    pattern: `${BASE}/{credentialId}`,
    scopes: ['update:client_credentials'],
    handler: update,
  },
  {
    method: 'DELETE',
    pattern: `${BASE}/{credentialId}`,
    scopes: ['delete:client_credentials'],
    handler: remove,
  },
];
