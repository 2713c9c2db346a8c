import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { TenantctlError } from '../errors.js';
import { makeDirectory } from '../make-dir.js';
import { planDocument, sealPlanText, serializePlan } from '../plan/file.js';
import type { Plan } from '../plan/types.js';
import { driftDocument } from '../render/drift-json.js';
import type { DiagnosticJson } from './load.js';
import { renderPlanMarkdown } from '../render/plan-markdown.js';
import { notInManifests, renderPlanText } from '../render/plan-text.js';
import type { Io, Out, OutputFormat } from './io.js';
import { makePlan, type PlanningOptions } from './planning.js';

/** `--fleet FILE [--parallel N]`: run the command for every tenant of a fleet file instead of one DIR. */
export interface FleetFlags {
  fleet?: string;
  parallel?: string;
}

/** The tenant directory a one-tenant run needs; without it, the usage error says both ways to call. */
export function needDir(dir: string | undefined, command: string): string {
  if (dir) return dir;
  throw new TenantctlError('usage', `${command} needs a tenant directory (DIR) or --fleet FILE`, {
    hint: `E.g. tenantctl ${command} examples/tenants/acme --env dev`,
  });
}

/** Fleet runs live in src/fleet, loaded only when --fleet is given. */
export async function runAsFleet(
  command: 'plan' | 'apply' | 'drift',
  dir: string | undefined,
  options: FleetFlags & { output: OutputFormat },
  io: Io,
  out: Out,
): Promise<number> {
  const { fleetCommand } = await import('../fleet/command.js');
  return fleetCommand(command, dir, { ...options, fleet: options.fleet as string }, io, out);
}

export interface PlanCommandOptions extends PlanningOptions, FleetFlags {
  out?: string;
  output: OutputFormat;
  detailedExitcode?: boolean;
}

/**
 * The manifests' warnings (an unused keyword, a stray file) as `--output json` gives them. Text output
 * has them on stderr already; a JSON reader or a PR comment only sees stdout, where they were missing.
 */
export function manifestWarnings(out: Out): DiagnosticJson[] {
  const list = out.context.diagnostics;
  return Array.isArray(list) ? (list as DiagnosticJson[]) : [];
}

export function printPlan(plan: Plan, format: OutputFormat, out: Out, mode: 'plan' | 'drift' = 'plan') {
  const warnings = manifestWarnings(out);
  if (format === 'json') {
    const document = mode === 'drift' ? driftDocument(plan) : planDocument(plan);
    out.printJson(warnings.length > 0 ? { ...document, diagnostics: warnings } : document);
  } else if (format === 'markdown') out.print(renderPlanMarkdown(plan, mode, warnings));
  else out.print(renderPlanText(plan, out.style, mode));
}

async function writeOrExplain(file: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    // `--out plans` for an existing directory: Node's "EISDIR: illegal operation on a directory" and a
    // hint about write access sent users looking at permissions; --out names the file itself.
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') {
      throw new TenantctlError('plan_out', `cannot write the plan to ${file}: it is a directory`, {
        hint: `--out names the plan file itself, e.g. --out ${join(file, 'plan.json')}.`,
      });
    }
    throw new TenantctlError('plan_out', `cannot write the plan to ${file}: ${(error as Error).message}`, {
      hint: 'Pass --out a path in a directory you can write to.',
    });
  }
}

export async function planCommand(
  dirArg: string | undefined,
  options: PlanCommandOptions,
  io: Io,
  out: Out,
): Promise<number> {
  if (options.fleet) return runAsFleet('plan', dirArg, options, io, out);
  const dir = needDir(dirArg, 'plan');
  const file = options.out === undefined ? undefined : resolve(io.cwd, options.out);
  // The directory is made before any work, so a plan is never computed only to be lost.
  if (file) await writeOrExplain(file, () => makeDirectory(dirname(file)));
  const { plan, connection } = await makePlan(dir, options, io, out);
  await connection.close();
  // A JSON document is printed once the file is written: if the write fails, the error's document
  // (program.ts) carries the plan, as apply's carries its result so far, and stdout stays one document.
  const json = options.output === 'json';
  if (json) out.context.plan = planDocument(plan);
  else printPlan(plan, options.output, out);
  if (file && options.out) {
    await writeOrExplain(file, () => writeFile(file, sealPlanText(out.redact(serializePlan(plan)))));
    out.note(
      `Saved the plan to ${options.out}; apply exactly it with: tenantctl apply --plan ${options.out}\n`,
    );
  }
  if (json) printPlan(plan, 'json', out);
  return options.detailedExitcode && plan.changes.length > 0 ? 2 : 0;
}

export async function driftCommand(
  dirArg: string | undefined,
  options: PlanningOptions & FleetFlags & { output: OutputFormat },
  io: Io,
  out: Out,
) {
  if (options.fleet) return runAsFleet('drift', dirArg, options, io, out);
  const dir = needDir(dirArg, 'drift');
  // Drift is the plan read the other way round: every change it would make is a difference to report,
  // and live objects a managed section does not declare are listed apart (deleted only with --allow-delete).
  const { plan, connection } = await makePlan(dir, options, io, out);
  await connection.close();
  printPlan(plan, options.output, out, 'drift');
  return plan.changes.length > 0 || notInManifests(plan).length > 0 ? 2 : 0;
}
