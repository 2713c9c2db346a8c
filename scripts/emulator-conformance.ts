import { matchRoute } from '../src/emulator/router.js';
import { startEmulator } from '../src/emulator/index.js';
import { type Call, createFixtures, type Fixtures } from './conformance-fixtures.js';
import { loadSpec, type Schema } from './spec.js';

/**
 * A conformance pass of the emulator against the official OpenAPI spec, for the paths of the kinds tenantctl
 * manages. For every (method, path) it reports whether the emulator routes it at all; for every GET it
 * sends the request against fixture objects, then each paging/projection parameter the spec declares, and
 * checks that the answer has the envelope the spec's response schema describes for that parameter set
 * (a bare array, `{total,start,limit,<items>}` with include_totals, `{<items>,next?}` with from/take).
 * It prints one line per operation and the gaps at the end; exit 1 when there are gaps.
 *
 *   npm run emulator:conformance [-- path/to/mgmt-api-spec.json]
 */
const PREFIXES = [
  '/tenants/settings',
  '/resource-servers',
  '/clients',
  '/client-grants',
  '/roles',
  '/connections',
  '/organizations',
  '/users',
  '/users-by-email',
  '/keys/signing',
  '/network-acls',
  '/token-quotas',
];
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

const { spec, components } = loadSpec(process.argv[2]);

function resolve(schema: Schema | undefined): Schema | undefined {
  const ref = schema?.$ref;
  if (typeof ref !== 'string') return schema;
  return resolve(components[ref.replace('#/components/schemas/', '')]);
}

/** The response variants of a 200: `array`, or the property names of an object schema (`*` when open). */
function variants(op: Schema): ('array' | string[])[] {
  const responses = op.responses as Record<string, Schema>;
  const ok = responses['200'] as Schema | undefined;
  const content = (ok?.content as Record<string, Schema> | undefined)?.['application/json'];
  const root = resolve(content?.schema as Schema | undefined);
  if (!root) return [];
  const branches = ((root.oneOf ?? root.anyOf) as Schema[] | undefined) ?? [root];
  return branches.map((b) => {
    const s = resolve(b) ?? {};
    if (s.type === 'array') return 'array';
    const names = Object.keys((s.properties as Schema | undefined) ?? {});
    return s.additionalProperties === true ? [...names, '*'] : names;
  });
}

function fill(path: string, fixtures: Fixtures): string {
  const prefix = path.split('/')[1] ?? '';
  const own = fixtures.byPrefix[prefix] ?? {};
  return path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(own[name] ?? fixtures.common[name] ?? 'conformance-missing'),
  );
}

/** Query sets to try: the plain read, then each paging/projection parameter family the spec declares. */
function querySets(names: string[]): { label: string; query: string; want: 'array' | 'totals' | 'next' | 'any' }[] {
  const has = (n: string) => names.includes(n);
  const sets: { label: string; query: string; want: 'array' | 'totals' | 'next' | 'any' }[] = [
    { label: 'plain', query: '', want: 'any' },
  ];
  if (has('page') || has('per_page')) sets.push({ label: 'page/per_page', query: 'page=0&per_page=5', want: 'any' });
  if (has('include_totals'))
    sets.push({ label: 'include_totals', query: 'include_totals=true', want: 'totals' });
  if (has('take') || has('from')) sets.push({ label: 'from/take', query: 'take=5', want: 'next' });
  if (has('fields')) sets.push({ label: 'fields', query: 'fields=name&include_fields=true', want: 'any' });
  return sets;
}

/** The 200 schema of an operation, resolved (one level). */
function okSchema(op: Schema): Schema | undefined {
  const ok = (op.responses as Record<string, Schema>)['200'];
  return resolve(((ok?.content as Record<string, Schema> | undefined)?.['application/json'])?.schema as Schema | undefined);
}

/**
 * Keys the spec marks `required` that the answer lacks: on the object itself, or on the first item of the
 * array (bare, or the array property of an envelope) it carries. Optional keys are never reported: the spec
 * lists many that a real answer leaves out.
 */
function missingRequired(body: unknown, schema: Schema | undefined): string[] {
  if (!schema || body === null || typeof body !== 'object') return [];
  const branches = ((schema.oneOf ?? schema.anyOf) as Schema[] | undefined)?.map((b) => resolve(b) ?? {}) ?? [schema];
  const candidates = branches.filter((b) => (b.type === 'array') === Array.isArray(body));
  const reports = candidates.map((b) => {
    if (Array.isArray(body)) return body.length > 0 ? missingRequired(body[0], resolve(b.items as Schema)) : [];
    const record = body as Record<string, unknown>;
    const own = ((b.required as string[] | undefined) ?? []).filter((k) => !(k in record));
    const nested = Object.entries((b.properties as Record<string, Schema> | undefined) ?? {})
      .filter(([k, p]) => Array.isArray(record[k]) && resolve(p)?.type === 'array')
      .flatMap(([k, p]) => missingRequired(record[k], resolve(p)).map((m) => `${k}[].${m}`));
    return [...own, ...nested];
  });
  return reports.sort((a, b) => a.length - b.length)[0] ?? [];
}

/** A plausible value for one query parameter, from its spec schema (required ones get fixture values). */
function sample(p: Schema, fixtures: Fixtures): string {
  const schema = resolve(p.schema as Schema | undefined) ?? {};
  const name = String(p.name);
  if (name === 'email') return 'conformance@example.com';
  if (name === 'page') return '0';
  if (name === 'fields') return 'name';
  if (Array.isArray(schema.enum)) return String(schema.enum[0]);
  if (schema.type === 'integer' || schema.type === 'number') return String(schema.minimum ?? 1);
  if (schema.type === 'boolean') return 'true';
  return fixtures.common[name] ?? 'x';
}

