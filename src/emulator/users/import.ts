import type { JsonObject } from '../../json.js';
import type { EmulatorState } from '../types.js';
import { addUser, changeUser, findByEmail, findByUsername, findUser, newUser } from './store.js';

/** Fields an import record may carry (bulk-user-import-schema; mgmt-api.md §8.2), with their JSON types. */
const TYPES: Record<string, string> = {
  email: 'string',
  email_verified: 'boolean',
  user_id: 'string',
  username: 'string',
  given_name: 'string',
  family_name: 'string',
  name: 'string',
  nickname: 'string',
  picture: 'string',
  blocked: 'boolean',
  app_metadata: 'object',
  user_metadata: 'object',
  password_hash: 'string',
  custom_password_hash: 'object',
  mfa_factors: 'array',
};

/** What an upsert may change on an existing user (matched by email); everything else is left alone. */
const UPSERTABLE = [
  'app_metadata',
  'email_verified',
  'family_name',
  'given_name',
  'name',
  'nickname',
  'picture',
  'user_metadata',
  'custom_password_hash',
];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface ImportRun {
  state: EmulatorState;
  connection: string;
  upsert: boolean;
  summary: { failed: number; updated: number; inserted: number; total: number };
  errors: JsonObject[];
  /** Emails seen earlier in this file: duplicates within a file are an error. */
  seen: Set<string>;
}

type Problem = { code: string; message: string; path?: string };

const problem = (code: string, message: string, path?: string): Problem =>
  path === undefined ? { code, message } : { code, message, path };

function typeOf(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}

function validate(record: unknown): Problem[] {
  if (typeOf(record) !== 'object')
    return [problem('INVALID_TYPE', `Invalid type: ${typeOf(record)} (expected object)`)];
  const user = record as Record<string, unknown>;
  const problems: Problem[] = [];
  if (user.email === undefined)
    problems.push(problem('OBJECT_REQUIRED', 'Missing required property: email', 'email'));
  for (const [key, value] of Object.entries(user)) {
    const want = TYPES[key];
    if (want === undefined)
      problems.push(problem('NOT_PASSED', `Additional properties not allowed: ${key}`, key));
    else if (typeOf(value) !== want)
      problems.push(problem('INVALID_TYPE', `Invalid type: ${typeOf(value)} (expected ${want})`, key));
  }
  if (typeof user.email === 'string' && !EMAIL.test(user.email))
    problems.push(problem('FORMAT', `Object didn't pass validation for format email: ${user.email}`, 'email'));
  return problems;
}

/** One record of an import file, with the real per-record outcomes (mgmt-api.md §8.2). */
function importOne(run: ImportRun, record: unknown): void {
  run.summary.total += 1;
  const fail = (problems: Problem[]) => {
    run.summary.failed += 1;
    run.errors.push({ user: record as JsonObject, errors: problems });
  };
  const problems = validate(record);
  if (problems.length > 0) return fail(problems);
  const user = record as Record<string, unknown>;
  const email = (user.email as string).toLowerCase();
  if (run.seen.has(email)) return fail([problem('DUPLICATED_USER', 'The user is duplicated in the file')]);
  run.seen.add(email);
  const existing = findByEmail(run.state, run.connection, email);
  if (existing) {
    if (!run.upsert)
      return fail([problem('DUPLICATED_USER', 'The user already exist and upsert parameter is false')]);
    // Upsert replaces the attributes it names, metadata objects wholesale.
    changeUser(run.state, existing, (data) => {
      for (const key of UPSERTABLE)
        if (user[key] !== undefined) data[key] = structuredClone(user[key]) as JsonObject[string];
      data.updated_at = new Date().toISOString();
    });
    run.summary.updated += 1;
    return;
  }
  if (typeof user.username === 'string' && findByUsername(run.state, run.connection, user.username))
    return fail([problem('CONFLICT_USERNAME', 'A user with this username already exists', 'username')]);
  if (typeof user.user_id === 'string' && findUser(run.state, `auth0|${user.user_id}`))
    return fail([problem('CONFLICT', 'A user with this user_id already exists', 'user_id')]);
  const { password_hash: _hash, custom_password_hash: _custom, mfa_factors: _mfa, ...profile } = user;
  addUser(run.state, newUser(run.connection, profile));
  run.summary.inserted += 1;
}

export function importRecords(run: ImportRun, records: unknown[]): void {
  for (const record of records) importOne(run, record);
}
