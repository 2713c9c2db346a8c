import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostic, type LoadResult, loadManifests } from '../../src/manifest/index.js';

const dir = relative(process.cwd(), fileURLToPath(new URL('../fixtures/manifests/errors', import.meta.url)));

let result: LoadResult;
/** One line per diagnostic, as printed, without hints. */
let lines: string[];
const full = (code: string) =>
  result.diagnostics.filter((d) => d.code === code).map((d) => formatDiagnostic(d, dir));

beforeAll(async () => {
  result = await loadManifests(dir, { env: 'prod', processEnv: {} });
  lines = result.diagnostics.map((d) => formatDiagnostic(d, dir).split('\n')[0]!);
});

describe('a tenant with many mistakes', () => {
  it('reports every problem at once, sorted by file, line and column', () => {
    expect(lines).toEqual([
      `apis.yaml:3:21 error [invalid_type] resourceServers/https://api.acme.example/orders: 'token_lifetime' must be an integer, got "3600s"`,
      "apis.yaml:6:9 error [unknown_field] resourceServers/https://api.acme.example/orders: unknown field 'desc' in 'scopes[0]'",
      "clients.yaml:3:5 error [unknown_field] clients/Orders Service: unknown field 'calbacks' (did you mean 'callbacks'?)",
      'clients.yaml:4:15 error [invalid_value] clients/Orders Service: \'app_type\' must be one of: native, spa, regular_web, non_interactive, resource_server, express_configuration, rms, box, cloudbees, concur, dropbox, mscrm, echosign, egnyte, newrelic, office365, salesforce, sentry, sharepoint, slack, springcm, zendesk, zoom, sso_integration, oag, got "web"',
      `clients.yaml:6:28 error [invalid_type] clients/Orders Service: 'jwt_configuration.lifetime_in_seconds' must be an integer, got "3600s"`,
      `clients.yaml:7:5 error [duplicate_key] clients/Orders Service: client 'Orders Service' is already declared at clients.yaml:2`,
      "clients.yaml:9:5 error [missing_field] clients[2]: missing required field 'name'",
      "clients.yaml:12:16 error [unknown_keyword] clients/Web App: unknown keyword 'CALLBACK_URLS' (did you mean 'CALLBACKS'?)",
      "clients.yaml:14:18 error [invalid_value] clients/Admin: 'grant_types': grant types must be unique",
      "environments/prod.yaml:2:3 warning [unused_keyword] keyword 'CALLBACKS' is not used by any manifest",
      "grants.yaml:2:13 error [undeclared_reference] clientGrants/Orders Servce -> https://api.acme.example/orders: client 'Orders Servce' is not declared in clients (did you mean 'Orders Service'?)",
      "grants.yaml:6:1 error [unknown_section] unknown section 'resourceServer' (did you mean 'resourceServers'?)",
    ]);
  });

  it('points an unknown field at its key and lists the accepted fields', () => {
    expect(full('unknown_field')[1]).toBe(
      "clients.yaml:3:5 error [unknown_field] clients/Orders Service: unknown field 'calbacks' (did you mean 'callbacks'?)\n" +
        '  hint: Remove the field or fix its spelling; a client accepts 54 fields. Every field is listed in docs/fields.md.',
    );
    expect(full('unknown_field')[0]).toContain(
      "hint: Remove the field or fix its spelling; 'scopes[0]' accepts: value, description. Every field is listed in docs/fields.md.",
    );
  });

  it('points a wrong type at the value and says what to write', () => {
    expect(full('invalid_type')[0]).toBe(
      `apis.yaml:3:21 error [invalid_type] resourceServers/https://api.acme.example/orders: 'token_lifetime' must be an integer, got "3600s"\n` +
        '  hint: Write a whole number, without quotes or units (e.g. 3600).',
    );
  });

  it('addresses an item without its key fields by kind and index', () => {
    expect(full('missing_field')).toEqual([
      "clients.yaml:9:5 error [missing_field] clients[2]: missing required field 'name'\n  hint: Add 'name' to the item.",
    ]);
  });

  it('names the first declaration of a duplicate key', () => {
    expect(result.diagnostics.find((d) => d.code === 'duplicate_key')?.hint).toBe(
      'Each client is declared once: merge the two items, or change the key of one of them.',
    );
  });

  it('leaves items with errors out of Desired but keeps their sections managed', () => {
    expect(result.desired.kinds.resourceServers).toEqual([]);
    expect(result.desired.kinds.clients).toEqual([]);
    // The Admin client is invalid but declared, so the grant that names it is well-formed.
    expect(result.desired.kinds.clientGrants?.map((g) => g.address)).toEqual([
      'clientGrants/Admin -> https://api.acme.example/orders',
    ]);
  });

  it('explains an undeclared reference with a fix', () => {
    expect(full('undeclared_reference')[0]).toContain(
      '  hint: Declare the client in the clients section or fix the name (clients is managed, so only declared clients exist after apply).',
    );
  });
});
