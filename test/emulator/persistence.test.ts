import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { loadState } from '../../src/emulator/state.js';
import { tenantctl, writeTenant } from '../helpers/cli.js';

async function tokenFor(emu: Awaited<ReturnType<typeof startEmulator>>): Promise<string> {
  const res = await fetch(`${emu.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: emu.clientId, client_secret: emu.clientSecret, audience: emu.audience }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

describe('emulator state file', () => {
  it('a corrupt .tenantctl/emulator.json gives one line naming the file and what to do, exit 1', async () => {
    const dir = await writeTenant({ 'tenant.yaml': 'clients: []\n', 'environments/dev.yaml': 'keywords: {}\n' });
    await mkdir(join(dir, '.tenantctl'));
    await writeFile(join(dir, '.tenantctl', 'emulator.json'), '{"version":1,"collec');
    const res = await tenantctl(['plan', dir, '--env', 'dev', '--emulator'], { cwd: dir });
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain('emulator.json is not a readable emulator state file: delete it');
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('every write that was answered is in the state file, even when many arrive together', async () => {
    const dir = await writeTenant({});
    const statePath = join(dir, 'state.json');
    const emu = await startEmulator({ quiet: true, statePath });
    const token = await tokenFor(emu);
    const names = Array.from({ length: 30 }, (_, i) => `Persisted ${i}`);
    const answers = await Promise.all(
      names.map((name) =>
        fetch(`${emu.url}/api/v2/clients`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name }),
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(names.map(() => 201));
    // Read before close, as a restart after a crash would (snapshot + journal): an answered write is on disk.
    const saved = await loadState(statePath);
    await emu.close();
    const savedNames = saved?.collections.clients.map((c) => c.data.name);
    for (const name of names) expect(savedNames).toContain(name);
  });

  it('connection keys made by their first read are on disk when that read is answered', async () => {
    const dir = await writeTenant({});
    const statePath = join(dir, 'state.json');
    const emu = await startEmulator({ quiet: true, statePath });
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${emu.url}/api/v2${path}`, {
        method,
        headers: { authorization: `Bearer ${await tokenFor(emu)}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> | { kid: string }[] };
    };
    const options = {
      client_id: 'c',
      issuer: 'https://idp.example',
      discovery_url: 'https://idp.example/.well-known/openid-configuration',
      domain: 'acme.okta.com',
      token_endpoint_auth_method: 'private_key_jwt',
    };
    const created = await call('POST', '/connections', { name: 'okta-keys', strategy: 'okta', options });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    const read = await call('GET', `/connections/${id}/keys`);
    expect(read.status).toBe(200);
    const kids = (read.body as { kid: string }[]).map((k) => k.kid);
    expect(kids).toHaveLength(2);
    // Read before close, as a restart after a crash would: the keys the client saw are the ones kept.
    const saved = await loadState(statePath);
    await emu.close();
    const stored = saved?.collections.connections.find((c) => c.data.id === id)?.data._keys as { kid: string }[] | undefined;
    expect(stored?.map((k) => k.kid)).toEqual(kids);
  });
});
