import { parseDocument, stringify } from 'yaml';
import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';
import type { Kind } from '../kinds/types.js';

/** One file per kind, named for people; sections keep the manifest's names. */
export const FILE_OF: Record<Kind, string> = {
  tenant: 'tenant.yaml',
  resourceServers: 'resource-servers.yaml',
  clients: 'clients.yaml',
  clientGrants: 'client-grants.yaml',
  organizations: 'organizations.yaml',
  connections: 'connections.yaml',
  networkAcls: 'network-acls.yaml',
  signingKeys: 'signing-keys.yaml',
  users: 'users.yaml',
  roles: 'roles.yaml',
};

/** The fields that name an item come first, so a reviewer sees what it is before what it holds. */
const LEADING = ['name', 'identifier', 'client', 'audience', 'email', 'connection', 'description', 'strategy'];

/** Object keys in a fixed order at every depth: the API's own key order is not stable across reads. */
function ordered(value: Json): Json {
  if (Array.isArray(value)) return value.map(ordered);
  if (!isObject(value)) return value;
  const keys = Object.keys(value).sort((a, b) => {
    const ia = LEADING.indexOf(a);
    const ib = LEADING.indexOf(b);
    if (ia !== ib) return (ia === -1 ? LEADING.length : ia) - (ib === -1 ? LEADING.length : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return Object.fromEntries(keys.map((k) => [k, ordered(value[k] as Json)]));
}

export interface KindFile {
  kind: Kind;
  /** Items already in key order; a singleton kind has exactly one. */
  items: JsonObject[];
  singleton: boolean;
}

/**
 * The text of one exported file: the schema comment editors read (`schema`: the reference from
 * schema-ref.ts; no comment without one), then the section.
 */
export function renderKindFile(file: KindFile, options: { schema: string | undefined; domain: string }): string {
  const section = file.singleton ? ordered(file.items[0] ?? {}) : file.items.map(ordered);
  const body = stringify({ [file.kind]: section }, { lineWidth: 0, aliasDuplicateObjects: false });
  const comment = options.schema === undefined ? '' : `# yaml-language-server: $schema=${options.schema}\n`;
  return `${comment}# Exported from ${options.domain} by tenantctl export.\n${body}`;
}

/** One keyword the export wrote: the environment variable it reads, and whether that value is a secret. */
export interface Binding {
  variable: string;
  sensitive: boolean;
}

const bindingValue = (b: Binding): JsonObject => (b.sensitive ? { env: b.variable } : { env: b.variable, sensitive: false });

/**
 * environments/<env>.yaml: each placeholder bound to the environment variable that holds its value. An
 * existing file (another export of other kinds, a `tenant:` binding, keywords people added) keeps all it
 * says; only keywords it lacks are added.
 */
export function renderEnvironment(bindings: Map<string, Binding>, domain: string, existing?: string): string {
  const sorted = [...bindings].sort(([a], [c]) => (a < c ? -1 : 1));
  if (existing !== undefined) {
    const doc = parseDocument(existing);
    if (doc.errors.length === 0) {
      for (const [keyword, b] of sorted) if (!doc.hasIn(['keywords', keyword])) doc.setIn(['keywords', keyword], bindingValue(b));
      return doc.toString({ lineWidth: 0 });
    }
  }
  const keywords: JsonObject = Object.fromEntries(sorted.map(([keyword, b]) => [keyword, bindingValue(b)]));
  const header = `# Keywords for this environment; secrets are read from the environment variables named here.\n# Exported from ${domain}.\n`;
  return header + stringify({ keywords }, { lineWidth: 0 });
}
