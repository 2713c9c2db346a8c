import type { ApplyResult } from '../apply/apply.js';
import type { Change, Plan } from '../plan/types.js';
import type { Style } from './style.js';
import { fieldLines } from './field-lines.js';

/** Thousands of user changes would bury the rest of a plan: show this many per kind in text. */
const PER_KIND = 200;

/** Lists in an apply report are cut at this length; the counts stay exact. */
const LIST_MAX = 50;

function capped(items: string[]): string[] {
  return items.length <= LIST_MAX ? items : [...items.slice(0, LIST_MAX), `  (${items.length - LIST_MAX} more, not listed)`];
}

const SYMBOL: Record<Change['action'], string> = { create: '+', update: '~', delete: '-', replace: '-/+' };

export function summaryLine(plan: Plan): string {
  const { add, change, destroy } = plan.summary;
  if (plan.changes.length === 0) return 'No changes. The tenant matches the manifests.';
  return `Plan: ${add} to add, ${change} to change, ${destroy} to destroy.`;
}

function colourFor(style: Style, action: Change['action']) {
  return action === 'create' ? style.green : action === 'update' ? style.yellow : style.red;
}

/** `+ item` green and `- item` red, so added and removed list items stand out. */
function paintItem(line: string, style: Style): string {
  if (line.startsWith('  + ')) return `  ${style.green('+')}${line.slice(3)}`;
  if (line.startsWith('  - ')) return `  ${style.red('-')}${line.slice(3)}`;
  return line;
}

function changeLines(change: Change, style: Style, mode: 'plan' | 'drift'): string[] {
  const paint = colourFor(style, change.action);
  const what = change.operation
    ? style.dim(` (${change.operation})`)
    : change.action === 'replace'
      ? style.dim(' (replace: a field that cannot change in place differs)')
      : '';
  const lines = change.title
    ? [`  ${paint(SYMBOL[change.action])} ${style.bold(change.title)} ${style.dim(`(${change.address})`)}`]
    : [`  ${paint(SYMBOL[change.action])} ${style.bold(change.address)}${what}`];
  if (change.note) lines.push(style.dim(`      ${change.note}`));
  if (change.risk) lines.push(style.red(`      ! lock-out risk: ${change.risk}`));
  for (const field of change.fields) {
    for (const line of fieldLines(field, change.action, mode)) lines.push(`      ${paintItem(line, style)}`);
  }
  if (change.action === 'delete' && mode === 'drift')
    lines.push('      exists in the tenant but not in the manifests');
  return lines;
}

/** The human plan: one block per change, skips and warnings, then the summary line. */
export function renderPlanText(plan: Plan, style: Style, mode: 'plan' | 'drift' = 'plan'): string {
  const lines: string[] = [];
  const title = mode === 'drift' ? 'Drift check' : 'Plan';
  lines.push(style.dim(`${title} for tenant ${plan.tenant}${plan.env ? ` (env ${plan.env})` : ''}`), '');
  const shown = new Map<string, number>();
  for (const change of plan.changes) {
    const n = (shown.get(change.kind) ?? 0) + 1;
    shown.set(change.kind, n);
    if (n <= PER_KIND) lines.push(...changeLines(change, style, mode));
  }
  for (const [kind, n] of shown) {
    if (n > PER_KIND) lines.push(style.dim(`  (${n - PER_KIND} more ${kind} change(s) not shown; --output json lists every change)`));
  }
  const wouldDelete = notInManifests(plan);
  const protectedOnes = plan.skipped.filter((s) => s.reason === 'protected');
  if (wouldDelete.length > 0) {
    if (lines.length > 2) lines.push('');
    lines.push(style.yellow(`${mode === 'drift' ? NOT_IN_MANIFESTS : 'Would delete, skipped'} (${wouldDelete.length}):`));
    const { shown: listed, hidden } = firstPerKind(wouldDelete, UNDECLARED_PER_KIND);
    for (const s of listed) lines.push(`  ${style.yellow('!')} ${s.address}: ${s.message}`);
    for (const [kind, n] of hidden) lines.push(style.dim(`  (${n} more ${kind} not in the manifests; --output json lists every one, \`exclude:\` hides objects kept by hand)`));
  }
  if (protectedOnes.length > 0) {
    lines.push('', style.dim(`Protected, never planned (${protectedOnes.length}):`));
    for (const s of protectedOnes) lines.push(style.dim(`  · ${s.address}: ${s.message}`));
  }
  const untargeted = plan.skipped.filter((s) => s.reason === 'untargeted');
  if (untargeted.length > 0)
    lines.push(
      '',
      style.dim(
        `Left out by --target (${untargeted.length}): ${untargeted.map((s) => s.address).join(', ')}`,
      ),
    );
  // Warnings and notes stand apart from the last change's block above them.
  if (plan.warnings.length + plan.notes.length > 0 && lines.length > 2 && lines[lines.length - 1] !== '') lines.push('');
  for (const w of plan.warnings) lines.push(style.yellow(`Warning: ${w}`));
  for (const n of plan.notes) lines.push(style.dim(`Note: ${n}`));
  const counts = countsLine(plan);
  if (counts) lines.push('', style.dim(counts));
  if (lines.length > 2) lines.push('');
  lines.push(mode === 'drift' ? driftLine(plan) : summaryLine(plan));
  return `${lines.join('\n')}\n`;
}

/** How drift heads live objects a managed section does not declare, when apply would not delete them. */
export const NOT_IN_MANIFESTS = 'Not in manifests (apply --allow-delete would delete them)';

/**
 * Undeclared live objects are listed up to this many per kind: a kind managed in part (a tenant being
 * adopted) can have thousands, and the changes must stay readable above the summary.
 */
export const UNDECLARED_PER_KIND = 20;

