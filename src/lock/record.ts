import { nodeCrypto } from '../node-crypto.js';
import { hostname, userInfo } from 'node:os';
import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';

/**
 * The apply lock is a resource server with this identifier: identifiers are unique in a tenant (a second
 * POST /resource-servers answers 409), resource servers exist on every plan, and an identifier that is
 * not a URL no client would ever ask a token for.
 */
export const LOCK_IDENTIFIER = 'urn:tenantctl:lock';

/** The scope whose description carries the lock record: the API keeps descriptions verbatim (<= 500 chars). */
const RECORD_SCOPE = 'tenantctl:lock';

export interface LockRecord {
  /** `user@host`. */
  holder: string;
  pid: number;
  host: string;
  /** What the holder runs, e.g. `apply tenants/acme --env prod`. */
  command: string;
  started: string;
  expires: string;
  /** Random per acquisition: tells our lock from one that replaced it after it expired. */
  token: string;
}

function whoAmI(env: Record<string, string | undefined>): { user: string; host: string } {
  let user = env.USER ?? env.USERNAME ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (containers running as an arbitrary uid): keep the environment's name.
  }
  return { user, host: hostname() };
}

export function newRecord(args: {
  command: string;
  ttlMs: number;
  now: Date;
  env: Record<string, string | undefined>;
}): LockRecord {
  const { user, host } = whoAmI(args.env);
  return {
    holder: `${user}@${host}`,
    pid: process.pid,
    host,
    command: args.command.slice(0, 200),
    started: args.now.toISOString(),
    expires: new Date(args.now.getTime() + args.ttlMs).toISOString(),
    token: nodeCrypto().randomBytes(8).toString('hex'),
  };
}

/**
 * The lock as a resource-server body. `name` is what the dashboard's API list shows, so a person who finds
 * it there reads who holds it; the scope description holds the same as JSON for tenantctl to parse.
 */
export function lockBody(record: LockRecord): JsonObject {
  return {
    identifier: LOCK_IDENTIFIER,
    ...lockFields(record),
  };
}

/** The fields a refresh PATCHes (the identifier cannot change). */
export function lockFields(record: LockRecord): JsonObject {
  // Names may not contain < or > (API pattern ^[^<>]+$) and hold at most 200 characters.
  const name = `tenantctl apply lock: ${record.holder} until ${record.expires} (tenantctl unlock removes it)`
    .replace(/[<>]/g, '')
    .slice(0, 200);
  return { name, scopes: [{ value: RECORD_SCOPE, description: JSON.stringify(record) }] };
}

/** The record of a live lock object, or undefined when it cannot be read (made by hand, or damaged). */
export function readRecord(live: Json | undefined): LockRecord | undefined {
  if (!isObject(live) || !Array.isArray(live.scopes)) return undefined;
  const scope = live.scopes.find((s) => isObject(s) && s.value === RECORD_SCOPE);
  if (!isObject(scope) || typeof scope.description !== 'string') return undefined;
  try {
    const parsed = JSON.parse(scope.description) as Partial<LockRecord>;
    const fields = ['holder', 'host', 'command', 'started', 'expires', 'token'] as const;
    if (fields.some((f) => typeof parsed[f] !== 'string') || typeof parsed.pid !== 'number') return undefined;
    if (Number.isNaN(Date.parse(parsed.expires as string))) return undefined;
    return parsed as LockRecord;
  } catch {
    return undefined;
  }
}

/** `alice@ci-7 (pid 4242, \`apply tenants/acme --env prod\`) since 22:10:03Z, until 22:25:03Z`. */
export function describeRecord(record: LockRecord | undefined): string {
  if (record === undefined) return 'an unknown holder (the lock object has no readable record)';
  return `${record.holder} (pid ${record.pid}, \`tenantctl ${record.command}\`) since ${record.started}, until ${record.expires}`;
}
