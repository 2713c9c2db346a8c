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
  /** Print the command's one JSON document (`--output json`): stdout then holds nothing else. */
  printJson(document: unknown): void;
  /** Whether the JSON document was printed; if not when a command fails, the error becomes it. */
  readonly jsonPrinted: boolean;
  /** What a command knew before it failed (the plan, diagnostics), kept for the error's JSON document. */
  context: Record<string, unknown>;
}

/**
 * A JSON document as stdout takes it: indented for a person at a terminal, on one line for the program a
 * pipe or file feeds (as `gh api` does). A plan of 8,000 creates is 6.9 MB indented and 4.2 MB not, and
 * writing the difference cost a scheduled job ~0.05 s of CPU for nobody to read it (issue #11).
 */
export const jsonFor = (stream: Stream, document: unknown): string =>
  `${stream.isTTY ? JSON.stringify(document, null, 2) : JSON.stringify(document)}\n`;

export function output(io: Io): Out {
  let redact = (text: string) => text;
  let jsonPrinted = false;
  return {
    print: (text) => io.stdout.write(redact(text)),
    printJson(document) {
      jsonPrinted = true;
      io.stdout.write(redact(jsonFor(io.stdout, document)));
    },
    get jsonPrinted() {
      return jsonPrinted;
    },
    context: {},
    note: (text) => io.stderr.write(redact(text)),
    style: styleFor(io.stdout, io.env),
    errStyle: styleFor(io.stderr, io.env),
    setSecrets(secrets) {
      redact = redactor(secrets);
    },
    redact: (text) => redact(text),
  };
}

/** A command's decision to end with an exit code after it already said why (`reason` is for JSON output). */
export class Exit extends Error {
  constructor(
    readonly code: number,
    readonly reason?: { code: string; message: string },
  ) {
    super(reason?.message ?? `exit ${code}`);
  }
}
