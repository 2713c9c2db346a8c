import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
let env: Record<string, string>;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = emulatorEnv(emu);
  const applied = await tenantctl(['apply', 'examples/tenants/acme', '--env', 'staging', '--auto-approve'], { env });
  expect(applied.code).toBe(0);
});
afterAll(() => emu.close());

async function readAll(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of await readdir(dir, { recursive: true })) {
    if (!name.endsWith('.yaml')) continue;
    out[name] = await readFile(join(dir, name), 'utf8');
  }
  return out;
}

describe('tenantctl export', () => {
  it('writes a directory that validates and plans empty against the same tenant', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tenantctl-export-'));
    const exported = await tenantctl(['export', '--out', dir, '--kinds', 'tenant,resourceServers,clients,clientGrants,organizations,connections,networkAcls,users', '--env', 'staging'], { env });
    expect(exported.stderr).not.toContain('hit a bug');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(`Exported`);

    // Client secrets are exported as keywords bound to variables; the secrets themselves are never compared.
    // The API never returns a credential's PEM: the export binds it to a variable, listed with the secrets.
    expect(exported.stdout).toContain('INVENTORY_SYNC_INVENTORY_SYNC_2026_PEM');
    const secrets = {
      ...env,
      ACME_WEB_CLIENT_SECRET: 'from-the-vault-1',
      ORDERS_SERVICE_CLIENT_SECRET: 'from-the-vault-2',
      INVENTORY_SYNC_INVENTORY_SYNC_2026_PEM: await readFile('examples/tenants/acme/keys/inventory-sync.pub.pem', 'utf8'),
    };
    const validated = await tenantctl(['validate', dir, '--env', 'staging'], { env: secrets });
    expect(validated.code, validated.stdout + validated.stderr).toBe(0);
    const planned = await tenantctl(['plan', dir, '--env', 'staging', '--detailed-exitcode'], { env: secrets });
    expect(planned.stdout).toContain('No changes. The tenant matches the manifests.');
    expect(planned.code).toBe(0);

    const files = await readAll(dir);
    expect(Object.keys(files).sort()).toEqual([
      'client-grants.yaml', 'clients.yaml', 'connections.yaml', 'environments/staging.yaml', 'network-acls.yaml',
      'organizations.yaml', 'resource-servers.yaml', 'tenant.yaml', 'users.yaml',
    ]);
    // This tenantctl is not installed in a project holding the temp directory: the schema is copied there,
    // and the copy neither becomes a manifest nor draws a warning.
    for (const [name, text] of Object.entries(files)) {
      if (!name.startsWith('environments/')) expect(text.split('\n')[0], name).toBe('# yaml-language-server: $schema=manifest.schema.json');
    }
    expect(await readFile(join(dir, 'manifest.schema.json'), 'utf8')).toBe(await readFile('schemas/manifest.schema.json', 'utf8'));
    expect(exported.stdout).toContain(`Wrote ${join(dir, 'manifest.schema.json')}, the schema editors read`);
    expect(validated.stdout + validated.stderr).not.toContain('manifest.schema.json');
    // Grants and enabled clients name clients, never ids; the deployer and system API stay out.
    expect(files['client-grants.yaml']).toContain('client: Orders Service');
    expect(files['client-grants.yaml']).not.toContain('client_id');
    const all = Object.values(files).join('\n');
    expect(all).not.toContain(emu.clientId);
    expect(all).not.toContain(emu.clientSecret);
    expect(all).not.toContain('Auth0 Management API');

    // Server defaults stay out: what a fresh client, API, connection or tenant holds anyway is not written.
    for (const field of ['custom_login_page_on', 'infinite_idle_token_lifetime: true', 'lifetime_in_seconds: 36000', 'is_token_endpoint_ip_header_trusted', 'sso_disabled'])
      expect(files['clients.yaml'], field).not.toContain(field);
    expect(files['resource-servers.yaml']).not.toContain('subject_type_authorization');
    expect(files['resource-servers.yaml']).toContain('token_lifetime: 3600');
    expect(files['connections.yaml']).not.toContain('brute_force_protection');
    expect(files['connections.yaml']).toContain('passwordPolicy: excellent');
    expect(files['tenant.yaml']).not.toContain('sandbox_version');
    // One form per lifetime: whole hours as hours, acme's 90 minutes (1.5 hours) in minutes.
    expect(files['tenant.yaml']).toContain('idle_ephemeral_session_lifetime_in_minutes: 90');
    expect(files['tenant.yaml']).not.toMatch(/^\s*idle_ephemeral_session_lifetime:/m);
    expect(files['tenant.yaml']).not.toContain('session_lifetime_in_minutes: 4320');
    // Credentials and organization members are exported (by name, and by email + connection).
    expect(files['clients.yaml']).toContain('pem: "@@INVENTORY_SYNC_INVENTORY_SYNC_2026_PEM@@"');
    expect(files['environments/staging.yaml']).toContain('INVENTORY_SYNC_INVENTORY_SYNC_2026_PEM:\n    env: INVENTORY_SYNC_INVENTORY_SYNC_2026_PEM\n    sensitive: false');
    expect(files['organizations.yaml']).toMatch(/members:\n +- email: grace@acme\.example\n +connection: Username-Password-Authentication\n +roles:\n +- order-manager/);
  });

  it('leaves out what exclude: in the target directory lists, and keeps those patterns', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tenantctl-export-'));
    await writeFile(join(dir, 'hand.yaml'), 'exclude:\n  clients: ["Orders *"]\n  organizations: [acme-internal]\n');
    await writeFile(
      join(dir, 'client-grants.yaml'),
      'exclude:\n  clientGrants:\n    - Orders Service -> https://api.acme.example/orders\n    - Orders Service -> https://api.acme.example/inventory\n',
    );
    const first = await tenantctl(['export', '--out', dir, '--env', 'staging'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('Left out 4 object(s) that exclude: lists');
    const files = await readAll(dir);
    expect(Object.values(files).join('\n')).not.toMatch(/name: Orders Service|client: Orders Service|name: acme-internal/);
    // The rewritten file keeps its patterns; the hand-written file is not touched.
    expect(files['client-grants.yaml']).toContain('exclude:\n  clientGrants:\n    - Orders Service -> https://api.acme.example/orders');
    expect(files['hand.yaml']).toBe('exclude:\n  clients: ["Orders *"]\n  organizations: [acme-internal]\n');
    const secrets = {
      ...env,
      ACME_WEB_CLIENT_SECRET: 'x',
      INVENTORY_SYNC_INVENTORY_SYNC_2026_PEM: await readFile('examples/tenants/acme/keys/inventory-sync.pub.pem', 'utf8'),
    };
    const planned = await tenantctl(['plan', dir, '--env', 'staging', '--detailed-exitcode'], { env: secrets });
    expect(planned.stdout + planned.stderr).toContain('No changes. The tenant matches the manifests.');
    expect(planned.code).toBe(0);
    // Exporting again over the same directory changes no byte.
    expect((await tenantctl(['export', '--out', dir, '--env', 'staging'], { env })).code).toBe(0);
    expect(await readAll(dir)).toEqual(files);
  });

  it('names the dependants of an excluded object that exclude: does not list', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tenantctl-export-'));
    await writeFile(join(dir, 'hand.yaml'), 'exclude:\n  clients: ["Orders *"]\n');
    const res = await tenantctl(['export', '--out', dir, '--env', 'staging'], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(
      'clientGrants/Orders Service -> https://api.acme.example/orders: it refers to clients/Orders Service, which exclude: lists',
    );
  });

  it('refuses a target directory whose files it cannot read, before touching the tenant', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tenantctl-export-'));
    await writeFile(join(dir, 'clients.yaml'), 'exclude:\n  clients: [unclosed\n');
    const res = await tenantctl(['export', '--out', dir], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/clients\.yaml:\d+:\d+/);
    expect(await readFile(join(dir, 'clients.yaml'), 'utf8')).toBe('exclude:\n  clients: [unclosed\n');
  });

  it('exports an unchanged tenant byte for byte the same', async () => {
    const first = await mkdtemp(join(tmpdir(), 'tenantctl-export-'));
    const second = await mkdtemp(join(tmpdir(), 'tenantctl-export-'));
    expect((await tenantctl(['export', '--out', first], { env })).code).toBe(0);
    expect((await tenantctl(['export', '--out', second], { env })).code).toBe(0);
    const a = await readAll(first);
    const b = await readAll(second);
    expect(Object.keys(a).length).toBeGreaterThan(5);
    for (const name of Object.keys(a)) expect(b[name], name).toBe(a[name]?.replace(first, second));
  });

  it('refuses an unknown kind with a suggestion, before touching the tenant', async () => {
    const res = await tenantctl(['export', '--out', 'x', '--kinds', 'client'], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("unknown kind 'client'");
    expect(res.stderr).toContain('clients');
  });

  it('prints one JSON document with --output json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tenantctl-export-'));
    const res = await tenantctl(['export', '--out', dir, '--output', 'json'], { env });
    expect(res.code).toBe(0);
    const parsed = JSON.parse(res.stdout);
    expect(parsed.files).toContain('clients.yaml');
    expect(parsed.files).toContain('manifest.schema.json');
    expect(parsed.schema).toEqual({ reference: 'manifest.schema.json', copied: true });
    expect(parsed.objects).toBeGreaterThan(0);
  });

  it('points at the schema by a relative path, copying nothing, when the directory is in the same tree as it', async () => {
    // The repository's own .tenantctl/ (ignored by git) is in tenantctl's tree, as its examples are.
    await mkdir('.tenantctl', { recursive: true });
    const dir = await mkdtemp(join('.tenantctl', 'export-'));
    try {
      const res = await tenantctl(['export', '--out', join(dir, 'acme'), '--env', 'staging', '--kinds', 'connections'], { env });
      expect(res.code, res.stdout + res.stderr).toBe(0);
      expect(res.stdout).not.toContain('manifest.schema.json');
      const first = (await readFile(join(dir, 'acme', 'connections.yaml'), 'utf8')).split('\n')[0];
      expect(first).toBe('# yaml-language-server: $schema=../../../schemas/manifest.schema.json');
      expect(await readdir(join(dir, 'acme'))).not.toContain('manifest.schema.json');
      const planned = await tenantctl(['plan', join(dir, 'acme'), '--env', 'staging', '--detailed-exitcode'], { env });
      expect(planned.code, planned.stdout + planned.stderr).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('leaves out the thumbprints the server derived from a SAML certificate, and keeps the certificate', async () => {
    const { cert } = await generate([{ name: 'commonName', value: 'idp.example.com' }], { keyType: 'ec', curve: 'P-256' });
    const made = await emu.api('POST', '/api/v2/connections', {
      name: 'Partner-Saml',
      strategy: 'samlp',
      options: { signingCert: cert, signInEndpoint: 'https://idp.example.com/sso' },
    });
    expect(made.status).toBe(201);
    expect((made.body as { options: { thumbprints?: string[] } }).options.thumbprints).toHaveLength(1);
    const dir = await mkdtemp(join(tmpdir(), 'tenantctl-export-'));
    const res = await tenantctl(['export', '--out', dir, '--kinds', 'connections', '--env', 'staging'], { env });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    const text = await readFile(join(dir, 'connections.yaml'), 'utf8');
    const saml = text.slice(text.indexOf('name: Partner-Saml'));
    expect(saml).toContain('signingCert:');
    expect(saml).toContain('signInEndpoint: https://idp.example.com/sso');
    expect(saml).not.toContain('thumbprints');
    const planned = await tenantctl(['plan', dir, '--env', 'staging', '--detailed-exitcode'], { env });
    expect(planned.code, planned.stdout + planned.stderr).toBe(0);
    await emu.api('DELETE', `/api/v2/connections/${(made.body as { id: string }).id}`);
  });

  it('gives clients whose names make the same variable a variable each', async () => {
    for (const name of ['Hand Made', 'Hand-Made']) {
      const made = await emu.api('POST', '/api/v2/clients', { name, app_type: 'regular_web' });
      expect(made.status).toBe(201);
    }
    const dir = await mkdtemp(join(tmpdir(), 'tenantctl-export-'));
    const res = await tenantctl(['export', '--out', dir, '--kinds', 'clients', '--env', 'staging', '--output', 'json'], { env });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    const clients = await readFile(join(dir, 'clients.yaml'), 'utf8');
    const secretOf = (name: string) => /client_secret: "@@(\w+)@@"/.exec(clients.slice(clients.indexOf(`name: ${name}\n`)))?.[1];
    expect([secretOf('Hand Made'), secretOf('Hand-Made')].sort()).toEqual(['HAND_MADE_CLIENT_SECRET', 'HAND_MADE_CLIENT_SECRET_2']);
    expect(JSON.parse(res.stdout).variables).toEqual(expect.arrayContaining(['HAND_MADE_CLIENT_SECRET', 'HAND_MADE_CLIENT_SECRET_2']));
    const bindings = await readFile(join(dir, 'environments', 'staging.yaml'), 'utf8');
    expect(bindings).toContain('env: HAND_MADE_CLIENT_SECRET_2');
  });

  it('refuses to write into a hand-made tenant whose files it would duplicate or cut, before reading the tenant', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tenantctl-export-'));
    await cp('examples/tenants/acme', dir, { recursive: true });
    const before = await readAll(dir);
    const res = await tenantctl(['export', '--out', dir, '--env', 'staging'], { env });
    expect(res.code).toBe(1);
    // acme declares its APIs in apis.yaml (export writes resource-servers.yaml), and its grants beside its
    // clients in clients.yaml (which export would rewrite with clients only).
    expect(res.stderr).toContain('apis.yaml declares resourceServers, which export writes to resource-servers.yaml');
    expect(res.stderr).toContain('clients.yaml also declares clientGrants, which rewriting it for clients would drop');
    expect(res.stderr).toContain('--kinds');
    expect(await readAll(dir)).toEqual(before);
    // Kinds that have a file of their own there are exported as before.
    const some = await tenantctl(['export', '--out', dir, '--env', 'staging', '--kinds', 'connections,organizations'], { env });
    expect(some.code, some.stdout + some.stderr).toBe(0);
  });

  it('prints a next step that runs against the same tenant, the embedded emulator too', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'tenantctl-export-'));
    const res = await tenantctl(['export', '--out', 'ex', '--env', 'dev', '--emulator'], { cwd });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    const next = /Next: tenantctl (.*?) {3}\(expect no changes\)/.exec(res.stdout)?.[1];
    expect(next).toBe('plan ex --env dev --emulator --detailed-exitcode');
    const planned = await tenantctl(next!.split(' '), { cwd });
    expect(planned.code, planned.stdout + planned.stderr).toBe(0);
  });
});

