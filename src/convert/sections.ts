import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { handlers, KINDS, type Kind } from '../kinds/index.js';
import type { Located, Sections } from './source.js';

/** What the deploy tool's sections become, and why the rest cannot. */
const TARGET: Record<string, Kind> = {
  tenant: 'tenant',
  resourceServers: 'resourceServers',
  clients: 'clients',
  clientGrants: 'clientGrants',
  databases: 'connections',
  connections: 'connections',
  organizations: 'organizations',
  networkACLs: 'networkAcls',
  users: 'users',
  ...((KINDS as readonly string[]).includes('roles') ? { roles: 'roles' as Kind } : {}),
};

const WHY_NOT: Record<string, string> = {
  rules: 'rules are deprecated by Auth0 and not managed by tenantctl (move them to Actions, managed by hand)',
  rulesConfigs: 'rule settings belong to rules, which tenantctl does not manage',
  hooks: 'hooks are deprecated by Auth0 and not managed by tenantctl',
  actions: 'actions carry code and deployments; tenantctl does not manage them yet',
  actionModules: 'action modules carry code; tenantctl does not manage them yet',
  triggers: 'trigger bindings point at actions, which tenantctl does not manage yet',
  pages: 'hosted pages (HTML) are not managed by tenantctl',
  emailTemplates: 'email templates (HTML) are not managed by tenantctl',
  emails: 'email templates and the provider are not managed by tenantctl',
  emailProvider: 'the email provider holds credentials tenantctl does not manage',
  guardian: 'MFA (Guardian) settings are not managed by tenantctl',
  branding: 'branding and themes are not managed by tenantctl',
  themes: 'branding and themes are not managed by tenantctl',
  prompts: 'prompts and custom text are not managed by tenantctl',
  logStreams: 'log streams hold sink credentials tenantctl does not manage',
  customDomains: 'custom domains need DNS verification outside tenantctl',
  attackProtection: 'attack protection settings are not managed by tenantctl yet',
};

export interface Note {
  section: string;
  file: string;
  line: number;
  message: string;
}

export interface Converted {
  kinds: Partial<Record<Kind, JsonObject[]>>;
  notConverted: Note[];
  /** Fields tenantctl has no place for, left out of the converted item. */
  unknownFields: Note[];
  /** Values kept that `validate` will question (a value out of range), to fix by hand. */
  problems: Note[];
}

