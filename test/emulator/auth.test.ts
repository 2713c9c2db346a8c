import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader, generateKeyPair, importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
let statePath: string;
beforeAll(async () => {
  statePath = join(await mkdtemp(join(tmpdir(), 'emu-auth-')), 'state.json');
  emu = await startTestEmulator({ statePath });
});
afterAll(() => emu.close());

const tokenRequest = (body: Record<string, string>, form = false) =>
  fetch(`${emu.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: form ? new URLSearchParams(body).toString() : JSON.stringify(body),
  });

const creds = () => ({
  grant_type: 'client_credentials',
  client_id: emu.clientId,
  client_secret: emu.clientSecret,
  audience: emu.audience,
});

const call = (path: string, token: string | undefined, init: RequestInit = {}) =>
  fetch(`${emu.url}${path}`, {
    ...init,
    headers: { ...(token === undefined ? {} : { authorization: token }), 'content-type': 'application/json' },
  });

/** A client with a grant to the Management API holding only `scope`. */
async function clientWithScopes(scope: string[]): Promise<{ id: string; secret: string }> {
  const created = await emu.api('POST', '/api/v2/clients', {
    name: `scoped ${scope.join(' ')}`,
    app_type: 'non_interactive',
  });
  const client = created.body as { client_id: string; client_secret: string };
  await emu.api('POST', '/api/v2/client-grants', {
    client_id: client.client_id,
    audience: emu.audience,
    scope,
  });
  return { id: client.client_id, secret: client.client_secret };
}

async function tokenFor(c: { id: string; secret: string }): Promise<string> {
  const res = await tokenRequest({ ...creds(), client_id: c.id, client_secret: c.secret });
  return ((await res.json()) as { access_token: string }).access_token;
}

describe('POST /oauth/token', () => {
  it('issues an RS256 Management API token for JSON and form bodies', async () => {
    for (const form of [false, true]) {
      const res = await tokenRequest(creds(), form);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 86400 });
      expect(String(body.scope).split(' ')).toContain('create:client_grants');
      const [header, payload] = String(body.access_token)
        .split('.')
        .slice(0, 2)
        .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
      expect(header.alg).toBe('RS256');
      expect(payload).toMatchObject({
        iss: `https://${emu.domain}/`,
        sub: `${emu.clientId}@clients`,
        aud: emu.audience,
        azp: emu.clientId,
        gty: 'client-credentials',
      });
      expect(payload.exp - payload.iat).toBe(86400);
    }
  });

  it('serves the public half of the key tokens are signed with at /.well-known/jwks.json', async () => {
    const jwks = (await (await fetch(`${emu.url}/.well-known/jwks.json`)).json()) as {
      keys: { kty: string; kid: string; d?: string }[];
    };
    // Which keys besides the current one are published is the signing-keys kind's business (§6.1).
    const { kid } = decodeProtectedHeader(await emu.token());
    expect(jwks.keys.map((k) => k.kid)).toContain(kid);
    for (const key of jwks.keys) {
      expect(key.kty).toBe('RSA');
      expect(key.d).toBeUndefined();
    }
  });

  it('refuses a wrong secret with 401 invalid_client', async () => {
    const res = await tokenRequest({ ...creds(), client_secret: 'nope' });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses a client without a grant with 403 access_denied', async () => {
    const created = (
      await emu.api('POST', '/api/v2/clients', { name: 'no grant', app_type: 'non_interactive' })
    ).body as {
      client_id: string;
      client_secret: string;
    };
    const res = await tokenRequest({
      ...creds(),
      client_id: created.client_id,
      client_secret: created.client_secret,
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: 'access_denied',
      error_description: `Client "${created.client_id}" is not authorized to access resource server "${emu.audience}". You need to create a "client-grant" associated to this API.`,
    });
  });
});

describe('bearer checks on /api/v2', () => {
  it('answers a missing header 401 and a malformed one 400', async () => {
    expect(await (await call('/api/v2/clients', undefined)).json()).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Missing authentication',
    });
    const malformed = await call('/api/v2/clients', 'Token abc');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ message: 'Bad HTTP authentication header format' });
  });

  it('refuses garbage, foreign signatures and expired tokens with 401', async () => {
    const garbage = await call('/api/v2/clients', 'Bearer not.a.jwt');
    expect(garbage.status).toBe(401);
    expect(await garbage.json()).toMatchObject({ statusCode: 401, message: 'Invalid token' });

    const other = await generateKeyPair('RS256');
    const forged = await new SignJWT({ scope: 'read:clients' })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(`https://${emu.domain}/`)
      .setAudience(emu.audience)
      .setExpirationTime('1h')
      .sign(other.privateKey);
    const bad = await call('/api/v2/clients', `Bearer ${forged}`);
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({
      message: 'Invalid signature received for JSON Web Token validation',
    });

    const state = JSON.parse(await readFile(statePath, 'utf8'));
    const key = await importJWK(state.signingKey.privateJwk, 'RS256');
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ scope: 'read:clients' })
      .setProtectedHeader({ alg: 'RS256', kid: state.signingKey.kid })
      .setIssuer(`https://${emu.domain}/`)
      .setAudience(emu.audience)
      .setIssuedAt(now - 7200)
      .setExpirationTime(now - 3600)
      .sign(key);
    const res = await call('/api/v2/clients', `Bearer ${expired}`);
    expect(res.status).toBe(401);
    const message = 'Expired token received for JSON Web Token validation';
    expect(await res.json()).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message,
      attributes: { error: message },
    });
  });

  it('answers a missing scope with 403 insufficient_scope listing the accepted scopes', async () => {
    const token = await tokenFor(await clientWithScopes(['read:clients']));
    const res = await call('/api/v2/clients', `Bearer ${token}`, {
      method: 'POST',
      body: JSON.stringify({ name: 'x' }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Insufficient scope, expected any of: create:clients',
      errorCode: 'insufficient_scope',
    });
    const grants = await call('/api/v2/client-grants', `Bearer ${token}`);
    expect(((await grants.json()) as { message: string }).message).toBe(
      'Insufficient scope, expected any of: read:client_grants',
    );
  });

  it('shows client secrets only with read:client_keys or read:client_credentials', async () => {
    const settingsOnly = await tokenFor(await clientWithScopes(['read:clients']));
    const withKeys = await tokenFor(await clientWithScopes(['read:client_keys']));
    const summary = await tokenFor(await clientWithScopes(['read:client_summary']));
    const path = `/api/v2/clients/${emu.clientId}`;
    const read = async (t: string) =>
      (await (await call(path, `Bearer ${t}`)).json()) as Record<string, unknown>;
    expect(await read(settingsOnly)).not.toHaveProperty('client_secret');
    expect((await read(settingsOnly)).grant_types).toEqual(['client_credentials']);
    expect((await read(withKeys)).client_secret).toBe(emu.clientSecret);
    expect(Object.keys(await read(summary)).sort()).toEqual(['app_type', 'client_id', 'description', 'name']);
  });
});
