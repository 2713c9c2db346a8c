import { createHash, randomBytes } from 'node:crypto';
import type { JsonObject } from '../../json.js';
import { insert } from '../store.js';
import type { EmulatorState, Entity } from '../types.js';

/** The database connection every new tenant starts with. */
export const DEFAULT_CONNECTION = 'Username-Password-Authentication';

/**
 * Lookups by id, and by email and username per connection. With tens of thousands of users (imports run
 * one lookup per record) a scan per lookup would be quadratic. The index lives beside the state, is never
 * persisted, and is rebuilt whenever the users array was replaced or changed behind its back (a reset).
 */
interface UserIndex {
  list: Entity[];
  size: number;
  byId: Map<string, Entity>;
  byEmail: Map<string, Entity>;
  byUsername: Map<string, Entity>;
}

const indexes = new WeakMap<EmulatorState, UserIndex>();

export function connectionOf(user: JsonObject): string {
  const identities = user.identities as JsonObject[] | undefined;
  return String(identities?.[0]?.connection ?? '');
}

const emailKey = (connection: string, email: string) => `${connection}\n${email}`;

function addToIndex(idx: UserIndex, e: Entity): void {
  const connection = connectionOf(e.data);
  idx.byId.set(String(e.data.user_id), e);
  if (typeof e.data.email === 'string') idx.byEmail.set(emailKey(connection, e.data.email), e);
  if (typeof e.data.username === 'string') idx.byUsername.set(emailKey(connection, e.data.username), e);
}

function dropFromIndex(idx: UserIndex, e: Entity): void {
  const connection = connectionOf(e.data);
  idx.byId.delete(String(e.data.user_id));
  if (typeof e.data.email === 'string') idx.byEmail.delete(emailKey(connection, e.data.email));
  if (typeof e.data.username === 'string') idx.byUsername.delete(emailKey(connection, e.data.username));
}

function userIndex(state: EmulatorState): UserIndex {
  const list = usersOf(state);
  const current = indexes.get(state);
  if (current && current.list === list && current.size === list.length) return current;
  const idx: UserIndex = { list, size: list.length, byId: new Map(), byEmail: new Map(), byUsername: new Map() };
  for (const e of list) addToIndex(idx, e);
  indexes.set(state, idx);
  return idx;
}

/** State files written before users existed have no `users` collection. */
export function usersOf(state: EmulatorState): Entity[] {
  state.collections.users ??= [];
  return state.collections.users;
}

export const findUser = (state: EmulatorState, userId: string): Entity | undefined =>
  userIndex(state).byId.get(userId);

export const findByEmail = (state: EmulatorState, connection: string, email: string): Entity | undefined =>
  userIndex(state).byEmail.get(emailKey(connection, email));

export const findByUsername = (state: EmulatorState, connection: string, name: string): Entity | undefined =>
  userIndex(state).byUsername.get(emailKey(connection, name));

export function addUser(state: EmulatorState, data: JsonObject): Entity {
  const idx = userIndex(state);
  const e = insert(state, 'users', data);
  idx.size += 1;
  addToIndex(idx, e);
  return e;
}

export function removeUser(state: EmulatorState, e: Entity): void {
  const idx = userIndex(state);
  const at = idx.list.indexOf(e);
  if (at === -1) return;
  idx.list.splice(at, 1);
  idx.size -= 1;
  dropFromIndex(idx, e);
}

/** Apply a change to a stored user, keeping the email/username lookups right. */
export function changeUser(state: EmulatorState, e: Entity, mutate: (data: JsonObject) => void): void {
  const idx = userIndex(state);
  dropFromIndex(idx, e);
  mutate(e.data);
  addToIndex(idx, e);
}

/** The default avatar of a user without a picture, as real responses show it (TestAccUser). */
function gravatar(email: string): string {
  const hash = createHash('md5').update(email).digest('hex');
  const initials = email.slice(0, 2).toLowerCase();
  return `https://s.gravatar.com/avatar/${hash}?s=480&r=pg&d=${encodeURIComponent(`https://cdn.auth0.com/avatars/${initials}.png`)}`;
}

const PROFILE_FIELDS = [
  'given_name',
  'family_name',
  'username',
  'phone_number',
  'phone_verified',
  'blocked',
  'user_metadata',
  'app_metadata',
] as const;

/**
 * A new database user as the API returns it (TestAccUser, TestAccUserChangeUsername): `user_id` is
 * `auth0|<id>`, where the id is the requested `user_id` or 24 hex; name defaults to the email, nickname to
 * its local part, picture to a gravatar; email_verified defaults to false.
 */
export function newUser(connection: string, body: Record<string, unknown>): JsonObject {
  const now = new Date().toISOString();
  const email = typeof body.email === 'string' ? body.email.toLowerCase() : undefined;
  const localId = typeof body.user_id === 'string' ? body.user_id : randomBytes(12).toString('hex');
  const user: JsonObject = { created_at: now };
  if (email !== undefined) user.email = email;
  user.email_verified = body.email_verified === true;
  user.identities = [{ connection, user_id: localId, provider: 'auth0', isSocial: false }];
  const fallback = email ?? String(body.username ?? localId);
  user.name = typeof body.name === 'string' ? body.name : fallback;
  user.nickname = typeof body.nickname === 'string' ? body.nickname : (fallback.split('@')[0] ?? fallback);
  user.picture = typeof body.picture === 'string' ? body.picture : gravatar(fallback);
  user.updated_at = now;
  user.user_id = `auth0|${localId}`;
  for (const field of PROFILE_FIELDS) {
    const value = body[field];
    if (value !== undefined && value !== null) user[field] = structuredClone(value) as JsonObject[string];
  }
  return user;
}

/** A connection by name or id (`connection` on /users bodies is a name; imports send `connection_id`). */
export function findConnection(state: EmulatorState, by: { name?: string; id?: string }): JsonObject | undefined {
  return (state.collections.connections ?? []).find(
    (e) => (by.name !== undefined && e.data.name === by.name) || (by.id !== undefined && e.data.id === by.id),
  )?.data;
}

/** `fields` + `include_fields` (§11): keep (or drop) the listed top-level fields. */
export function project(user: JsonObject, fields: string | undefined, include: boolean): JsonObject {
  if (!fields) return user;
  const list = new Set(fields.split(',').map((f) => f.trim()));
  return Object.fromEntries(Object.entries(user).filter(([k]) => list.has(k) === include));
}
