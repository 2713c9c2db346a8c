import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/**
 * The real API echoes request values in its 400 messages (`No enum match for: "…"`, mgmt-api.md §3.2).
 * A proxy in front of the emulator answers client creates that way, echoing the env-bound value, and
 * every output tenantctl produces must still hide it, also in JSON where quotes and backslashes are escaped.
 */
const SECRET = 'hook"token\\s3cr3t-value';
const ESCAPED = JSON.stringify(SECRET).slice(1, -1);

let emu: TestEmulator;
let proxy: Server;
let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  proxy = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    if (req.method === 'POST' && req.url === '/api/v2/clients') {
      const sent = JSON.parse(body) as { client_metadata?: Record<string, string> };
      const echoed = JSON.stringify(sent.client_metadata?.hook_token);
      res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' });
      res.end(
        JSON.stringify({
          statusCode: 400,
          error: 'Bad Request',
          message: `Payload validation error: 'No enum match for: ${echoed}' on property client_metadata.hook_token.`,
          errorCode: 'invalid_body',
        }),
      );
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === 'string' && name !== 'host' && name !== 'content-length') headers[name] = value;
    const answer = await fetch(`${emu.url}${req.url}`, {
      method: req.method,
      headers,
      ...(body === '' ? {} : { body }),
    });
    const out: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (name !== 'content-encoding' && name !== 'content-length' && name !== 'transfer-encoding') out[name] = value;
    });
    res.writeHead(answer.status, out);
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
  const { port } = proxy.address() as AddressInfo;
  env = {
    AUTH0_DOMAIN: `http://127.0.0.1:${port}`,
    AUTH0_AUDIENCE: emu.audience,
    AUTH0_CLIENT_ID: emu.clientId,
    AUTH0_CLIENT_SECRET: emu.clientSecret,
    HOOK_TOKEN: SECRET,
  };
  dir = await writeTenant({
    'environments/test.yaml': 'keywords:\n  HOOK_TOKEN: { env: HOOK_TOKEN }\n',
    'tenant.yaml': 'clients:\n  - name: Hooked\n    client_metadata:\n      hook_token: "@@HOOK_TOKEN@@"\n',
  });
});
afterAll(async () => {
  await new Promise((done) => proxy.close(done));
  await emu.close();
});

function expectHidden(text: string) {
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(ESCAPED);
  expect(text).not.toContain('s3cr3t');
}

describe('an API error that echoes a secret request value', () => {
  it('is redacted in apply text and JSON output', async () => {
    for (const output of ['text', 'json']) {
      const res = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve', '--output', output], { env });
      expect(res.code).toBe(1);
      expect(res.stdout + res.stderr).toMatch(/No enum match for: \\?"\(sensitive\)/);
      expectHidden(res.stdout + res.stderr);
    }
  });

  it('is redacted when a saved plan is applied, and the plan file holds no secret', async () => {
    const file = join(dir, 'plan.json');
    const planned = await tenantctl(['plan', dir, '--env', 'test', '--out', file], { env });
    expect(planned.code).toBe(0);
    expectHidden(planned.stdout + planned.stderr + (await readFile(file, 'utf8')));
    for (const output of ['text', 'json']) {
      const res = await tenantctl(['apply', '--plan', file, '--output', output], { env });
      expect(res.code).toBe(1);
      expect(res.stdout + res.stderr).toMatch(/No enum match for: \\?"\(sensitive\)/);
      expectHidden(res.stdout + res.stderr);
    }
  });

  it('is redacted when it is a string inside a secret read as JSON, applied directly or from a saved plan', async () => {
    const inner = 'partner-s3cr3t-key';
    const vars = { ...env, PARTNER_CREDS: JSON.stringify({ hook_token: inner, region: 'eu' }) };
    const jsonDir = await writeTenant({
      'environments/test.yaml': 'keywords:\n  PARTNER: { env: PARTNER_CREDS, json: true }\n',
      'tenant.yaml': 'clients:\n  - name: Partner\n    client_metadata: "@@PARTNER@@"\n',
    });
    const file = join(jsonDir, 'plan.json');
    expect((await tenantctl(['plan', jsonDir, '--env', 'test', '--out', file], { env: vars })).code).toBe(0);
    for (const args of [['apply', jsonDir, '--env', 'test', '--auto-approve'], ['apply', '--plan', file]]) {
      for (const output of ['text', 'json']) {
        const res = await tenantctl([...args, '--output', output], { env: vars });
        expect(res.code).toBe(1);
        expect(res.stdout + res.stderr).toMatch(/No enum match for: \\?"\(sensitive\)/);
        expect(res.stdout + res.stderr).not.toContain(inner);
      }
    }
  });
});
