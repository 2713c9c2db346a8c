import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readLive } from '../api/read-live.js';
import { apply } from '../apply/apply.js';
import { TenantctlError } from '../errors.js';
import { parsePlan, planDocument } from '../plan/file.js';
import { unsetSecretsSent } from '../unset-secret.js';
import { staleReasons } from '../plan/stale.js';
import { forbiddenReason, kindsToCheck, riskOf } from '../plan/risk.js';
import type { Live, Plan } from '../plan/types.js';
import { secretTextsOfVariable } from '../redact.js';
import { renderApplyMarkdown } from '../render/apply-markdown.js';
import { renderApplyText } from '../render/plan-text.js';
import { type ApplyStop, applyStop, resultJson } from './apply-stop.js';
import { type Connection, connect } from './connect.js';
import { Exit, type Io, type Out, type OutputFormat } from './io.js';
import { type FleetFlags, manifestWarnings, printPlan, runAsFleet } from './plan.js';
import { applyProgress } from './progress.js';
import { checkTenantBinding, makePlan, type PlanningOptions } from './planning.js';

export interface ApplyCommandOptions extends PlanningOptions, FleetFlags {
  plan?: string;
  autoApprove?: boolean;
  allowLockoutRisk?: boolean;
  /** How long to wait for another run's apply lock (`90s`, `10m`); default 0: fail at once. */
  lockTimeout?: string;
  output: OutputFormat;
}

/** Two applies never write at once: the lock is taken before the live tenant is read. */
function stopFor(dir: string | undefined, options: ApplyCommandOptions, io: Io, out: Out): ApplyStop {
  const command = options.plan ? `apply --plan ${options.plan}` : `apply ${dir ?? ''}${options.env === undefined ? '' : ` --env ${options.env}`}`;
  return applyStop({ command, output: options.output, lockTimeout: options.lockTimeout }, io, out);
}

/**
 * Risks are recomputed from the changes themselves (a saved plan's markers are never trusted): changes to
 * protected objects never run, and risky ones need an explicit flag; otherwise nothing is applied.
 */
function refuseRisks(plan: Plan, live: Live, options: ApplyCommandOptions) {
  const forbidden = plan.changes.flatMap((c) => {
    const reason = forbiddenReason(c, live);
    return reason ? [`${c.address}: ${reason}`] : [];
  });
  if (forbidden.length > 0)
    throw new TenantctlError(
      'protected',
      `refusing to apply: ${forbidden.length} change(s) touch objects tenantctl never changes; nothing was applied.\n  ${forbidden.join('\n  ')}`,
      { hint: 'The plan file was edited or made for another deployer; make it again with `tenantctl plan --out FILE`.' },
    );
  const risky = plan.changes.flatMap((c) => {
    const risk = riskOf(c);
    return risk ? [`${c.title ?? c.address}: ${risk}`] : [];
  });
  if (risky.length === 0 || options.allowLockoutRisk) return;
  throw new TenantctlError(
    'lockout_risk',
    `refusing to apply: ${risky.length} change(s) could lock you out of the tenant or destroy data; nothing was applied.\n  ${risky.join('\n  ')}`,
    { hint: 'Review them, then pass --allow-lockout-risk if you are sure.' },
  );
}

async function confirm(io: Io, out: Out, plan: Plan): Promise<void> {
  if (!io.prompt) {
    out.note(out.errStyle.red('Refusing to apply without confirmation: no terminal to ask on.\n'));
    out.note(
      'Pass --auto-approve to apply without asking (as in CI), or run `tenantctl plan --out plan.json` and review it first.\n',
    );
    throw new Exit(1, { code: 'not_confirmed', message: 'refusing to apply without confirmation: no terminal to ask on' });
  }
  // Ctrl-C or Ctrl-D at the question is a "no": readline rejects with an AbortError (the terminal is in raw
  // mode, so no SIGINT reaches the process), which reached the user as a bug's stack trace.
  const answer = await io
    .prompt(`Apply ${plan.changes.length} change(s) to ${plan.tenant}? Only 'yes' will be accepted: `)
    .catch((error: unknown) => {
      if ((error as Error | undefined)?.name !== 'AbortError') throw error;
      out.note('\n'); // the keystroke ended no line
      return '';
    });
  if (answer.trim() !== 'yes') {
    out.note('Apply cancelled; nothing was changed.\n');
    throw new Exit(1, { code: 'cancelled', message: 'apply cancelled; nothing was changed' });
  }
}

/** A saved plan fixes its tenant directory, environment, deletes and targets; a flag for them would be ignored. */
function refuseWithSavedPlan(dir: string | undefined, options: ApplyCommandOptions): void {
  const given = [
    dir === undefined ? '' : `DIR (${dir})`,
    options.env === undefined ? '' : '--env',
    options.allowDelete ? '--allow-delete' : '',
    options.target?.length ? '--target' : '',
  ].filter(Boolean);
  if (given.length === 0) return;
  throw new TenantctlError(
    'usage',
    `apply --plan ${options.plan} cannot be combined with ${given.join(', ')}: the saved plan already fixes them`,
    { hint: 'Run `tenantctl apply --plan FILE` alone, or make a new plan with these options (`tenantctl plan ... --out FILE`).' },
  );
}

