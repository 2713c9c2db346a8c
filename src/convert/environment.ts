import { parseDocument } from 'yaml';
import type { Json, JsonObject } from '../json.js';
import { parseJsonVariable } from '../json-variable.js';
import { isObject } from '../json.js';
import { handlers, type Kind } from '../kinds/index.js';
import { type JsonType, jsonTypesAt } from './keyword-types.js';

/** A keyword bound to a variable that must hold JSON: where it stands for a list, a mapping, a number... */
export interface JsonKeyword {
  name: string;
  types: JsonType[];
  /** It stands for a secret field or a value holding one (a connection's `options.signing_key`). */
  sensitive: boolean;
  /** Its items are added to a list (`...@@KEY@@`): the deploy tool's variable held quoted items as text. */
  splice?: true;
}

/**
 * Whether a value at `path` of a `kind` item is, or holds, one of the kind's secret fields: a keyword there
 * is a secret even when it stands for a mapping (the deploy tool's users keep `signing_key: @@SIGNING_KEY@@`
 * with cert and key in one variable).
 */
function holdsSecret(kind: Kind, path: readonly (string | number)[]): boolean {
  return (handlers[kind].secretFields ?? []).some((field) => {
    const steps = field.split('.');
    return path.length <= steps.length && path.every((step, i) => steps[i] === String(step) || (steps[i] === '*' && typeof step === 'number'));
  });
}

/**
 * `callbacks: ##CALLBACKS##`, unquoted, is how the deploy tool's users put a list from a variable into a
 * file: the tool pastes the variable's text before parsing (CALLBACKS='["https://a/cb"]' reads as a list),
 * where tenantctl would insert it as text. A value that is exactly `##KEY##` where the field is a list, a
 * mapping, a number or a boolean becomes `@@KEY@@`, which environmentKeywords then binds as JSON.
 */
export function typedTextKeywords(kinds: Partial<Record<Kind, JsonObject[]>>): Partial<Record<Kind, JsonObject[]>> {
  const rewrite = (kind: Kind, value: Json, path: (string | number)[]): Json => {
    if (typeof value === 'string') {
      const text = /^##([A-Za-z0-9_]+)##$/.exec(value);
      return text && jsonTypesAt(kind, path) !== undefined ? `@@${text[1]}@@` : value;
    }
    if (Array.isArray(value)) return value.map((v, i) => rewrite(kind, v, [...path, i]));
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(kind, v as Json, [...path, k])]));
    return value;
  };
  const out: Partial<Record<Kind, JsonObject[]>> = {};
  for (const [kind, items] of Object.entries(kinds) as [Kind, JsonObject[]][]) out[kind] = items.map((item) => rewrite(kind, item, []) as JsonObject);
  return out;
}

/**
 * A mapping the deploy tool pasted as text where a list (say) belongs (`##KEY##`, see typedTextKeywords):
 * a string holding JSON or a YAML list or mapping is the value it gave there (json-variable.ts).
 */
function pastedValue(value: Json): Json {
  if (typeof value !== 'string') return value;
  const parsed = parseJsonVariable(value);
  return 'value' in parsed ? parsed.value : value;
}

/**
 * The items a mapping the deploy tool pasted into a flow list gave it (markSplices): its text, as the tool
 * pasted it (String(value): a list's items joined by commas), read as YAML between `[` and `]`. Undefined
 * when that is not a list of values (the tool could not have read it either).
 */
function pastedItems(value: Json): Json[] | undefined {
  if (isObject(value)) return undefined;
  const doc = parseDocument(`[${typeof value === 'string' ? value : String(value)}]`);
  const items = doc.errors.length === 0 ? (doc.toJSON() as Json) : undefined;
  return Array.isArray(items) ? items : undefined;
}

/**
 * The keywords the converted files use, for environments/<env>.yaml: the value from the deploy tool's
 * AUTH0_KEYWORD_REPLACE_MAPPINGS when it has one, else bound to the environment variable of the same name
 * (the deploy tool read every environment variable as a keyword). A keyword used inside text (`##KEY##`)
 * is bound as not sensitive, since tenantctl prints text it is part of; one used as a whole value stays
 * sensitive (a secret, for all tenantctl can tell), unless the field it stands for is a list, a mapping, a
 * number or a boolean: tenantctl reads a variable as text, so such a variable must hold JSON (CALLBACKS
 * holding '["https://a/cb"]', as deploy tool users keep lists) and is bound with `json: true`; such values
 * are configuration shown in plans, unless they stand for a secret field or hold one (holdsSecret).
 */
