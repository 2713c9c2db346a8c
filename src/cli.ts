#!/usr/bin/env node
import './v8-flags.js';
import { run } from './program.js';

async function prompt(question: string): Promise<string> {
  // Loaded when a question is asked: most runs (CI, --auto-approve, plan) never ask one.
  const { createInterface } = await import('node:readline/promises');
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
