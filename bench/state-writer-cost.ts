/**
 * What the state writer costs per write (issue #11): a tenant of bench scale `--scale` (1: 8,335 objects
 * shaped like bench/scale-tenant.ts), then `--writes` writes one after another as a paced apply sends them,
 * each a changed client plus a new grant, each waiting for its batch to be on disk. Prints the writer's CPU
 * and wall time per write: with the journal both should not grow with the tenant.
 *   npm run bench:state-writer -- --scale 1 --writes 200
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createState } from '../src/emulator/state.js';
import { createStateWriter } from '../src/emulator/state-writer.js';
import { insert } from '../src/emulator/store.js';

const { values } = parseArgs({
  options: { scale: { type: 'string', default: '1' }, writes: { type: 'string', default: '200' } },
});
const k = Number(values.scale);
const writes = Number(values.writes);
const n = (base: number) => Math.max(1, Math.round(base * k));
const tenant = { domain: '127.0.0.1:1', tenantName: 'bench', issuer: 'https://127.0.0.1:1/', audience: 'https://127.0.0.1:1/api/v2/' };
const state = await createState(tenant, { clientId: 'tenantctl-deployer', clientSecret: 'bench' });
const apis = n(300);
for (let i = 0; i < apis; i++) {
  const scopes = Array.from({ length: 10 }, (_, s) => ({ value: `s${s}:api${i}`, description: `Scope ${s}` }));
  insert(state, 'resourceServers', { id: `rs${i}`, name: `API ${i}`, identifier: `https://api${i}.bench.example`, scopes });
}
for (let i = 0; i < n(1000); i++) {
  insert(state, 'clients', {
    client_id: `c${i}`,
    name: `Client ${i}`,
    app_type: 'non_interactive',
    grant_types: ['client_credentials'],
    description: `bench client ${i}`,
    client_secret: 'x'.repeat(64),
    jwt_configuration: { alg: 'RS256', lifetime_in_seconds: 36000 },
  });
}
for (let g = 0; g < n(2000); g++) {
  const audience = `https://api${g % apis}.bench.example`;
  insert(state, 'clientGrants', { id: `cgr${g}`, client_id: `c${g >> 1}`, audience, scope: [`s0:api${g % apis}`] });
}
for (let i = 0; i < n(5000); i++) {
  const identities = [{ connection: 'Username-Password-Authentication', provider: 'auth0', user_id: `u${i}`, isSocial: false }];
  const at = new Date().toISOString();
  insert(state, 'users', { user_id: `auth0|u${i}`, email: `u${i}@bench.example`, identities, created_at: at, updated_at: at });
}
const objects = Object.values(state.collections).reduce((sum, c) => sum + c.length, 0);

const dir = await mkdtemp(join(tmpdir(), 'tenantctl-writer-'));
const writer = createStateWriter(join(dir, 'state.json'), state);
await writer.persist();
const clients = state.collections.clients;
const cpu = process.cpuUsage();
const started = Date.now();
for (let w = 0; w < writes; w++) {
  const e = clients[(w * 7) % clients.length];
  if (!e) break;
  e.data = { ...e.data, description: `changed ${w}` };
  insert(state, 'clientGrants', { id: `new${w}`, client_id: String(e.data.client_id), audience: 'https://api0.bench.example', scope: [] });
  await writer.persist();
}
const used = process.cpuUsage(cpu);
const wall = Date.now() - started;
await writer.flush();
await rm(dir, { recursive: true, force: true });
const round = (x: number) => Math.round(x * 100) / 100;
console.log(
  JSON.stringify({ objects, writes, cpu_ms_per_write: round((used.user + used.system) / 1000 / writes), wall_ms_per_write: round(wall / writes) }),
);
