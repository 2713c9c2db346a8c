import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { TenantctlError } from './errors.js';

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  // The parent exists (it was found first), so this file system takes no new directory there (/proc, /sys).
  ENOENT: 'this file system does not take new directories there',
};

const reasonOf = (error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return REASONS[code] ?? (code || (error as Error).message);
};

/**
 * `mkdir -p` that fails at once. Node's `mkdir(path, { recursive: true })` never settles for a path under
 * /proc (`plan --out /proc/x/plan.json` spun at full CPU until killed, Node 20): here the nearest ancestor
 * that exists is found first and each missing level is made on its own, so the first level that cannot be
 * made is a one-line error naming it. `what` names the option the path came from (`--out`).
 */
export async function makeDirectory(path: string, what?: string): Promise<void> {
  const fail = (dir: string, reason: string) =>
    new TenantctlError('cannot_create_directory', `${what ? `${what}: ` : ''}cannot create the directory ${dir}: ${reason}`, {
      hint: 'Name a path in a directory you can write to.',
    });
  const missing: string[] = [];
  let at = resolve(path);
  let info = await stat(at).catch(() => undefined);
  while (info === undefined && dirname(at) !== at) {
    missing.unshift(at);
    at = dirname(at);
    info = await stat(at).catch(() => undefined);
  }
  if (info !== undefined && !info.isDirectory()) throw fail(missing[0] ?? at, `${at} is a file, not a directory`);
  for (const dir of missing) {
    try {
      await mkdir(dir);
    } catch (error) {
      // Made meanwhile by another run: as good as made here.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(dir).catch(() => undefined))?.isDirectory()) continue;
      throw fail(dir, reasonOf(error));
    }
  }
}
