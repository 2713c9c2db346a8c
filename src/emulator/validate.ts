import { invalidBody } from './errors.js';

/**
 * A small JSON-schema subset, enough to express the Management API request schemas, with tv4-style messages
 * because that is the validator behind the real `Payload validation error: '…'` bodies (mgmt-api.md §3.2).
 * The schemas themselves live in schemas/*.ts and are written from the API facts, not from our manifests.
 */
export type Schema =
  | {
      type: 'string';
      nullable?: boolean;
      minLength?: number;
      maxLength?: number;
      pattern?: RegExp;
      enum?: readonly string[];
    }
  | { type: 'boolean'; nullable?: boolean }
  | { type: 'integer'; nullable?: boolean; minimum?: number; maximum?: number }
  | {
      type: 'array';
      nullable?: boolean;
      items?: Schema;
      minItems?: number;
      maxItems?: number;
      uniqueItems?: boolean;
    }
  | {
      type: 'object';
      nullable?: boolean;
      properties?: Record<string, Schema>;
      required?: readonly string[];
      /** false: unknown keys are refused; a schema: unknown keys must match it; absent: anything goes. */
      additional?: false | Schema;
      minProperties?: number;
      maxProperties?: number;
    }
  | { type: 'any' };

type Opts<T extends Schema['type']> = Omit<Extract<Schema, { type: T }>, 'type'>;

export const str = (o: Opts<'string'> = {}): Schema => ({ type: 'string', ...o });
export const bool = (o: Opts<'boolean'> = {}): Schema => ({ type: 'boolean', ...o });
export const int = (o: Opts<'integer'> = {}): Schema => ({ type: 'integer', ...o });
export const arr = (items?: Schema, o: Omit<Opts<'array'>, 'items'> = {}): Schema => ({
  type: 'array',
  ...(items ? { items } : {}),
  ...o,
});
/** Objects are closed by default, like the API's request schemas (`additionalProperties: false`). */
export const obj = (
  properties: Record<string, Schema>,
  o: Omit<Opts<'object'>, 'properties'> = {},
): Schema => ({
  type: 'object',
  properties,
  additional: false,
  ...o,
});
/** An object whose unknown keys are accepted (or, with `additional`, checked against one schema). */
export const openObj = (o: Opts<'object'> = {}): Schema => ({ type: 'object', ...o });
export const any = (): Schema => ({ type: 'any' });
export const enumOf = (values: readonly string[], o: Opts<'string'> = {}): Schema =>
  str({ enum: values, ...o });
export const nullable = (s: Schema): Schema => (s.type === 'any' ? s : { ...s, nullable: true });

interface Issue {
  message: string;
  path: string;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(s: Schema, v: unknown): boolean {
  if (s.type === 'any') return true;
  if (v === null) return s.nullable === true;
  const t = typeOf(v);
  return t === s.type || (s.type === 'integer' && t === 'integer');
}

const join = (path: string, key: string | number): string => (path ? `${path}.${key}` : String(key));

/** Returns the first problem, in the order tv4 reports them: type, then value constraints, then children. */
export function check(s: Schema, v: unknown, path = ''): Issue | undefined {
  if (!typeMatches(s, v)) {
    const expected = s.type === 'any' ? 'any' : s.nullable ? `${s.type}/null` : s.type;
    return {
      message: `Invalid type: ${typeOf(v) === 'integer' ? 'number' : typeOf(v)} (expected ${expected})`,
      path,
    };
  }
  if (v === null) return undefined;
  switch (s.type) {
    case 'string':
      return checkString(s, v as string, path);
    case 'integer': {
      const n = v as number;
      if (s.minimum !== undefined && n < s.minimum)
        return { message: `Value ${n} is less than minimum ${s.minimum}`, path };
      if (s.maximum !== undefined && n > s.maximum)
        return { message: `Value ${n} is greater than maximum ${s.maximum}`, path };
      return undefined;
    }
    case 'array':
      return checkArray(s, v as unknown[], path);
    case 'object':
      return checkObject(s, v as Record<string, unknown>, path);
    default:
      return undefined;
  }
}

function checkString(s: Extract<Schema, { type: 'string' }>, v: string, path: string): Issue | undefined {
  if (s.enum && !s.enum.includes(v)) return { message: `No enum match for: ${JSON.stringify(v)}`, path };
  if (s.minLength !== undefined && v.length < s.minLength)
    return { message: `String is too short (${v.length} chars), minimum ${s.minLength}`, path };
  if (s.maxLength !== undefined && v.length > s.maxLength)
    return { message: `String is too long (${v.length} chars), maximum ${s.maxLength}`, path };
  if (s.pattern && !s.pattern.test(v))
    return { message: `String does not match pattern: ${s.pattern.source}`, path };
  return undefined;
}

function checkArray(s: Extract<Schema, { type: 'array' }>, v: unknown[], path: string): Issue | undefined {
  if (s.minItems !== undefined && v.length < s.minItems)
    return { message: `Array is too short (${v.length}), minimum ${s.minItems}`, path };
  if (s.maxItems !== undefined && v.length > s.maxItems)
    return { message: `Array is too long (${v.length}), maximum ${s.maxItems}`, path };
  if (s.uniqueItems) {
    const seen = v.map((x) => JSON.stringify(x));
    for (let j = 1; j < seen.length; j++) {
      const i = seen.indexOf(seen[j] as string);
      if (i < j) return { message: `Array items are not unique (indexes ${i} and ${j})`, path };
    }
  }
  if (s.items) {
    for (const [i, item] of v.entries()) {
      const issue = check(s.items, item, join(path, i));
      if (issue) return issue;
    }
  }
  return undefined;
}

function checkObject(
  s: Extract<Schema, { type: 'object' }>,
  v: Record<string, unknown>,
  path: string,
): Issue | undefined {
  const keys = Object.keys(v);
  if (s.minProperties !== undefined && keys.length < s.minProperties)
    return { message: `Too few properties defined (${keys.length}), minimum ${s.minProperties}`, path };
  if (s.maxProperties !== undefined && keys.length > s.maxProperties)
    return { message: `Too many properties defined (${keys.length}), maximum ${s.maxProperties}`, path };
  for (const key of s.required ?? []) {
    if (!(key in v)) return { message: `Missing required property: ${key}`, path };
  }
  for (const key of keys) {
    const child = s.properties?.[key];
    if (child) {
      const issue = check(child, v[key], join(path, key));
      if (issue) return issue;
    } else if (s.additional === false) {
      return { message: `Additional properties not allowed: ${key}`, path };
    } else if (s.additional) {
      const issue = check(s.additional, v[key], join(path, key));
      if (issue) return issue;
    }
  }
  return undefined;
}

export function formatIssue(prefix: string, issue: Issue): string {
  return issue.path
    ? `${prefix}: '${issue.message}' on property ${issue.path}.`
    : `${prefix}: '${issue.message}'.`;
}

/** Validates a request body, throwing the real 400 `invalid_body` on the first problem. */
export function validateBody<T = Record<string, unknown>>(s: Schema, body: unknown): T {
  const value = body === undefined ? {} : body;
  const issue = check(s, value);
  if (issue) throw invalidBody(formatIssue('Payload validation error', issue));
  return value as T;
}
