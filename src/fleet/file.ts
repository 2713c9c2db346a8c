import { readFile, stat } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { TenantctlError } from '../errors.js';
import { didYouMean } from '../manifest/suggest.js';

/** One tenant of a fleet, its directory resolved and its credential variables named. */
export interface FleetTenant {
  name: string;
  dir: string;
  env: string | undefined;
  domainEnv: string;
  clientIdEnv: string;
  clientSecretEnv: string;
}

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');
const tenantSchema = z.strictObject({
  name: z.string().min(1),
  dir: z.string().min(1),
  env: z.string().min(1).optional(),
  domain_env: envName.optional(),
  client_id_env: envName.optional(),
  client_secret_env: envName.optional(),
});
const fleetSchema = z.strictObject({ tenants: z.array(tenantSchema).min(1) });

const HINT =
  'A fleet file is `tenants: [{name, dir, env?, domain_env?, client_id_env?, client_secret_env?}]`; see README "Fleets".';

/** Reads and checks a fleet file; every problem names its file:line:col. */
export async function loadFleet(file: string, cwd: string): Promise<FleetTenant[]> {
  const path = resolve(cwd, file);
  const shown = relative(cwd, path) || path;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new TenantctlError('fleet_file', `cannot read fleet file ${file}`, { hint: HINT });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${shown}:${line}:${col}`;
  };
  const yamlError = doc.errors[0];
  if (yamlError) throw new TenantctlError('fleet_file', `${at(yamlError.pos[0])}: ${yamlError.message.split('\n')[0]}`, { hint: HINT });
  // A problem points at the deepest node of its path that exists (a missing key: the object lacking it).
  const locate = (path: readonly PropertyKey[]) => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as (string | number)[], true);
      if (isNode(node) && node.range) return at(node.range[0]);
    }
    return `${shown}:1:1`;
  };
  const parsed = fleetSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    // A misspelt key (`domian_env`, `tenant:`) is the mistake to name: the key it was meant to be is then
    // "missing" too, and zod's "Unrecognized key" neither pointed at the key nor said what was meant.
    const issues = parsed.error.issues as z.core.$ZodIssue[];
    const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]!;
    const field = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').slice(1);
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0]!;
      const known = Object.keys(issue.path.length === 0 ? fleetSchema.shape : tenantSchema.shape);
      const message = `unknown key '${key}'${didYouMean(key, known)}`;
      const map = issue.path.length === 0 ? doc.contents : doc.getIn(issue.path as (string | number)[], true);
      const pair = isMap(map) ? map.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined;
      const place = isScalar(pair?.key) && pair.key.range ? at(pair.key.range[0]) : locate(issue.path);
      throw new TenantctlError('fleet_file', `${place}: ${field || 'fleet file'}: ${message}`, { hint: HINT });
    }
    // zod says "expected string, received undefined" of a key that is not there: say it is missing.
    const message = /received undefined$/.test(issue.message) ? 'is missing' : issue.message;
    throw new TenantctlError('fleet_file', `${locate(issue.path)}: ${field || 'fleet file'}: ${message}`, { hint: HINT });
  }
  const seen = new Set<string>();
  const tenants: FleetTenant[] = [];
  for (const [i, t] of parsed.data.tenants.entries()) {
    if (seen.has(t.name))
      throw new TenantctlError('fleet_file', `${locate(['tenants', i, 'name'])}: tenant name "${t.name}" appears twice`, {
        hint: 'Give every tenant of the fleet its own name: the summary and CI matrix refer to them by it.',
      });
    seen.add(t.name);
    const dir = resolve(dirname(path), t.dir);
    if (!(await stat(dir).then((s) => s.isDirectory(), () => false)))
      throw new TenantctlError('fleet_file', `${locate(['tenants', i, 'dir'])}: ${t.dir} is not a directory (relative to ${shown})`, {
        hint: 'Write each dir relative to the fleet file.',
      });
    tenants.push({
      name: t.name,
      dir,
      env: t.env,
      domainEnv: t.domain_env ?? 'AUTH0_DOMAIN',
      clientIdEnv: t.client_id_env ?? 'AUTH0_CLIENT_ID',
      clientSecretEnv: t.client_secret_env ?? 'AUTH0_CLIENT_SECRET',
    });
  }
  return tenants;
}
