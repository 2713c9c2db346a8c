import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { insufficientScope, scopedApi } from '../helpers/scoped.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimit: '1000/1000' });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

type Obj = Record<string, unknown>;

async function newUser(on: TestEmulator = emu, email = 'ann@example.com'): Promise<string> {
  const res = await on.api('POST', '/api/v2/users', {
    connection: 'Username-Password-Authentication',
    email,
    password: 'Correct-Horse-9-Battery',
  });
  expect(res.status).toBe(201);
  return encodeURIComponent(String((res.body as Obj).user_id));
}

const base = (user: string) => `/api/v2/users/${user}/authentication-methods`;

describe('/users/{id}/authentication-methods', () => {
  it('creates, reads, renames and deletes one method; secrets are echoed once and never read back', async () => {
    const user = await newUser();
    const phone = await emu.api('POST', base(user), { type: 'phone', phone_number: '+15555550100', preferred_authentication_method: 'sms' });
    expect(phone.status).toBe(201);
    const made = phone.body as Obj;
    expect(made).toMatchObject({ type: 'phone', phone_number: '+15555550100', preferred_authentication_method: 'sms', confirmed: true });
    expect(String(made.id)).toMatch(/^phone\|dev_/);
    expect(Number.isNaN(Date.parse(String(made.created_at)))).toBe(false);

    const totp = await emu.api('POST', base(user), { type: 'totp', totp_secret: 'JBSWY3DPEHPK3PXP', name: 'app' });
    expect(totp.status).toBe(201);
    expect((totp.body as Obj).totp_secret).toBe('JBSWY3DPEHPK3PXP');

    const one = `${base(user)}/${encodeURIComponent(String(made.id))}`;
    expect((await emu.api('GET', one)).body).toEqual(made);
    const totpRead = await emu.api('GET', `${base(user)}/${encodeURIComponent(String((totp.body as Obj).id))}`);
    expect(totpRead.body).not.toHaveProperty('totp_secret');

    const list = await emu.api('GET', base(user));
    expect((list.body as Obj[]).map((m) => m.type)).toEqual(['phone', 'totp']);
    const paged = await emu.api('GET', `${base(user)}?include_totals=true&per_page=1&page=1`);
    expect(paged.body).toMatchObject({ total: 2, start: 1, limit: 1, authenticators: [{ type: 'totp' }] });

    const renamed = await emu.api('PATCH', one, { name: 'work phone', preferred_authentication_method: 'voice' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: made.id, name: 'work phone', preferred_authentication_method: 'voice' });
    expect((await emu.api('PATCH', one, { phone_number: '+1' })).status).toBe(400);

    expect((await emu.api('DELETE', one)).status).toBe(204);
    const gone = await emu.api('GET', one);
    expect(gone.status).toBe(404);
    expect((gone.body as Obj).message).toBe('The authentication method could not be found.');
    expect((await emu.api('DELETE', one)).status).toBe(404);
    expect((await emu.api('PATCH', one, { name: 'x' })).status).toBe(404);
  });

  it('validates types and their values, and refuses duplicates with 409', async () => {
    const user = await newUser();
    expect((await emu.api('POST', base(user), { type: 'carrier-pigeon' })).status).toBe(400);
    const missing = await emu.api('POST', base(user), { type: 'email' });
    expect(missing.status).toBe(400);
    expect((missing.body as Obj).message).toMatch(/email/);
    expect((await emu.api('POST', base(user), { type: 'phone', phone_number: '+15555550100', preferred_authentication_method: 'fax' })).status).toBe(400);
    expect((await emu.api('POST', base(user), { type: 'email', email: 'ann@example.com' })).status).toBe(201);
    const twice = await emu.api('POST', base(user), { type: 'email', email: 'ann@example.com' });
    expect(twice.status).toBe(409);
    expect((twice.body as Obj).message).toBe('Authentication method already exists.');
    expect((await emu.api('POST', base(user), { type: 'email', email: 'other@example.com' })).status).toBe(201);
    expect((await emu.api('POST', base('auth0%7Cnobody'), { type: 'email', email: 'a@b.co' })).status).toBe(404);
    expect((await emu.api('GET', `${base('auth0%7Cnobody')}/email%7Cdev_x`)).status).toBe(404);
  });

  it('PUT replaces every method with phone, email and totp ones; DELETE removes them all', async () => {
    const user = await newUser();
    await emu.api('POST', base(user), { type: 'email', email: 'old@example.com' });
    const put = await emu.api('PUT', base(user), [
      { type: 'phone', phone_number: '+15555550101' },
      { type: 'totp', totp_secret: 'SECRET' },
    ]);
    expect(put.status).toBe(200);
    expect((put.body as Obj[]).map((m) => m.type)).toEqual(['phone', 'totp']);
    expect(((await emu.api('GET', base(user))).body as Obj[]).map((m) => m.type)).toEqual(['phone', 'totp']);
    expect((await emu.api('PUT', base(user), [{ type: 'passkey', key_id: 'k', public_key: 'p' }])).status).toBe(400);
    expect((await emu.api('PUT', base(user), [{ type: 'totp', totp_secret: 'A' }, { type: 'totp', totp_secret: 'B' }])).status).toBe(409);
    expect((await emu.api('DELETE', base(user))).status).toBe(204);
    expect((await emu.api('GET', base(user))).body).toEqual([]);
  });

  it("a deleted user's methods do not come back with a new user of the same id", async () => {
    const user = await newUser();
    await emu.api('POST', base(user), { type: 'email', email: 'ann@example.com' });
    await emu.api('DELETE', `/api/v2/users/${user}`);
    const again = await emu.api('POST', '/api/v2/users', {
      connection: 'Username-Password-Authentication',
      email: 'ann@example.com',
      password: 'Correct-Horse-9-Battery',
      user_id: decodeURIComponent(user).replace('auth0|', ''),
    });
    expect(again.status).toBe(201);
    expect((await emu.api('GET', base(user))).body).toEqual([]);
  });

  it('regenerates a recovery code only for a user with an enrolled method', async () => {
    const user = await newUser();
    const path = `/api/v2/users/${user}/recovery-code-regeneration`;
    const none = await emu.api('POST', path);
    expect(none.status).toBe(404);
    expect((none.body as Obj).message).toBe('Enrollment not found.');
    await emu.api('POST', base(user), { type: 'totp', totp_secret: 'SECRET' });
    const first = await emu.api('POST', path);
    expect(first.status).toBe(200);
    expect(String((first.body as Obj).recovery_code)).toMatch(/^[A-Z0-9]{24}$/);
    const second = await emu.api('POST', path);
    expect((second.body as Obj).recovery_code).not.toBe((first.body as Obj).recovery_code);
  });

  it('checks scopes per operation', async () => {
    const user = await newUser();
    const reader = await scopedApi(emu, ['read:authentication_methods']);
    expect((await reader('GET', base(user))).status).toBe(200);
    expect((await reader('POST', base(user), { type: 'email', email: 'a@b.co' })).body).toEqual(
      insufficientScope('create:authentication_methods'),
    );
    expect((await reader('PUT', base(user), [])).body).toEqual(insufficientScope('update:authentication_methods'));
    expect((await reader('DELETE', `${base(user)}/x`)).body).toEqual(insufficientScope('delete:authentication_methods'));
  });

  it('keeps methods across a restart from the state file', async () => {
    const statePath = join(await mkdtemp(join(tmpdir(), 'emu-authn-')), 'tenant.json');
    let own = await startTestEmulator({ statePath, rateLimit: '1000/1000' });
    try {
      const user = await newUser(own);
      const made = (await own.api('POST', base(user), { type: 'email', email: 'ann@example.com' })).body as Obj;
      await own.close();
      own = await startTestEmulator({ statePath, rateLimit: '1000/1000' });
      expect((await own.api('GET', base(user))).body).toEqual([made]);
    } finally {
      await own.close();
    }
  });
});
