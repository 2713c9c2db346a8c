/**
 * The chaos bench's tenant: a generated mid-size manifest, and a duplicate count made by listing every
 * managed kind through the Management API and grouping the objects by natural key.
 */
import { createApiClient } from '../src/api/client.js';
import { parseDomain } from '../src/api/domain.js';
import { createTokenProvider } from '../src/api/token.js';
import type { JsonObject } from '../src/json.js';
import { handlers } from '../src/kinds/index.js';
import type { Kind, KindContext } from '../src/kinds/types.js';

export interface Size {
  apis: number;
  clients: number;
  orgs: number;
  connections: number;
  acls: number;
  users: number;
}

export const FULL: Size = { apis: 30, clients: 100, orgs: 10, connections: 3, acls: 5, users: 200 };
export const SMOKE: Size = { apis: 3, clients: 6, orgs: 2, connections: 2, acls: 2, users: 8 };

/**
 * About how many writes an apply of `size` into an empty tenant sends (a connection is a create and the
 * enabling of its clients; users with a password one POST each, the others an import job per connection):
 * where a seeded "random moment" of a kill falls, counted in the tenant's own progress rather than in
 * time, so it lands mid-apply however loaded the machine is.
 */
export const plannedWrites = (size: Size): number =>
  size.apis + 2 * size.clients + size.orgs + 2 * size.connections + size.acls + Math.ceil(size.users / 2) + size.connections;

/** One manifest file (tenant.yaml) for `size`; users alternate between a password and an import job. */
export function chaosManifest(size: Size): string {
  const l: string[] = ['resourceServers:'];
  for (let i = 0; i < size.apis; i++) {
    l.push(`  - name: Chaos API ${i}`, `    identifier: https://api${i}.chaos.example`, '    scopes:');
    for (const s of ['read', 'write', 'admin']) l.push(`      - { value: "${s}:${i}", description: ${s} ${i} }`);
  }
  l.push('clients:');
  for (let i = 0; i < size.clients; i++)
    l.push(`  - { name: Chaos App ${i}, description: app ${i}, app_type: non_interactive, grant_types: [client_credentials] }`);
  l.push('clientGrants:');
  for (let i = 0; i < size.clients; i++)
    l.push(`  - { client: Chaos App ${i}, audience: "https://api${i % size.apis}.chaos.example", scope: ["read:${i % size.apis}"] }`);
  l.push('organizations:');
  for (let i = 0; i < size.orgs; i++) l.push(`  - { name: chaos-org-${i}, display_name: Chaos Org ${i} }`);
  l.push('connections:');
  for (let i = 0; i < size.connections; i++) {
    const enabled = Array.from({ length: Math.min(5, size.clients) }, (_, c) => `Chaos App ${c}`).join(', ');
    l.push(`  - { name: chaos-db-${i}, strategy: auth0, enabled_clients: [${enabled}] }`);
  }
  l.push('networkAcls:');
  for (let i = 0; i < size.acls; i++)
    l.push(
      `  - { description: Chaos ACL ${i}, priority: ${10 + i}, rule: { action: { block: true }, match: { ipv4_cidrs: [203.0.113.${i}/32] }, scope: authentication } }`,
    );
  l.push('users:');
  for (let i = 0; i < size.users; i++) {
    const password = i % 2 === 0 ? ', password: "@@CHAOS_PASSWORD@@"' : '';
    // In pairs, one with a password and one without, so every connection has users of both paths.
    const connection = Math.floor(i / 2) % size.connections;
    l.push(`  - { connection: chaos-db-${connection}, email: user${i}@chaos.example, name: User ${i}${password} }`);
  }
  return `${l.join('\n')}\n`;
}

export const ENV_FILE = 'keywords:\n  CHAOS_PASSWORD: { env: CHAOS_PASSWORD }\n';

const COUNTED: Kind[] = ['resourceServers', 'clients', 'clientGrants', 'organizations', 'connections', 'networkAcls', 'users'];

/** Objects beyond the first per natural key, over every managed kind: 0 when nothing was created twice. */
export async function countDuplicates(url: string, clientId: string, clientSecret: string): Promise<number> {
  const endpoint = parseDomain(url);
  const api = createApiClient({ endpoint, tokens: createTokenProvider(endpoint, { kind: 'secret', clientId, clientSecret }) });
  try {
    const lists = new Map<Kind, JsonObject[]>();
    for (const kind of COUNTED) lists.set(kind, await handlers[kind].list(api));
    const clientNames = new Map<string, string>();
    for (const c of lists.get('clients') ?? [])
      if (typeof c.client_id === 'string' && typeof c.name === 'string') clientNames.set(c.client_id, c.name);
    const ctx: KindContext = { managementAudience: endpoint.audience, deployerClientId: clientId, clientNames };
    let duplicates = 0;
    for (const [kind, list] of lists) {
      const seen = new Map<string, number>();
      for (const object of list) {
        const key = handlers[kind].liveKeyOf(object, ctx);
        if (key !== undefined) seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      for (const n of seen.values()) duplicates += n - 1;
    }
    return duplicates;
  } finally {
    await api.close();
  }
}
