import type { Out, OutputFormat } from './commands/io.js';
import type { DiagnosticJson } from './commands/load.js';
import { diagnosticPlace, escapeHtml } from './render/markdown-text.js';

interface Failure {
  code: string;
  message: string;
  hint?: string | undefined;
}

/** The `--output` the command line asks for, read before commander has parsed it (a usage error may come first). */
export function outputWanted(argv: string[]): OutputFormat | undefined {
  for (const [i, arg] of argv.entries()) {
    const value = /^(?:--output=|-o)(json|markdown|text)$/.exec(arg)?.[1] ?? ((arg === '--output' || arg === '-o') ? argv[i + 1] : undefined);
    if (value === 'json' || value === 'markdown' || value === 'text') return value;
  }
  return undefined;
}

/** With `--output json`, stdout holds one JSON document even when the command fails: the error is it. */
export function failJson(out: Out, json: boolean, error: Failure) {
  if (!json || out.jsonPrinted) return;
  out.printJson({ ...out.context, error: { code: error.code, message: error.message, hint: error.hint ?? null } });
}

/** One manifest problem as a list item: severity, place, and the message and hint as text (user data escaped). */
function diagnosticLine(d: DiagnosticJson): string {
  const text = `[${d.code}] ${d.resource === null ? '' : `${d.resource}: `}${d.message}${d.hint ? `. ${d.hint}` : ''}`;
  return `- **${d.severity}** ${diagnosticPlace(d)}${escapeHtml(text).replace(/\s*\n\s*/g, ' ')}`;
}

/**
 * With `--output markdown` a failed run still says so on stdout: a CI step that posts stdout as a pull-request
 * comment or step summary posted an empty one, which reads as if nothing happened. The error as stderr has
 * it, then the manifests' problems; after whatever the run printed before it failed (a plan).
 */
export function failMarkdown(out: Out, command: string, error: Failure) {
  const [first = '', ...rest] = error.message.split('\n');
  const lines = [`### tenantctl ${escapeHtml(command)} failed`, '', `**Error** (\`${error.code}\`): ${escapeHtml(first)}`];
  const more = rest.map((line) => line.trim()).filter(Boolean);
  if (more.length > 0) lines.push('', ...more.map((line) => `- ${escapeHtml(line)}`));
  if (error.hint) lines.push('', `**Hint:** ${escapeHtml(error.hint)}`);
  const diagnostics = Array.isArray(out.context.diagnostics) ? (out.context.diagnostics as DiagnosticJson[]) : [];
  if (diagnostics.length > 0) lines.push('', ...diagnostics.map(diagnosticLine));
  out.print(`${lines.join('\n')}\n`);
}

/** The failure as the chosen output gives it on stdout: a JSON document, a markdown block, or nothing (text: stderr has it). */
export function failOutput(out: Out, run: { format: OutputFormat | undefined; command: string }, error: Failure) {
  if (run.format === 'json') failJson(out, true, error);
  else if (run.format === 'markdown') failMarkdown(out, run.command, error);
}
