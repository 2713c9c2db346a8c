import { describe, expect, it } from 'vitest';
import { formatDiagnostic, loadManifests } from '../../src/manifest/index.js';
import { writeTenant } from '../helpers/cli.js';

/** Loads a tenant written from `files` (env `dev`, no keywords unless given); returns first lines of diagnostics. */
async function validate(files: Record<string, string>, processEnv: Record<string, string> = {}) {
  const dir = await writeTenant({ 'environments/dev.yaml': 'keywords: {}\n', ...files });
  const result = await loadManifests(dir, { env: 'dev', processEnv });
  return {
    ...result,
    lines: result.diagnostics.map((d) => formatDiagnostic(d, dir).split('\n')[0] ?? ''),
    hints: result.diagnostics.map((d) => d.hint ?? ''),
  };
}

const acl = (description: string, priority: number, match: string) =>
  `  - description: ${description}\n    priority: ${priority}\n    rule:\n      action: { block: true }\n      scope: authentication\n      match: ${match}\n`;

describe('validate catches offline what the API would refuse', () => {
  it('refuses a natural key declared twice, across files', async () => {
    const { lines } = await validate({
      'a.yaml': 'clients:\n  - name: Web\n',
      'b.yaml': 'clients:\n  - name: Web\n',
    });
    expect(lines).toEqual([expect.stringMatching(/^b\.yaml:2:5 error \[duplicate_key\] clients\/Web: client 'Web' is already declared at .*a\.yaml:2$/)]);
  });

  it('refuses two network ACLs with one priority, at the second priority', async () => {
    const { lines, desired } = await validate({
      'acls.yaml': `networkAcls:\n${acl('One', 5, '{ asns: [64500] }')}${acl('Two', 5, '{ asns: [64501] }')}`,
    });
    expect(lines).toEqual([
      expect.stringMatching(/^acls\.yaml:9:15 error \[duplicate_priority\] networkAcls\/Two: priority 5 is already used by network ACL 'One' at .*acls\.yaml:2$/),
    ]);
    expect(desired.kinds.networkAcls?.map((a) => a.key)).toEqual(['One']);
  });

  it('checks CIDRs, AS numbers, country, subdivision and host names of ACL rules', async () => {
    const match = [
      '{ ipv4_cidrs: [10.0.0.0/8, 10.0.0.0/33, 300.1.2.3, 192.168.1.1],',
      ' ipv6_cidrs: ["2001:db8::/32", "2001:db8::/129", "fe80::zz"],',
      ' asns: [64500, 0, 4294967296],',
      ' geo_country_codes: [FR, ZZ],',
      ' geo_subdivision_codes: [US-NY, XX-NY],',
      ' hostnames: [login.example.com, "bad_host!"] }',
    ].join('');
    const { lines } = await validate({ 'acls.yaml': `networkAcls:\n${acl('Mixed', 1, match)}` });
    const found = lines.map((l) => l.replace(/^acls\.yaml:7:\d+ error \[invalid_format\] networkAcls\/Mixed: /, ''));
    expect(found).toEqual([
      "'rule.match.ipv4_cidrs[1]': '10.0.0.0/33' is not an IPv4 address or CIDR block",
      "'rule.match.ipv4_cidrs[2]': '300.1.2.3' is not an IPv4 address or CIDR block",
      "'rule.match.ipv6_cidrs[1]': '2001:db8::/129' is not an IPv6 address or CIDR block",
      "'rule.match.ipv6_cidrs[2]': 'fe80::zz' is not an IPv6 address or CIDR block",
      "'rule.match.asns[1]': 0 is not an AS number",
      "'rule.match.asns[2]': 4294967296 is not an AS number",
      "'rule.match.geo_country_codes[1]': 'ZZ' is not an ISO 3166-1 alpha-2 country code",
      "'rule.match.geo_subdivision_codes[1]': 'XX-NY' is not an ISO 3166-2 subdivision code",
      "'rule.match.hostnames[1]': 'bad_host!' is not a host name",
    ]);
    expect(lines.every((l) => l.startsWith('acls.yaml:7:'))).toBe(true);
  });

  it('checks URLs where the API wants URLs, allowing wildcards, placeholders and app schemes', async () => {
    const { lines, desired } = await validate({
      'tenant.yaml': [
        'clients:',
        '  - name: Good',
        '    callbacks: ["https://*.example.com/callback", "com.example.app://callback", "http://localhost:3000/cb"]',
        '    web_origins: ["https://{organization_name}.example.com"]',
        '  - name: Bad',
        '    callbacks: [https://app.example.com/cb, not a url]',
        '    allowed_logout_urls: ["https//missing-colon.example.com"]',
        'tenant:',
        '  allowed_logout_urls: [/relative/path]',
        'networkAcls:',
        acl('Redirect', 3, '{ asns: [64500] }').replace('{ block: true }', '{ redirect: true, redirect_uri: /blocked }'),
      ].join('\n'),
    });
    expect(lines).toEqual([
      "tenant.yaml:6:45 error [invalid_format] clients/Bad: 'callbacks[1]': 'not a url' is not a URL",
      "tenant.yaml:7:27 error [invalid_format] clients/Bad: 'allowed_logout_urls[0]': 'https//missing-colon.example.com' is not a URL",
      "tenant.yaml:9:25 error [invalid_format] tenant/settings: 'allowed_logout_urls[0]': '/relative/path' is not a URL",
      "tenant.yaml:14:47 error [invalid_format] networkAcls/Redirect: 'rule.action.redirect_uri': '/blocked' is not a URL",
    ]);
    expect(desired.kinds.clients?.map((c) => c.key)).toEqual(['Good']);
  });

  it('names the keyword a malformed value came from', async () => {
    const { lines, hints } = await validate({
      'environments/dev.yaml': 'keywords:\n  APP_URL: app.example.com/callback here\n',
      'clients.yaml': 'clients:\n  - name: Web\n    callbacks: ["@@APP_URL@@"]\n',
    });
    expect(lines).toEqual([expect.stringContaining("clients.yaml:3:17 error [invalid_format] clients/Web: 'callbacks[0]'")]);
    expect(hints[0]).toContain("keyword 'APP_URL'");
  });

  it('requires a grant audience to be declared, the Management API, or listed in externalApis', async () => {
    const grants = (audience: string, scope = '[read:orders]') =>
      `  - client: Worker\n    audience: ${audience}\n    scope: ${scope}\n`;
    const managed = await validate({
      'tenant.yaml': [
        'resourceServers:',
        '  - identifier: https://api.example.com/orders',
        '    scopes: [{ value: read:orders }, { value: write:orders }]',
        'clients:\n  - name: Worker',
        'clientGrants:',
        grants('https://api.example.com/order'),
        grants('https://api.example.com/orders', '[read:orders, delete:orders]'),
        grants('https://acme.eu.auth0.com/api/v2/', '[read:users]'),
      ].join('\n'),
    });
    expect(managed.lines).toEqual([
      "tenant.yaml:8:15 error [undeclared_audience] clientGrants/Worker -> https://api.example.com/order: audience 'https://api.example.com/order' is not a declared resource server (did you mean 'https://api.example.com/orders'?)",
      "tenant.yaml:13:26 error [undeclared_scope] clientGrants/Worker -> https://api.example.com/orders: scope 'delete:orders' is not defined by resource server 'https://api.example.com/orders' (did you mean 'write:orders'?)",
    ]);
    expect(managed.desired.kinds.clientGrants?.map((g) => g.key)).toEqual(['Worker -> https://acme.eu.auth0.com/api/v2/']);

    const unmanaged = await validate({ 'tenant.yaml': `clientGrants:\n${grants('https://api.example.com/orders')}` });
    expect(unmanaged.lines).toEqual([expect.stringContaining('tenant.yaml:3:15 error [undeclared_audience]')]);
    expect(unmanaged.hints[0]).toContain('externalApis');

    const marked = await validate({
      'tenant.yaml': `externalApis: [https://api.example.com/orders]\nclientGrants:\n${grants('https://api.example.com/orders')}`,
    });
    expect(marked.lines).toEqual([]);
    expect(marked.desired.kinds.clientGrants).toHaveLength(1);
  });

  it('refuses grants, connections and users that name an undeclared client or connection', async () => {
    const { lines } = await validate({
      'tenant.yaml': [
        'clients:\n  - name: Web',
        'externalApis: [https://api.example.com/]',
        'clientGrants:\n  - client: Wbe\n    audience: https://api.example.com/',
        'connections:\n  - name: staff\n    strategy: auth0\n    enabled_clients: [Web, Ghost]',
        'users:\n  - connection: stuff\n    email: ada@example.com',
      ].join('\n'),
    });
    expect(lines).toEqual([
      "tenant.yaml:5:13 error [undeclared_reference] clientGrants/Wbe -> https://api.example.com/: client 'Wbe' is not declared in clients",
      "tenant.yaml:10:28 error [undeclared_reference] connections/staff: client 'Ghost' is not declared in clients",
      "tenant.yaml:12:17 error [undeclared_reference] users/stuff/ada@example.com: connection 'stuff' is not declared in connections (did you mean 'staff'?)",
    ]);
  });

  it('refuses a secret keyword where it would become part of an address, without printing it', async () => {
    const { lines, diagnostics } = await validate(
      {
        'environments/dev.yaml': 'keywords:\n  APP_NAME: { env: APP_NAME }\n  LABEL: { env: LABEL, sensitive: false }\n',
        'tenant.yaml': 'clients:\n  - name: "@@APP_NAME@@"\n  - name: "@@LABEL@@"\n',
      },
      { APP_NAME: 'top-secret-name', LABEL: 'Public App' },
    );
    expect(lines).toEqual([
      "tenant.yaml:2:11 error [secret_in_key] clients[0]: 'name' names the client and is printed everywhere: it cannot come from a secret keyword",
    ]);
    expect(JSON.stringify(diagnostics)).not.toContain('top-secret-name');
  });
});
