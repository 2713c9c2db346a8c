import { resolve } from 'node:path';
import { createRemoteJWKSet } from 'jose';
import { handlers } from '../kinds/index.js';
import { str } from '../kinds/common.js';
import { checkToken, type TokenCheck, type TokenRequest } from '../verify/token-check.js';
import { isObject, type Json, type JsonObject } from '../json.js';
import { TenantctlError } from '../errors.js';
import { unsetSecretsIn } from '../unset-secret.js';
import { connect } from './connect.js';
import type { Io, Out, OutputFormat } from './io.js';
import { loadOrExit } from './load.js';

export interface VerifyOptions {
  env: string;
  emulator?: boolean;
  output: OutputFormat;
}

interface Skipped {
  client: string;
  audience: string;
  reason: string;
}

/**
 * How verify authenticates as a declared client: a credential's private key (private_key_jwt) when the
 * manifest binds one, since such a client has no usable secret; else its client secret.
 */
function clientAuth(body: JsonObject | undefined): TokenRequest['auth'] | undefined {
  const credentials = Array.isArray(body?.credentials) ? body.credentials.filter(isObject) : [];
  const signer = credentials.find((c) => typeof c.private_key === 'string');
  if (signer) return { privateKey: str(signer.private_key), alg: str(signer.alg) || 'RS256' };
  return typeof body?.client_secret === 'string' ? { secret: body.client_secret } : undefined;
}

/**
 * After apply: each client-credentials grant whose client secret or key the manifests bind to a keyword gets a
 * real token, checked against the tenant's JWKS, issuer, audience and the manifest's scopes. Exit 1 when any
 * check fails, so a pipeline stops on a tenant that is applied but does not work.
 */
export async function verifyCommand(dir: string, options: VerifyOptions, io: Io, out: Out): Promise<number> {
  const desired = await loadOrExit(resolve(io.cwd, dir), options.env, io, out);
  const declared = new Map((desired.kinds.clients ?? []).map((c) => [c.key, c.body]));
  const grants = (desired.kinds.clientGrants ?? []).filter((g) => g.body.subject_type !== 'user');
  // A token needs the real secret or key: variables left unset are fine for plans, not here (unset-secret.ts).
  const unset = new Set(grants.flatMap((g) => [...unsetSecretsIn(clientAuth(declared.get(str(g.body.client))) as Json | undefined)]));
  if (unset.size > 0)
    throw new TenantctlError('unset_secret', `verify signs in as the declared clients and needs ${[...unset].join(', ')}, which are not set`, {
      hint: 'Set them in the environment that runs verify.',
    });
  const connection = await connect(io, out, { emulator: options.emulator });
  const checks: TokenCheck[] = [];
  const skipped: Skipped[] = [];
  try {
    const live = await handlers.clients.list(connection.api);
    const ids = new Map(live.map((c) => [str(c.name), str(c.client_id)]));
    const jwks = createRemoteJWKSet(new URL(`${connection.endpoint.baseUrl}/.well-known/jwks.json`));
    for (const grant of grants) {
      const client = str(grant.body.client);
      const audience = str(grant.body.audience);
      const auth = clientAuth(declared.get(client));
      const clientId = ids.get(client);
      if (auth === undefined) {
        skipped.push({ client, audience, reason: 'neither a client_secret nor a credential private_key bound to a keyword in the manifests' });
      } else if (!clientId) {
        skipped.push({ client, audience, reason: 'the client is not in the tenant (apply first)' });
      } else {
        const scopes = Array.isArray(grant.body.scope) ? grant.body.scope.map(String) : undefined;
        checks.push(
          await checkToken(
            { baseUrl: connection.endpoint.baseUrl, issuer: `https://${connection.api.domain}/`, client, clientId, auth, audience, scopes },
            jwks,
          ),
        );
      }
    }
  } finally {
    await connection.close();
  }
  const failed = checks.filter((c) => !c.ok).length;
  if (options.output === 'json') out.printJson({ checks, skipped, failed });
  else printText(checks, skipped, out);
  return failed > 0 ? 1 : 0;
}

function printText(checks: TokenCheck[], skipped: Skipped[], out: Out) {
  for (const c of checks) {
    const mark = c.ok ? out.style.green('ok  ') : out.style.red('FAIL');
    out.print(`${mark} ${c.client} -> ${c.audience}${c.method === 'private_key_jwt' ? ' (private_key_jwt)' : ''}: ${c.detail}\n`);
    for (const [header, value] of Object.entries(c.quota ?? {})) out.print(`     ${header}: ${value}\n`);
  }
  for (const s of skipped) out.print(`${out.style.dim('skip')} ${s.client} -> ${s.audience}: ${s.reason}\n`);
  const failed = checks.filter((c) => !c.ok).length;
  out.print(
    checks.length === 0
      ? 'Nothing to verify: no client-credentials grant of a client whose secret or private key is bound to a keyword.\n'
      : `Verified ${checks.length - failed} of ${checks.length} token(s)${failed > 0 ? `; ${failed} failed` : ''}.\n`,
  );
}
