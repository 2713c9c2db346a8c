import type { z } from 'zod';
import type { Json } from '../json.js';
import { isObject } from '../json.js';
import { didYouMean } from './suggest.js';

/**
 * Zod issues in plain words. Zod's own messages ("Invalid input: expected int, received number") name
 * types, not fields, and never say what to write instead.
 */
export interface Wording {
  code: string;
  message: string;
  hint: string;
}

type Issue = z.core.$ZodIssue;

/** `jwt_configuration.lifetime_in_seconds`, `callbacks[1]`. */
export function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const step of path)
    out += typeof step === 'number' ? `[${step}]` : out === '' ? String(step) : `.${String(step)}`;
  return out;
}

/** A short rendering of the offending value; secrets are never shown. */
export function shown(value: Json | undefined, secret: boolean): string {
  if (secret) return 'a secret value';
  if (Array.isArray(value)) return 'a list';
  if (isObject(value)) return 'a mapping';
  const text = JSON.stringify(value) ?? 'nothing';
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const EXPECTED: Record<string, [string, string]> = {
  string: ['a string', 'Write text here; quote it if YAML would read it as a number or true/false.'],
  number: ['a number', 'Write a plain number, without quotes or units.'],
  int: ['an integer', 'Write a whole number, without quotes or units (e.g. 3600).'],
  boolean: ['true or false', 'Write true or false, without quotes.'],
  array: ['a list', 'Write a YAML list: one `- item` per line, or [a, b].'],
  object: ['a mapping', 'Write a mapping of `key: value` lines.'],
  record: ['a mapping', 'Write a mapping of `key: value` lines.'],
};

interface Context {
  issue: Issue;
  /** The value at the issue's path (undefined when absent). */
  value: Json | undefined;
  secret: boolean;
  /** Field names the mapping at the issue's path accepts, for unknown fields. */
  accepted: string[];
  /** `a client`, `'jwt_configuration'`: what the accepted fields belong to. */
  owner: string;
  /** The schema at the issue's path only accepts integers. */
  integer: boolean;
}

export function wordIssue(ctx: Context): Wording {
  const { issue, value } = ctx;
  const field = fieldName(issue.path);
  const got = shown(value, ctx.secret);
  switch (issue.code) {
    case 'invalid_type': {
      const type = issue.expected === 'number' && ctx.integer ? 'int' : issue.expected;
      const [expected, hint] = EXPECTED[type] ?? [type, `Write ${type} here.`];
      if (value === undefined) {
        return {
          code: 'missing_field',
          message: `missing required field '${field}'`,
          hint: `Add '${field}' to the item.`,
        };
      }
      if (issue.path.length === 0) {
        return { code: 'invalid_item', message: `each item must be ${expected}, got ${got}`, hint };
      }
      return { code: 'invalid_type', message: `'${field}' must be ${expected}, got ${got}`, hint };
    }
    case 'invalid_value': {
      const values = issue.values.map(String);
      const suggestion = typeof value === 'string' ? didYouMean(value, values) : '';
      const allowed = values.length === 1 ? JSON.stringify(issue.values[0]) : `one of: ${values.join(', ')}`;
      return {
        code: 'invalid_value',
        message: `'${field}' must be ${allowed}, got ${got}${suggestion}`,
        hint:
          values.length === 1 ? `Write ${allowed} here.` : 'Use one of the listed values, spelled exactly.',
      };
    }
    case 'too_small':
    case 'too_big':
      return wordSize(issue, field, value);
    case 'invalid_format': {
      const own = !issue.message.startsWith('Invalid');
      const rule =
        issue.format === 'regex'
          ? `match ${issue.pattern ?? 'the required pattern'}`
          : `be a valid ${issue.format}`;
      return {
        code: 'invalid_format',
        message: `'${field}' ${own ? issue.message : `must ${rule}`}, got ${got}`,
        hint: 'Change the value to the required form.',
      };
    }
    case 'not_multiple_of':
      return {
        code: 'invalid_value',
        message: `'${field}' must be a multiple of ${String(issue.divisor)}, got ${got}`,
        hint: 'Change the value.',
      };
    case 'invalid_key': {
      // Zod reports a bad record key at the key's path with the key's own issues nested.
      const key = String(issue.path.at(-1));
      const inner = issue.issues[0];
      const innerWording = inner
        ? wordIssue({ ...ctx, issue: { ...inner, path: [key] }, value: key })
        : undefined;
      const parent = fieldName(issue.path.slice(0, -1));
      return {
        code: 'invalid_key',
        message: `invalid key in '${parent}': ${innerWording?.message ?? `'${key}' is not allowed`}`,
        hint: 'Rename the key.',
      };
    }
    case 'invalid_union':
      return {
        code: 'invalid_type',
        message: `'${field}' does not match any of the allowed forms, got ${got}`,
        hint: 'Check the documentation of this field for the forms it accepts.',
      };
    default:
      // Custom refinements carry their own wording ("grant types must be unique").
      return {
        code: 'invalid_value',
        message: field === '' ? issue.message : `'${field}': ${issue.message}`,
        hint: 'Change the value so that it satisfies this rule.',
      };
  }
}

function wordSize(
  issue: Issue & { code: 'too_small' | 'too_big' },
  field: string,
  value: Json | undefined,
): Wording {
  const small = issue.code === 'too_small';
  const limit = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  const bound = small ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'less than';
  const code = issue.code;
  if (issue.origin === 'string') {
    if (small && limit === 1)
      return { code, message: `'${field}' must not be empty`, hint: 'Write a value, or remove the field.' };
    const length = typeof value === 'string' ? value.length : 0;
    return {
      code,
      message: `'${field}' must be ${bound} ${limit} characters long, got ${length}`,
      hint: small ? 'Write a longer value.' : 'Shorten the value.',
    };
  }
  if (issue.origin === 'array' || issue.origin === 'set') {
    const count = Array.isArray(value) ? value.length : 0;
    return {
      code,
      message: `'${field}' must have ${bound} ${limit} item${limit === 1 ? '' : 's'}, got ${count}`,
      hint: small ? 'Add items to the list.' : 'Remove items from the list.',
    };
  }
  return {
    code,
    message: `'${field}' must be ${bound} ${limit}, got ${JSON.stringify(value)}`,
    hint: 'Change the number to fit the limit.',
  };
}

const MAX_LISTED = 12;

/** Unknown keys of a strict object, one wording per key. */
export function wordUnknownKey(key: string, ctx: Pick<Context, 'issue' | 'accepted' | 'owner'>): Wording {
  const parent = fieldName(ctx.issue.path);
  const where = parent === '' ? '' : ` in '${parent}'`;
  // Kinds accept dozens of fields: past a screenful the list helps less than the generated reference.
  const list =
    ctx.accepted.length === 0
      ? ''
      : ctx.accepted.length > MAX_LISTED
        ? `; ${ctx.owner} accepts ${ctx.accepted.length} fields`
        : `; ${ctx.owner} accepts: ${ctx.accepted.join(', ')}`;
  return {
    code: 'unknown_field',
    message: `unknown field '${key}'${where}${didYouMean(key, ctx.accepted)}`,
    hint: `Remove the field or fix its spelling${list}. Every field is listed in docs/fields.md.`,
  };
}
