import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimit: '100000/100000' });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const DB = 'Username-Password-Authentication';
type User = Record<string, unknown> & { user_id: string };

async function createUser(body: Record<string, unknown>): Promise<User> {
  const res = await emu.api('POST', '/api/v2/users', { connection: DB, password: 'passpass$12$12', ...body });
  expect(res.status).toBe(201);
  return res.body as User;
}

const path = (id: string) => `/api/v2/users/${encodeURIComponent(id)}`;

describe('/api/v2/users', () => {
  it('creates a database user with the defaults a real tenant fills in, and never returns the password', async () => {
    const user = await createUser({ email: 'Alice@Example.com' });
    expect(user.user_id).toMatch(/^auth0\|[0-9a-f]{24}$/);
    expect(user).toMatchObject({
      email: 'alice@example.com',
      email_verified: false,
      name: 'alice@example.com',
      nickname: 'alice',
      identities: [{ connection: DB, provider: 'auth0', isSocial: false }],
    });
    expect(user.picture).toMatch(/^https:\/\/s\.gravatar\.com\/avatar\//);
    expect(JSON.stringify(user)).not.toContain('passpass');
    expect((await emu.api('GET', path(user.user_id))).body).toEqual(user);
  });

  it('uses a requested user_id, and refuses duplicates per connection with 409', async () => {
    const user = await createUser({ email: 'bob@example.com', user_id: 'bob', username: 'bob' });
    expect(user.user_id).toBe('auth0|bob');
    const sameEmail = await emu.api('POST', '/api/v2/users', { connection: DB, email: 'BOB@example.com', password: 'passpass$12$12' });
    expect(sameEmail.status).toBe(409);
    expect(sameEmail.body).toMatchObject({ message: 'The user already exists.', errorCode: 'auth0_idp_error' });
    const sameUsername = await emu.api('POST', '/api/v2/users', { connection: DB, email: 'other@example.com', username: 'bob', password: 'passpass$12$12' });
    expect(sameUsername.status).toBe(409);
  });

  it("checks the connection's password policy and requires a password on a database connection", async () => {
    const weak = await emu.api('POST', '/api/v2/users', { connection: DB, email: 'c@example.com', password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body).toMatchObject({ message: 'PasswordStrengthError: Password is too weak' });
    const missing = await emu.api('POST', '/api/v2/users', { connection: DB, email: 'c@example.com' });
    expect(missing.status).toBe(400);
    const unknown = await emu.api('POST', '/api/v2/users', { connection: 'nope', email: 'c@example.com', password: 'passpass$12$12' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ message: 'The connection does not exist.' });
    const extra = await emu.api('POST', '/api/v2/users', { connection: DB, email: 'c@example.com', password: 'passpass$12$12', role: 'x' });
    expect(extra.body).toMatchObject({ errorCode: 'invalid_body', message: "Payload validation error: 'Additional properties not allowed: role'." });
  });

  it('merges metadata on PATCH: null deletes a key, {} wipes (TestAccUser)', async () => {
    const user = await createUser({ email: 'd@example.com' });
    const p1 = await emu.api('PATCH', path(user.user_id), {
      user_metadata: { foo: 'bar', baz: 'qux' },
      app_metadata: { foo: 'bar', baz: 'qux' },
      given_name: 'Dee',
    });
    expect(p1.body).toMatchObject({ user_metadata: { foo: 'bar', baz: 'qux' }, given_name: 'Dee' });
    const p2 = await emu.api('PATCH', path(user.user_id), { user_metadata: { baz: null, foo: 'bars' }, given_name: null });
    expect((p2.body as User).user_metadata).toEqual({ foo: 'bars' });
    expect(p2.body).not.toHaveProperty('given_name');
    const p3 = await emu.api('PATCH', path(user.user_id), { user_metadata: {}, app_metadata: {} });
    expect((p3.body as User).user_metadata).toEqual({});
    expect(p3.body).not.toHaveProperty('app_metadata');
  });

  it('deletes idempotently and answers 404 inexistent_user afterwards', async () => {
    const user = await createUser({ email: 'e@example.com' });
    expect((await emu.api('DELETE', path(user.user_id))).status).toBe(204);
    expect((await emu.api('DELETE', path(user.user_id))).status).toBe(204);
    const gone = await emu.api('GET', path(user.user_id));
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ message: 'The user does not exist.', errorCode: 'inexistent_user' });
  });

  it('finds users by exact (lower-case) email', async () => {
    await createUser({ email: 'f@example.com' });
    const found = await emu.api('GET', '/api/v2/users-by-email?email=f%40example.com');
    expect((found.body as User[]).map((u) => u.email)).toEqual(['f@example.com']);
    expect((await emu.api('GET', '/api/v2/users-by-email?email=F%40example.com')).body).toEqual([]);
  });

  it('searches with a subset of the query syntax and totals with `length`', async () => {
    await createUser({ email: 'g1@example.com', username: 'gee', app_metadata: { plan: 'gold' } });
    await createUser({ email: 'g2@example.com', given_name: 'Gina' });
    await createUser({ email: 'h@other.org' });
    const search = async (q: string) => {
      const res = await emu.api('GET', `/api/v2/users?search_engine=v3&include_totals=true&q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      return res.body as { users: User[]; total: number; length: number; start: number; limit: number };
    };
    expect((await search('email:g*')).total).toBe(2);
    expect((await search('username:gee')).users.map((u) => u.email)).toEqual(['g1@example.com']);
    expect((await search('app_metadata.plan:"gold" OR given_name:gina')).total).toBe(2);
    expect((await search('email:g* AND NOT _exists_:username')).users.map((u) => u.email)).toEqual(['g2@example.com']);
    expect((await search(`identities.connection:"${DB}"`)).length).toBe(3);
    const bad = await emu.api('GET', `/api/v2/users?q=${encodeURIComponent('email:(g*')}`);
    expect(bad.status).toBe(400);
  });

  it('caps search paging at the first 1000 records', async () => {
    const res = await emu.api('GET', '/api/v2/users?per_page=100&page=10');
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toMatch(/^You can only page through the first 1000 records/);
    expect((await emu.api('GET', '/api/v2/users?per_page=100&page=9')).status).toBe(200);
  });
});
