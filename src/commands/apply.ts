import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readLive } from '../api/read-live.js';
import { apply } from '../apply/apply.js';
import { TenantctlError } from '../errors.js';
import { parsePlan } from '../plan/file.js';
import { staleReasons } from '../plan/stale.js';
import { forbiddenReason, kindsToCheck, riskOf } from '../plan/risk.js';
import type { Live, Plan } from '../plan/types.js';
import { renderApplyText } from '../render/plan-text.js';
import { type Connection, connect } from './connect.js';
import { Exit, type Io, type Out, type OutputFormat } from './io.js';
import { printPlan } from './plan.js';
import { applyProgress } from './progress.js';
import { checkTenantBinding, makePlan, type PlanningOptions } from './planning.js';

export interface ApplyCommandOptions extends PlanningOptions {
  plan?: string;
  autoApprove?: boolean;
  allowLockoutRisk?: boolean;
  output: OutputFormat;
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
    throw new Exit(1);
  }
  const answer = await io.prompt(
    `Apply ${plan.changes.length} change(s) to ${plan.tenant}? Only 'yes' will be accepted: `,
  );
  if (answer.trim() !== 'yes') {
    out.note('Apply cancelled; nothing was changed.\n');
    throw new Exit(1);
  }
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

export async function applyCommand(
  dir: string | undefined,
  options: ApplyCommandOptions,
  io: Io,
  out: Out,
): Promise<number> {
  let plan: Plan;
  let live: Live;
  let connection: Connection;
  if (options.plan) {
    // A saved plan is applied exactly as written, after checking that nothing it touches moved since.
    plan = await loadSavedPlan(options.plan, io);
    connection = await connect(io, out, { emulator: options.emulator });
    try {
      if (plan.boundTenant) checkTenantBinding({ domain: plan.boundTenant }, connection, plan.env ?? '');
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
    live = await readLive(connection.api, {
      kinds: [...new Set([...plan.managedKinds, ...kindsToCheck(plan.changes)])],
      managementAudience: connection.endpoint.audience,
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
    if (!dir) throw new TenantctlError('usage', 'apply needs a tenant directory or --plan FILE');
    ({ plan, live, connection } = await makePlan(dir, options, io, out));
  }
  try {
    printPlan(plan, options.output, out);
    if (plan.changes.length === 0) return 0;
    refuseRisks(plan, live, options);
    if (!options.autoApprove && !options.plan) await confirm(io, out, plan);
    const progress = applyProgress(plan.changes.length, io, out);
    const result = await apply(plan, connection.api, { onDone: progress.done, onFail: progress.failed });
    progress.finish();
    if (options.output === 'json') {
      const addr = (list: { address: string }[]) => list.map((c) => c.address);
      out.print(
        `${JSON.stringify({ applied: addr(result.applied), failed: result.failed.map((f) => ({ address: f.change.address, error: f.error.message })), notAttempted: addr(result.skipped) }, null, 2)}\n`,
      );
    } else out.print(renderApplyText(result, out.style));
    return result.failed.length > 0 ? 1 : 0;
  } finally {
    await connection.close();
  }
}