export function environmentKeywords(
  kinds: Partial<Record<Kind, JsonObject[]>>,
  mappings: Record<string, Json>,
): { keywords: JsonObject; fromEnvironment: string[]; json: JsonKeyword[]; mixed: string[]; unused: string[]; notItems: string[] } {
  const inText = new Set<string>();
  const whole = new Map<string, { text: boolean; types: Set<JsonType>; secret: boolean; splice: boolean }>();
  const useOf = (name: string) => {
    const use = whole.get(name) ?? { text: false, types: new Set<JsonType>(), secret: false, splice: false };
    whole.set(name, use);
    return use;
  };
  const visit = (kind: Kind, value: Json, path: (string | number)[]) => {
    if (typeof value === 'string') {
      const exact = /^@@([A-Za-z0-9_]+)@@$/.exec(value);
      // A splice (markSplices) adds a list's items: its variable holds a JSON list, never a secret.
      const spliced = /^\.\.\.@@([A-Za-z0-9_]+)@@$/.exec(value);
      if (spliced) {
        const use = useOf(spliced[1] as string);
        use.types.add('list');
        use.splice = true;
      } else if (exact) {
        const use = useOf(exact[1] as string);
        use.secret ||= holdsSecret(kind, path);
        const types = jsonTypesAt(kind, path);
        if (types === undefined) use.text = true;
        else for (const t of types) use.types.add(t);
      } else for (const m of value.matchAll(/(?:##|@@)([A-Za-z0-9_]+)(?:##|@@)/g)) inText.add(m[1] as string);
    } else if (Array.isArray(value)) value.forEach((v, i) => visit(kind, v, [...path, i]));
    else if (isObject(value)) for (const [k, v] of Object.entries(value)) visit(kind, v as Json, [...path, k]);
  };
  for (const [kind, items] of Object.entries(kinds) as [Kind, JsonObject[]][]) for (const item of items) visit(kind, item, []);
  const keywords: JsonObject = {};
  const fromEnvironment: string[] = [];
  const json: JsonKeyword[] = [];
  const mixed: string[] = [];
  const notItems: string[] = [];
  for (const name of [...new Set([...whole.keys(), ...inText])].sort()) {
    const use = whole.get(name);
    if (name in mappings) {
      const items = use?.splice ? pastedItems(mappings[name] as Json) : undefined;
      if (use?.splice && items === undefined) notItems.push(name);
      keywords[name] = items ?? (use && use.types.size > 0 && !use.text ? pastedValue(mappings[name] as Json) : (mappings[name] as Json));
      continue;
    }
    fromEnvironment.push(name);
    if (use && use.types.size > 0 && !use.text && !inText.has(name)) {
      const secret = use.secret && !use.splice;
      // `sensitive` is left at its default (true) for a secret, written out for plain configuration.
      keywords[name] = secret ? { env: name, json: true } : { env: name, json: true, sensitive: false };
      json.push({ name, types: [...use.types].sort(), sensitive: secret, ...(use.splice ? { splice: true } : {}) });
      continue;
    }
    // Text in one place and a list (say) in another: no one variable fits both.
    if (use && use.types.size > 0) mixed.push(name);
    keywords[name] = inText.has(name) ? { env: name, sensitive: false } : { env: name };
  }
  const unused = Object.keys(mappings).filter((k) => !(k in keywords)).sort();
  return { keywords, fromEnvironment, json, mixed, unused, notItems };
}

const names = (config: Record<string, Json>, key: string) =>
  Array.isArray(config[key]) ? (config[key] as Json[]).map(String) : [];

/** The objects the deploy tool's AUTH0_EXCLUDED_* lists name, by tenantctl kind (names, as the tool matches). */
export function excludedNames(config: Record<string, Json>): Partial<Record<Kind, Set<string>>> {
  return {
    clients: new Set(names(config, 'AUTH0_EXCLUDED_CLIENTS')),
    connections: new Set([...names(config, 'AUTH0_EXCLUDED_CONNECTIONS'), ...names(config, 'AUTH0_EXCLUDED_DATABASES')]),
    resourceServers: new Set(names(config, 'AUTH0_EXCLUDED_RESOURCE_SERVERS')),
  };
}

/** AUTH0_EXCLUDED_* name lists -> tenantctl's `exclude:` (resource servers by identifier, not name). */
export function exclusions(
  config: Record<string, Json>,
  resourceServers: JsonObject[],
): { exclude: Record<string, string[]>; unmatched: string[] } {
  const exclude: Record<string, string[]> = {};
  const unmatched: string[] = [];
  const add = (kind: string, list: string[]) => {
    if (list.length > 0) exclude[kind] = [...(exclude[kind] ?? []), ...list];
  };
  add('clients', names(config, 'AUTH0_EXCLUDED_CLIENTS'));
  add('connections', [...names(config, 'AUTH0_EXCLUDED_CONNECTIONS'), ...names(config, 'AUTH0_EXCLUDED_DATABASES')]);
  const byName = new Map(resourceServers.map((rs) => [String(rs.name), String(rs.identifier)]));
  const apis: string[] = [];
  for (const name of names(config, 'AUTH0_EXCLUDED_RESOURCE_SERVERS')) {
    const identifier = byName.get(name);
    if (identifier) apis.push(identifier);
    else unmatched.push(name);
  }
  add('resourceServers', apis);
  return { exclude, unmatched };
}
