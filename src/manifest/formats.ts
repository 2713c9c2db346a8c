import { isIPv4, isIPv6 } from 'node:net';
import type { Json } from '../json.js';
import { COUNTRY_CODES } from './countries.js';

/**
 * String formats the Management API checks (the OpenAPI spec's `format`s), as checks that return what is
 * wrong with a value, or undefined when it is fine. They are lenient where Auth0 is: a check refuses what
 * the API would answer 400 to, never a value it accepts.
 */
export type Format =
  | 'callback-url'
  | 'url-with-placeholders'
  | 'absolute-uri-or-empty'
  | 'absolute-https-uri-or-empty'
  | 'absolute-https-uri-with-placeholders-or-empty'
  | 'strict-uri'
  | 'strict-https-uri'
  | 'ipv4-or-cidr'
  | 'ipv6-or-cidr'
  | 'asn'
  | 'country-code'
  | 'subdivision-code'
  | 'hostname';

export interface FormatProblem {
  message: string;
  hint: string;
}

type Check = (value: Json) => FormatProblem | undefined;

/**
 * Callback, logout and origin URLs may use a wildcard for a subdomain (`https://*.example.com`) and
 * placeholders such as `{organization_name}` (OAS descriptions of callbacks, allowed_origins,
 * allowed_logout_urls; initiate_login_uri is "with placeholders"). Both are swapped for a plain label
 * before the URL is parsed, so only the rest of the URL is checked.
 */
function withoutPlaceholders(text: string): string {
  return text.replaceAll('*', 'wildcard').replace(/\{[A-Za-z0-9_.]+\}/g, 'placeholder');
}

/** A URL with a scheme; http(s) URLs must be written `scheme://host`, which the WHATWG parser does not insist on. */
function parseUrl(text: string): URL | undefined {
  if (/\s/.test(text) || !URL.canParse(text)) return undefined;
  const url = new URL(text);
  if ((url.protocol === 'http:' || url.protocol === 'https:') && !/^https?:\/\/[^/]/i.test(text)) return undefined;
  return url;
}

function urlCheck(options: { placeholders: boolean; empty: boolean; https: boolean }): Check {
  return (value) => {
    if (typeof value !== 'string') return undefined;
    if (value === '' && options.empty) return undefined;
    const url = parseUrl(options.placeholders ? withoutPlaceholders(value) : value);
    const example = options.https ? 'https://app.example.com/login' : 'https://app.example.com/callback';
    if (url === undefined) {
      return {
        message: `'${value}' is not a URL`,
        hint: `Write a full URL with its scheme, e.g. ${example}${options.placeholders ? ' (a * may stand for a subdomain)' : ''}.`,
      };
    }
    if (options.https && url.protocol !== 'https:') {
      return { message: `'${value}' must be an https URL`, hint: `Use https, e.g. ${example}.` };
    }
    return undefined;
  };
}

function cidrCheck(version: 4 | 6): Check {
  const isIp = version === 4 ? isIPv4 : isIPv6;
  const maxPrefix = version === 4 ? 32 : 128;
  const example = version === 4 ? '203.0.113.0/24' : '2001:db8::/32';
  return (value) => {
    if (typeof value !== 'string') return undefined;
    const [address = '', prefix, ...extra] = value.split('/');
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix);
    // Zone ids (`fe80::1%eth0`) are accepted by isIPv6 but mean nothing to a network ACL.
    if (isIp(address) && !address.includes('%') && prefixOk && extra.length === 0) return undefined;
    return {
      message: `'${value}' is not an IPv${version} address or CIDR block`,
      hint: `Write an address or a block like ${example} (prefix 0..${maxPrefix}).`,
    };
  };
}

/** 32-bit AS numbers (RFC 6793); AS 0 never originates routes (RFC 7607), so a rule on it matches nothing. */
const asn: Check = (value) => {
  if (typeof value !== 'number' || !Number.isInteger(value)) return undefined;
  if (value >= 1 && value <= 4_294_967_295) return undefined;
  return { message: `${value} is not an AS number`, hint: 'AS numbers are whole numbers from 1 to 4294967295.' };
};

const country: Check = (value) => {
  if (typeof value !== 'string' || COUNTRY_CODES.has(value)) return undefined;
  const upper = COUNTRY_CODES.has(value.toUpperCase()) ? ` (did you mean ${value.toUpperCase()}?)` : '';
  return {
    message: `'${value}' is not an ISO 3166-1 alpha-2 country code${upper}`,
    hint: 'Use two upper-case letters such as US, FR or JP.',
  };
};

const subdivision: Check = (value) => {
  if (typeof value !== 'string') return undefined;
  const [countryPart = '', region, ...extra] = value.split('-');
  if (COUNTRY_CODES.has(countryPart) && region !== undefined && /^[A-Z0-9]{1,3}$/.test(region) && extra.length === 0)
    return undefined;
  return {
    message: `'${value}' is not an ISO 3166-2 subdivision code`,
    hint: 'Write the country code, a dash and the region code, e.g. US-NY or FR-75.',
  };
};

/** RFC 1123 host names, as matched against the TLS server name (SNI). */
const hostname: Check = (value) => {
  if (typeof value !== 'string') return undefined;
  const labels = value.replace(/\.$/, '').split('.');
  const ok =
    value.length <= 253 && labels.every((label) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
  if (ok) return undefined;
  return { message: `'${value}' is not a host name`, hint: 'Write a host name such as login.example.com, without scheme or path.' };
};

export const FORMAT_CHECKS: Record<Format, Check> = {
  'callback-url': urlCheck({ placeholders: true, empty: false, https: false }),
  'url-with-placeholders': urlCheck({ placeholders: true, empty: false, https: false }),
  'absolute-uri-or-empty': urlCheck({ placeholders: false, empty: true, https: false }),
  'absolute-https-uri-or-empty': urlCheck({ placeholders: false, empty: true, https: true }),
  'absolute-https-uri-with-placeholders-or-empty': urlCheck({ placeholders: true, empty: true, https: true }),
  'strict-uri': urlCheck({ placeholders: false, empty: false, https: false }),
  'strict-https-uri': urlCheck({ placeholders: false, empty: false, https: true }),
  'ipv4-or-cidr': cidrCheck(4),
  'ipv6-or-cidr': cidrCheck(6),
  asn,
  'country-code': country,
  'subdivision-code': subdivision,
  hostname,
};
