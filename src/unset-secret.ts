import type { Json } from './json.js';

/**
 * An env-bound secret keyword (`client_secret: '@@WEB_SECRET@@'`, `WEB_SECRET: { env: WEB_SECRET }`)
 * whose variable is not set. Secrets are write-only and never compared, so a plan, a drift check or an
 * apply that only updates objects does not need their values: a scheduled drift job need not hold every
 * client secret, and an exported tenant plans before its secrets are gathered. Only a change that sends
 * the secret (creating the object, replacing it, or a PATCH that carries it, such as a connection's
 * `options`) needs the variable: the value stands in its place until then, and apply refuses such a change
 * before it sends anything (commands/apply.ts; the API client refuses any request that still holds one).
 */
const PREFIX = 'tenantctl:unset-env:';

export const unsetSecret = (env: string): string => `${PREFIX}${env}`;

export const isUnsetSecret = (value: unknown): value is string => typeof value === 'string' && value.startsWith(PREFIX);

/** The variables of the unset secrets anywhere in `value`. */
export function unsetSecretsIn(value: Json | undefined, out: Set<string> = new Set()): Set<string> {
  if (isUnsetSecret(value)) out.add(value.slice(PREFIX.length));
  else if (Array.isArray(value)) for (const item of value) unsetSecretsIn(item, out);
  else if (value !== null && typeof value === 'object') for (const key in value) unsetSecretsIn(value[key] as Json, out);
  return out;
}

/** The unset secrets a change would send: always among its sensitive values, so most changes need no walk. */
export function unsetSecretsSent(change: { sensitive?: readonly unknown[]; body?: Json }): string[] {
  return change.sensitive?.length ? [...unsetSecretsIn(change.body)] : [];
}

/** Whether a request body, as sent, still holds a stand-in: a bug if so, never to be sent. */
export const sendsUnsetSecret = (data: string | Buffer): boolean => data.includes(PREFIX);
