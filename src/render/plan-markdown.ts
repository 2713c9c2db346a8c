import type { DiagnosticJson } from '../commands/load.js';
import type { Plan } from '../plan/types.js';
import { fieldLines } from './field-lines.js';
import { cell, diagnosticPlace, escapeHtml } from './markdown-text.js';
import { countsLine, driftLine, firstPerKind, NOT_IN_MANIFESTS, notInManifests, summaryLine, UNDECLARED_PER_KIND } from './plan-text.js';

/**
 * A GitHub comment holds at most 65,536 characters, and a longer one is refused whole: rows stop here, and
 * the rest is counted instead (the full plan is `--output json`).
 */
const ROWS_BUDGET = 55_000;

/** A field line in a table cell: the field's path in code, indentation kept as non-breaking spaces. */
function codeLine(line: string): string {
  const indent = line.length - line.trimStart().length;
  const text = line.trimStart();
  const colon = text.indexOf(':');
  const body = indent === 0 && colon > 0 ? `\`${text.slice(0, colon)}\`${text.slice(colon)}` : text;
  return `${'&nbsp;'.repeat(indent * 2)}${escapeHtml(body)}`;
}

/** For pull-request comments and CI step summaries; `manifestWarnings` as `--output json` gives them. */
export function renderPlanMarkdown(plan: Plan, mode: 'plan' | 'drift' = 'plan', manifestWarnings: DiagnosticJson[] = []): string {
  const lines = [
    `### tenantctl ${mode}: \`${plan.tenant}\`${plan.env ? ` (env \`${plan.env}\`)` : ''}`,
    '',
    `**${mode === 'drift' ? driftLine(plan) : summaryLine(plan)}**`,
    '',
  ];
  if (plan.changes.length > 0) {
    lines.push('| Action | Resource | Fields |', '| --- | --- | --- |');
    let size = 0;
    let left = 0;
    for (const c of plan.changes) {
      if (size > ROWS_BUDGET) {
        left += 1;
        continue;
      }
      const fields = c.fields
        .map((f) => fieldLines(f, c.action, mode).map(codeLine).join('<br>'))
        .join('<br>');
      const action = c.title ?? (c.operation ? `${c.action} (${c.operation})` : c.action);
      const risk = c.risk ? `<br>**lock-out risk:** ${c.risk}` : '';
      const row = `| ${action} | \`${cell(c.address)}\` | ${cell(fields + risk)} |`;
      size += row.length;
      lines.push(row);
    }
    if (left > 0) lines.push('', `_${left} more change(s) not shown: the comment would be too long; \`--output json\` lists every change._`);
    lines.push('');
  }
  const skipped = notInManifests(plan);
  if (skipped.length > 0) {
    const title = mode === 'drift' ? NOT_IN_MANIFESTS : 'Would delete, skipped';
    lines.push(`<details><summary>${title} (${skipped.length})</summary>`, '');
    const { shown, hidden } = firstPerKind(skipped, UNDECLARED_PER_KIND);
    for (const s of shown) lines.push(`- \`${s.address}\`: ${s.message}`);
    for (const [kind, n] of hidden) lines.push(`- _${n} more ${kind}; \`--output json\` lists every one_`);
    lines.push('', '</details>', '');
  }
  for (const w of plan.warnings) lines.push(`> **Warning:** ${w}`, '');
  for (const w of manifestWarnings)
    lines.push(`> **Warning:** ${diagnosticPlace(w)}[${w.code}] ${escapeHtml(`${w.resource === null ? '' : `${w.resource}: `}${w.message}`)}`, '');
  for (const n of plan.notes) lines.push(`> ${n}`, '');
  const counts = countsLine(plan);
  if (counts) lines.push(counts, '');
  return `${lines.join('\n')}\n`;
}
