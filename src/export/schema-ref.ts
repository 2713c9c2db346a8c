import { realpathSync } from 'node:fs';
import { readFile, realpath, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The schema file shipped with the tenantctl that runs. dist/bin/ (the bundle), dist/export/ and
 * src/export/ sit equally deep, so the same relative path finds it from each.
 */
export const SCHEMA = fileURLToPath(new URL('../../schemas/manifest.schema.json', import.meta.url));

/**
 * The name of the schema's copy in a tenant directory. Not YAML, so the manifest loader neither reads it
 * nor warns about it (src/manifest/files.ts reads and checks only *.yaml / *.yml).
 */
export const SCHEMA_COPY = 'manifest.schema.json';

/** `path` is `dir` or lies under it. */
function within(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

const slashes = (path: string) => path.split(sep).join('/');

/**
 * The path the manifests in `outDir` should give for `schema`, or undefined when no path from there would
 * hold once the directory is committed and cloned elsewhere (an npx cache, a global install, a temp dir).
 * A path holds when the schema is in the same tree as the output (tenantctl's own examples), or under a
 * node_modules whose project holds the output (tenantctl installed in the user's project: `npm ci`
 * recreates it). `linksTo(path)` says whether `path` leads to the schema file itself: pnpm keeps the real
 * file under node_modules/.pnpm/<name>@<version>/, which an upgrade renames, while the project's
 * node_modules/<name> link keeps its name.
 */
export function portableSchemaPath(schema: string, outDir: string, linksTo: (path: string) => boolean = () => false): string | undefined {
  const packageRoot = dirname(dirname(schema));
  if (within(outDir, packageRoot)) return slashes(relative(outDir, schema));
  const parts = schema.split(sep);
  const last = parts.lastIndexOf('node_modules');
  // The package's name as installed (`tenantctl`, `@scope/tenantctl`): between the last node_modules and schemas/.
  const name = last < 0 ? [] : parts.slice(last + 1, parts.length - 2);
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] !== 'node_modules') continue;
    const project = parts.slice(0, i).join(sep) || sep;
    if (!within(outDir, project)) continue;
    const linked = join(project, 'node_modules', ...name, 'schemas', basename(schema));
    return slashes(relative(outDir, linked !== schema && linksTo(linked) ? linked : schema));
  }
  return undefined;
}

export interface SchemaReference {
  /** What each manifest's first line gives as `$schema`, relative to the output directory; none with `kept`. */
  reference?: string;
  /** The schema was copied into the output directory as SCHEMA_COPY, since no path to ours would hold. */
  copied: boolean;
  /**
   * The directory holds a SCHEMA_COPY that is not a tenantctl schema (the user's own file): left as it is,
   * and the manifests carry no schema comment.
   */
  kept?: true;
}

/** Whether a file's text is a manifest schema some tenantctl wrote (ours to replace), by its title. */
function isOurs(text: Buffer): boolean {
  try {
    const parsed = JSON.parse(text.toString('utf8')) as { title?: unknown };
    return parsed.title === 'tenantctl manifest';
  } catch {
    return false;
  }
}

/**
 * The schema reference for manifests written into `outDir` (which exists), copying the schema there when
 * no path to the running tenantctl's file is portable. Undefined when tenantctl's own schema file cannot
 * be read (a damaged install): the files are then written without the editor comment.
 */
export async function schemaReference(outDir: string, schema: string = SCHEMA): Promise<SchemaReference | undefined> {
  const text = await readFile(schema).catch(() => undefined);
  if (text === undefined) return undefined;
  // Real paths on both sides: a project reached through a symbolic link still holds its node_modules.
  const realSchema = await realpath(schema);
  const realOut = await realpath(outDir);
  const linksTo = (path: string) => {
    try {
      return realpathSync(path) === realSchema;
    } catch {
      return false;
    }
  };
  const path = portableSchemaPath(realSchema, realOut, linksTo);
  if (path !== undefined) return { reference: path, copied: false };
  const copy = join(outDir, SCHEMA_COPY);
  // Written only when it differs, so a re-export leaves an unchanged directory untouched; a file of that
  // name that is not a tenantctl schema is the user's, never overwritten.
  const existing = await readFile(copy).catch(() => undefined);
  if (existing !== undefined && !existing.equals(text) && !isOurs(existing)) return { copied: false, kept: true };
  if (existing === undefined || !existing.equals(text)) await writeFile(copy, text);
  return { reference: SCHEMA_COPY, copied: true };
}

/** The line of the command's report that says the schema was copied, and why (or why it was not). */
export function schemaCopyNote(out: string, schema?: SchemaReference): string {
  if (schema?.kept)
    return (
      `Left ${join(out, SCHEMA_COPY)} as it is: it is not tenantctl's schema, and tenantctl would have copied its own ` +
      `there. The manifests carry no schema comment; rename that file and run again to get one.\n`
    );
  if (!schema?.copied) return '';
  return (
    `Wrote ${join(out, SCHEMA_COPY)}, the schema editors read (each file's first line points at it): this tenantctl ` +
    `is not installed in a project that holds ${out}, so a path to its own copy would break elsewhere. Commit it with the manifests.\n`
  );
}
