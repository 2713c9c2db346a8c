import type { Json } from '../json.js';
import { jsonVariableExample, parseJsonVariable, placeInVariable } from '../json-variable.js';
import { secretTexts } from '../redact.js';
import { type Diag, error, warning } from './diagnostics.js';
import { didYouMean } from './suggest.js';
import type { Loc, Place } from './types.js';
import { toJson, walk, type YEntry, type YNode } from './ynode.js';

export interface Keyword {
  name: string;
  /** Where the keyword is defined (its key in the environment file). */
  loc: Loc;
  value: Json;
  /** The environment variable the value comes from, for `{ env: VAR }` bindings. */
  env?: string;
  sensitive: boolean;
  /** The variable is read as JSON (`json: true`); a plan file records this so apply parses it again. */
  json?: boolean;
  /** Why the keyword cannot be used; its definition already carries the error. */
  unusable?: 'unset' | 'invalid';
}

export interface KeywordTable {
  /** The environment file, for hints; undefined when it is missing (uses then fail silently). */
  file: string | undefined;
  keywords: Map<string, Keyword>;
  /** Why there are no keywords at all (no environment), reported at each use. */
  none?: { message: string; hint: string; at: Place };
  /**
   * The file's keywords could not be read (a YAML error, or `keywords:` not a mapping): that error is
   * reported once, and uses of keywords are not each reported unknown after it.
   */
  unreadable?: true;
  /** `tenant: acme-prod.eu.auth0.com`: the only tenant this environment may be planned against. */
  tenant?: { domain: string; loc: Loc };
}

export const NAME = '[A-Za-z_][A-Za-z0-9_]*';
export const WHOLE = new RegExp(`^@@(${NAME})@@$`);
export const INLINE = new RegExp(`##(${NAME})##`, 'g');
export const STRAY_WHOLE = new RegExp(`@@(${NAME})@@`);
/** A list item that adds the items of a list keyword in its place (keywords.ts). */
export const SPLICE = new RegExp(`^\\.\\.\\.@@(${NAME})@@$`);
const NAME_ONLY = new RegExp(`^${NAME}$`);

/** Reads `keywords:` from a parsed environment file, resolving `{ env: VAR }` bindings. */
export function keywordTable(
  file: string,
  root: YNode | undefined,
  processEnv: Record<string, string | undefined>,
): { table: KeywordTable; diagnostics: Diag[] } {
  const table: KeywordTable = { file, keywords: new Map() };
  const diagnostics: Diag[] = [];
  if (root === undefined) return { table, diagnostics };
  if (root.type !== 'map') {
    table.unreadable = true;
    diagnostics.push(
      error('invalid_environment', 'an environment file must be a mapping with a `keywords:` key', {
        loc: root.loc,
        hint: 'Write `keywords:` followed by one `NAME: value` line per keyword.',
      }),
    );
    return { table, diagnostics };
  }
  for (const entry of root.entries) {
    if (entry.key === 'tenant') {
      const tenant = tenantBinding(entry, diagnostics);
      if (tenant) table.tenant = tenant;
      continue;
    }
    if (entry.key !== 'keywords') {
      diagnostics.push(
        error(
          'unknown_field',
          `unknown key '${entry.key}' in an environment file${didYouMean(entry.key, ['keywords', 'tenant'])}`,
          {
            loc: entry.keyLoc,
            hint: 'An environment file has a `keywords:` mapping and optionally `tenant: <domain>`.',
          },
        ),
      );
      continue;
    }
    const section = entry.value;
    if (section.type === 'scalar' && section.value === null) continue;
    if (section.type !== 'map') {
      table.unreadable = true;
      diagnostics.push(
        error('invalid_environment', "'keywords' must be a mapping of NAME: value", {
          loc: section.loc,
          hint: 'Write one `NAME: value` line per keyword under `keywords:`.',
        }),
      );
      continue;
    }
    for (const def of section.entries) {
      const keyword = defineKeyword(def, processEnv, diagnostics);
      if (keyword) table.keywords.set(keyword.name, keyword);
    }
  }
  return { table, diagnostics };
}

/** The tenant domain an environment is bound to: a bare host (and port), compared case-insensitively. */
function tenantBinding(entry: YEntry, out: Diag[]): { domain: string; loc: Loc } | undefined {
  const node = entry.value;
  const value = node.type === 'scalar' && typeof node.value === 'string' ? node.value.trim().toLowerCase() : '';
  if (/^[a-z0-9.-]+(:\d+)?$/.test(value)) return { domain: value, loc: node.loc };
  out.push(
    error('invalid_environment', "'tenant' must be the tenant's domain, e.g. acme-prod.eu.auth0.com", {
      loc: node.loc,
      hint: 'Write the domain alone, without https:// or a path: the domain AUTH0_DOMAIN names.',
    }),
  );
  return undefined;
}

