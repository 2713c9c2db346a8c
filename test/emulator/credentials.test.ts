import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

const pem = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048 })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();

type Credential = { id: string; kid: string; credential_type: string };

describe('/api/v2/clients/{id}/credentials', () => {
  it('creates public keys with a thumbprint kid, lists them as a bare array and never echoes the PEM', async () => {
    const c = (await emu.api('POST', '/api/v2/clients', { name: 'PKJ' })).body as { client_id: string };
    const base = `/api/v2/clients/${c.client_id}/credentials`;
    expect((await emu.api('GET', `${base}?include_totals=true&per_page=50`)).body).toEqual([]);
    const res = await emu.api('POST', base, { credential_type: 'public_key', pem: pem(), alg: 'RS256' });
    expect(res.status).toBe(201);
    const cred = res.body as Credential;
    expect(cred.id).toMatch(/^cred_[A-Za-z0-9]{22}$/);
    expect(cred.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Object.keys(cred).sort()).toEqual([
      'alg',
      'created_at',
      'credential_type',
      'id',
      'kid',
      'updated_at',
    ]);
    expect((await emu.api('GET', base)).body).toEqual([cred]);

    const bad = await emu.api('POST', base, { credential_type: 'public_key', pem: 'not a pem' });
    expect(bad.status).toBe(400);
  });

  it('lets a client switch to private_key_jwt with its own credentials only', async () => {
    const c = (
      await emu.api('POST', '/api/v2/clients', {
        name: 'Switch',
        token_endpoint_auth_method: 'client_secret_post',
      })
    ).body as { client_id: string };
    const base = `/api/v2/clients/${c.client_id}`;
    const cred = (await emu.api('POST', `${base}/credentials`, { credential_type: 'public_key', pem: pem() }))
      .body as Credential;

    const both = await emu.api('PATCH', base, {
      client_authentication_methods: { private_key_jwt: { credentials: [{ id: cred.id }] } },
    });
    expect(both.status).toBe(400); // still has token_endpoint_auth_method: mutually exclusive

    const foreign = await emu.api('PATCH', base, {
      token_endpoint_auth_method: null,
      client_authentication_methods: {
        private_key_jwt: { credentials: [{ id: 'cred_0000000000000000000000' }] },
      },
    });
    expect(foreign.status).toBe(400);

    const switched = await emu.api('PATCH', base, {
      token_endpoint_auth_method: null,
      client_authentication_methods: { private_key_jwt: { credentials: [{ id: cred.id }] } },
    });
    expect(switched.status).toBe(200);
    expect(switched.body).not.toHaveProperty('client_secret');
    expect(switched.body).not.toHaveProperty('token_endpoint_auth_method');

    expect((await emu.api('DELETE', `${base}/credentials/${cred.id}`)).status).toBe(400); // in use
    await emu.api('PATCH', base, {
      client_authentication_methods: null,
      token_endpoint_auth_method: 'client_secret_post',
    });
    expect((await emu.api('DELETE', `${base}/credentials/${cred.id}`)).status).toBe(204);
    expect((await emu.api('GET', `${base}/credentials/${cred.id}`)).status).toBe(404);
  });

  it('turns full credentials given on create into references', async () => {
    const res = await emu.api('POST', '/api/v2/clients', {
      name: 'Created with keys',
      jwt_configuration: { alg: 'RS256' },
      client_authentication_methods: {
        private_key_jwt: { credentials: [{ credential_type: 'public_key', name: 'k1', pem: pem() }] },
      },
    });
    expect(res.status).toBe(201);
    const client = res.body as {
      client_id: string;
      jwt_configuration: unknown;
      client_authentication_methods: { private_key_jwt: { credentials: { id: string }[] } };
    };
    expect(client.jwt_configuration).toEqual({ secret_encoded: false, alg: 'RS256' });
    const [ref] = client.client_authentication_methods.private_key_jwt.credentials;
    const listed = (await emu.api('GET', `/api/v2/clients/${client.client_id}/credentials`))
      .body as Credential[];
    expect(listed.map((c) => c.id)).toEqual([ref?.id]);
  });
});

describe('credential limits', () => {
  it('holds at most two per client, refuses the same key twice with 409, short keys with 400, and PATCHes expires_at with 201', async () => {
    const c = (await emu.api('POST', '/api/v2/clients', { name: 'Limits' })).body as { client_id: string };
    const base = `/api/v2/clients/${c.client_id}/credentials`;
    const key = pem();
    const first = await emu.api('POST', base, { credential_type: 'public_key', pem: key, expires_at: '2030-01-01T00:00:00.000Z' });
    expect(first.status).toBe(201);
    expect((first.body as { expires_at: string }).expires_at).toBe('2030-01-01T00:00:00.000Z');
    expect((await emu.api('POST', base, { credential_type: 'public_key', pem: key })).status).toBe(409);
    const short = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect((await emu.api('POST', base, { credential_type: 'public_key', pem: short })).status).toBe(400);
    expect((await emu.api('POST', base, { credential_type: 'public_key', pem: pem() })).status).toBe(201);
    const third = await emu.api('POST', base, { credential_type: 'public_key', pem: pem() });
    expect(third.status).toBe(400);
    const id = (first.body as Credential).id;
    const patched = await emu.api('PATCH', `${base}/${id}`, { expires_at: null });
    expect(patched.status).toBe(201);
    expect(patched.body).not.toHaveProperty('expires_at');
  });
});
