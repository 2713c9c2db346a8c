import type { FieldChange, Plan } from '../plan/types.js';
import { countsLine, driftLine, NOT_IN_MANIFESTS, notInManifests, summaryLine } from './plan-text.js';
import { show } from './values.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

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
      const value = (f: FieldChange, v: FieldChange['to'], max: number) =>
        f.sensitive ? '(sensitive)' : show(v, max);
      const fields = c.fields
        .map((f) =>
          c.action === 'create'
            ? `\`${f.path}\`: ${value(f, f.to, 80)}`
            : `\`${f.path}\`: ${value(f, f.from, 60)} → ${value(f, f.to, 60)}`,
        )
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
