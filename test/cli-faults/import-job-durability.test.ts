import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadState } from '../../src/emulator/state.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/**
 * An emulator killed right after an import job reported `completed` must still have the job's users when
 * it restarts from its state file, as the real tenant keeps what it said was done. Otherwise the chaos
 * bench's restart trials see an apply that exits 0 (it read `completed`) and a tenant that lost the users.
 */
let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

it('has saved the users of an import job by the time the job reads completed', { timeout: 120_000 }, async () => {
  const statePath = join(await mkdtemp(join(tmpdir(), 'tenantctl-jobs-')), 'state.json');
  emu = await startTestEmulator({ statePath, rateLimit: '100000/100000' });
  const list = (await emu.api('GET', '/api/v2/connections?name=Username-Password-Authentication')).body as { id: string }[];
  // Enough users that the job runs over many turns of the event loop, past the save its upload started.
  const users = Array.from({ length: 3000 }, (_, i) => ({ email: `d${i}@example.com` }));
  const form = new FormData();
  form.set('users', new Blob([JSON.stringify(users)], { type: 'text/json' }), 'users.json');
  form.set('connection_id', list[0]?.id ?? '');
  const res = await fetch(`${emu.url}/api/v2/jobs/users-imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await emu.token()}` },
    body: form,
  });
  const { id } = (await res.json()) as { id: string };
  // Poll often: the moment the job reads completed is the moment a client acts on it.
  for (;;) {
    const job = (await emu.api('GET', `/api/v2/jobs/${id}`)).body as { status: string };
    if (job.status === 'completed') break;
    expect(job.status).toBe('pending');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  // What a restart right now would load: the snapshot and its journal.
  const saved = new Set((await loadState(statePath))?.collections.users.map((u) => u.data.email));
  const missing = users.filter(({ email }) => !saved.has(email));
  expect(missing.length, `${missing.length} of ${users.length} users not saved`).toBe(0);
});
