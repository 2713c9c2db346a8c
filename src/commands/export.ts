import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readLive } from '../api/read-live.js';
import { TenantctlError } from '../errors.js';
import { makeDirectory } from '../make-dir.js';
import { readExclusions, renderExclusions } from '../export/exclusions.js';
import { type Binding, FILE_OF, renderEnvironment, renderKindFile } from '../export/files.js';
import { type KeywordNamer, manifestItem } from '../export/manifest-form.js';
import { refuseOverlaps } from '../export/overlaps.js';
import { SCHEMA_COPY, schemaCopyNote, type SchemaReference, schemaReference } from '../export/schema-ref.js';
import { withMemberConnections } from '../export/members.js';
import { isObject, type JsonObject } from '../json.js';
import { handlers, KINDS, type Kind } from '../kinds/index.js';
import { exportUsers } from '../kinds/users/read.js';
import { withLiveRoles } from '../kinds/users/roles-read.js';
import { didYouMean } from '../manifest/suggest.js';
import { kindContext } from '../plan/context.js';
import { connect } from './connect.js';
import type { Io, Out, OutputFormat } from './io.js';

export interface ExportOptions {
  out: string;
  kinds?: string;
  env: string;
  emulator?: boolean;
  output: OutputFormat;
}

/**
 * Kinds exported unless --kinds says otherwise. Users can be many (an export job; opt in), and the
 * signing-key section is a policy (rotate after N days), which no live key can tell.
 */
const DEFAULT_KINDS = KINDS.filter((k) => k !== 'users' && k !== 'signingKeys');

function chosenKinds(list: string | undefined): Kind[] {
  if (list === undefined) return DEFAULT_KINDS;
  const kinds: Kind[] = [];
  for (const name of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(KINDS as readonly string[]).includes(name))
      throw new TenantctlError('usage', `unknown kind '${name}'${didYouMean(name, KINDS)}`, {
        hint: `Kinds: ${DEFAULT_KINDS.join(', ')}, users.`,
      });
    if (name === 'signingKeys')
      throw new TenantctlError('usage', 'signingKeys cannot be exported: the section is a rotation policy', {
        hint: 'Declare `signingKeys:` by hand (see the README); the keys themselves stay in the tenant.',
      });
    kinds.push(name as Kind);
  }
  return KINDS.filter((k) => kinds.includes(k));
}

interface Exported {
  files: string[];
  objects: number;
  skipped: { address: string; reason: string }[];
  /** Fields left out of an exported item because manifests cannot declare them (unmanaged from now on). */
  omitted: { address: string; fields: string[] }[];
  /** Live objects left out because the directory's `exclude:` lists them. */
  excluded: number;
  variables: string[];
  /** The variables a plan of the export needs (the rest hold secrets, needed only to send them). */
  neededToPlan: string[];
  /** The `$schema` each file's first line gives, and whether the schema was copied into the directory. */
  schema?: SchemaReference;
}