/** The first `limit` entries of each kind, and how many of each kind were left out. */
export function firstPerKind<T extends { kind: string }>(list: T[], limit: number): { shown: T[]; hidden: Map<string, number> } {
  const seen = new Map<string, number>();
  const hidden = new Map<string, number>();
  const shown = list.filter((entry) => {
    const n = (seen.get(entry.kind) ?? 0) + 1;
    seen.set(entry.kind, n);
    if (n > limit) hidden.set(entry.kind, n - limit);
    return n <= limit;
  });
  return { shown, hidden };
}

/** Live objects of managed kinds that no item declares and that this plan does not delete. */
export function notInManifests(plan: Plan) {
  return plan.skipped.filter((s) => s.reason === 'would-delete');
}

/**
 * Drift is what a plan would change, plus apart the undeclared live objects; they are counted as
 * "to destroy" only when the plan deletes them (--allow-delete).
 */
export function driftLine(plan: Plan): string {
  const extra = notInManifests(plan).length;
  if (plan.changes.length === 0 && extra === 0) return 'No changes. The tenant matches the manifests.';
  const { add, change, destroy } = plan.summary;
  const parts = [
    plan.changes.length > 0
      ? `${plan.changes.length} resource(s) differ from the manifests (${add} to add, ${change} to change, ${destroy} to destroy)`
      : 'no declared resource differs',
    ...(extra > 0 ? [`${extra} live object(s) not in manifests`] : []),
  ];
  return `Drift: ${parts.join('; ')}.`;
}

/** `Managed: clients 3 (1 unmanaged, 1 skipped), clientGrants 2`: what the plan looked at, per kind. */
export function countsLine(plan: Plan): string | undefined {
  const parts = Object.entries(plan.counts).map(([kind, c]) => {
    const extra = [
      c.unmanaged ? `${c.unmanaged} unmanaged` : '',
      c.skipped - c.unmanaged ? `${c.skipped - c.unmanaged} skipped` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return `${kind} ${c.managed}${extra ? ` (${extra})` : ''}`;
  });
  return parts.length > 0 ? `Managed: ${parts.join(', ')}` : undefined;
}

const PAST: Record<Change['action'], string> = {
  create: 'created',
  update: 'updated',
  delete: 'deleted',
  replace: 'replaced',
};

/**
 * An apply a signal stopped: what was made, what was on the wire (the one part that may or may not have
 * landed) and what never went out, so nobody has to diff the tenant to learn it.
 */
function renderStopped(result: ApplyResult, signal: NodeJS.Signals, style: Style): string {
  const inFlight = result.inFlight ?? [];
  const failed = result.failed.length > 0 ? `${result.failed.length} failed, ` : '';
  const lines = [
    style.red(
      `Apply stopped by ${signal}: ${result.applied.length} change(s) applied, ${failed}${inFlight.length} in flight, ${result.skipped.length} not started.`,
    ),
  ];
  if (result.applied.length > 0) lines.push('Applied:', ...capped(result.applied.map((c) => `  ${style.green('✓')} ${pastTense(c)}`)));
  if (result.failed.length > 0)
    lines.push('Failed:', ...result.failed.map(({ change, error }) => `  ${style.red('✗')} ${change.action} ${change.address}: ${error.message}`));
  if (inFlight.length > 0)
    lines.push('In flight when stopped (may or may not have been made):', ...capped(inFlight.map((c) => `  ? ${c.action} ${c.address}`)));
  if (result.skipped.length > 0) lines.push('Not started:', ...capped(result.skipped.map((c) => `  · ${c.action} ${c.address}`)));
  const wait = inFlight.length > 0 ? 'Changes in flight may still land: give them a minute, then run' : 'Run';
  lines.push(`${wait} \`tenantctl apply\` again: it plans from the live tenant and converges.`);
  return `${lines.join('\n')}\n`;
}

export function renderApplyText(result: ApplyResult, style: Style): string {
  if (result.stoppedBy) return renderStopped(result, result.stoppedBy, style);
  const count = (a: Change['action'][]) => result.applied.filter((c) => a.includes(c.action)).length;
  if (result.failed.length === 0) {
    return `Apply complete: ${count(['create', 'replace'])} added, ${count(['update'])} changed, ${count(['delete', 'replace'])} destroyed.\n`;
  }
  const lines = [
    style.red(
      `Apply failed: ${result.applied.length} change(s) applied, ${result.failed.length} failed, ${result.skipped.length} not attempted.`,
    ),
  ];
  if (result.applied.length > 0)
    lines.push(
      'Applied:',
      ...capped(result.applied.map((c) => `  ${style.green('✓')} ${pastTense(c)}`)),
    );
  lines.push(
    'Failed:',
    ...result.failed.map(
      ({ change, error }) => `  ${style.red('✗')} ${change.action} ${change.address}: ${error.message}`,
    ),
  );
  if (result.skipped.length > 0)
    lines.push('Not attempted:', ...capped(result.skipped.map((c) => `  · ${c.action} ${c.address}`)));
  lines.push(
    'Run `tenantctl apply` again once the cause is fixed: it plans from the live tenant and converges.',
  );
  return `${lines.join('\n')}\n`;
}

/** What a change did, in the past tense: the key a revoke removed, not only the policy it came from. */
function pastTense(change: Change): string {
  if (change.kind === 'signingKeys' && change.operation === 'revoke')
    return `revoked signing key ${change.id ?? ''} (${change.address})`;
  return `${PAST[change.action]} ${change.address}`;
}

export function progressLine(change: Change, state: 'done' | 'failed', style: Style): string {
  return state === 'done'
    ? `  ${style.green('✓')} ${pastTense(change)}\n`
    : `  ${style.red('✗')} ${change.title ?? `${change.action} ${change.address}`}\n`;
}
