import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantctl, writeTenant } from '../helpers/cli.js';

/**
 * Hostile input: valid manifests and keyword files, cut, spliced and salted with fragments that have
 * broken YAML tooling (deep nesting, alias bombs, stray keywords, tags, directives). Whatever comes in,
 * `validate` answers with exit 0 or 1 and, on 1, with diagnostics that each name a file, line and column.
 */
const MANIFEST = `clients:
  - name: Acme Web
    app_type: regular_web
    description: The storefront (##ENV_LABEL##)
    callbacks: "@@WEB_CALLBACKS@@"
    web_origins: ["##APP_URL##", "https://*.acme.example"]
    client_metadata: { team: storefront, tier: "##ENV_LABEL##" }
  - name: Orders Service
    grant_types: [client_credentials]
resourceServers:
  - identifier: https://api.acme.example/orders
    scopes: [{ value: read:orders }, { value: write:orders }]
clientGrants:
  - client: Orders Service
    audience: https://api.acme.example/orders
    scope: [read:orders]
networkAcls:
  - description: Block bad networks
    priority: 2
    rule:
      action: { block: true }
      scope: authentication
      match: { ipv4_cidrs: [10.0.0.0/8], asns: [64500], geo_country_codes: [FR] }
users:
  - connection: Username-Password-Authentication
    email: ada@acme.example
    password: "@@ADA_PASSWORD@@"
`;

const ENVIRONMENT = `keywords:
  ENV_LABEL: dev
  APP_URL: http://localhost:3000
  WEB_CALLBACKS: [http://localhost:3000/callback]
  ADA_PASSWORD: { env: ADA_PASSWORD }
`;

const deep = (open: string, close: string) =>
  fc.integer({ min: 50, max: 4000 }).map((n) => open.repeat(n) + close.repeat(n));

/** A billion-laughs chain: each anchor repeats the previous one `width` times. */
const aliasBomb = fc.record({ levels: fc.integer({ min: 3, max: 12 }), width: fc.integer({ min: 2, max: 12 }) }).map(
  ({ levels, width }) => {
    const lines = [`b0: &b0 [${Array(width).fill('lol').join(', ')}]`];
    for (let i = 1; i < levels; i++) lines.push(`b${i}: &b${i} [${Array(width).fill(`*b${i - 1}`).join(', ')}]`);
    return `\n${lines.join('\n')}\n`;
  },
);

const fragment = fc.oneof(
  deep('[', ']'),
  deep('{a: ', '}'),
  deep('- ', ''),
  aliasBomb,
  fc.constantFrom(
    '&a ', '*a', '*missing', '<<: *a', '@@', '@@ENV_LABEL@@', '@@NOPE@@', '##APP_URL##', '##', '{ env: X }',
    '\t', '\n', '\n---\n', '%YAML 1.2\n---\n', '!!binary ', '!custom ', '? ', ': ', '- ', '"', "'", '|', '>',
    '#', ',', '[', ']', '{', '}', '\u0000', '\uFEFF', '\u{1F600}', 'null', '~', '1e999', '-0', '0x1F',
    'env:', 'keywords:', 'clients:', 'priority: 2', 'name: Acme Web',
  ),
  fc.string({ maxLength: 40 }),
);

type Mutation =
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'duplicate'; at: number; length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fragment }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }),
);

function mutate(text: string, mutations: Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    if (m.op === 'insert') out = out.slice(0, at) + m.text + out.slice(at);
    else if (m.op === 'delete') out = out.slice(0, at) + out.slice(at + m.length);
    else out = out.slice(0, at) + out.slice(at, at + m.length).repeat(2) + out.slice(at + m.length);
  }
  return out;
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tenantctl-fuzz-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('validate on hostile input', () => {
  it('always exits 0 or 1 with located diagnostics, never a crash', async () => {
    const located = /^(tenant\.yaml|environments\/dev\.yaml):\d+:\d+ (error|warning) \[[a-z_]+\] /;
    await fc.assert(
      fc.asyncProperty(
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.array(mutation, { maxLength: 2 }),
        async (manifestMutations, envMutations) => {
          const dir = await writeTenant({
            'tenant.yaml': mutate(MANIFEST, manifestMutations),
            'environments/dev.yaml': mutate(ENVIRONMENT, envMutations),
          });
          try {
            const res = await tenantctl(['validate', '.', '--env', 'dev'], {
              cwd: dir,
              env: { ADA_PASSWORD: 'correct horse battery' },
            });
            expect(res.stderr).not.toContain('hit a bug');
            expect([0, 1]).toContain(res.code);
            const findings = res.stderr.split('\n').filter((line) => / (error|warning) \[/.test(line));
            for (const line of findings) expect(line).toMatch(located);
            if (res.code === 1) expect(findings.some((line) => line.includes(' error ['))).toBe(true);
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
        },
      ),
      { seed: 20261201, numRuns: 400, endOnFailure: true },
    );
  }, 240_000);

  it('refuses nesting thousands of levels deep at the place it starts going too deep', async () => {
    const dir = await writeTenant({
      'tenant.yaml': `clients:\n  - name: Deep\n    client_metadata: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
      'environments/dev.yaml': 'keywords: {}\n',
    });
    const res = await tenantctl(['validate', '.', '--env', 'dev'], { cwd: dir });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^tenant\.yaml:3:\d+ error \[yaml_too_deep\] values are nested more than 64 levels deep/m);
  });

  it('refuses an alias bomb with a located error instead of expanding it', async () => {
    const lines = ['clients:', '  - name: Bomb', '    client_metadata:', '      x: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 9; i++) lines.push(`      x${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(', ')}]`);
    const dir = await writeTenant({
      'tenant.yaml': `${lines.join('\n')}\n`,
      'environments/dev.yaml': 'keywords: {}\n',
    });
    const res = await tenantctl(['validate', '.', '--env', 'dev'], { cwd: dir });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^tenant\.yaml:\d+:\d+ error \[yaml_alias_bomb\] aliases in this file expand to too many values/m);
  });
});

describe('keyword values copied too often', () => {
  it('stop at a located error instead of growing the manifests without bound', async () => {
    const env = ['keywords:', '  L0: &l0 [a, b, c, d, e, f, g, h, i, j]'];
    for (let i = 1; i < 4; i++) env.push(`  L${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(', ')}]`);
    const users = Array.from(
      { length: 200 },
      (_, i) => `  - connection: db\n    email: u${i}@example.com\n    app_metadata: { bulk: "@@L3@@" }`,
    );
    const dir = await writeTenant({
      'environments/dev.yaml': `${env.join('\n')}\n`,
      'users.yaml': `users:\n${users.join('\n')}\n`,
    });
    const res = await tenantctl(['validate', '.', '--env', 'dev'], { cwd: dir });
    expect(res.code).toBe(1);
    const errors = res.stderr.split('\n').filter((line) => line.includes(' error ['));
    expect(errors).toEqual([
      expect.stringMatching(/^users\.yaml:\d+:\d+ error \[keyword_too_large\] users\/db\/u\d+@example\.com: keyword 'L3' is used where its values add up to more than 2000000 in all$/),
    ]);
  });
});
