import { byText } from '../text-order.js';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import type { Json, JsonObject } from '../json.js';
import { isObject, stableStringify } from '../json.js';

/**
 * Customer-provided signing keys (mgmt-api.md §6.2): public JWKs only, at most 10, from the manifest inline
 * or from a JWKS file beside it (`custom_signing_keys: { file: keys/jwks.json }`).
 */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;
const b64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');

export const jwkSchema = z
  .strictObject({
    kty: z.enum(['RSA', 'EC']),
    kid: z.string().min(1).optional(),
    use: z.literal('sig').optional(),
    key_ops: z.array(z.literal('verify')).min(1).optional(),
    alg: z.enum(['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512']).optional(),
    n: b64url.optional(),
    e: b64url.optional(),
    crv: z.enum(['P-256', 'P-384', 'P-521']).optional(),
    x: b64url.optional(),
    y: b64url.optional(),
    x5u: z.string().optional(),
    x5c: z.array(z.string()).optional(),
    x5t: z.string().optional(),
    'x5t#S256': z.string().optional(),
    // Listed so that a pasted private key gets its own message instead of "unknown field".
    ...Object.fromEntries(PRIVATE_MEMBERS.map((m) => [m, z.unknown().optional()])),
  })
  .superRefine((jwk, ctx) => {
    for (const member of PRIVATE_MEMBERS) {
      if ((jwk as Record<string, unknown>)[member] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [member],
          message: 'is private key material: custom signing keys are public keys only, remove it',
        });
    }
    if (jwk.kty === 'RSA' && (jwk.n === undefined || jwk.e === undefined))
      ctx.addIssue({ code: 'custom', message: 'an RSA key needs n and e' });
    if (jwk.kty === 'EC' && (jwk.crv === undefined || jwk.x === undefined || jwk.y === undefined))
      ctx.addIssue({ code: 'custom', message: 'an EC key needs crv, x and y' });
  });

export const jwkListSchema = z.array(jwkSchema).min(0).max(10);

export const customKeysSchema = z.union([jwkListSchema, z.strictObject({ file: z.string().min(1) })]);

/** Order of keys and of members carries no meaning: compare sorted. */
export function canonicalJwks(keys: Json | undefined): JsonObject[] {
  if (!Array.isArray(keys)) return [];
  return keys
    .filter(isObject)
    .map((k) => JSON.parse(stableStringify(k)) as JsonObject)
    .sort((a, b) => byText(stableStringify(a), stableStringify(b)));
}

/** How a key reads in a plan: its kid and type, never its material. */
export function describeJwk(k: JsonObject): string {
  return [k.kid ?? '(no kid)', k.kty, k.alg].filter((v) => v !== undefined).join(' ');
}

export interface FileProblem {
  path: (string | number)[];
  message: string;
}

/**
 * Reads `custom_signing_keys: { file }` (relative to the tenant directory): a JWKS `{keys: [...]}` or a bare
 * list. Problems never quote key material.
 */
export async function readJwksFile(
  file: string,
  dir: string,
): Promise<{ keys?: JsonObject[]; problems: FileProblem[] }> {
  const at = ['custom_signing_keys', 'file'];
  const problem = (message: string) => ({ problems: [{ path: at, message: `${file}: ${message}` }] });
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(isAbsolute(file) ? file : join(dir, file), 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return problem(code ? `cannot read the file (${code})` : 'is not valid JSON');
  }
  const keys = isObject(parsed as Json) ? (parsed as JsonObject).keys : parsed;
  const result = jwkListSchema.safeParse(keys);
  if (!result.success) {
    const first = result.error.issues[0];
    const [index, ...rest] = first?.path ?? [];
    const where = index === undefined ? '' : `keys[${String(index)}]${rest.map((p) => `.${String(p)}`).join('')}: `;
    return problem(`${where}${first?.message ?? 'invalid keys'}`);
  }
  return { keys: result.data as JsonObject[], problems: [] };
}
