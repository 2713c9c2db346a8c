import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';
import type { Kind } from '../kinds/index.js';

/**
 * The keywords the converted files use, for environments/<env>.yaml: the value from the deploy tool's
 * AUTH0_KEYWORD_REPLACE_MAPPINGS when it has one, else bound to the environment variable of the same name
 * (the deploy tool read every environment variable as a keyword). A keyword used inside text (`##KEY##`)
 * is bound as not sensitive, since tenantctl prints text it is part of; one used as a whole value stays
 * sensitive (a secret, for all tenantctl can tell).
 */
export function environmentKeywords(
  kinds: Partial<Record<Kind, JsonObject[]>>,
  mappings: Record<string, Json>,
): { keywords: JsonObject; fromEnvironment: string[]; unused: string[] } {
  const inText = new Set<string>();
  const whole = new Set<string>();
  const visit = (value: Json) => {
    if (typeof value === 'string') {
      const exact = /^@@([A-Za-z0-9_]+)@@$/.exec(value);
      if (exact) whole.add(exact[1] as string);
      else for (const m of value.matchAll(/(?:##|@@)([A-Za-z0-9_]+)(?:##|@@)/g)) inText.add(m[1] as string);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (isObject(value)) Object.values(value).forEach(visit);
  };
  for (const items of Object.values(kinds)) for (const item of items ?? []) visit(item);
  const keywords: JsonObject = {};
  const fromEnvironment: string[] = [];
  for (const name of [...new Set([...whole, ...inText])].sort()) {
    if (name in mappings) keywords[name] = mappings[name] as Json;
    else {
      keywords[name] = inText.has(name) ? { env: name, sensitive: false } : { env: name };
      fromEnvironment.push(name);
    }
  }
  const unused = Object.keys(mappings).filter((k) => !(k in keywords)).sort();
  return { keywords, fromEnvironment, unused };
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
