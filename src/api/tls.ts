import { TenantctlError } from '../errors.js';

/** Certificate problems Node reports by code; retrying them cannot help. */
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The error and its causes, a few deep: Node wraps socket errors once or twice. */
function* causes(error: unknown): Generator<Error> {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    yield current;
    current = current.cause;
  }
}

function codeOf(error: unknown): string | undefined {
  for (const e of causes(error)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TLS_CODES.has(code)) return code;
  }
  return undefined;
}

/** OpenSSL's words when the server answers TLS with something else (a plain-HTTP emulator). */
const NOT_TLS = /wrong version number|packet length too long|http request/i;

const notTls = (error: unknown): boolean => [...causes(error)].some((e) => NOT_TLS.test(e.message));

/** A TenantctlError that says how to trust the server, for a certificate failure; undefined otherwise. */
export function tlsFailure(error: unknown, baseUrl: string): TenantctlError | undefined {
  if (baseUrl.startsWith('https:') && notTls(error)) {
    return new TenantctlError('tls', `${baseUrl} does not speak HTTPS (the TLS handshake got a plain answer)`, {
      hint: `A domain without a scheme means https://. For a local emulator without --tls, write the scheme: AUTH0_DOMAIN=${baseUrl.replace(/^https:/, 'http:')}.`,
      cause: error,
    });
  }
  const code = codeOf(error);
  if (code === undefined) return undefined;
  return new TenantctlError('tls', `${baseUrl} presented a certificate Node does not trust (${code})`, {
    hint: 'For the emulator started with --tls, set NODE_EXTRA_CA_CERTS to the certificate file it printed; for a real tenant, check AUTH0_DOMAIN and any TLS-intercepting proxy.',
    cause: error,
  });
}
