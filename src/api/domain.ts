import { TenantctlError } from '../errors.js';

export interface Endpoint {
  /** Where requests go: `https://acme.eu.auth0.com` or `http://127.0.0.1:4010`. */
  baseUrl: string;
  /** Host with port when one is given: the tenant's name in tokens and audiences. */
  domain: string;
  /** `https://<domain>/api/v2/`, what a Management API token must be issued for. */
  audience: string;
  /** `https://<domain>/`, the token issuer and the audience of client assertions. */
  issuer: string;
}

/**
 * AUTH0_DOMAIN may be a bare domain (`acme.eu.auth0.com`) or carry a scheme and port
 * (`http://127.0.0.1:4010` for the emulator). Tokens always name the tenant as `https://<host[:port]>/`,
 * whatever scheme carries the requests, as a real tenant behind a proxy would.
 */
export function parseDomain(raw: string, audienceOverride?: string): Endpoint {
  const text = raw.trim().replace(/\/+$/, '');
  if (text === '') {
    throw new TenantctlError('config', 'AUTH0_DOMAIN is empty', {
      hint: 'Set AUTH0_DOMAIN to your tenant domain, e.g. acme.eu.auth0.com, or use --emulator.',
    });
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new TenantctlError('config', `AUTH0_DOMAIN '${raw}' is not a domain or URL`, {
      hint: 'Use a bare domain (acme.eu.auth0.com) or a URL with scheme and port (http://127.0.0.1:4010).',
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TenantctlError('config', `AUTH0_DOMAIN '${raw}' must use http or https`);
  }
  const domain = url.host;
  return {
    baseUrl: `${url.protocol}//${url.host}`,
    domain,
    audience: audienceOverride ?? `https://${domain}/api/v2/`,
    issuer: `https://${domain}/`,
  };
}
