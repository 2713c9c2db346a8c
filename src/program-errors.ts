import type { Out } from './commands/io.js';

/** Whether the command line asks for JSON, read before commander has parsed it (a usage error may come first). */
export function wantsJson(argv: string[]): boolean {
  return argv.some((arg, i) => arg === '--output=json' || arg === '-ojson' || ((arg === '--output' || arg === '-o') && argv[i + 1] === 'json'));
}

/** With `--output json`, stdout holds one JSON document even when the command fails: the error is it. */
export function failJson(out: Out, json: boolean, error: { code: string; message: string; hint?: string | undefined }) {
  if (!json || out.jsonPrinted) return;
  out.printJson({ ...out.context, error: { code: error.code, message: error.message, hint: error.hint ?? null } });
}
