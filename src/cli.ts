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

// Set before anything is written: a reader that stops early (`| head`) makes later writes fail with EPIPE,
// and nobody is left to read the rest, so the run carries on and ends with its own code, no stack trace.
// Any other failure (a full disk behind `> out.json`) means the output is lost: the run must not say 0.
let lostOutput: NodeJS.ErrnoException | undefined;
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') lostOutput ??= error;
  });

const code = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  prompt: process.stdin.isTTY ? prompt : undefined,
});
// A pipe takes what fits in its buffer (64-128 kB) and Node queues the rest: exiting at once cut a large
// `plan --output json | jq` short. Each stream's callback runs once everything written before it is out.
// A stream that failed (EPIPE) calls back at once.
const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
if (lostOutput && code === 0) {
  process.stderr.write(`Error: the output could not be written (${lostOutput.code ?? lostOutput.message})\n`);
  process.exit(1);
}
process.exit(code);
