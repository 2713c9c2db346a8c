import { fail } from './errors.js';

/** Query parameter types as the OpenAPI spec declares them for each list/get operation. */
export type QueryParam =
  | { type: 'string'; enum?: readonly string[]; minLength?: number; maxLength?: number }
  | { type: 'integer'; minimum?: number; maximum?: number }
  | { type: 'boolean' }
  /** Repeatable (`identifiers=a&identifiers=b`). */
  | { type: 'list'; maxItems?: number };

export type QuerySpec = Record<string, QueryParam>;

export type QueryValues = Record<string, string | number | boolean | string[] | undefined>;

const queryError = (message: string, name?: string) =>
  fail(
    400,
    name
      ? `Query validation error: '${message}' on property ${name}.`
      : `Query validation error: '${message}'.`,
    'invalid_query_string',
  );

function coerce(name: string, p: QueryParam, raw: string): string | number | boolean {
  switch (p.type) {
    case 'integer': {
      if (!/^-?\d+$/.test(raw)) throw queryError('Invalid type: string (expected integer)', name);
      const n = Number(raw);
      if (p.minimum !== undefined && n < p.minimum)
        throw queryError(`Value ${n} is less than minimum ${p.minimum}`, name);
      if (p.maximum !== undefined && n > p.maximum)
        throw queryError(`Value ${n} is greater than maximum ${p.maximum}`, name);
      return n;
    }
    case 'boolean':
      if (raw !== 'true' && raw !== 'false')
        throw queryError('Invalid type: string (expected boolean)', name);
      return raw === 'true';
    case 'string':
      if (p.enum && !p.enum.includes(raw))
        throw queryError(`No enum match for: ${JSON.stringify(raw)}`, name);
      if (p.minLength !== undefined && raw.length < p.minLength)
        throw queryError(`String is too short (${raw.length} chars), minimum ${p.minLength}`, name);
      if (p.maxLength !== undefined && raw.length > p.maxLength)
        throw queryError(`String is too long (${raw.length} chars), maximum ${p.maxLength}`, name);
      return raw;
    default:
      return raw;
  }
}

/**
 * Parses the query against the operation's declared parameters. Unknown parameters are refused, as the
 * real API does ("Query validation error: Additional properties not allowed", mgmt-api.md §3.2).
 */
export function parseQuery(query: URLSearchParams, spec: QuerySpec): QueryValues {
  const out: QueryValues = {};
  for (const name of new Set(query.keys())) {
    const p = spec[name];
    if (!p) throw queryError(`Additional properties not allowed: ${name}`);
    const all = query.getAll(name);
    if (p.type === 'list') {
      const items = all.flatMap((v) => v.split(',')).filter((v) => v !== '');
      if (p.maxItems !== undefined && items.length > p.maxItems)
        throw queryError(`Array is too long (${items.length}), maximum ${p.maxItems}`, name);
      out[name] = items;
    } else {
      out[name] = coerce(name, p, all[all.length - 1] as string);
    }
  }
  return out;
}

/** The paging parameters every list operation here shares. */
export const OFFSET_PARAMS: QuerySpec = {
  page: { type: 'integer', minimum: 0 },
  per_page: { type: 'integer', minimum: 1, maximum: 100 },
  include_totals: { type: 'boolean' },
};

export const CHECKPOINT_PARAMS: QuerySpec = {
  from: { type: 'string' },
  take: { type: 'integer', minimum: 1, maximum: 100 },
};
