/**
 * The tenant of the scale bench (issue #11) at scale 1: 300 APIs x 10 scopes, 1,000 clients, 2,000 grants,
 * 10 network ACLs, 20 organizations, 5 connections (200 enabled clients each) and 5,000 users: 8,335
 * objects. `scale` multiplies every count (at least 1 of each). With `changed`, every 100th object of each
 * kind (the first one of the small kinds) gets a new value: about 1% of the objects.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface TenantCounts {
  apis: number;
  clients: number;
  acls: number;
  orgs: number;
  connections: number;
  users: number;
}

export function counts(scale: number): TenantCounts {
  const n = (base: number) => Math.max(1, Math.round(base * scale));
  return { apis: n(300), clients: n(1000), acls: Math.min(10, n(10)), orgs: n(20), connections: 5, users: n(5000) };
}

/** Objects the manifests declare (scopes are part of their API, not objects of their own). */
export const objectCount = (c: TenantCounts) => c.apis + c.clients * 3 + c.acls + c.orgs + c.connections + c.users;

const DB = 'Username-Password-Authentication';
const touched = (i: number, changed: boolean) => changed && i % 100 === 0;

export async function writeTenant(dir: string, c: TenantCounts, changed: boolean): Promise<void> {
  const label = (i: number) => (touched(i, changed) ? 'changed' : 'bench');
  const apis = ['resourceServers:'];
  for (let i = 0; i < c.apis; i++) {
    const scopes = Array.from({ length: 10 }, (_, s) => `{ value: "s${s}:api${i}", description: Scope ${s} }`);
    apis.push(`  - name: API ${i}`, `    identifier: https://api${i}.bench.example`, `    token_lifetime: 3600`);
    apis.push(`    scopes: [${scopes.join(', ')}]`);
    if (touched(i, changed)) apis.push('    allow_offline_access: true');
  }
  const clients = ['clients:'];
  for (let i = 0; i < c.clients; i++) {
    clients.push(`  - name: Client ${i}`, '    app_type: non_interactive', '    grant_types: [client_credentials]');
    clients.push(`    description: ${label(i)} client ${i}`);
  }
  clients.push('clientGrants:');
  for (let g = 0; g < c.clients * 2; g++) {
    const client = Math.floor(g / 2);
    const api = (client * 2 + (g % 2)) % c.apis;
    const scope = touched(g, changed) ? `[s0:api${api}]` : `[s0:api${api}, s1:api${api}]`;
    clients.push(`  - { client: Client ${client}, audience: "https://api${api}.bench.example", scope: ${scope} }`);
  }
  const connections = ['connections:'];
  for (let i = 0; i < c.connections; i++) {
    const enabled = Array.from({ length: Math.min(200, c.clients) }, (_, k) => `Client ${(i * 200 + k) % c.clients}`);
    connections.push(`  - name: ${i === 0 ? DB : `bench-db-${i}`}`, '    strategy: auth0');
    connections.push(`    enabled_clients: [${enabled.join(', ')}]`);
    connections.push(`    options: { brute_force_protection: ${!touched(i, changed)} }`);
  }
  const security = ['networkAcls:'];
  for (let i = 0; i < c.acls; i++) {
    security.push(`  - description: Bench ACL ${i}`, `    priority: ${10 + i}`);
    security.push(`    rule: { action: { log: true }, match: { ipv4_cidrs: ["198.51.100.${touched(i, changed) ? 100 + i : i}/32"] }, scope: authentication }`);
  }
  security.push('organizations:');
  for (let i = 0; i < c.orgs; i++) security.push(`  - { name: bench-org-${i}, display_name: Bench ${label(i)} ${i} }`);
  await mkdir(join(dir, 'environments'), { recursive: true });
  await writeFile(join(dir, 'environments', 'bench.yaml'), 'keywords: {}\n');
  await writeFile(join(dir, 'apis.yaml'), `${apis.join('\n')}\n`);
  await writeFile(join(dir, 'clients.yaml'), `${clients.join('\n')}\n`);
  await writeFile(join(dir, 'connections.yaml'), `${connections.join('\n')}\n`);
  await writeFile(join(dir, 'security.yaml'), `${security.join('\n')}\n`);
  const users = ['users:'];
  for (let i = 0; i < c.users; i++) {
    users.push(`  - { connection: ${DB}, email: user${i}@bench.example, given_name: ${touched(i, changed) ? 'Renamed' : 'User'} ${i} }`);
  }
  await writeFile(join(dir, 'users.yaml'), `${users.join('\n')}\n`);
}
