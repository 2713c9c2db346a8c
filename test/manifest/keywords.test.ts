import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatDiagnostic, loadManifests } from '../../src/manifest/index.js';
import { writeTenant } from '../helpers/cli.js';

const fixture = (name: string) =>
  relative(process.cwd(), fileURLToPath(new URL(`../fixtures/manifests/${name}`, import.meta.url)));

/** Loads a fixture and renders its diagnostics as a user sees them, file names relative to the tenant. */
async function load(name: string, env: string, processEnv: Record<string, string | undefined> = {}) {
  const dir = fixture(name);
  const result = await loadManifests(dir, { env, processEnv });
  return { ...result, lines: result.diagnostics.map((d) => formatDiagnostic(d, dir).split('\n')[0]) };
}

const ACME_ENV = { ACME_ORDERS_TOKEN: 's3cr3t-token', ACME_REGION: 'eu-west' };

function item(result: Awaited<ReturnType<typeof load>>, address: string) {
  return Object.values(result.desired.kinds)
    .flat()
    .find((i) => i?.address === address);
}

describe('keyword replacement', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('replaces @@NAME@@ with structured values and ##NAME## inside strings', async () => {
    const result = await load('acme', 'prod', ACME_ENV);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const orders = item(result, 'clients/Orders Service');
    expect(orders?.body).toEqual({
      name: 'Orders Service',
      app_type: 'regular_web',
      description: 'Orders at https://app.acme.example',
      // A keyword whose value is a list becomes the list itself, not its text.
      callbacks: ['https://app.acme.example/callback', 'https://app.acme.example/silent'],
      jwt_configuration: { lifetime_in_seconds: 3600, alg: 'RS256' },
      client_metadata: { api_token: 's3cr3t-token', region: 'eu-west' },
    });
    expect(item(result, 'resourceServers/https://api.acme.example/orders')?.body.token_lifetime).toBe(7200);
  });

  it('inserts numbers and structures into text as their JSON form', async () => {
    const result = await load('acme', 'prod', ACME_ENV);
    expect(item(result, 'clients/Billing Job')?.body.description).toBe(
      'Tokens live 7200 seconds, signed with {"lifetime_in_seconds":3600,"alg":"RS256"}',
    );
  });

  it('gives each environment its own values', async () => {
    const result = await load('acme', 'dev', { ACME_ORDERS_TOKEN: 'dev-token' });
    const orders = item(result, 'clients/Orders Service');
    expect(orders?.body.description).toBe('Orders at http://localhost:3000');
    expect(orders?.body.callbacks).toEqual(['http://localhost:3000/callback']);
    expect(orders?.body.client_metadata).toEqual({ api_token: 'dev-token', region: 'eu' });
    expect(result.lines).toEqual([]);
  });

  it('records env-bound values as sensitive, except those marked sensitive: false', async () => {
    const result = await load('acme', 'prod', ACME_ENV);
    expect(item(result, 'clients/Orders Service')?.sensitive).toEqual([
      { path: ['client_metadata', 'api_token'], env: 'ACME_ORDERS_TOKEN' },
    ]);
    expect(result.desired.secrets).toEqual(['s3cr3t-token']);
    expect(item(result, 'clients/Billing Job')?.sensitive).toEqual([]);
  });

  it('reads process.env when no processEnv is given', async () => {
    vi.stubEnv('ACME_ORDERS_TOKEN', 'from-process-env');
    vi.stubEnv('ACME_REGION', 'us');
    const result = await loadManifests(fixture('acme'), { env: 'prod' });
    const orders = result.desired.kinds.clients?.find((c) => c.key === 'Orders Service');
    expect(orders?.body.client_metadata).toEqual({ api_token: 'from-process-env', region: 'us' });
  });

  it('warns at the definition of a keyword no manifest uses', async () => {
    const result = await load('acme', 'prod', ACME_ENV);
    expect(result.diagnostics.map((d) => formatDiagnostic(d, fixture('acme')))).toEqual([
      "environments/prod.yaml:10:3 warning [unused_keyword] keyword 'LEFTOVER' is not used by any manifest\n" +
        '  hint: Remove it from environments/prod.yaml, or use it as @@LEFTOVER@@ or ##LEFTOVER##.',
    ]);
  });

  it('reports an unset secret variable where a compared field uses it, and drops the item', async () => {
    const result = await load('acme', 'prod', { ACME_REGION: 'eu' });
    // client_metadata is compared with the tenant, so its value is needed to plan (unlike a client_secret).
    expect(result.lines).toEqual([
      "clients.yaml:8:18 error [unset_env] clients/Orders Service: keyword 'ORDERS_TOKEN' cannot be used: environment variable ACME_ORDERS_TOKEN is not set",
      "environments/prod.yaml:10:3 warning [unused_keyword] keyword 'LEFTOVER' is not used by any manifest",
    ]);
    expect(result.desired.kinds.clients?.map((c) => c.key)).toEqual(['Billing Job']);
    // The grant still names a declared client, so it is not reported as a dangling reference.
    expect(result.desired.kinds.clientGrants).toHaveLength(2);
  });

  it('reports every keyword problem at the exact place, all at once', async () => {
    const result = await load('keyword-errors', 'prod', { TENANTCTL_TEST_API_TOKEN: 'tok-123' });
    expect(result.lines).toEqual([
      "environments/prod.yaml:5:11 error [nested_keyword] the value of keyword 'NESTED' uses another keyword; keyword values cannot use keywords",
      "tenant.yaml:4:14 error [unset_env] clients/Orders Service: keyword 'ORDERS_TOKEN' cannot be used: environment variable TENANTCTL_TEST_UNSET_TOKEN is not set",
      "tenant.yaml:6:18 error [unknown_keyword] clients/Web: unknown keyword 'REGIONN'",
      "tenant.yaml:8:18 error [keyword_in_text] clients/Mixed: '@@APP_URL@@' only replaces a whole value; inside text write '##APP_URL##'",
      "tenant.yaml:10:18 error [sensitive_in_text] clients/Leaky: keyword 'API_TOKEN' holds a secret (from TENANTCTL_TEST_API_TOKEN) and cannot be part of a string",
      "tenant.yaml:14:16 error [invalid_type] clients/Lists: 'callbacks[1]' must be a string, got 3",
      "tenant.yaml:16:18 error [keyword_in_comment] '##APP_URL##' is read as a YAML comment, not as a keyword",
      'tenant.yaml:19:21 error [invalid_type] resourceServers/https://api.acme.example/orders: \'token_lifetime\' must be an integer, got "an hour"',
    ]);
    // Every item above has a problem, so nothing of them reaches Desired; the sections stay managed.
    expect(result.desired.kinds).toEqual({ resourceServers: [], clients: [] });
  });

  it('suggests the closest keyword name and says where to define it', async () => {
    const result = await load('errors', 'prod');
    const unknown = result.diagnostics.find((d) => d.code === 'unknown_keyword');
    expect(formatDiagnostic(unknown!, fixture('errors'))).toBe(
      "clients.yaml:12:16 error [unknown_keyword] clients/Web App: unknown keyword 'CALLBACK_URLS' (did you mean 'CALLBACKS'?)\n" +
        '  hint: Define CALLBACK_URLS under `keywords:` in environments/prod.yaml.',
    );
  });

  it('points schema errors in a keyword value at the @@NAME@@ scalar and names the keyword', async () => {
    const result = await load('section-keyword', 'prod');
    expect(result.diagnostics.map((d) => formatDiagnostic(d, fixture('section-keyword')))).toEqual([
      "tenant.yaml:2:10 error [unknown_field] clients/Billing Job: unknown field 'app_typ' (did you mean 'app_type'?)\n" +
        "  hint: Remove the field or fix its spelling; a client accepts 54 fields. Every field is listed in docs/fields.md. The value comes from keyword 'CLIENTS' in the environment file.",
    ]);
    expect(result.desired.kinds.clients?.map((c) => [c.address, c.loc])).toEqual([
      ['clients/Orders Service', { file: `${fixture('section-keyword')}/tenant.yaml`, line: 2, col: 10 }],
    ]);
  });

  it('never prints a secret value, even when it is invalid where it is used', async () => {
    const result = await load('keyword-errors', 'prod', {
      TENANTCTL_TEST_API_TOKEN: 'tok-123',
      TENANTCTL_TEST_UNSET_TOKEN: 'x'.repeat(300),
    });
    const text = result.diagnostics.map((d) => formatDiagnostic(d)).join('\n');
    expect(text).toContain("'client_metadata.token' must be at most 255 characters long, got 300");
    expect(text).not.toContain('tok-123');
    expect(text).not.toContain('x'.repeat(300));
    expect(result.desired.secrets).toEqual(['x'.repeat(300), 'tok-123']);
  });

  it('reads a `json: true` variable as JSON, refuses one that is not, and keeps a sensitive one secret', async () => {
    const dir = await writeTenant({
      'environments/prod.yaml': [
        'keywords:',
        '  CALLBACKS: { env: T_CALLBACKS, json: true, sensitive: false }',
        '  LIFETIME: { env: T_LIFETIME, json: true, sensitive: false }',
        '  SECRET_META: { env: T_SECRET_META, json: true }',
        '',
      ].join('\n'),
      'tenant.yaml': 'clients:\n  - name: Web\n    callbacks: "@@CALLBACKS@@"\n    jwt_configuration: { lifetime_in_seconds: "@@LIFETIME@@" }\n    client_metadata: "@@SECRET_META@@"\n',
    });
    const processEnv = { T_CALLBACKS: '["https://a.example/cb"]', T_LIFETIME: '3600', T_SECRET_META: '{"token":"tok-secret-123","other":"key-secret-456"}' };
    const secret = await loadManifests(dir, { env: 'prod', processEnv });
    expect(secret.diagnostics).toEqual([]);
    const web = secret.desired.kinds.clients?.[0];
    expect(web?.body.client_metadata).toEqual({ token: 'tok-secret-123', other: 'key-secret-456' });
    expect(web?.sensitive).toEqual([{ path: ['client_metadata'], env: 'T_SECRET_META', json: true }]);
    // Every string inside is masked on its own, wherever it is printed.
    expect(secret.desired.secrets).toEqual(expect.arrayContaining(['tok-secret-123', 'key-secret-456', '{"token":"tok-secret-123","other":"key-secret-456"}']));

    // A value the schema refuses is named by field, never shown.
    const nested = await loadManifests(dir, { env: 'prod', processEnv: { ...processEnv, T_SECRET_META: '{"token":{"deep":"tok-secret-123"}}' } });
    const lines = nested.diagnostics.map((d) => formatDiagnostic(d, dir)).join('\n');
    expect(lines).toContain("'client_metadata.token'");
    expect(lines).not.toContain('tok-secret-123');

    await writeFile(join(dir, 'tenant.yaml'), 'clients:\n  - name: Web\n    callbacks: "@@CALLBACKS@@"\n    jwt_configuration: { lifetime_in_seconds: "@@LIFETIME@@" }\n');
    await writeFile(join(dir, 'environments/prod.yaml'), 'keywords:\n  CALLBACKS: { env: T_CALLBACKS, json: true, sensitive: false }\n  LIFETIME: { env: T_LIFETIME, json: true, sensitive: false }\n');
    const ok = await loadManifests(dir, { env: 'prod', processEnv });
    expect(ok.diagnostics).toEqual([]);
    expect(ok.desired.kinds.clients?.[0]?.body).toMatchObject({ callbacks: ['https://a.example/cb'], jwt_configuration: { lifetime_in_seconds: 3600 } });

    const notJson = await loadManifests(dir, { env: 'prod', processEnv: { ...processEnv, T_CALLBACKS: 'https://a.example/cb' } });
    expect(notJson.diagnostics.map((d) => formatDiagnostic(d, dir).split('\n')[0])).toEqual([
      expect.stringMatching(/^environments\/prod\.yaml:2:3 error \[invalid_env_json\] keyword 'CALLBACKS' reads environment variable T_CALLBACKS as JSON, and it is neither JSON nor a YAML list or mapping: /),
    ]);
  });

  it('splices the items of a list keyword into a list with `...@@NAME@@`, and says why when it cannot', async () => {
    const dir = await writeTenant({
      'environments/prod.yaml': [
        'keywords:',
        '  EXTRA_ORIGINS: [https://b.example, https://c.example]',
        '  MORE_CALLBACKS: { env: T_MORE, json: true, sensitive: false }',
        '',
      ].join('\n'),
      'tenant.yaml': [
        'clients:',
        '  - name: Web',
        '    web_origins: [https://a.example, "...@@EXTRA_ORIGINS@@", https://d.example]',
        '    callbacks:',
        '      - "...@@MORE_CALLBACKS@@"',
        '      - https://a.example/cb',
        '',
      ].join('\n'),
    });
    const ok = await loadManifests(dir, { env: 'prod', processEnv: { T_MORE: '["https://x.example/cb","https://y.example/cb"]' } });
    expect(ok.diagnostics).toEqual([]);
    expect(ok.desired.kinds.clients?.[0]?.body).toMatchObject({
      web_origins: ['https://a.example', 'https://b.example', 'https://c.example', 'https://d.example'],
      callbacks: ['https://x.example/cb', 'https://y.example/cb', 'https://a.example/cb'],
    });
    const empty = await loadManifests(dir, { env: 'prod', processEnv: { T_MORE: '[]' } });
    expect(empty.desired.kinds.clients?.[0]?.body.callbacks).toEqual(['https://a.example/cb']);

    await writeFile(
      join(dir, 'environments/prod.yaml'),
      'keywords:\n  EXTRA_ORIGINS: https://b.example\n  MORE_CALLBACKS: { env: T_MORE, json: true }\n  ORIGIN: https://e.example\n',
    );
    await writeFile(join(dir, 'tenant.yaml'), 'clients:\n  - name: Web\n    web_origins: [https://a.example, "...@@EXTRA_ORIGINS@@"]\n    callbacks: ["...@@MORE_CALLBACKS@@"]\n    description: "...@@ORIGIN@@"\n');
    const refused = await loadManifests(dir, { env: 'prod', processEnv: { T_MORE: '["https://x.example/cb"]' } });
    expect(refused.diagnostics.map((d) => formatDiagnostic(d, dir).split('\n').slice(0, 2).join(' | '))).toEqual([
      "tenant.yaml:3:38 error [splice_not_list] clients/Web: '...@@EXTRA_ORIGINS@@' adds the items of a list, and keyword 'EXTRA_ORIGINS' is not a list |   hint: Give EXTRA_ORIGINS a list value, e.g. [one, two].",
      "tenant.yaml:4:17 error [sensitive_in_list] clients/Web: keyword 'MORE_CALLBACKS' holds a secret (from T_MORE) and cannot be spliced into a list |   hint: Use '@@MORE_CALLBACKS@@' as the entire list, or add `sensitive: false` to its binding if it is not a secret.",
      "tenant.yaml:5:18 error [splice_outside_list] clients/Web: '...@@ORIGIN@@' adds a list's items, and only a list item can |   hint: Write it as an item of a list (`- \"...@@ORIGIN@@\"`), or '@@ORIGIN@@' for the whole value.",
    ]);
    expect(JSON.stringify(refused.diagnostics)).not.toContain('x.example');
  });
});
