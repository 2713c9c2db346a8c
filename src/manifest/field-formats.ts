import type { Json } from '../json.js';
import { isObject } from '../json.js';
import type { Kind } from '../kinds/types.js';
import { type Diag, error } from './diagnostics.js';
import { FORMAT_CHECKS, type Format } from './formats.js';
import { fieldName } from './issues.js';
import { locate, type YNode } from './ynode.js';

/**
 * Which fields carry which format (the OpenAPI spec's `format` of each request field; ACL signals from
 * NetworkAclMatch). `*` steps into every element of a list. A field a kind's schema does not accept is
 * reported by the schema, so listing it here is harmless.
 */
const MATCH_FORMATS: [string[], Format][] = [
  [['ipv4_cidrs', '*'], 'ipv4-or-cidr'],
  [['connecting_ipv4_cidrs', '*'], 'ipv4-or-cidr'],
  [['ipv6_cidrs', '*'], 'ipv6-or-cidr'],
  [['connecting_ipv6_cidrs', '*'], 'ipv6-or-cidr'],
  [['asns', '*'], 'asn'],
  [['geo_country_codes', '*'], 'country-code'],
  [['geo_subdivision_codes', '*'], 'subdivision-code'],
  [['hostnames', '*'], 'hostname'],
];

const FIELD_FORMATS: Partial<Record<Kind, [string[], Format][]>> = {
  clients: [
    [['callbacks', '*'], 'callback-url'],
    [['allowed_logout_urls', '*'], 'url-with-placeholders'],
    [['web_origins', '*'], 'url-with-placeholders'],
    [['allowed_origins', '*'], 'url-with-placeholders'],
    [['initiate_login_uri'], 'absolute-https-uri-with-placeholders-or-empty'],
    [['logo_uri'], 'absolute-uri-or-empty'],
  ],
  tenant: [
    [['allowed_logout_urls', '*'], 'url-with-placeholders'],
    [['picture_url'], 'absolute-uri-or-empty'],
    [['support_url'], 'absolute-uri-or-empty'],
    [['default_redirection_uri'], 'absolute-https-uri-or-empty'],
  ],
  organizations: [[['branding', 'logo_url'], 'strict-https-uri']],
  users: [[['picture'], 'strict-uri']],
  networkAcls: [
    // The browser is sent there: only a full URL works (§4.2 gives no format; a relative one cannot).
    [['rule', 'action', 'redirect_uri'], 'strict-uri'],
    ...MATCH_FORMATS.map(([path, format]): [string[], Format] => [['rule', 'match', ...path], format]),
    ...MATCH_FORMATS.map(([path, format]): [string[], Format] => [['rule', 'not_match', ...path], format]),
  ],
};

/** Every value at `path`, `*` expanding lists, with its concrete path. */
function valuesAt(value: Json, path: string[], at: (string | number)[] = []): [(string | number)[], Json][] {
  const [step, ...rest] = path;
  if (step === undefined) return [[at, value]];
  if (step === '*') {
    return Array.isArray(value) ? value.flatMap((item, i) => valuesAt(item, rest, [...at, i])) : [];
  }
  if (!isObject(value) || value[step] === undefined) return [];
  return valuesAt(value[step], rest, [...at, step]);
}

/**
 * Format problems of one item, checked on the raw item so they show up with its other problems. Paths the
 * schema already complained about are skipped (`reported`, joined with '.'), and so are values from a
 * secret keyword: their problem is reported without the value.
 */
export function checkFormats(kind: Kind, raw: Json, node: YNode, address: string, reported: ReadonlySet<string>): Diag[] {
  const out: Diag[] = [];
  const formats = FIELD_FORMATS[kind];
  if (formats === undefined || !isObject(raw)) return out;
  // Indexed, without destructuring: this runs for every item, without the optimizing compiler
  // (v8-flags.ts), where each for-of step and destructured pair walks an iterator object.
  for (let i = 0; i < formats.length; i++) {
    const pattern = formats[i]![0];
    const format = formats[i]![1];
    // Most items declare none of these fields: nothing to walk then.
    if (raw[pattern[0]!] === undefined) continue;
    for (const [path, value] of valuesAt(raw, pattern)) {
      if (reported.has(path.join('.'))) continue;
      const problem = FORMAT_CHECKS[format](value);
      if (problem === undefined) continue;
      const at = locate(node, path);
      if (at.broken) continue;
      const field = fieldName(path);
      const message = at.secret ? `'${field}': the secret keyword's value is not valid here` : `'${field}': ${problem.message}`;
      const hint = at.keyword === undefined ? problem.hint : `${problem.hint} The value comes from keyword '${at.keyword}' in the environment file.`;
      out.push(error('invalid_format', message, { loc: at.node.loc, address, hint }));
    }
  }
  return out;
}
