import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
let env: Record<string, string>;
let dir: string;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = emulatorEnv(emu);
  dir = await writeTenant({ 'clients.yaml': 'clients:\n  - { name: Errors App }\n' });
});
afterAll(() => emu.close());

/** One line, exit 1, never the bug report with a stack trace. */
function actionable(res: { code: number; stderr: string }) {
  expect(res.code).toBe(1);
  expect(res.stderr).not.toMatch(/hit a bug|\n\s+at /);
}

/** A local server that is not an Auth0 tenant: answers every request with `status` and an HTML page. */
async function website(status: number, page = '<html><body>Welcome to Example Corp, private page</body></html>') {
  const server: Server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise<void>((done) => server.close(() => done())) };
}

describe('plan --out', () => {
  it('creates a missing directory for the plan file', async () => {
    const out = join(dir, 'plans', 'nested', 'plan.json');
    const res = await tenantctl(['plan', dir, '--out', out], { env });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8')).changes[0].address).toBe('clients/Errors App');
  });

  it('fails cleanly, before any work, when the directory cannot be made', async () => {
    const blocker = join(dir, 'clients.yaml');
    const res = await tenantctl(['plan', dir, '--out', join(blocker, 'plan.json')], { env });
    actionable(res);
    expect(res.stderr).toContain(`cannot write the plan to ${join(blocker, 'plan.json')}`);
    expect(res.stderr).not.toContain('Read ');
  });
});

describe('private_key_jwt keys', () => {
  let clientId: string;
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  beforeAll(async () => {
    const created = await emu.api('POST', '/api/v2/clients', {
      name: 'PKCS1 deployer',
      app_type: 'non_interactive',
      grant_types: ['client_credentials'],
      client_authentication_methods: {
        private_key_jwt: {
          credentials: [{ credential_type: 'public_key', name: 'ci', pem: key.publicKey.export({ type: 'spki', format: 'pem' }).toString() }],
        },
      },
    });
    clientId = (created.body as { client_id: string }).client_id;
    await emu.api('POST', '/api/v2/client-grants', { client_id: clientId, audience: emu.audience, scope: ['read:clients'] });
  });

  it('accepts a PKCS#1 key ("BEGIN RSA PRIVATE KEY", openssl genrsa -traditional)', async () => {
    const file = join(dir, 'pkcs1.pem');
    const pkcs1 = key.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(pkcs1).toContain('BEGIN RSA PRIVATE KEY');
    await writeFile(file, pkcs1);
    const res = await tenantctl(['plan', dir], {
      env: { AUTH0_DOMAIN: emu.url, AUTH0_CLIENT_ID: clientId, AUTH0_CLIENT_ASSERTION_KEY_FILE: file },
    });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('+ clients/Errors App');
  });

  it('an unreadable or invalid key is a key error naming the file, not an unreachable tenant', async () => {
    const missing = join(dir, 'no-such-key.pem');
    const unreadable = await tenantctl(['plan', dir], {
      env: { AUTH0_DOMAIN: emu.url, AUTH0_CLIENT_ID: clientId, AUTH0_CLIENT_ASSERTION_KEY_FILE: missing },
    });
    actionable(unreadable);
    expect(unreadable.stderr).toContain(`cannot read the private key AUTH0_CLIENT_ASSERTION_KEY_FILE=${missing} (ENOENT)`);
    const garbage = join(dir, 'garbage.pem');
    await writeFile(garbage, '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n');
    const invalid = await tenantctl(['plan', dir], {
      env: { AUTH0_DOMAIN: emu.url, AUTH0_CLIENT_ID: clientId, AUTH0_CLIENT_ASSERTION_KEY_FILE: garbage },
    });
    actionable(invalid);
    expect(invalid.stderr).toContain(`AUTH0_CLIENT_ASSERTION_KEY_FILE=${garbage} is not a usable RS256 private key`);
    expect(invalid.stderr + unreadable.stderr).not.toMatch(/attempts|could not reach/);
  });
});

