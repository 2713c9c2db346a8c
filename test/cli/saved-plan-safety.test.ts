import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlers } from '../../src/kinds/index.js';
import { digest, liveCanonical } from '../../src/plan/context.js';
import { sealPlanText } from '../../src/plan/file.js';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/** A saved plan is checked again at apply: its risk markers are never trusted, and a broken file is refused whole. */
let emu: TestEmulator;
let env: Record<string, string>;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimit: '1000/1000' });
  env = emulatorEnv(emu);
});
afterAll(() => emu.close());

type SavedChange = Record<string, unknown> & { address: string; risk?: string };
interface Saved {
  changes: SavedChange[];
  [key: string]: unknown;
}

async function savePlan(files: Record<string, string>): Promise<{ file: string; saved: Saved }> {
  const dir = await writeTenant({ 'environments/test.yaml': 'keywords: {}\n', ...files });
  const file = join(dir, 'plan.json');
  const res = await tenantctl(['plan', dir, '--env', 'test', '--out', file], { env });
  expect(res.code, res.stderr).toBe(0);
  return { file, saved: JSON.parse(await readFile(file, 'utf8')) as Saved };
}

const writes = async () => Object.keys((await emu.stats()).byRoute).filter((r) => !r.startsWith('GET '));

const BLOCK_MANAGEMENT = [
  'networkAcls:',
  '  - description: Block all but the office',
  '    priority: 9',
  '    rule:',
  '      action: { block: true }',
  '      not_match: { ipv4_cidrs: [198.51.100.0/24] }',
  '      scope: management',
  '',
].join('\n');

/** A refused apply still takes and releases the tenant's lock (an API create and delete), and writes nothing else. */
const LOCK_ONLY = ['POST /api/v2/resource-servers', 'DELETE /api/v2/resource-servers/{id}'];