async function loadSavedPlan(file: string, io: Io): Promise<Plan> {
  const path = resolve(io.cwd, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new TenantctlError('plan_file', `cannot read plan file ${file}`, {
      hint: 'Make one with `tenantctl plan DIR --env ENV --out FILE`.',
    });
  }
  return parsePlan(text, file, io.env);
}

/** A change that sends a secret whose variable is unset (unset-secret.ts) is refused before anything is sent. */
function refuseUnsetSecrets(plan: Plan): void {
  const needs = plan.changes.flatMap((c) => {
    const unset = unsetSecretsSent(c);
    return unset.length > 0 ? [`${c.address} (${c.action}) needs ${unset.join(', ')}`] : [];
  });
  if (needs.length === 0) return;
  throw new TenantctlError('unset_secret', `secrets these changes send are not set; nothing was applied:\n  ${needs.join('\n  ')}`, {
    hint: 'Set the environment variables and run apply again; plans, drift and updates that send no secret do not need them.',
  });
}

export async function applyCommand(
  dir: string | undefined,
  options: ApplyCommandOptions,
  io: Io,
  out: Out,
): Promise<number> {
  if (options.fleet) return runAsFleet('apply', dir, options, io, out);
  const stop = stopFor(dir, options, io, out);
  let plan: Plan;
  let live: Live;
  let connection: Connection;
  if (options.plan) {
    refuseWithSavedPlan(dir, options);
    // A saved plan is applied exactly as written, after checking that nothing it touches moved since.
    plan = await loadSavedPlan(options.plan, io);
    // The values the plan sends come from the environment again: mask them as a manifest load would.
    const sensitive = plan.changes.flatMap((c) => c.sensitive ?? []);
    out.setSecrets(
      sensitive.flatMap((s) => {
        const raw = io.env[s.env];
        return raw === undefined ? [] : secretTextsOfVariable(raw, s.json === true);
      }),
    );
    connection = await connect(io, out, { emulator: options.emulator });
    try {
      if (plan.boundTenant) checkTenantBinding({ domain: plan.boundTenant }, connection, { env: plan.env ?? '' });
    } catch (error) {
      await connection.close();
      throw error;
    }
    if (connection.endpoint.domain !== plan.tenant && connection.api.domain !== plan.tenant) {
      await connection.close();
      throw new TenantctlError(
        'plan_tenant',
        `the plan was made for tenant ${plan.tenant}, not ${connection.api.domain}`,
      );
    }
    try {
      await stop.takeLock(connection);
    } catch (error) {
      await connection.close();
      throw error;
    }
    live = await readLive(connection.api, {
      kinds: [...new Set([...plan.managedKinds, ...kindsToCheck(plan.changes)])],
      managementAudience: connection.endpoint.audience,
      ...(plan.subReads ? { subReads: plan.subReads } : {}),
    });
    const stale = staleReasons(plan, live);
    if (stale.length > 0) {
      await connection.close();
      throw new TenantctlError(
        'plan_stale',
        `plan is stale: the tenant changed since ${options.plan} was made; nothing was applied.\n  ${stale.join('\n  ')}`,
        {
          hint: 'Run `tenantctl plan` again, review the new plan, then apply it.',
        },
      );
    }
  } else {
    if (!dir) throw new TenantctlError('usage', 'apply needs a tenant directory, --plan FILE or --fleet FILE');
    ({ plan, live, connection } = await makePlan(dir, { ...options, beforeRead: stop.takeLock }, io, out));
  }
  try {
    // A signal that came as the last read answered: the signal prints what there is (apply-stop.ts).
    if (connection.api.stopped) await new Promise<never>(() => undefined);
    const json = options.output === 'json';
    // JSON output is one document, plan and result together, printed at the end; a failure prints it with
    // the error instead (src/program.ts), so the plan is kept for that.
    if (json) out.context.plan = planDocument(plan);
    else printPlan(plan, options.output, out);
    const none = { applied: [], failed: [], notAttempted: [] };
    if (plan.changes.length === 0) {
      if (json && !out.jsonPrinted) out.printJson({ plan: out.context.plan, result: none });
      return 0;
    }
    refuseRisks(plan, live, options);
    refuseUnsetSecrets(plan);
    if (!options.autoApprove && !options.plan) await confirm(io, out, plan);
    const progress = applyProgress(plan.changes.length, io, out);
    const record = stop.record(plan.changes);
    const result = await apply(plan, connection.api, {
      onWrite: record.onWrite,
      onDone: (change) => {
        record.onDone(change);
        progress.done(change);
      },
      onFail: (change, error) => {
        record.onFail(change, error);
        progress.failed(change);
      },
    });
    // A signal came as the last answers did: it prints the result (apply-stop.ts) and ends the process.
    if (connection.api.stopped) await new Promise<never>(() => undefined);
    progress.finish();
    if (json) {
      const warnings = manifestWarnings(out);
      out.printJson({ plan: out.context.plan, result: resultJson(result), ...(warnings.length > 0 ? { diagnostics: warnings } : {}) });
    } else if (options.output === 'markdown') out.print(renderApplyMarkdown(result));
    else out.print(renderApplyText(result, out.style));
    return result.failed.length > 0 ? 1 : 0;
  } finally {
    await connection.close();
  }
}
