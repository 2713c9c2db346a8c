import type { ApplyResult } from '../apply/apply.js';
import { escapeHtml } from './markdown-text.js';
import { renderApplyText } from './plan-text.js';
import { noStyle } from './style.js';

/**
 * An apply's result for `--output markdown`, in the text result's words. The text itself, printed below
 * the markdown plan, ran together into one paragraph on GitHub ("Failed: ✗ create clients/Web: POST ...
 * Run tenantctl apply again"), with an API message's `<...>` taken for markup: here the summary is bold,
 * each change a list item, and every line escaped.
 */
export function renderApplyMarkdown(result: ApplyResult): string {
  const [summary = '', ...rest] = renderApplyText(result, noStyle).trimEnd().split('\n');
  const lines = [`**${escapeHtml(summary)}**`];
  // The text result indents each change under its heading (Applied:, Failed:, Not attempted:).
  for (const line of rest) lines.push(...(line.startsWith('  ') ? [`- ${escapeHtml(line.trim())}`] : ['', escapeHtml(line)]));
  return `${lines.join('\n')}\n`;
}
