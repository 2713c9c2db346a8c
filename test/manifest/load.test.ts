import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diagnosticText, formatDiagnostic, loadManifests } from '../../src/manifest/index.js';

const fixture = (name: string) =>
  relative(process.cwd(), fileURLToPath(new URL(`../fixtures/manifests/${name}`, import.meta.url)));

async function load(name: string, env = 'prod', processEnv: Record<string, string | undefined> = {}) {
  const dir = fixture(name);
  const result = await loadManifests(dir, { env, processEnv });
  return { ...result, lines: result.diagnostics.map((d) => formatDiagnostic(d, dir)) };
}

const ACME_ENV = { ACME_ORDERS_TOKEN: 'token', ACME_REGION: 'eu' };

describe('loading a tenant directory', () => {
  it('concatenates the items of a section spread over several files, in file order', async () => {
    const result = await load('acme', 'prod', ACME_ENV);
    expect(
      result.desired.kinds.clients?.map((c) => [c.address, `${c.loc?.file}:${c.loc?.line}:${c.loc?.col}`]),
    ).toEqual([
      ['clients/Orders Service', `${fixture('acme')}/clients.yaml:2:5`],
      ['clients/Billing Job', `${fixture('acme')}/grants.yml:3:5`],
    ]);
    expect(result.desired.kinds.clientGrants?.map((g) => g.address)).toEqual([
      'clientGrants/Orders Service -> https://api.acme.example/orders',
      'clientGrants/Billing Job -> https://api.acme.example/orders',
    ]);
    expect(result.desired.files).toEqual([
      `${fixture('acme')}/apis.yaml`,
      `${fixture('acme')}/clients.yaml`,
      `${fixture('acme')}/grants.yml`,
      `${fixture('acme')}/environments/prod.yaml`,
    ]);
  });

  it('manages exactly the sections that are present, even when empty', async () => {
    const result = await load('partial');
    expect(result.lines).toEqual([]);
    // resourceServers and clientGrants are absent: the plan must leave them alone.
    expect(result.desired.kinds).toEqual({ clients: [] });
  });

  it('reads only top-level *.yaml and *.yml files, accepts empty files and YAML aliases', async () => {
    const result = await load('layout');
    // A YAML file in a subdirectory is not a manifest, and says so rather than being silently ignored.
    expect(result.lines).toEqual([
      'drafts/extra.yaml:1:1 warning [unread_file] drafts/extra.yaml is not read: only files at the top of the tenant directory are manifests (subdirectories hold environments/ and data files); move it up if it is a manifest',
    ]);
    expect(result.desired.files).toEqual([
      `${fixture('layout')}/clients.yaml`,
      `${fixture('layout')}/empty.yaml`,
      `${fixture('layout')}/environments/prod.yaml`,
    ]);
    expect(result.desired.kinds.clients?.map((c) => [c.key, c.body.callbacks])).toEqual([
      ['Orders Service', ['https://app.acme.example/callback']],
      ['Admin Console', ['https://app.acme.example/callback']],
    ]);
  });

  it('reports a YAML syntax error at its line and column and still loads the other files', async () => {
    const result = await load('yaml-syntax');
    expect(result.lines).toEqual([
      // At the bracket left open, not where the next item starts (the yaml library's place).
      'broken.yaml:3:16 error [yaml_syntax] this [ is never closed: the flow list it opens needs a ]\n' +
        '  hint: Close it with ] (it may go on across lines indented more than its key), or write the list as a block, one item per line.',
    ]);
    expect(result.desired.kinds.resourceServers?.map((r) => r.key)).toEqual([
      'https://api.acme.example/orders',
    ]);
    // The broken file's sections could not be read, so clients are not managed.
    expect(result.desired.kinds.clients).toBeUndefined();
  });

  it('names the environments that exist when the requested one is missing', async () => {
    const result = await load('no-env', 'prod');
    expect(result.lines).toEqual([
      "error [missing_environment] no environment 'prod' in environments (available: dev, staging)\n" +
        '  hint: Create environments/prod.yaml with a `keywords:` mapping, or pick another --env.',
    ]);
    expect(result.desired.kinds).toEqual({ clients: [] });
  });

  it('suggests an environment name that is close to an existing one', async () => {
    const result = await load('no-env', 'stagin');
    expect(diagnosticText(result.diagnostics[0]!).message).toBe(
      `no environment 'stagin' in ${fixture('no-env')}/environments (available: dev, staging) (did you mean 'staging'?)`,
    );
  });

  it('reports a directory without manifests', async () => {
    const result = await load('empty');
    expect(result.lines.map((l) => l.split('\n')[0])).toEqual([
      "error [no_manifests] no manifest files (*.yaml, *.yml) in '.'",
    ]);
    expect(result.desired.kinds).toEqual({});
  });

  it('reports a directory that does not exist, and nothing else', async () => {
    const result = await loadManifests('test/fixtures/manifests/does-not-exist', { env: 'prod' });
    expect(result.diagnostics.map((d) => formatDiagnostic(d))).toEqual([
      "error [missing_directory] tenant directory 'test/fixtures/manifests/does-not-exist' does not exist or cannot be read\n" +
        '  hint: Pass the directory that holds the manifests, e.g. examples/tenants/acme.',
    ]);
  });

  it('refuses an environment name that could leave the environments directory', async () => {
    const result = await load('partial', '../partial/tenant');
    expect(result.lines.map((l) => l.split('\n')[0])).toEqual([
      "error [invalid_environment] '../partial/tenant' is not a valid environment name",
    ]);
  });

  it('reports sections, items and files of the wrong shape', async () => {
    const result = await load('shapes');
    expect(result.lines.map((l) => l.split('\n')[0])).toEqual([
      "a.yaml:1:1 error [invalid_section] section 'clients' must be a list of items",
      'a.yaml:3:5 error [invalid_item] resourceServers[0]: each item must be a mapping, got "just a string"',
      'a.yaml:5:13 error [invalid_type] resourceServers/https://api.acme.example/orders: \'scopes\' must be a list, got "read:orders"',
      'b.yaml:1:1 error [invalid_manifest] a manifest file must be a mapping of sections such as `clients:`',
      "environments/prod.yaml:2:1 error [unknown_field] unknown key 'keyword' in an environment file (did you mean 'keywords'?)",
    ]);
    expect(result.lines[0]).toContain(
      'hint: Write `clients: []` to manage no clients, or remove the section',
    );
  });

  it('lets a grant name a client from an unmanaged clients section', async () => {
    const result = await load('unmanaged-ref');
    expect(result.lines).toEqual([]);
    expect(result.desired.kinds.clientGrants?.map((g) => g.address)).toEqual([
      'clientGrants/Legacy App -> https://api.acme.example/orders',
    ]);
    expect(result.desired.kinds.clients).toBeUndefined();
  });

  it('shows file names relative to the given working directory', async () => {
    const result = await load('yaml-syntax');
    const [first] = result.diagnostics;
    expect(formatDiagnostic(first!, 'test')).toMatch(
      /^fixtures\/manifests\/yaml-syntax\/broken\.yaml:3:16 error/,
    );
    expect(formatDiagnostic(first!)).toMatch(
      /^test\/fixtures\/manifests\/yaml-syntax\/broken\.yaml:3:16 error/,
    );
  });
});
