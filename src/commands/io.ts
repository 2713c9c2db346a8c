import { redactor } from '../redact.js';
import { type Style, styleFor } from '../render/style.js';

export interface Stream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Everything a command touches of the outside world, so tests can run commands in-process. */
export interface Io {
  stdout: Stream;
  stderr: Stream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Ask the user a question on a terminal; undefined when there is none (CI). */
  prompt?: (question: string) => Promise<string>;
}

export type OutputFormat = 'text' | 'json' | 'markdown';

/** Output that can never carry a sensitive value: every write goes through the redactor. */
export interface Out {
  print(text: string): void;
  note(text: string): void;
  style: Style;
  errStyle: Style;
  setSecrets(secrets: readonly string[]): void;
  /** For text that leaves by another way than print and note (plan files). */
  redact(text: string): string;
}

export function output(io: Io): Out {
  let redact = (text: string) => text;
  return {
    print: (text) => io.stdout.write(redact(text)),
    note: (text) => io.stderr.write(redact(text)),
    style: styleFor(io.stdout, io.env),
    errStyle: styleFor(io.stderr, io.env),
    setSecrets(secrets) {
      redact = redactor(secrets);
    },
    redact: (text) => redact(text),
  };
}

/** A command's decision to end with an exit code after it already said why. */
export class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