const MARKER = /(@@|##)[A-Za-z0-9_]+(@@|##)/;

function holdsKeyword(value: Json | undefined): boolean {
  if (typeof value === 'string') return MARKER.test(value);
  if (Array.isArray(value)) return value.some(holdsKeyword);
  return isObject(value) && Object.values(value).some(holdsKeyword);
}

function at(body: Json, path: PropertyKey[]): Json | undefined {
  let node: Json | undefined = body;
  for (const step of path) node = isObject(node) || Array.isArray(node) ? (node as never)[step as never] : undefined;
  return node;
}

function removeAt(body: JsonObject, path: PropertyKey[]): void {
  const parent = at(body, path.slice(0, -1));
  const last = path[path.length - 1];
  if (isObject(parent) && typeof last === 'string') delete parent[last];
}

/** The deploy tool's names for what tenantctl names differently. */
function rename(section: string, item: JsonObject): JsonObject {
  if (section === 'clientGrants') {
    const { client_id, ...rest } = item;
    return { client: client_id ?? null, ...rest };
  }
  if (section === 'databases') {
    const { options, ...rest } = item;
    const kept = isObject(options) ? { ...options } : undefined;
    return { ...rest, strategy: 'auth0', ...(kept ? { options: kept } : {}) };
  }
  return item;
}

/** Tenant keys the deploy tool reads as hosted pages, which it stores beside the settings. */
const PAGE_KEYS = ['error_page', 'guardian_mfa_page', 'change_password', 'login_page', 'password_reset'];

/** Fields the API sets or the deploy tool writes that no manifest should carry: dropped without a note. */
const READ_ONLY = ['id', 'client_id_ref', 'tenant', 'global', 'callback_url_template', 'is_system', 'signing_keys'];

function convertItem(section: string, kind: Kind, source: Located, out: Converted): JsonObject | undefined {
  if (!isObject(source.value)) {
    out.problems.push({ section, file: source.file, line: source.line, message: 'not an object: left out' });
    return undefined;
  }
  const item = rename(section, { ...source.value });
  for (const field of READ_ONLY) delete item[field];
  if (section === 'databases' && isObject(item.options) && item.options.customScripts !== undefined) {
    delete item.options.customScripts;
    out.notConverted.push({ ...where(section, source), message: 'custom database scripts (options.customScripts) are not managed by tenantctl' });
  }
  for (const key of kind === 'tenant' ? PAGE_KEYS : []) {
    if (item[key] === undefined) continue;
    delete item[key];
    out.notConverted.push({ ...where(section, source), message: `${key}: hosted pages (HTML) are not managed by tenantctl` });
  }
  if (kind === 'clients' && typeof item.client_secret === 'string' && !MARKER.test(item.client_secret)) {
    delete item.client_secret;
    out.problems.push({ ...where(section, source), message: 'a literal client_secret was left out: bind it to an environment variable (@@KEYWORD@@) instead' });
  }
  const schema = handlers[kind].itemSchema;
  for (let round = 0; round < 5; round += 1) {
    const checked = schema.safeParse(item);
    if (checked.success) break;
    let removed = false;
    for (const issue of checked.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) removeAt(item, [...issue.path, key]);
        const fields = issue.keys.map((k) => [...issue.path, k].join('.')).join(', ');
        out.unknownFields.push({ ...where(section, source), message: `${fields}: no such field in tenantctl's ${kind}; left out` });
        removed = true;
      } else if (!holdsKeyword(at(item, issue.path))) {
        out.problems.push({ ...where(section, source), message: `${issue.path.join('.') || 'item'}: ${issue.message}` });
      }
    }
    if (!removed) break;
  }
  return item;
}

function where(section: string, source: Located) {
  return { section, file: source.file, line: source.line };
}

/** Sections -> tenantctl items per kind, with a note for everything not carried over. */
export function convertSections(
  sections: Sections,
  excluded: { types: ReadonlySet<string>; names: Partial<Record<Kind, ReadonlySet<string>>> },
): Converted {
  const out: Converted = { kinds: {}, notConverted: [], unknownFields: [], problems: [] };
  for (const [section, items] of sections) {
    const kind = TARGET[section];
    const first = items[0] ?? { value: null, file: '?', line: 1 };
    if (excluded.types.has(section)) {
      out.notConverted.push({ ...where(section, first), message: 'excluded by AUTH0_EXCLUDED: the section is left unmanaged' });
      continue;
    }
    if (!kind) {
      const reason = WHY_NOT[section] ?? `tenantctl does not manage ${section}`;
      out.notConverted.push({ ...where(section, first), message: reason });
      continue;
    }
    const list = (out.kinds[kind] ??= []);
    for (const source of items) {
      if (section === 'resourceServers' && isObject(source.value) && source.value.name === 'Auth0 Management API') {
        out.notConverted.push({ ...where(section, source), message: 'the Auth0 Management API is a system API: never managed' });
        continue;
      }
      // The deploy tool ignores excluded objects even when its files list them; so does the converted tenant.
      const name = isObject(source.value) ? String(source.value.name ?? '') : '';
      if (excluded.names[kind]?.has(name)) {
        out.notConverted.push({ ...where(section, source), message: `'${name}' is excluded (AUTH0_EXCLUDED_*): listed under exclude instead` });
        continue;
      }
      const item = convertItem(section, kind, source, out);
      if (item) list.push(item);
    }
  }
  return out;
}
