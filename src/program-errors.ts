import type { Command } from 'commander';
import type { Out, OutputFormat } from './commands/io.js';
import type { DiagnosticJson } from './commands/load.js';
import { diagnosticPlace, escapeHtml } from './render/markdown-text.js';

interface Failure {
  code: string;
  message: string;
  hint?: string | undefined;
}

/** The `--output` the command line asks for, read before commander has parsed it (a usage error may come first). */
function outputAsked(argv: string[]): OutputFormat | undefined {
  for (const [i, arg] of argv.entries()) {
    const value = /^(?:--output=|-o)(json|markdown|text)$/.exec(arg)?.[1] ?? ((arg === '--output' || arg === '-o') ? argv[i + 1] : undefined);
    if (value === 'json' || value === 'markdown' || value === 'text') return value;
  }
  return undefined;
}

/**
 * How a failure found before the command runs (a usage error) is printed on stdout, and the command's
 * name for it: the `--output` asked for only when the command named takes that format. A format the
 * command refuses (validate's markdown) or a command with no --output at all (emulator) gets the usage
 * error alone, as any other usage error: not a document in the format that error is about.
 */
export function outputWanted(argv: string[], program: Command): { format: OutputFormat | undefined; command: string } {
  let command = program;
  for (const arg of argv) {
    if (command.commands.length === 0) break;
    const sub = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (sub) command = sub;
  }
  const asked = outputAsked(argv);
  const takes = command.options.find((option) => option.long === '--output')?.argChoices ?? [];
  const name = command === program ? (argv.find((arg) => !arg.startsWith('-')) ?? 'tenantctl') : commandPath(command);
  return { format: asked !== undefined && takes.includes(asked) ? asked : undefined, command: name };
}

/** A subcommand as it is typed, `convert deploy-cli`, for a failure's heading. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
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
