import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatDiagnostic, loadManifests } from '../../src/manifest/index.js';
import { parseYamlFast } from '../../src/manifest/yaml-fast.js';
import { readings, SECTIONS } from '../helpers/yaml-readings.js';

describe('the fast reading of valid manifests', () => {
  it('reads values and item starts exactly as the located reading does', () => {
    const text = [
      'clients:',
      '  - name: Orders', // a block mapping starts at its first key
      '    metadata: { octal: 0o17, hex: 0x1F, int: -12, float: 1.5e3, dot: .5, inf: -.inf, nul: ~, empty: }',
      '    words: [yes, no, on, True, FALSE, Null, 2020-01-01, 1_000, "007", 0b11, +1]',
      '  -', // an item on the next line, after a comment
      '    # the billing job',
      '    { name: Billing,',
      '      description: "two\\nlines" }',
      '  - name: Folded',
      '    description: >',
      '      folded',
      '      text',
      'users: [ { email: a@b.example, connection: db }, {',
      '  email: c@d.example, connection: db } ]',
      'tenant: { friendly_name: Acme }',
    ].join('\n');
    const { fast, located } = readings(text);
    expect(fast).toBeDefined();
    expect(fast).toEqual(located);
    expect(fast?.items[0]).toEqual([
      'clients',
      expect.objectContaining({ metadata: expect.objectContaining({ octal: 15, hex: 31, inf: -Infinity, nul: null }) }),
      { file: 'm.yaml', line: 2, col: 5 },
    ]);
    expect(fast?.items[1]).toEqual(['clients', expect.anything(), { file: 'm.yaml', line: 7, col: 7 }]);
  });

  it('leaves to the located reading what it could read differently', () => {
    for (const text of [
      'clients:\n  - &base { name: a }\n  - *base\n', // anchors and aliases
      'clients:\n  - name: !custom a\n', // tags
      'clients:\n  - name: a\n    name: b\n', // duplicate keys
      'clients:\n  - ? name\n    : a\n', // explicit keys
      'clients:\n  - [a]: b\n', // a collection as a key
      'clients:\n  - name: a ##NAME##\n', // a keyword YAML reads as a comment
      'clients: []\n---\nusers: []\n', // two documents
      'clients:\n\t- name: a\n', // tabs
      'clients:\n  - name: a\n    callbacks: [https://a.example/cb]#\n', // a comment YAML 1.2 refuses, js-yaml takes
      'clients:\n  - name: "a"#web\n',
    ]) {
      expect(parseYamlFast('m.yaml', text, { sections: SECTIONS, item: () => undefined }), text).toBeUndefined();
    }
  });
});

describe('problems in files read the fast way', () => {
  let dir = '';
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('are reported at the exact value, not at its item', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tenantctl-fast-'));
    const clients = ['clients:'];
    for (let i = 0; i < 50; i++) clients.push(`  - name: Client ${i}`, `    app_type: non_interactive`);
    clients.push('  - name: Broken', '    app_type: non_interactive', '    token_endpoint_auth_method: 42');
    await writeFile(join(dir, 'clients.yaml'), `${clients.join('\n')}\n`);
    const { diagnostics } = await loadManifests(dir, {});
    expect(diagnostics.map((d) => formatDiagnostic(d, dir))[0]).toMatch(/^clients\.yaml:104:33 error \[invalid_value\]/);
  });

  it('include a comment js-yaml takes and YAML refuses, with its place', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tenantctl-fast-'));
    // Read by js-yaml (the line reader leaves the block scalar alone), which took `]#` for a comment.
    const text = 'clients:\n  - name: Web\n    description: |\n      two\n      lines\n    callbacks: [https://a.example/cb]#\n';
    await writeFile(join(dir, 'clients.yaml'), text);
    const { diagnostics } = await loadManifests(dir, {});
    expect(diagnostics.map((d) => formatDiagnostic(d, dir).split('\n')[0])).toEqual([
      'clients.yaml:6:38 error [yaml_syntax] Comments must be separated from other tokens by white space characters',
    ]);
    // The same colour as a quoted value, `#` just inside its quote, is read the fast way.
    expect(parseYamlFast('m.yaml', 'tenant:\n  colors: { primary: "#0059d6" }\n  description: |\n    x\n', { sections: SECTIONS, item: () => undefined })).toBeDefined();
  });

  it('are placed exactly in every file they point into, whichever files are read again', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tenantctl-fast-'));
    const apis = ['resourceServers:', '  - name: Orders', '    identifier: https://orders.example', '    scopes: [{ value: read:orders }]'];
    const clients = ['clients:'];
    for (let i = 0; i < 20; i++) clients.push(`  - name: Client ${i}`, '    app_type: non_interactive');
    const grants = [
      'clientGrants:',
      '  - client: Client 3',
      '    audience: https://orders.example',
      '    scope: [read:orders, write:orders]',
      '  - client: Client 99',
      '    audience: https://orders.example',
      '    scope: [read:orders]',
    ];
    await writeFile(join(dir, 'apis.yaml'), `${apis.join('\n')}\n`);
    await writeFile(join(dir, 'clients.yaml'), `${clients.join('\n')}\n`);
    await writeFile(join(dir, 'grants.yaml'), `${grants.join('\n')}\n`);
    const { diagnostics, desired } = await loadManifests(dir, {});
    expect(diagnostics.map((d) => (formatDiagnostic(d, dir).split('\n')[0] ?? '').replace(/ \(did you mean.*/, ''))).toEqual([
      "grants.yaml:4:26 error [undeclared_scope] clientGrants/Client 3 -> https://orders.example: scope 'write:orders' is not defined by resource server 'https://orders.example'",
      "grants.yaml:5:13 error [undeclared_reference] clientGrants/Client 99 -> https://orders.example: client 'Client 99' is not declared in clients",
    ]);
    // The files without problems were read once, the fast way, and their items are all there.
    expect(desired.kinds.clients).toHaveLength(20);
    expect(desired.kinds.resourceServers).toHaveLength(1);
  });
});