describe('apply --plan applies what was reviewed', () => {
  it('refuses a plan file edited after it was written, before sending anything', async () => {
    const { file, saved } = await savePlan({ 'tenant.yaml': 'clients:\n  - name: Reviewed App\n    description: as reviewed\n' });
    // The shown fields still say "as reviewed"; only the body that would be sent changes.
    (saved.changes[0] as unknown as { body: Record<string, unknown> }).body.description = 'not what was reviewed';
    await writeFile(file, `${JSON.stringify(saved, null, 2)}\n`);
    await emu.resetStats();
    const res = await tenantctl(['apply', '--plan', file, '--auto-approve'], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('was changed after tenantctl wrote it (its checksum does not match); nothing was applied');
    expect(await writes()).toEqual([]);
    const { checksum: _dropped, ...unsealed } = saved as Record<string, unknown>;
    await writeFile(file, JSON.stringify(unsealed));
    const bare = await tenantctl(['apply', '--plan', file, '--auto-approve'], { env });
    expect(bare.stderr).toContain('has no checksum; nothing was applied');
  });
});

describe('apply --plan recomputes risks', () => {
  it('refuses a blocking management-scope ACL whose risk marker was edited out of the plan file', async () => {
    const { file, saved } = await savePlan({ 'security.yaml': BLOCK_MANAGEMENT });
    expect(saved.changes[0]?.risk).toMatch(/block rule on scope 'management'/);
    for (const change of saved.changes) delete change.risk;
    saved.warnings = [];
    await writeFile(file, sealPlanText(JSON.stringify(saved)));

    await emu.resetStats();
    const refused = await tenantctl(['apply', '--plan', file], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refusing to apply: 1 change(s) could lock you out');
    expect(refused.stderr).toContain("networkAcls/Block all but the office: an active block rule on scope 'management'");
    expect(await writes()).toEqual(LOCK_ONLY);
    expect((await emu.api('GET', '/api/v2/network-acls')).body).toEqual([]);

    const allowed = await tenantctl(['apply', '--plan', file, '--allow-lockout-risk'], { env });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect((await emu.api('GET', '/api/v2/network-acls')).body).toMatchObject([{ priority: 9 }]);
    await emu.reset();
  });

  it('refuses a plan file that fails its schema whole, naming each problem, and applies none of it', async () => {
    const { file, saved } = await savePlan({ 'tenant.yaml': 'clients:\n  - name: First App\n  - name: Second App\n' });
    expect(saved.changes).toHaveLength(2);
    // Hand edits: a made-up operation on the first change, a delete without the id of what it deletes on the second.
    saved.changes[0] = { ...saved.changes[0], operation: 'wipe' } as SavedChange;
    saved.changes[1] = { ...saved.changes[1], action: 'delete' } as SavedChange;
    await writeFile(file, sealPlanText(JSON.stringify(saved)));
    await emu.resetStats();
    const res = await tenantctl(['apply', '--plan', file], { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('is not a valid tenantctl plan (version 1); nothing was applied');
    expect(res.stderr).toContain('changes.0.operation');
    expect(res.stderr).toContain("changes.1.id: a delete needs the live object's id");
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(await writes()).toEqual([]);

    await writeFile(file, '{"version": 1, "changes": [');
    const broken = await tenantctl(['apply', '--plan', file], { env });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('is not JSON');
  });

  it('refuses an edited plan that updates the deployer client (its credentials) or deletes its Management API grant', async () => {
    const { file, saved } = await savePlan({ 'tenant.yaml': 'clients:\n  - name: Helper App\n' });
    const clients = (await emu.api('GET', '/api/v2/clients')).body as Record<string, unknown>[];
    const deployer = clients.find((c) => c.client_id === emu.clientId) as Record<string, unknown>;
    const clientNames = new Map(clients.map((c) => [String(c.client_id), String(c.name)]));
    const ctx = { managementAudience: emu.audience, deployerClientId: emu.clientId, clientNames };
    const edited: SavedChange = {
      address: `clients/${String(deployer.name)}`,
      kind: 'clients',
      key: String(deployer.name),
      action: 'update',
      id: emu.clientId,
      body: { token_endpoint_auth_method: 'none' },
      fields: [{ path: 'token_endpoint_auth_method', to: 'none' }],
      liveDigest: digest(liveCanonical(handlers.clients, deployer as never, ctx)),
    };
    const grants = (await emu.api('GET', '/api/v2/client-grants')).body as Record<string, unknown>[];
    const own = grants.find((g) => g.client_id === emu.clientId && g.audience === emu.audience) as Record<string, unknown>;
    const deleteGrant: SavedChange = {
      address: `clientGrants/${String(deployer.name)} -> ${emu.audience}`,
      kind: 'clientGrants',
      key: `${String(deployer.name)} -> ${emu.audience}`,
      action: 'delete',
      id: String(own.id),
      fields: [],
      liveDigest: digest(liveCanonical(handlers.clientGrants, own as never, ctx)),
    };
    await writeFile(file, sealPlanText(JSON.stringify({ ...saved, changes: [edited], managedKinds: ['clients'] })));
    await emu.resetStats();
    const credentials = await tenantctl(['apply', '--plan', file, '--allow-lockout-risk'], { env });
    expect(credentials.code).toBe(1);
    expect(credentials.stderr).toContain(
      `clients/${String(deployer.name)}: never planned: tenantctl authenticates as this client`,
    );
    expect(await writes()).toEqual(LOCK_ONLY);

    await writeFile(file, sealPlanText(JSON.stringify({ ...saved, changes: [deleteGrant], managedKinds: ['clients', 'clientGrants'] })));
    const grant = await tenantctl(['apply', '--plan', file, '--allow-lockout-risk'], { env });
    expect(grant.code).toBe(1);
    expect(grant.stderr).toContain("never planned: tenantctl's own grant to the Management API");
    expect(await writes()).toEqual(LOCK_ONLY);
    expect((await emu.api('GET', '/api/v2/client-grants')).body).toEqual(grants);
  });
});
