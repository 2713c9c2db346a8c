import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
let connectionId: string;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimit: '100000/100000' });
});
afterAll(() => emu.close());
beforeEach(async () => {
  await emu.reset();
  const list = (await emu.api('GET', '/api/v2/connections?name=Username-Password-Authentication')).body as { id: string }[];
  connectionId = list[0]?.id as string;
});

type Job = Record<string, unknown> & { id: string; status: string };

async function upload(users: unknown, fields: Record<string, string> = {}): Promise<{ status: number; body: Job }> {
  const form = new FormData();
  form.set('users', new Blob([typeof users === 'string' ? users : JSON.stringify(users)], { type: 'text/json' }), 'users.json');
  for (const [k, v] of Object.entries({ connection_id: connectionId, ...fields })) form.set(k, v);
  const res = await fetch(`${emu.url}/api/v2/jobs/users-imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await emu.token()}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Job };
}

async function finished(id: string): Promise<Job> {
  for (;;) {
    const job = (await emu.api('GET', `/api/v2/jobs/${id}`)).body as Job;
    if (job.status !== 'pending') return job;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('/api/v2/jobs/users-imports', () => {
  it('imports a JSON array in the background, then reports a summary and per-user errors', async () => {
    const created = await upload([
      { email: 'a@example.com', given_name: 'A', user_metadata: { k: 1 } },
      { email: 'b@example.com' },
      { email: 'b@example.com' },
      { email: 'not-an-email' },
      { name: 'no email' },
    ]);
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ type: 'users_import', status: 'pending', connection_id: connectionId, connection: 'Username-Password-Authentication' });
    expect(created.body.id).toMatch(/^job_[A-Za-z0-9]{16}$/);
    const job = await finished(created.body.id);
    expect(job).toMatchObject({ status: 'completed', summary: { total: 5, inserted: 2, updated: 0, failed: 3 } });
    const errors = (await emu.api('GET', `/api/v2/jobs/${job.id}/errors`)).body as { user: { email?: string }; errors: { code: string }[] }[];
    expect(errors.map((e) => e.errors[0]?.code)).toEqual(['DUPLICATED_USER', 'FORMAT', 'OBJECT_REQUIRED']);
    const imported = (await emu.api('GET', '/api/v2/users-by-email?email=a%40example.com')).body as Record<string, unknown>[];
    expect(imported[0]).toMatchObject({ given_name: 'A', user_metadata: { k: 1 }, email_verified: false });
  });

  it('without upsert refuses existing users; with upsert replaces upsertable fields and metadata wholesale', async () => {
    const first = await upload([{ email: 'u@example.com', user_metadata: { a: 1, b: 2 }, blocked: false }]);
    await finished(first.body.id);
    const again = await upload([{ email: 'u@example.com', given_name: 'U' }]);
    await finished(again.body.id);
    const errors = (await emu.api('GET', `/api/v2/jobs/${again.body.id}/errors`)).body as { errors: { code: string; message: string }[] }[];
    expect(errors[0]?.errors[0]).toEqual({ code: 'DUPLICATED_USER', message: 'The user already exist and upsert parameter is false' });
    const upsert = await upload([{ email: 'u@example.com', user_metadata: { c: 3 }, blocked: true }], { upsert: 'true' });
    expect(await finished(upsert.body.id)).toMatchObject({ summary: { updated: 1, inserted: 0, failed: 0 } });
    expect((await emu.api('GET', `/api/v2/jobs/${upsert.body.id}/errors`)).status).toBe(204);
    const [user] = (await emu.api('GET', '/api/v2/users-by-email?email=u%40example.com')).body as Record<string, unknown>[];
    expect(user?.user_metadata).toEqual({ c: 3 });
    expect(user?.blocked).toBe(false); // not upsertable
  });

  it('refuses uploads above 512000 bytes with the exact 413 message', async () => {
    const big = JSON.stringify([{ email: 'x@example.com', user_metadata: { pad: 'x'.repeat(520_000) } }]);
    const res = await upload(big);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, message: 'Payload content length greater than maximum allowed: 512000.' });
  });

  it('allows at most two import jobs at once', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({ email: `bulk${i}@example.com` }));
    const a = await upload(many);
    const b = await upload(many.slice(0, 8000), { upsert: 'true' });
    const c = await upload([{ email: 'third@example.com' }]);
    expect([a.status, b.status, c.status]).toEqual([202, 202, 429]);
    await finished(a.body.id);
    await finished(b.body.id);
    expect((await upload([{ email: 'third@example.com' }])).status).toBe(202);
  });

  it('answers the documented 400s for a bad upload', async () => {
    const noConnection = await upload([{ email: 'a@example.com' }], { connection_id: 'con_doesnotexist0000' });
    expect(noConnection.body).toMatchObject({ statusCode: 400, message: 'The connection does not exist.' });
    const badId = await upload([{ email: 'a@example.com' }], { connection_id: 'nope' });
    expect(badId.body.message).toContain("does not match pattern ^con_[A-Za-z0-9]{16}$' on property connection_id");
    const empty = await upload('');
    expect(empty.body).toMatchObject({ message: 'Users file must not be empty.' });
  });
});

describe('/api/v2/jobs/users-exports', () => {
  it('exports NDJSON (gzip) with the requested fields to a download location it serves', async () => {
    await emu.api('POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email: 'x@example.com', password: 'passpass$12$12', app_metadata: { plan: 'gold' } });
    await emu.api('POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email: 'y@example.com', password: 'passpass$12$12' });
    const created = await emu.api('POST', '/api/v2/jobs/users-exports', {
      format: 'json',
      fields: [{ name: 'email' }, { name: 'app_metadata' }, { name: 'identities[0].connection', export_as: 'connection' }],
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ type: 'users_export', status: 'pending', format: 'json' });
    const job = await finished((created.body as Job).id);
    expect(job.location).toMatch(/^http:\/\/.*\.json\.gz\?/);
    const file = await fetch(job.location as string);
    expect(file.status).toBe(200);
    const lines = gunzipSync(Buffer.from(await file.arrayBuffer())).toString('utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { email: 'x@example.com', app_metadata: { plan: 'gold' }, connection: 'Username-Password-Authentication' },
      { email: 'y@example.com', connection: 'Username-Password-Authentication' },
    ]);
  });

  it('answers 404 for an unknown job', async () => {
    const res = await emu.api('GET', '/api/v2/jobs/job_0000000000000000');
    expect(res.status).toBe(404);
  });
});
