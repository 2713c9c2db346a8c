import type { Plan } from '../plan/types.js';
import { fieldLines } from './field-lines.js';
import { countsLine, driftLine, NOT_IN_MANIFESTS, notInManifests, summaryLine } from './plan-text.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A field line in a table cell: the field's path in code, indentation kept as non-breaking spaces. */
function codeLine(line: string): string {
  const indent = line.length - line.trimStart().length;
  const text = line.trimStart();
  const colon = text.indexOf(':');
  const body = indent === 0 && colon > 0 ? `\`${text.slice(0, colon)}\`${text.slice(colon)}` : text;
  return `${'&nbsp;'.repeat(indent * 2)}${escapeHtml(body)}`;
}

/** Values are user data: `<script>` in a description must not become markup in a PR comment. */
const escapeHtml = (text: string) => text.replace(/&(?!nbsp;)/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** For pull-request comments and CI step summaries. */
export function renderPlanMarkdown(plan: Plan, mode: 'plan' | 'drift' = 'plan'): string {
  const lines = [
    `### tenantctl ${mode}: \`${plan.tenant}\`${plan.env ? ` (env \`${plan.env}\`)` : ''}`,
    '',
    `**${mode === 'drift' ? driftLine(plan) : summaryLine(plan)}**`,
    '',
  ];
  if (plan.changes.length > 0) {
    lines.push('| Action | Resource | Fields |', '| --- | --- | --- |');
    for (const c of plan.changes) {
      const fields = c.fields
        .map((f) => fieldLines(f, c.action, mode).map(codeLine).join('<br>'))
        .join('<br>');
      const action = c.title ?? (c.operation ? `${c.action} (${c.operation})` : c.action);
      const risk = c.risk ? `<br>**lock-out risk:** ${c.risk}` : '';
      lines.push(`| ${action} | \`${cell(c.address)}\` | ${cell(fields + risk)} |`);
    }
    lines.push('');
  }
  const skipped = notInManifests(plan);
  if (skipped.length > 0) {
    const title = mode === 'drift' ? NOT_IN_MANIFESTS : 'Would delete, skipped';
    lines.push(`<details><summary>${title} (${skipped.length})</summary>`, '');
    for (const s of skipped) lines.push(`- \`${s.address}\`: ${s.message}`);
    lines.push('', '</details>', '');
  }
  for (const w of plan.warnings) lines.push(`> **Warning:** ${w}`, '');
  for (const n of plan.notes) lines.push(`> ${n}`, '');
  const counts = countsLine(plan);
  if (counts) lines.push(counts, '');
  return `${lines.join('\n')}\n`;
}