describe('network failures', () => {
  it('a refused connection says so at once, with the host, without retrying', async () => {
    const closed = await website(200);
    await closed.close();
    const host = new URL(closed.url).host;
    const res = await tenantctl(['plan', dir], { env: { ...env, AUTH0_DOMAIN: closed.url } });
    actionable(res);
    expect(res.stderr).toContain(`cannot reach ${closed.url}: connection refused by ${host}`);
    expect(res.stderr).not.toContain('retrying');
  });

  it('an unknown host is a DNS error at once', async () => {
    const res = await tenantctl(['plan', dir], { env: { ...env, AUTH0_DOMAIN: 'tenantctl-test.invalid' } });
    actionable(res);
    expect(res.stderr).toContain('cannot resolve tenantctl-test.invalid: no such host (DNS)');
    expect(res.stderr).not.toContain('retrying');
  });

  it('transient failures are retried with a progress line each', async () => {
    await emu.faults([{ method: 'GET', path: '/api/v2/clients', status: 'drop', times: 2 }]);
    try {
      const res = await tenantctl(['plan', dir], { env });
      expect(res.code, res.stderr).toBe(0);
      const host = new URL(emu.url).host;
      expect(res.stderr).toMatch(new RegExp(`GET /clients\\?\\S*: retrying in \\d+\\.\\d s \\(attempt 2 of 5\\): connection (closed|reset) by ${host.replace('.', '\\.')}`));
      expect(res.stderr).toMatch(/retrying in \d+\.\d s \(attempt 3 of 5\)/);
    } finally {
      await emu.clearFaults();
    }
  });
});

describe('answers that refuse', () => {
  it('a rejected access token says so and what to check', async () => {
    const res = await tenantctl(['plan', dir], { env: { AUTH0_DOMAIN: emu.url, AUTH0_ACCESS_TOKEN: 'not-a-jwt' } });
    actionable(res);
    expect(res.stderr).toContain('failed with 401: the access token was rejected (Invalid token)');
    expect(res.stderr).toContain('Check that AUTH0_ACCESS_TOKEN was issued by this tenant (AUTH0_DOMAIN)');
    expect(res.stderr).not.toContain('not-a-jwt');
  });

  it('an expired access token says it expired and how to get a new one', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ statusCode: 401, error: 'Unauthorized', message: 'Expired token received for JSON Web Token validation' }));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const res = await tenantctl(['plan', dir], { env: { AUTH0_DOMAIN: url, AUTH0_ACCESS_TOKEN: 'old' } });
      actionable(res);
      expect(res.stderr).toContain('failed with 401: the access token has expired');
      expect(res.stderr).toContain('Get a new AUTH0_ACCESS_TOKEN');
    } finally {
      await new Promise<void>((done) => server.close(() => done()));
    }
  });

  it('a 403 names the missing scope and the client to grant it to', async () => {
    const created = await emu.api('POST', '/api/v2/clients', { name: 'Narrow deployer', app_type: 'non_interactive', grant_types: ['client_credentials'] });
    const { client_id, client_secret } = created.body as { client_id: string; client_secret: string };
    await emu.api('POST', '/api/v2/client-grants', { client_id, audience: emu.audience, scope: ['read:resource_servers'] });
    const res = await tenantctl(['plan', dir], { env: { AUTH0_DOMAIN: emu.url, AUTH0_CLIENT_ID: client_id, AUTH0_CLIENT_SECRET: client_secret } });
    actionable(res);
    expect(res.stderr).toContain(
      'GET /clients?is_global=false&take=100 failed with 403: missing scope: the token lacks one of the scopes read:clients, read:client_keys, read:client_credentials, read:client_summary (any one is enough)',
    );
    expect(res.stderr).toContain(`Grant read:clients to client ${client_id} on the Auth0 Management API`);
  });

  it.each([501, 404, 200])('a server that is not an Auth0 tenant (%i text/html) is named as such, and its page is not printed', async (status) => {
    const site = await website(status);
    try {
      const res = await tenantctl(['plan', dir], { env: { ...env, AUTH0_DOMAIN: site.url } });
      actionable(res);
      expect(res.stderr).toContain(`${site.url} is not an Auth0 tenant: it answered ${status} text/html to POST /oauth/token`);
      expect(res.stderr).not.toContain('Welcome');
      const withToken = await tenantctl(['plan', dir], { env: { AUTH0_DOMAIN: site.url, AUTH0_ACCESS_TOKEN: 'x' } });
      actionable(withToken);
      expect(withToken.stderr).toMatch(new RegExp(`is not an Auth0 tenant: it answered ${status} text/html to GET /api/v2/`));
      expect(withToken.stderr).not.toContain('Welcome');
    } finally {
      await site.close();
    }
  });
});
