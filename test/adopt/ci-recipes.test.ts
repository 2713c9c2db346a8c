import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { usageProblem } from '../../src/program.js';

const DIR = 'examples/ci';

/** Every shell text in a workflow: GitHub steps' `run`, GitLab jobs' `script`/`before_script` entries. */
function shellTexts(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) shellTexts(item, out);
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'run' && typeof value === 'string') out.push(value);
      else if ((key === 'script' || key === 'before_script') && Array.isArray(value))
        out.push(...value.filter((v): v is string => typeof v === 'string'));
      else shellTexts(value, out);
    }
  }
  return out;
}

/** The words after `tenantctl` up to a redirection or another command, quotes removed, variables filled. */
function tenantctlArgs(line: string): string[] | undefined {
  const at = line.search(/\btenantctl\s/);
  if (at < 0) return undefined;
  const words = line.slice(at + 'tenantctl'.length).match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
  const args: string[] = [];
  for (const word of words) {
    if (/^(>|>>|\||\|\||&&|;|2>)/.test(word)) break;
    args.push(word.replace(/^["']|["']$/g, '').replace(/\$\{?\w+\}?/g, 'x'));
  }
  return args;
}

describe('CI recipes', async () => {
  const files = (await readdir(DIR, { recursive: true })).filter((f) => /\.ya?ml$/.test(f));

  it('ship GitHub Actions and GitLab CI files with plan, apply and drift jobs', () => {
    expect(files.some((f) => f.startsWith('github/'))).toBe(true);
    expect(files.some((f) => f.startsWith('gitlab/'))).toBe(true);
  });

  for (const file of files) {
    it(`${file} parses and every tenantctl command in it is accepted by the CLI`, async () => {
      const doc = parse(await readFile(join(DIR, file), 'utf8'));
      const commands = shellTexts(doc)
        .flatMap((text) => text.split('\n'))
        .map(tenantctlArgs)
        .filter((a): a is string[] => a !== undefined);
      expect(commands.length).toBeGreaterThan(0);
      for (const args of commands) expect(await usageProblem(args), args.join(' ')).toBeUndefined();
    });
  }

  it('the checker itself refuses a misspelt flag', async () => {
    expect(await usageProblem(['plan', 'dir', '--env', 'prod', '--detailed-exit-code'])).toMatch(/unknown option/);
  });
});