/** `Orders Service` + `client_secret` -> `ORDERS_SERVICE_CLIENT_SECRET`. */
function keywordName(key: string, field: string): string {
  return `${key}_${field}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

/**
 * One variable per secret. Names are made from the client's name, and names that differ only in case or
 * punctuation (`Hand Made`, `Hand-Made`) made the same variable: applied to another tenant, the export gave
 * all of them one secret. A later one gets `_2`, `_3`, ... (in the API's order of the clients).
 */
function keywordNamer(bindings: Map<string, Binding>): KeywordNamer {
  const owners = new Map<string, string>();
  const names = new Map<string, string>();
  return ({ key, field, sensitive }) => {
    const owner = JSON.stringify([key, field]);
    const known = names.get(owner);
    if (known !== undefined) return known;
    const base = keywordName(key, field);
    let name = base;
    for (let n = 2; owners.has(name); n++) name = `${base}_${n}`;
    owners.set(name, owner);
    names.set(owner, name);
    bindings.set(name, { variable: name, sensitive });
    return name;
  };
}

/**
 * Write-only fields the tenant holds a value for (a client secret) become a keyword bound to an
 * environment variable: the export says the secret exists without ever writing it. A client that signs
 * assertions with its credentials, or a public one (auth method `none`), does not use its secret.
 */
function withPlaceholders(
  item: JsonObject,
  live: JsonObject,
  at: { handler: (typeof handlers)[Kind]; key: string; keyword: KeywordNamer },
): JsonObject {
  const out = { ...item };
  const secretless = isObject(live.client_authentication_methods) || live.token_endpoint_auth_method === 'none';
  for (const field of at.handler.secretFields ?? []) {
    if (typeof live[field] !== 'string' || live[field] === '' || secretless) continue;
    out[field] = `@@${at.keyword({ key: at.key, field, sensitive: true })}@@`;
  }
  return out;
}

/** Live tenant -> a tenant directory that plans empty against the same tenant. */
export async function exportCommand(options: ExportOptions, io: Io, out: Out): Promise<number> {
  const kinds = chosenKinds(options.kinds);
  const outDir = resolve(io.cwd, options.out);
  const envFile = join('environments', `${options.env}.yaml`);
  const known = await readExclusions(outDir, { env: options.env, written: kinds.map((k) => FILE_OF[k]), cwd: io.cwd });
  await refuseOverlaps(outDir, kinds, io.cwd);
  // Made before the tenant is read, so a path that cannot be written is said at once, not after the read.
  await makeDirectory(join(outDir, 'environments'), '--out');
  const connection = await connect(io, out, { emulator: options.emulator });
  const result: Exported = { files: [], objects: 0, skipped: [], omitted: [], excluded: 0, variables: [], neededToPlan: [] };
  try {
    const readKinds = kinds.filter((k) => k !== 'users');
    const live = await readLive(connection.api, {
      kinds: readKinds,
      managementAudience: connection.endpoint.audience,
    });
    // Users through an export job whatever their number: search stops at 1000 (mgmt-api.md §8).
    if (kinds.includes('users')) live.kinds.users = await withLiveRoles(connection.api, await exportUsers(connection.api));
    if (live.kinds.organizations) live.kinds.organizations = await withMemberConnections(connection.api, live.kinds.organizations);
    const ctx = kindContext(live);
    result.schema = await schemaReference(outDir);
    const bindings = new Map<string, Binding>();
    const keyword = keywordNamer(bindings);
    for (const kind of kinds) {
      const handler = handlers[kind];
      const items: JsonObject[] = [];
      for (const object of live.kinds[kind] ?? []) {
        if (handler.protectedReason(object, ctx) !== undefined) continue;
        const key = handler.liveKeyOf(object, ctx) ?? handler.idOf(object);
        if (known.excluded(kind, key)) {
          result.excluded += 1;
          continue;
        }
        const exported = manifestItem(handler, object, { ctx, keyword });
        const hidden = 'item' in exported ? handler.references(exported.item).find((r) => known.excluded(r.kind, r.key)) : undefined;
        if ('skipped' in exported) result.skipped.push({ address: `${kind}/${key}`, reason: exported.skipped });
        else if (hidden)
          result.skipped.push({
            address: `${kind}/${key}`,
            reason: `it refers to ${hidden.kind}/${hidden.key}, which exclude: lists; list it under exclude.${kind} too`,
          });
        else {
          items.push(withPlaceholders(exported.item, object, { handler, key, keyword }));
          if (exported.omitted.length > 0) result.omitted.push({ address: `${kind}/${key}`, fields: exported.omitted });
        }
      }
      items.sort((a, b) => (handler.keyOf(a) < handler.keyOf(b) ? -1 : handler.keyOf(a) > handler.keyOf(b) ? 1 : 0));
      const text = renderKindFile(
        { kind, items, singleton: handler.singleton === true },
        { schema: result.schema?.reference, domain: live.domain },
      );
      await writeFile(join(outDir, FILE_OF[kind]), text + renderExclusions(outDir, FILE_OF[kind], known));
      result.files.push(FILE_OF[kind]);
      result.objects += items.length;
    }
    if (result.schema?.copied) result.files.push(SCHEMA_COPY);
    const existing = await readFile(join(outDir, envFile), 'utf8').catch(() => undefined);
    await writeFile(join(outDir, envFile), renderEnvironment(bindings, live.domain, existing));
    result.files.push(envFile);
    result.variables = [...bindings.values()].map((b) => b.variable).sort();
    // Values bound with sensitive: false (a credential's public key) are compared, so a plan needs them.
    result.neededToPlan = [...bindings.values()].filter((b) => !b.sensitive).map((b) => b.variable).sort();
    report(result, options, out);
    return 0;
  } finally {
    await connection.close();
  }
}

/** Shown in full up to this many; a tenant of a thousand clients has a thousand secret variables. */
const LISTED = 20;

/** Names one per line, the first LISTED of a long list and where the rest are. */
function listed(names: string[], envFile: string): string {
  const shown = names.length > LISTED + 1 ? names.slice(0, LISTED) : names;
  const rest = names.length - shown.length;
  return `${shown.map((name) => `  ${name}\n`).join('')}${rest > 0 ? `  ... and ${rest} more: every one is bound in ${envFile} (--output json lists them all)\n` : ''}`;
}

function report(result: Exported, options: ExportOptions, out: Out) {
  if (options.output === 'json') {
    out.printJson({ out: options.out, env: options.env, ...result });
    return;
  }
  out.print(`Exported ${result.objects} object(s) to ${options.out}: ${result.files.join(', ')}\n`);
  out.print(schemaCopyNote(options.out, result.schema));
  if (result.excluded > 0) out.print(`Left out ${result.excluded} object(s) that exclude: lists (managed by hand).\n`);
  if (result.skipped.length > 0) {
    out.print(`\nLeft out (${result.skipped.length}):\n`);
    for (const s of result.skipped) out.print(`  ${s.address}: ${s.reason}\n`);
  }
  if (result.omitted.length > 0) {
    out.print('\nFields left out (tenantctl cannot declare them; they stay as they are in the tenant):\n');
    for (const o of result.omitted) out.print(`  ${o.address}: ${o.fields.join(', ')}\n`);
  }
  const needed = new Set(result.neededToPlan);
  const secrets = result.variables.filter((v) => !needed.has(v));
  const envFile = `environments/${options.env}.yaml`;
  if (result.neededToPlan.length > 0)
    out.print(`\nSet these environment variables before planning (the API never returns these values):\n${listed(result.neededToPlan, envFile)}`);
  if (secrets.length > 0)
    out.print(
      `\nThese environment variables hold secrets; plan, drift and updates run without them, an apply that creates these objects (another tenant) needs them:\n${listed(secrets, envFile)}`,
    );
  const against = options.emulator ? ' --emulator' : '';
  out.print(`\nNext: tenantctl plan ${options.out} --env ${options.env}${against} --detailed-exitcode   (expect no changes)\n`);
}
