import type { ApiResult, TestEmulator } from './emulator.js';

export type Call = (method: string, path: string, body?: unknown) => Promise<Omit<ApiResult, 'headers'>>;

/**
 * Calls as a new machine-to-machine client whose grant to the Management API holds only `scope`: for the
 * 403 `insufficient_scope` answers of operations the deployer (who holds every permission) never sees.
 */
export async function scopedApi(emu: TestEmulator, scope: string[]): Promise<Call> {
  const created = await emu.api('POST', '/api/v2/clients', { name: `scoped ${scope.join(' ')}`, app_type: 'non_interactive' });
  const client = created.body as { client_id: string; client_secret: string };
  await emu.api('POST', '/api/v2/client-grants', { client_id: client.client_id, audience: emu.audience, scope });
  const res = await fetch(`${emu.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: client.client_id,
      client_secret: client.client_secret,
      audience: emu.audience,
    }),
  });
  const token = ((await res.json()) as { access_token: string }).access_token;
  return async (method, path, body) => {
    const answer = await fetch(`${emu.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await answer.text();
    return { status: answer.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  };
}

/** The 403 an operation answers a token without any of its scopes. */
export const insufficientScope = (scopes: string) => ({
  statusCode: 403,
  error: 'Forbidden',
  message: `Insufficient scope, expected any of: ${scopes}`,
  errorCode: 'insufficient_scope',
});
