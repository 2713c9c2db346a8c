import type { DiagnosticJson as Diagnostic } from '../commands/load.js';
import { cell, escapeHtml } from '../render/markdown-text.js';
import type { Style } from '../render/style.js';
import type { TenantRun } from './run.js';

export type FleetCommand = 'plan' | 'apply' | 'drift';

interface Summary {
  add: number;
  change: number;
  destroy: number;
}
interface ApplyResult {
  applied: string[];
  failed: { address: string; error: string }[];
  notAttempted: string[];
  /** Only when a signal stopped the apply: changes that may or may not have been made. */
  inFlight?: string[];
}

/** The fleet's exit code: any failure (1) outranks changes or drift (2), which outrank none (0). */
export function worstCode(runs: TenantRun[]): number {
  const codes = runs.map((r) => r.code);
  if (codes.some((c) => c !== 0 && c !== 2)) return 1;
  return codes.includes(2) ? 2 : 0;
}

function errorOf(run: TenantRun): { code: string; message: string; hint: string | null } | undefined {
  const error = run.document?.error as { code: string; message: string; hint?: string | null } | undefined;
  if (error) return { code: error.code, message: error.message, hint: error.hint ?? null };
  if (run.failure) return { code: 'tenant_process', message: run.failure, hint: null };
  return undefined;
}

function diagnosticsOf(run: TenantRun): Diagnostic[] {
  const list = run.document?.diagnostics;
  return Array.isArray(list) ? (list as Diagnostic[]) : [];
}

/** A tenant's manifest errors under its summary line, compiler style as a run alone prints them. */
function diagnosticLines(run: TenantRun): string[] {
  return diagnosticsOf(run)
    .filter((d) => d.severity === 'error')
    .map((d) => {
      const at = d.file === null ? '' : `${d.file}:${d.line ?? 0}:${d.column ?? 0} `;
      return `    ${at}${d.severity} [${d.code}] ${d.resource === null ? '' : `${d.resource}: `}${d.message}`;
    });
}

/** One tenant's entry of the fleet's JSON document: its name, exit code and what its own run printed. */
function tenantJson(command: FleetCommand, run: TenantRun): Record<string, unknown> {
  const doc = run.document ?? {};
  const entry: Record<string, unknown> = { name: run.name, code: run.code };
  const error = errorOf(run);
  if (command === 'apply') {
    if (doc.plan) entry.plan = doc.plan;
    if (doc.result) entry.result = doc.result;
  } else if (!error) entry[command] = doc;
  if (error) entry.error = error;
  // The error only counts the manifests' problems: without them the user must run the tenant alone to learn
  // what to fix.
  const diagnostics = diagnosticsOf(run);
  if (diagnostics.length > 0) entry.diagnostics = diagnostics;
  return entry;
}

export function fleetJson(command: FleetCommand, runs: TenantRun[]): unknown {
  return { tenants: runs.map((r) => tenantJson(command, r)), code: worstCode(runs) };
}

const counts = (s: Summary) => `${s.add} to add, ${s.change} to change, ${s.destroy} to destroy`;

function outcome(command: FleetCommand, run: TenantRun): string {
  const doc = run.document ?? {};
  const plan = (command === 'apply' ? (doc.plan as Record<string, unknown> | undefined) : doc) ?? {};
  const summary = plan.summary as Summary | undefined;
  const result = doc.result as ApplyResult | undefined;
  const error = errorOf(run);
  if (command === 'apply' && result) {
    const firstFailure = result.failed[0];
    const inFlight = result.inFlight ? `, in flight ${result.inFlight.length}` : '';
    const line = `applied ${result.applied.length}, failed ${result.failed.length}${inFlight}, not attempted ${result.notAttempted.length}${summary ? ` (plan: ${counts(summary)})` : ''}`;
    // An apply a signal stopped has a result so far and the error saying so.
    const stopped = error ? `; ${error.message.split('\n')[0]}` : '';
    return `${firstFailure ? `${line}; ${firstFailure.address}: ${firstFailure.error}` : line}${stopped}`;
  }
  if (error) return `error: ${error.message.split('\n')[0]}`;
  if (!summary) return 'no result';
  if (command === 'drift') {
    const undeclared = (doc.notInManifests as unknown[] | undefined)?.length ?? 0;
    const extra = undeclared > 0 ? `; ${undeclared} live object(s) not in manifests` : '';
    return doc.drifted ? `drift: ${counts(summary)}${extra}` : 'no drift';
  }
  return counts(summary);
}

/** The combined text summary: one line per tenant, then the fleet's verdict. */
export function fleetText(command: FleetCommand, runs: TenantRun[], style: Style): string {
  const width = Math.max(...runs.map((r) => r.name.length));
  const lines = runs.map((r) => {
    const code = `exit ${r.code}`;
    const paint = r.code === 0 ? style.green : r.code === 2 ? style.yellow : style.red;
    return [`  ${r.name.padEnd(width)}  ${paint(code)}  ${outcome(command, r)}`, ...diagnosticLines(r)].join('\n');
  });
  const failed = runs.filter((r) => r.code !== 0 && r.code !== 2).length;
  const verdict = `Fleet ${command}: ${runs.length} tenant(s), ${failed} failed; exit ${worstCode(runs)}`;
  return `${lines.join('\n')}\n${verdict}\n`;
}

const tableText = (text: string) => cell(escapeHtml(text));

/** The combined summary for a pull-request comment or CI step summary: one row per tenant, problems below. */
export function fleetMarkdown(command: FleetCommand, runs: TenantRun[]): string {
  const failed = runs.filter((r) => r.code !== 0 && r.code !== 2).length;
  const lines = [
    `### tenantctl ${command} --fleet: ${runs.length} tenant(s), ${failed} failed (exit ${worstCode(runs)})`,
    '',
    '| tenant | exit | outcome |',
    '| --- | ---: | --- |',
    ...runs.map((r) => `| ${tableText(r.name)} | ${r.code} | ${tableText(outcome(command, r))} |`),
  ];
  for (const r of runs) {
    const problems = diagnosticLines(r);
    if (problems.length > 0) lines.push('', `**${tableText(r.name)}**:`, '', ...problems.map((p) => `- \`${p.trim()}\``));
  }
  return `${lines.join('\n')}\n`;
}

