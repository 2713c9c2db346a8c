import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { run } from '../../src/program.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run tenantctl in-process exactly as the bin would, capturing its output (never a TTY: no colour). */
export async function tenantctl(
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; answer?: string } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { ...options.env },
    cwd: options.cwd ?? process.cwd(),
    // A terminal user typing `answer` at the confirmation prompt; no prompt at all when undefined (CI).
    ...(options.answer === undefined ? {} : { prompt: async () => options.answer as string }),
  });
  return { code, stdout, stderr };
}

/** Write a tenant directory from `{ 'tenant.yaml': '...', 'environments/dev.yaml': '...' }`. */
export async function writeTenant(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tenantctl-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

/** Environment variables that point tenantctl at a running emulator. */
export function emulatorEnv(emulator: {
  url: string;
  clientId: string;
  clientSecret: string;
}): Record<string, string> {
  return {
    AUTH0_DOMAIN: emulator.url,
    AUTH0_CLIENT_ID: emulator.clientId,
    AUTH0_CLIENT_SECRET: emulator.clientSecret,
  };
}
