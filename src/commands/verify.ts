import { resolve } from 'node:path';
import { createRemoteJWKSet } from 'jose';
import { handlers } from '../kinds/index.js';
import { str } from '../kinds/common.js';
import { checkToken, type TokenCheck } from '../verify/token-check.js';
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
 * After apply: each client-credentials grant whose client secret the manifests bind to a keyword gets a
 * real token, checked against the tenant's JWKS, issuer, audience and the manifest's scopes. Exit 1 when any
 * check fails, so a pipeline stops on a tenant that is applied but does not work.
 */
export async function verifyCommand(dir: string, options: VerifyOptions, io: Io, out: Out): Promise<number> {
  const desired = await loadOrExit(resolve(io.cwd, dir), options.env, io, out);
  const declared = new Map((desired.kinds.clients ?? []).map((c) => [c.key, c.body]));
  const grants = (desired.kinds.clientGrants ?? []).filter((g) => g.body.subject_type !== 'user');
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
      const secret = declared.get(client)?.client_secret;
      const clientId = ids.get(client);
      if (typeof secret !== 'string') {
        skipped.push({ client, audience, reason: 'no client_secret bound to a keyword in the manifests' });
      } else if (!clientId) {
        skipped.push({ client, audience, reason: 'the client is not in the tenant (apply first)' });
      } else {
        const scopes = Array.isArray(grant.body.scope) ? grant.body.scope.map(String) : undefined;
        checks.push(
          await checkToken(
            { baseUrl: connection.endpoint.baseUrl, issuer: `https://${connection.api.domain}/`, client, clientId, clientSecret: secret, audience, scopes },
            jwks,
          ),
        );
      }
    }
  } finally {
    await connection.close();
  }
  const failed = checks.filter((c) => !c.ok).length;
  if (options.output === 'json') out.print(`${JSON.stringify({ checks, skipped, failed }, null, 2)}\n`);
  else printText(checks, skipped, out);
  return failed > 0 ? 1 : 0;
}

function printText(checks: TokenCheck[], skipped: Skipped[], out: Out) {
  for (const c of checks) {
    const mark = c.ok ? out.style.green('ok  ') : out.style.red('FAIL');
    out.print(`${mark} ${c.client} -> ${c.audience}: ${c.detail}\n`);
    for (const [header, value] of Object.entries(c.quota ?? {})) out.print(`     ${header}: ${value}\n`);
  }
  for (const s of skipped) out.print(`${out.style.dim('skip')} ${s.client} -> ${s.audience}: ${s.reason}\n`);
  const failed = checks.filter((c) => !c.ok).length;
  out.print(
    checks.length === 0
      ? 'Nothing to verify: no client-credentials grant of a client whose secret is bound to a keyword.\n'
      : `Verified ${checks.length - failed} of ${checks.length} token(s)${failed > 0 ? `; ${failed} failed` : ''}.\n`,
  );
}
