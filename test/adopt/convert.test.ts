import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
let env: Record<string, string>;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = emulatorEnv(emu);
});
afterAll(() => emu.close());

async function convert(args: string[]) {
  const out = await mkdtemp(join(tmpdir(), 'tenantctl-convert-'));
  const res = await tenantctl(['convert', 'deploy-cli', ...args, '--out', out, '--env', 'staging'], { env });
  return { ...res, out };
}

/** Converted files must validate, apply to a tenant and then plan empty: the whole promise of the converter. */
async function appliesAndConverges(dir: string, extraEnv: Record<string, string> = {}) {
  const withVars = { ...env, ...extraEnv };
  const validated = await tenantctl(['validate', dir, '--env', 'staging'], { env: withVars });
  expect(validated.stderr).toBe('');
  expect(validated.code).toBe(0);
  const applied = await tenantctl(['apply', dir, '--env', 'staging', '--auto-approve'], { env: withVars });
  expect(applied.stderr).not.toContain('Error');
  expect(applied.code).toBe(0);
  const planned = await tenantctl(['plan', dir, '--env', 'staging', '--detailed-exitcode'], { env: withVars });
  expect(planned.stdout).toContain('No changes.');
  expect(planned.code).toBe(0);
}

describe('tenantctl convert deploy-cli', () => {
  it('converts the directory layout: keywords of both kinds, names for references, what it cannot take named', async () => {
    const res = await convert(['examples/deploy-cli/directory', '--config', 'examples/deploy-cli/directory/config.json']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/rules\/?:1 +rules: rules are deprecated/);
    expect(res.stdout).toMatch(/pages\/?:1 +pages: hosted pages/);
    expect(res.stdout).toMatch(/clients\/Legacy Web\.json:1 +clients: legacy_field_from_2019: no such field/);
    expect(res.stdout).toContain('Keywords read from the environment (set these before planning):\n  ENV');

    const grants = await readFile(join(res.out, 'client-grants.yaml'), 'utf8');
    expect(grants).toContain('client: Legacy Worker');
    expect(grants).toContain('audience: https://##ENV##.legacy.acme.example/orders');
    const clients = await readFile(join(res.out, 'clients.yaml'), 'utf8');
    expect(clients).toContain('callbacks: "@@WEB_CALLBACKS@@"');
    const connections = await readFile(join(res.out, 'connections.yaml'), 'utf8');
    expect(connections).toContain('strategy: auth0');
    expect(connections).toContain('- Legacy Web');
    // Run from outside any project holding the temp directory: the schema is copied beside the manifests,
    // which point at the copy; validate (stderr empty, below) neither reads it nor warns about it.
    for (const text of [grants, clients, connections]) expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=manifest.schema.json');
    expect(await readFile(join(res.out, 'manifest.schema.json'), 'utf8')).toBe(await readFile('schemas/manifest.schema.json', 'utf8'));
    expect(res.stdout).toContain(`Wrote ${join(res.out, 'manifest.schema.json')}, the schema editors read`);

    await appliesAndConverges(res.out, { ENV: 'staging' });
  });

  it('says in its JSON document where the manifests find the schema', async () => {
    const res = await convert(['examples/deploy-cli/yaml/tenant.yaml', '--config', 'examples/deploy-cli/yaml/config.json', '--output', 'json']);
    expect(res.code, res.stderr).toBe(0);
    const parsed = JSON.parse(res.stdout);
    expect(parsed.schema).toEqual({ reference: 'manifest.schema.json', copied: true });
    expect(parsed.files).toContain('manifest.schema.json');
  });

  it('converts tenant.yaml with its config: mappings become keywords, excluded clients become exclude:', async () => {
    const res = await convert(['examples/deploy-cli/yaml/tenant.yaml', '--config', 'examples/deploy-cli/yaml/config.json']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/tenant\.yaml:\d+ +tenant: error_page: hosted pages/);
    expect(res.stdout).toMatch(/tenant\.yaml:\d+ +databases: custom database scripts/);
    expect(res.stdout).toMatch(/tenant\.yaml:\d+ +emailTemplates: email templates/);
    expect(res.stdout).toContain('Mappings no converted file uses: NOT_USED');
    const exclude = await readFile(join(res.out, 'exclude.yaml'), 'utf8');
    expect(exclude).toContain('Hand Made Tool');
    const keywords = await readFile(join(res.out, 'environments/staging.yaml'), 'utf8');
    expect(keywords).toContain('ENV: staging');
    expect(await readFile(join(res.out, 'clients.yaml'), 'utf8')).not.toContain('Hand Made Tool');
    await appliesAndConverges(res.out);
  });

  it('reads a ##KEY## that starts an unquoted YAML value as a keyword, not a comment', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tenantctl-deploy-'));
    const file = join(dir, 'tenant.yaml');
    await (await import('node:fs/promises')).writeFile(file, 'tenant:\n  support_email: ##SUPPORT_EMAIL##\n  friendly_name: Acme ##ENV## tenant\n');
    const res = await convert([file]);
    expect(res.code).toBe(0);
    const tenant = await readFile(join(res.out, 'tenant.yaml'), 'utf8');
    expect(tenant).toContain('support_email: "##SUPPORT_EMAIL##"');
    expect(tenant).toContain('friendly_name: "Acme ##ENV## tenant"');
  });

  it('refuses to write into a directory that holds files, unless --force; a missing one is made', async () => {
    const source = await mkdtemp(join(tmpdir(), 'tenantctl-deploy-'));
    await writeFile(join(source, 'tenant.yaml'), 'clients:\n  - name: Converted App\n    app_type: spa\n');
    const parent = await mkdtemp(join(tmpdir(), 'tenantctl-convert-'));
    await mkdir(join(parent, 'acme'));
    await writeFile(join(parent, 'acme', 'clients.yaml'), '# edited by hand\nclients: []\n');
    const run = (extra: string[]) =>
      tenantctl(['convert', 'deploy-cli', join(source, 'tenant.yaml'), '--out', 'acme', ...extra], { env, cwd: parent });

    const refused = await run([]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe('Error: --out acme is not empty and convert would overwrite files in it: pass --force to write into it anyway');
    expect(await readFile(join(parent, 'acme', 'clients.yaml'), 'utf8')).toBe('# edited by hand\nclients: []\n');
    expect(await readdir(join(parent, 'acme'))).toEqual(['clients.yaml']);

    const forced = await run(['--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await readFile(join(parent, 'acme', 'clients.yaml'), 'utf8')).toContain('Converted App');

    const fresh = await tenantctl(['convert', 'deploy-cli', join(source, 'tenant.yaml'), '--out', 'new/tenant'], { env, cwd: parent });
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(await readFile(join(parent, 'new/tenant/clients.yaml'), 'utf8')).toContain('Converted App');

    const help = await tenantctl(['convert', 'deploy-cli', '--help']);
    expect(help.stdout).toContain('--force');
  });

  it('binds a keyword that stands for a list, mapping, number or boolean to a JSON variable, as the deploy tool read it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tenantctl-deploy-'));
    const file = join(dir, 'tenant.yaml');
    await writeFile(
      file,
      [
        'clients:',
        '  - name: Json Web',
        '    app_type: spa',
        "    callbacks: '@@JW_CALLBACKS@@'",
        '    client_metadata: @@JW_META@@',
        '    jwt_configuration:',
        "      lifetime_in_seconds: '@@JW_LIFETIME@@'",
        "    is_first_party: '@@JW_FIRST@@'",
        "    description: '@@JW_DESCRIPTION@@'",
        // The deploy tool pasted the variable's text before parsing: unquoted, a JSON list reads as a list.
        '    web_origins: ##JW_ORIGINS##',
        '    allowed_logout_urls: ##JW_LOGOUT##',
        '',
      ].join('\n'),
    );
    const config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify({ AUTH0_KEYWORD_REPLACE_MAPPINGS: { JW_LOGOUT: '["https://a.example/bye"]' } }));
    const res = await convert([file, '--config', config]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`JW_CALLBACKS: must hold a JSON list, e.g. '["one","two"]'`);
    expect(res.stdout).toContain(`JW_META: must hold a JSON mapping`);
    expect(res.stdout).toContain('JW_LIFETIME: must hold a JSON number');
    expect(res.stdout).toContain('JW_FIRST: must hold true or false');
    expect(res.stdout).toMatch(/^ {2}JW_DESCRIPTION$/m);
    expect(res.stdout).toContain('JW_ORIGINS: must hold a JSON list');
    expect(await readFile(join(res.out, 'clients.yaml'), 'utf8')).toContain('web_origins: "@@JW_ORIGINS@@"');
    expect(await readFile(join(res.out, 'environments/staging.yaml'), 'utf8')).toMatch(/JW_LOGOUT:\n\s+- https:\/\/a\.example\/bye/);

    // Set the way a deploy tool user had them set.
    const vars = {
      JW_CALLBACKS: '["https://a.example/cb","https://b.example/cb"]',
      JW_META: '{"region":"eu"}',
      JW_LIFETIME: '3600',
      JW_FIRST: 'true',
      JW_DESCRIPTION: 'the web app',
      JW_ORIGINS: '["https://a.example"]',
    };
    const planned = await tenantctl(['plan', res.out, '--env', 'staging'], { env: { ...env, ...vars } });
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('callbacks: ["https://a.example/cb","https://b.example/cb"]');
    expect(planned.stdout).toContain('jwt_configuration: {"lifetime_in_seconds":3600}');
    expect(planned.stdout).toContain('is_first_party: true');
    await appliesAndConverges(res.out, vars);
    const web = ((await emu.api('GET', '/api/v2/clients')).body as Record<string, unknown>[]).find((c) => c.name === 'Json Web');
    expect(web).toMatchObject({
      callbacks: ['https://a.example/cb', 'https://b.example/cb'],
      web_origins: ['https://a.example'],
      allowed_logout_urls: ['https://a.example/bye'],
      client_metadata: { region: 'eu' },
      is_first_party: true,
    });

    const notJson = await tenantctl(['validate', res.out, '--env', 'staging'], { env: { ...vars, JW_CALLBACKS: 'https://a.example/cb' } });
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toMatch(/environments\/staging\.yaml:\d+:\d+ error \[invalid_env_json\] keyword 'JW_CALLBACKS' reads environment variable JW_CALLBACKS as JSON, and it is neither JSON nor a YAML list or mapping/);
  });

  it('binds a keyword that stands for a mapping holding a secret as a sensitive JSON variable, never printed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tenantctl-deploy-'));
    const file = join(dir, 'tenant.yaml');
    await writeFile(
      file,
      [
        'connections:',
        '  - name: partner-saml',
        '    strategy: samlp',
        '    options:',
        '      signInEndpoint: https://idp.partner.example/sso',
        '      signing_key: @@SAML_SIGNING_KEY@@',
        '',
      ].join('\n'),
    );
    const res = await convert([file]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('SAML_SIGNING_KEY: must hold a JSON mapping, e.g. \'{"region":"eu"}\' (a secret: never printed)');
    const keywords = await readFile(join(res.out, 'environments/staging.yaml'), 'utf8');
    expect(keywords).toMatch(/SAML_SIGNING_KEY:\n\s+env: SAML_SIGNING_KEY\n\s+json: true\n/);
    expect(keywords).not.toContain('sensitive: false');

    const key = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-private-part';
    const cert = 'MIIDdzCCAl-certificate-part';
    const vars = { SAML_SIGNING_KEY: JSON.stringify({ key, cert }) };
    const planned = await tenantctl(['plan', res.out, '--env', 'staging', '--out', join(dir, 'plan.json')], { env: { ...env, ...vars } });
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('options: (sensitive)');
    const printed = planned.stdout + planned.stderr + (await readFile(join(dir, 'plan.json'), 'utf8'));
    expect(printed).not.toContain(key);
    expect(printed).not.toContain(cert);
  });

  it("adds a ##KEY## pasted into a flow list as the list's items (the deploy tool's array concatenation), in both layouts", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tenantctl-deploy-'));
    await writeFile(
      join(dir, 'tenant.yaml'),
      [
        'clients:',
        '  - name: Concat Web',
        '    app_type: spa',
        '    web_origins: [ "https://prod.example", ##GLOBAL_WEB_ORIGINS## ]',
        '    callbacks: [ "https://prod.example/cb", ##MORE_CALLBACKS## ]',
        // Quoted, the deploy tool pasted one string; as a whole item, @@KEY@@ is one JSON value.
        '    allowed_logout_urls: [ "https://prod.example/bye", "https://##LOGOUT_HOST##/bye", @@ONE_LOGOUT@@ ]',
        '',
      ].join('\n'),
    );
    const mappings = { GLOBAL_WEB_ORIGINS: '"https://dev.example", "https://localhost:3000"', ONE_LOGOUT: 'https://one.example/bye' };
    await writeFile(join(dir, 'config.json'), JSON.stringify({ AUTH0_KEYWORD_REPLACE_MAPPINGS: mappings }));
    const res = await convert([join(dir, 'tenant.yaml'), '--config', join(dir, 'config.json')]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`MORE_CALLBACKS: must hold a JSON list, e.g. '["one","two"]'; its items are added to a list: where the deploy tool read '"one", "two"', write '["one","two"]'`);
    const clients = await readFile(join(res.out, 'clients.yaml'), 'utf8');
    expect(clients).toContain('- ...@@GLOBAL_WEB_ORIGINS@@');
    expect(clients).toContain('- ...@@MORE_CALLBACKS@@');
    expect(clients).toContain('- https://##LOGOUT_HOST##/bye');
    expect(await readFile(join(res.out, 'environments/staging.yaml'), 'utf8')).toMatch(/GLOBAL_WEB_ORIGINS:\n\s+- https:\/\/dev\.example\n\s+- https:\/\/localhost:3000\n/);

    const vars = { MORE_CALLBACKS: '["https://dev.example/cb","https://localhost:3000/cb"]', LOGOUT_HOST: 'logout.example' };
    await appliesAndConverges(res.out, vars);
    const web = ((await emu.api('GET', '/api/v2/clients')).body as Record<string, unknown>[]).find((c) => c.name === 'Concat Web');
    expect(web).toMatchObject({
      web_origins: ['https://prod.example', 'https://dev.example', 'https://localhost:3000'],
      callbacks: ['https://prod.example/cb', 'https://dev.example/cb', 'https://localhost:3000/cb'],
      allowed_logout_urls: ['https://prod.example/bye', 'https://logout.example/bye', 'https://one.example/bye'],
    });

    // The directory layout: the same text in a client's JSON file.
    const layout = await mkdtemp(join(tmpdir(), 'tenantctl-deploy-'));
    await mkdir(join(layout, 'clients'));
    await writeFile(join(layout, 'clients', 'Concat Dir.json'), '{\n  "name": "Concat Dir",\n  "app_type": "spa",\n  "web_origins": [ "https://prod.example", ##GLOBAL_WEB_ORIGINS## ]\n}\n');
    const fromDir = await convert([layout, '--config', join(dir, 'config.json')]);
    expect(fromDir.code, fromDir.stderr).toBe(0);
    expect(await readFile(join(fromDir.out, 'clients.yaml'), 'utf8')).toContain('- ...@@GLOBAL_WEB_ORIGINS@@');
  });

  it('reads a JSON variable written as YAML, as the deploy tool pasted it into its YAML, and says what to write otherwise', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tenantctl-deploy-'));
    await writeFile(
      join(dir, 'tenant.yaml'),
      ['clients:', '  - name: Yaml Vars', '    app_type: spa', '    callbacks: ##YV_CALLBACKS##', '    client_metadata: ##YV_META##', ''].join('\n'),
    );
    const res = await convert([join(dir, 'tenant.yaml')]);
    expect(res.code, res.stderr).toBe(0);
    // A flow list as the deploy tool's users wrote it, and a block mapping over several lines.
    const vars = { YV_CALLBACKS: '[https://a.example/cb, "https://b.example/cb"]', YV_META: 'region: eu\ntier: gold\n' };
    await appliesAndConverges(res.out, vars);
    const client = ((await emu.api('GET', '/api/v2/clients')).body as Record<string, unknown>[]).find((c) => c.name === 'Yaml Vars');
    expect(client).toMatchObject({ callbacks: ['https://a.example/cb', 'https://b.example/cb'], client_metadata: { region: 'eu', tier: 'gold' } });

    const word = await tenantctl(['validate', res.out, '--env', 'staging'], { env: { ...env, ...vars, YV_CALLBACKS: 'https://a.example/cb' } });
    expect(word.code).toBe(1);
    expect(word.stderr).toContain("keyword 'YV_CALLBACKS' reads environment variable YV_CALLBACKS as JSON, and it is neither JSON nor a YAML list or mapping");
    expect(word.stderr).toContain(`hint: Set YV_CALLBACKS to JSON or YAML, e.g. YV_CALLBACKS='["one","two"]' or '[one, two]' for a list`);
    const broken = await tenantctl(['validate', res.out, '--env', 'staging'], { env: { ...env, ...vars, YV_META: 'region: eu\n  tier: [gold' } });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain("keyword 'YV_META' reads environment variable YV_META as JSON, and it is neither JSON nor a YAML list or mapping");
    expect(broken.stderr).not.toMatch(/\n\s+at /);
  });

  it('says where a file does not parse, and what to do', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tenantctl-deploy-'));
    const file = join(dir, 'tenant.yaml');
    await (await import('node:fs/promises')).writeFile(file, 'clients:\n  - name: [unclosed\n');
    const res = await convert([file]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/tenant\.yaml:\d+: /);
    expect(res.stderr).not.toContain('hit a bug');
  });
});
