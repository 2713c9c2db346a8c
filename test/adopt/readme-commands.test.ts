import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { usageProblem } from '../../src/program.js';

/** Every `tenantctl …` command in the README's shell blocks, as words, with `#` comments and redirections cut. */
async function readmeCommands(): Promise<string[][]> {
  const text = await readFile('README.md', 'utf8');
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  const commands: string[][] = [];
  for (const line of blocks.flatMap((b) => b.split('\n'))) {
    const at = line.search(/(^|\s)(npx )?tenantctl\s/);
    if (at < 0) continue;
    const rest = line.slice(line.indexOf('tenantctl', at) + 'tenantctl'.length).replace(/\s#.*$/, '');
    const words = rest.match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
    const args: string[] = [];
    for (const word of words) {
      if (/^(>|>>|\||&&|;|&)$/.test(word)) break;
      args.push(word.replace(/^["']|["']$/g, ''));
    }
    commands.push(args);
  }
  return commands;
}

describe('the README', () => {
  it('shows only tenantctl commands the CLI accepts', async () => {
    const commands = await readmeCommands();
    expect(commands.length).toBeGreaterThan(10);
    for (const args of commands) expect(await usageProblem(args), `tenantctl ${args.join(' ')}`).toBeUndefined();
  });
});
