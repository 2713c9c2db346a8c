#!/usr/bin/env node
import './v8-flags.js';
import { createInterface } from 'node:readline/promises';
import { run } from './program.js';

async function prompt(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

const code = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  prompt: process.stdin.isTTY ? prompt : undefined,
});
process.exit(code);
