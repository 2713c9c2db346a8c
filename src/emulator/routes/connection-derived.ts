import { createHash, X509Certificate } from 'node:crypto';
import { isObject, type JsonObject } from '../../json.js';

/**
 * The certificate's DER bytes, whether sent as PEM text, as base64 of the PEM text, or as base64 of the
 * DER (the OAS calls signingCert a "Base64-encoded X.509 certificate"; deploy tools send all three).
 * Undefined when nothing parses as X.509: the emulator then derives nothing rather than guess.
 */
function certificateDer(value: string): Buffer | undefined {
  const attempts = [() => Buffer.from(value), () => Buffer.from(value, 'base64')];
  for (const bytes of attempts) {
    try {
      return new X509Certificate(bytes()).raw;
    } catch {
      // try the next encoding
    }
  }
  return undefined;
}

/**
 * Option values the server computes from others. A SAML connection's `thumbprints` are the SHA-1 of its
 * `signingCert` (OAS ConnectionThumbprintsSAML: "Automatically computed from signingCert during connection
 * creation", 40 hex characters each), unless the body sent its own. PATCH replaces options whole, so a
 * PATCH that sends a certificate without thumbprints gets them computed again.
 */
export function withDerivedOptions(data: JsonObject): void {
  const options = data.options;
  if (data.strategy !== 'samlp' || !isObject(options)) return;
  if (options.thumbprints !== undefined || typeof options.signingCert !== 'string') return;
  const der = certificateDer(options.signingCert);
  if (der) options.thumbprints = [createHash('sha1').update(der).digest('hex')];
}