function defineKeyword(
  def: YEntry,
  processEnv: Record<string, string | undefined>,
  out: Diag[],
): Keyword | undefined {
  const { key: name, keyLoc: loc, value: node } = def;
  if (!NAME_ONLY.test(name)) {
    out.push(
      error('invalid_keyword_name', `keyword name '${name}' is not valid`, {
        loc,
        hint: 'Keyword names use letters, digits and underscores and do not start with a digit.',
      }),
    );
    return undefined;
  }
  const binding = envBinding(node);
  if (binding === 'invalid') {
    out.push(
      error('invalid_keyword', `keyword '${name}': 'env' must be a variable name, and 'sensitive' and 'json' true or false`, {
        loc,
        hint: 'Write `{ env: VARIABLE }`, `{ env: VARIABLE, sensitive: false }`, `{ env: VARIABLE, json: true }` (a secret read as JSON) or `{ env: VARIABLE, json: true, sensitive: false }`.',
      }),
    );
    return { name, loc, value: null, sensitive: false, unusable: 'invalid' };
  }
  if (binding) {
    const text = processEnv[binding.env];
    const value = text !== undefined && binding.json ? parseJson({ name, env: binding.env, text, sensitive: binding.sensitive }, loc, out) : text;
    if (value === 'invalid') return { name, loc, value: null, env: binding.env, sensitive: false, unusable: 'invalid' };
    const keyword: Keyword = {
      name,
      loc,
      value: value ?? null,
      env: binding.env,
      sensitive: binding.sensitive,
      ...(binding.json ? { json: true } : {}),
    };
    // An unset variable is reported where it is used, once per use, naming the resource: a secret field
    // can wait for the change that sends it (unset-secret.ts), any other use cannot. Reported here as well,
    // every missing variable came out twice, the second time without saying what needs it.
    if (value === undefined) keyword.unusable = 'unset';
    return keyword;
  }
  // Keyword values are taken literally: allowing keywords inside them would need ordering and cycle rules.
  let nested = false;
  walk(node, (n) => {
    if (
      n.type === 'scalar' &&
      typeof n.value === 'string' &&
      (STRAY_WHOLE.test(n.value) || hasInline(n.value))
    ) {
      nested = true;
      out.push(
        error(
          'nested_keyword',
          `the value of keyword '${name}' uses another keyword; keyword values cannot use keywords`,
          {
            loc: n.loc,
            hint: 'Write the value out in full.',
          },
        ),
      );
    }
    return undefined;
  });
  if (nested) return { name, loc, value: null, sensitive: false, unusable: 'invalid' };
  return { name, loc, value: toJson(node), sensitive: false };
}

export function hasInline(text: string): boolean {
  INLINE.lastIndex = 0;
  return INLINE.test(text);
}

/**
 * A variable that holds JSON (`json: true`), or YAML (json-variable.ts): how the deploy tool's users keep
 * lists and mappings in the environment, e.g. CALLBACKS='["https://app.example/callback"]'. The parser's
 * message can quote the text, so it is shown only for a value that is not sensitive.
 */
function parseJson(
  variable: { name: string; env: string; text: string; sensitive: boolean },
  loc: Loc,
  out: Diag[],
): Json | 'invalid' {
  const { name, env, text, sensitive } = variable;
  const parsed = parseJsonVariable(text);
  if ('value' in parsed) return parsed.value;
  const place = parsed.at && `${placeInVariable(text, parsed.at)} of its value`;
  let why: string;
  if (!sensitive) why = place ? `${parsed.error}, at ${place}` : parsed.error;
  else why = place ? `the problem is at ${place}, which is not shown (it is a secret)` : 'its value is not shown (it is a secret)';
  const fix = parsed.at ? `Correct ${env} there: it must hold JSON or YAML` : `Set ${env} to JSON or YAML`;
  out.push(
    error('invalid_env_json', `keyword '${name}' reads environment variable ${env} as JSON, and it is neither JSON nor a YAML list or mapping: ${why}`, {
      loc,
      hint: `${fix}, e.g. ${jsonVariableExample(env)}; or drop \`json: true\` for a text value.`,
    }),
  );
  return 'invalid';
}

const BINDING_KEYS = new Set(['env', 'sensitive', 'json']);

/** `{ env: VAR }` with optional `sensitive: bool` and `json: bool`; any other mapping is a plain structured value. */
function envBinding(node: YNode): { env: string; sensitive: boolean; json: boolean } | 'invalid' | undefined {
  if (node.type !== 'map') return undefined;
  const keys = node.entries.map((e) => e.key);
  if (!keys.includes('env') || !keys.every((k) => BINDING_KEYS.has(k))) return undefined;
  const field = (key: string) => node.entries.find((e) => e.key === key)?.value;
  const env = field('env');
  if (env?.type !== 'scalar' || typeof env.value !== 'string' || !NAME_ONLY.test(env.value)) return 'invalid';
  const flags = [field('sensitive'), field('json')];
  if (flags.some((flag) => flag !== undefined && (flag.type !== 'scalar' || typeof flag.value !== 'boolean'))) return 'invalid';
  const [sensitive, json] = flags.map((flag) => (flag?.type === 'scalar' ? flag.value : undefined));
  return { env: env.value, sensitive: sensitive !== false, json: json === true };
}

export function unusedKeywords(table: KeywordTable, used: Set<string>): Diag[] {
  const out: Diag[] = [];
  for (const keyword of table.keywords.values()) {
    if (used.has(keyword.name)) continue;
    out.push(
      warning('unused_keyword', `keyword '${keyword.name}' is not used by any manifest`, {
        loc: keyword.loc,
        // Keyword names (NAME) hold no braces, so the place may come before them.
        hint: `Remove it from {at}, or use it as @@${keyword.name}@@ or ##${keyword.name}##.`,
        at: table.file === undefined ? undefined : { file: table.file },
      }),
    );
  }
  return out;
}

/** The text of every env-bound sensitive value that is set, for redaction (each string inside a JSON one too). */
export function secretsOf(table: KeywordTable): string[] {
  const out = new Set<string>();
  for (const keyword of table.keywords.values()) {
    if (!keyword.sensitive || !keyword.env || keyword.unusable !== undefined) continue;
    for (const text of secretTexts(keyword.value)) if (text !== '') out.add(text);
  }
  return [...out];
}