/** Whether a body fits one of the variants the spec allows for this parameter set. */
function envelopeProblem(body: unknown, allowed: ('array' | string[])[], want: string): string | undefined {
  if (allowed.length === 0) return undefined;
  const objects = allowed.filter((v): v is string[] => v !== 'array');
  if (Array.isArray(body)) {
    if (want === 'totals' && objects.some((o) => o.includes('total')))
      return 'bare array where the spec has a {total,...} envelope';
    if (want === 'next' && objects.some((o) => o.includes('next'))) return 'bare array where the spec has {next,...}';
    return allowed.includes('array') ? undefined : 'bare array; the spec has only objects';
  }
  if (typeof body !== 'object' || body === null) return `non-JSON body ${JSON.stringify(body)}`;
  const keys = Object.keys(body);
  const fits = objects.find((o) => o.includes('*') || keys.every((k) => o.includes(k)));
  if (!fits) {
    const closest = objects
      .map((o) => keys.filter((k) => !o.includes(k)))
      .sort((a, b) => a.length - b.length)[0];
    return closest ? `keys the spec does not list: ${closest.join(', ')}` : 'an object where the spec has only arrays';
  }
  // An envelope must carry its items key (the variant's array property).
  if (want === 'totals' && !keys.includes('total') && fits.includes('total')) return 'envelope without total';
  return undefined;
}

async function main(): Promise<void> {
  const emu = await startEmulator({ quiet: true, rateLimit: '100000/100000' });
  try {
    const tokenRes = await fetch(`${emu.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: emu.clientId,
        client_secret: emu.clientSecret,
        audience: emu.audience,
      }),
    });
    const token = ((await tokenRes.json()) as { access_token: string }).access_token;
    const call: Call = async (method, path, body) => {
      const res = await fetch(`${emu.url}/api/v2${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
    };
    const fixtures = await createFixtures(call);
    const gaps: string[] = [];
    let operations = 0;
    let routed = 0;
    const paths = spec.paths as Record<string, Record<string, Schema>>;
    for (const [path, ops] of Object.entries(paths)) {
      if (!PREFIXES.some((p) => path === p || path.startsWith(`${p}/`))) continue;
      for (const method of METHODS) {
        const op = ops[method];
        if (!op) continue;
        operations += 1;
        const concrete = fill(path, fixtures);
        const name = `${method.toUpperCase()} ${path}`;
        if (!matchRoute(method.toUpperCase(), `/api/v2${concrete.split('?')[0] ?? ''}`)) {
          gaps.push(`${name}: not routed (404 Not Found)`);
          process.stdout.write(`${name.padEnd(80)} NO ROUTE\n`);
          continue;
        }
        routed += 1;
        if (method !== 'get') {
          process.stdout.write(`${name.padEnd(80)} routed\n`);
          continue;
        }
        const params = ((op.parameters as Schema[] | undefined) ?? []).filter((p) => p.in === 'query');
        const query = params.map((p) => String(p.name));
        const required = params
          .filter((p) => p.required === true)
          .map((p) => `${String(p.name)}=${encodeURIComponent(sample(p, fixtures))}`);
        const base = required.length > 0 ? `${concrete}?${required.join('&')}` : concrete;
        // Each declared parameter alone: "Additional properties not allowed" means the emulator lacks it.
        for (const p of params) {
          const sep = base.includes('?') ? '&' : '?';
          const res = await call('GET', `${base}${sep}${String(p.name)}=${encodeURIComponent(sample(p, fixtures))}`);
          const message = (res.body as { message?: string } | undefined)?.message ?? '';
          if (res.status === 400 && message.includes('Additional properties not allowed'))
            gaps.push(`${name}: query parameter ${String(p.name)} refused`);
        }
        const allowed = variants(op);
        const notes: string[] = [];
        // The status of a plain read the fixture cannot satisfy (a group id, where no group can exist).
        let plainRefusal: number | undefined;
        for (const set of querySets(query)) {
          const sep = base.includes('?') ? '&' : '?';
          const res = await call('GET', set.query ? `${base}${sep}${set.query}` : base);
          notes.push(`${set.label} ${res.status}`);
          if (res.status >= 300) {
            // A plain read may meet a real refusal of the fixture (keys of a database connection); a
            // refused query string, or a parameter set the plain read survived, is a gap.
            const message = (res.body as { message?: string } | undefined)?.message ?? '';
            if (set.label === 'plain' && !message.startsWith('Query validation')) plainRefusal = res.status;
            else if (message.startsWith('Query validation') || res.status !== plainRefusal)
              gaps.push(`${name} [${set.label}]: ${res.status} ${message}`);
            continue;
          }
          const problem = envelopeProblem(res.body, allowed, set.want);
          if (problem) gaps.push(`${name} [${set.label}]: ${problem}`);
          const missing = set.label === 'fields' ? [] : missingRequired(res.body, okSchema(op));
          if (missing.length > 0) gaps.push(`${name} [${set.label}]: lacks required ${missing.join(', ')}`);
        }
        process.stdout.write(`${name.padEnd(80)} ${notes.join(', ')}\n`);
      }
    }
    process.stdout.write(`\n${routed}/${operations} operations routed; ${gaps.length} gaps:\n`);
    for (const gap of gaps) process.stdout.write(`  ${gap}\n`);
    if (gaps.length > 0) process.exitCode = 1;
  } finally {
    await emu.close();
  }
}

await main();
