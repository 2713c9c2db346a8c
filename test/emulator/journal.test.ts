import { appendFile, copyFile, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/**
 * `--state FILE` keeps a snapshot in FILE and every answered change in FILE.journal (state-writer.ts). These
 * tests copy both files while the emulator runs, which is exactly what a crash leaves behind, and start a
 * second emulator from the copy: it must show the same tenant.
 */
const running: TestEmulator[] = [];
afterEach(async () => {
  for (const emu of running.splice(0)) await emu.close();
});

async function start(statePath: string): Promise<TestEmulator> {
  const emu = await startTestEmulator({ statePath, rateLimit: '100000/100000' });
  running.push(emu);
  return emu;
}

/** The files as a SIGKILL would leave them now, in a fresh directory. */
async function crashCopy(statePath: string): Promise<string> {
  const copy = join(await mkdtemp(join(tmpdir(), 'tenantctl-crash-')), 'state.json');
  await copyFile(statePath, copy);
  await copyFile(`${statePath}.journal`, `${copy}.journal`);
  return copy;
}

/** What a user sees of the tenant: the collections these tests change, as the API lists them. */
async function tenantView(emu: TestEmulator): Promise<unknown> {
  const paths = [
    '/api/v2/clients?per_page=100',
    '/api/v2/client-grants?per_page=100',
    '/api/v2/resource-servers?per_page=100',
    '/api/v2/connections?per_page=100',
    '/api/v2/users?per_page=100',
    '/api/v2/tenants/settings',
  ];
  const out: unknown[] = [];
  for (const path of paths) {
    const res = await emu.api('GET', path);
    expect(res.status, path).toBe(200);
    out.push(res.body);
  }
  // The system API's audience follows the port, which differs per run.
  return JSON.parse(JSON.stringify(out).replaceAll(emu.domain, 'DOMAIN'));
}

async function mixedWrites(emu: TestEmulator, tag: string): Promise<void> {
  const created = await Promise.all(
    Array.from({ length: 12 }, (_, i) => emu.api('POST', '/api/v2/clients', { name: `${tag} ${i}` })),
  );
  const ids = created.map((r) => (r.body as { client_id: string }).client_id);
  expect(created.map((r) => r.status)).toEqual(ids.map(() => 201));
  const api = await emu.api('POST', '/api/v2/resource-servers', {
    name: `${tag} API`,
    identifier: `https://${tag.toLowerCase()}.example`,
    scopes: [{ value: 'read:x' }],
  });
  expect(api.status).toBe(201);
  const grant = await emu.api('POST', '/api/v2/client-grants', {
    client_id: ids[0],
    audience: `https://${tag.toLowerCase()}.example`,
    scope: ['read:x'],
  });
  expect(grant.status).toBe(201);
  expect((await emu.api('PATCH', `/api/v2/clients/${ids[1]}`, { description: `${tag} changed` })).status).toBe(200);
  expect((await emu.api('DELETE', `/api/v2/clients/${ids[2]}`)).status).toBe(204);
  expect((await emu.api('PATCH', '/api/v2/tenants/settings', { friendly_name: `${tag} tenant` })).status).toBe(200);
  const user = await emu.api('POST', '/api/v2/users', {
    connection: 'Username-Password-Authentication',
    email: `${tag.toLowerCase()}@example.com`,
    password: 'Correct-Horse-9-Battery',
  });
  expect(user.status).toBe(201);
  // Users are removed in place (users/store.ts splices the array): a different path from removeWhere.
  const gone = await emu.api('POST', '/api/v2/users', {
    connection: 'Username-Password-Authentication',
    email: `${tag.toLowerCase()}-gone@example.com`,
    password: 'Correct-Horse-9-Battery',
  });
  expect((await emu.api('DELETE', `/api/v2/users/${(gone.body as { user_id: string }).user_id}`)).status).toBe(204);
  expect((await emu.api('PATCH', `/api/v2/users/${(user.body as { user_id: string }).user_id}`, { nickname: tag })).status).toBe(200);
}

async function importUsers(emu: TestEmulator, from: number, n: number): Promise<void> {
  const users = Array.from({ length: n }, (_, i) => ({ email: `bulk${from + i}@example.com`, user_metadata: { note: 'x'.repeat(60) } }));
  const conn = (await emu.api('GET', '/api/v2/connections?name=Username-Password-Authentication')).body as { id: string }[];
  const form = new FormData();
  form.set('users', new Blob([JSON.stringify(users)], { type: 'text/json' }), 'users.json');
  form.set('connection_id', conn[0]?.id ?? '');
  const res = await fetch(`${emu.url}/api/v2/jobs/users-imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await emu.token()}` },
    body: form,
  });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  for (;;) {
    const job = (await emu.api('GET', `/api/v2/jobs/${id}`)).body as { status: string };
    if (job.status === 'completed') return;
    expect(job.status).toBe('pending');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('state journal', () => {
  it('a restart from the files a crash leaves shows every answered write, without a rewrite per write', async () => {
    const statePath = join(await mkdtemp(join(tmpdir(), 'tenantctl-journal-')), 'state.json');
    const emu = await start(statePath);
    const snapshotBefore = await readFile(statePath, 'utf8');
    await mixedWrites(emu, 'Journalled');

    // The snapshot was not rewritten for these writes: they are in the journal.
    expect(await readFile(statePath, 'utf8')).toBe(snapshotBefore);
    expect(await readFile(`${statePath}.journal`, 'utf8')).toContain('Journalled 0');

    const again = await start(await crashCopy(statePath));
    expect(await tenantView(again)).toEqual(await tenantView(emu));
  });

  it('ignores a journal line cut short by a crash, and keeps appending after it', async () => {
    const statePath = join(await mkdtemp(join(tmpdir(), 'tenantctl-journal-')), 'state.json');
    const emu = await start(statePath);
    await mixedWrites(emu, 'Torn');
    const copy = await crashCopy(statePath);
    await appendFile(`${copy}.journal`, '{"r":[{"c":"clients","i":9999,"s":1,"d":{"name":"Half wri');

    const again = await start(copy);
    const view = await tenantView(again);
    expect(view).toEqual(await tenantView(emu));
    expect(JSON.stringify(view)).not.toContain('Half wri');
    // It goes on from there: a later write survives the next crash too.
    expect((await again.api('POST', '/api/v2/clients', { name: 'After the tear' })).status).toBe(201);
    const third = await start(await crashCopy(copy));
    expect(await tenantView(third)).toEqual(await tenantView(again));
  });

  it('refuses a journal damaged in the middle, naming both files', async () => {
    const statePath = join(await mkdtemp(join(tmpdir(), 'tenantctl-journal-')), 'state.json');
    const emu = await start(statePath);
    await mixedWrites(emu, 'Damaged');
    const copy = await crashCopy(statePath);
    const lines = (await readFile(`${copy}.journal`, 'utf8')).split('\n');
    lines[1] = 'garbage';
    await writeFile(`${copy}.journal`, lines.join('\n'));
    await expect(startTestEmulator({ statePath: copy })).rejects.toThrow(/state\.json\.journal is damaged/);
  });

  it('folds a grown journal into a new snapshot, and the tenant is the same after it', { timeout: 120_000 }, async () => {
    const statePath = join(await mkdtemp(join(tmpdir(), 'tenantctl-journal-')), 'state.json');
    const emu = await start(statePath);
    // An import writes its users in one batch; a few of them take the journal over its 1 MiB floor.
    let imported = 0;
    while ((await stat(`${statePath}.journal`)).size <= 1 << 20 && imported < 20_000) {
      await importUsers(emu, imported, 2500);
      imported += 2500;
    }
    const grown = (await stat(`${statePath}.journal`)).size;
    expect(grown).toBeGreaterThan(1 << 20);

    // The next write finds the journal too big: a snapshot takes it in, and the journal starts over.
    await mixedWrites(emu, 'Compacted');
    expect((await stat(`${statePath}.journal`)).size).toBeLessThan(grown / 10);
    const snapshot = await readFile(statePath, 'utf8');
    expect(snapshot).toContain(`bulk${imported - 1}@example.com`);

    const again = await start(await crashCopy(statePath));
    expect(await tenantView(again)).toEqual(await tenantView(emu));
    const count = async (e: TestEmulator) =>
      ((await e.api('GET', '/api/v2/users?per_page=1&include_totals=true')).body as { total: number }).total;
    expect(await count(again)).toBe(imported + 1);
  });
});
