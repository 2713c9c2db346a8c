import { execFile } from 'node:child_process';
import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * The CLI as users run it, compiled and bundled (scripts/bundle.mjs) into a private directory (dist/ may be
 * stale), node_modules linked. Returns the directory (remove it afterwards: that removes the link, not what
 * it points at) and the bundle's cli.js.
 */
export async function buildCli(): Promise<{ dir: string; cli: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'tenantctl-build-'));
  await writeFile(join(dir, 'package.json'), '{"type":"module"}');
  await symlink(resolve('node_modules'), join(dir, 'node_modules'), 'dir');
  const tsc = resolve('node_modules/typescript/bin/tsc');
  // Type errors elsewhere still emit JavaScript; a missing cli.js fails where it is run.
  await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', join(dir, 'dist')]).catch(
    () => undefined,
  );
  await promisify(execFile)(process.execPath, [resolve('scripts/bundle.mjs'), join(dir, 'dist')]);
  return { dir, cli: join(dir, 'dist', 'bin', 'cli.js') };
}
