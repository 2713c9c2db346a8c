import { nodeCrypto } from '../node-crypto.js';
import { z } from 'zod';
import { TenantctlError } from '../errors.js';
import type { Json } from '../json.js';
import { parseJsonVariable } from '../json-variable.js';
import { isObject, setIn } from '../json.js';
import { KINDS } from '../kinds/types.js';
import type { SensitiveValue } from '../manifest/types.js';
import { riskOf } from './risk.js';
import type { Change, Plan } from './types.js';


function mapSensitive(change: Change, fn: (s: SensitiveValue, current: Json) => Json): Change {
  if (!change.sensitive?.length || !change.body) return change;
  const body = structuredClone(change.body);
  for (const s of change.sensitive) setIn(body, s.path, (current) => fn(s, current as Json));
  return { ...change, body };
}

/** The plan as a document (a plan file, `--output json`): sensitive values become `{ "$env": VAR }`. */
export function planDocument(plan: Plan): Plan {
  return { ...plan, changes: plan.changes.map((c) => mapSensitive(c, (s) => ({ $env: s.env }))) };
}

/** The plan as a file, read again at apply: indented, for the people who review and keep it. */
export function serializePlan(plan: Plan): string {
  return `${JSON.stringify(planDocument(plan), null, 2)}\n`;
}

/** SHA-256 of the plan document (without its checksum) as compact JSON, which JSON.parse gives back key for key. */
const checksumOf = (document: unknown): string => nodeCrypto().createHash('sha256').update(JSON.stringify(document)).digest('hex');

/**
 * The text of a plan file: the plan's JSON with a checksum of it. A reviewer approves what `plan` showed,
 * and apply shows and sends what the file holds: a hand edit (a value in a body that the shown fields no
 * longer match, a field the API refuses halfway through) is refused whole before anything is sent. The
 * checksum is not a signature: whoever recomputes it on purpose still meets every check apply makes.
 */
export function sealPlanText(text: string): string {
  const { checksum: _old, ...document } = JSON.parse(text) as Record<string, unknown>;
  return `${JSON.stringify({ ...document, checksum: checksumOf(document) }, null, 2)}\n`;
}

const OPERATIONS = ['rotate', 'revoke', 'move-priority'] as const;

// Loose: fields this version does not know pass through untouched; the ones it relies on are checked.
const changeSchema = z
  .looseObject({
    address: z.string(),
    kind: z.enum(KINDS),
    key: z.string(),
    action: z.enum(['create', 'update', 'delete', 'replace']),
    id: z.string().min(1).optional(),
    body: z.record(z.string(), z.unknown()).optional(),
    fields: z.array(z.object({ path: z.string() }).passthrough()),
    liveDigest: z.string().optional(),
    operation: z.enum(OPERATIONS).optional(),
    // Display only: apply recomputes risks from the change itself (src/plan/risk.ts).
    risk: z.string().optional(),
    title: z.string().optional(),
    note: z.string().optional(),
    source: z.string().optional(),
    sensitive: z
      .array(z.object({ path: z.array(z.union([z.string(), z.number()])), env: z.string(), json: z.literal(true).optional() }))
      .optional(),
  })
  .superRefine((c, ctx) => {
    if (c.address !== `${c.kind}/${c.key}`)
      ctx.addIssue({ code: 'custom', path: ['address'], message: `must be '${c.kind}/${c.key}' (kind/key)` });
    if (c.action !== 'create' && c.id === undefined)
      ctx.addIssue({ code: 'custom', path: ['id'], message: `a ${c.action} needs the live object's id` });
    if (c.action !== 'create' && c.liveDigest === undefined)
      ctx.addIssue({ code: 'custom', path: ['liveDigest'], message: `a ${c.action} needs the digest of the live object` });
    if ((c.action === 'create' || c.action === 'replace' || (c.action === 'update' && !c.operation)) && !c.body)
      ctx.addIssue({ code: 'custom', path: ['body'], message: `a ${c.action} needs a body` });
  });

const planSchema = z.looseObject({
  version: z.literal(1),
  tenant: z.string(),
  env: z.string().optional(),
  boundTenant: z.string().optional(),
  createdAt: z.string(),
  changes: z.array(changeSchema),
  skipped: z.array(z.object({ address: z.string() }).passthrough()),
  warnings: z.array(z.string()),
  notes: z.array(z.string()),
  refs: z.record(z.string(), z.string()),
  managedKinds: z.array(z.enum(KINDS)),
  subReads: z.partialRecord(z.enum(KINDS), z.array(z.string())).optional(),
  summary: z.object({ add: z.number(), change: z.number(), destroy: z.number() }),
  counts: z.record(z.string(), z.object({ managed: z.number(), unmanaged: z.number(), skipped: z.number() })),
  targets: z.array(z.string()).optional(),
});

/** `changes.2.id: a delete needs the live object's id; ...`: every problem, so one edit fixes the file. */
function describeIssues(issues: z.core.$ZodIssue[]): string {
  const shown = issues.slice(0, 5).map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
  const more = issues.length > shown.length ? `; and ${issues.length - shown.length} more` : '';
  return `${shown.join('; ')}${more}`;
}

/** Read a plan file back; sensitive placeholders are filled from the environment or refused. */
export function parsePlan(text: string, file: string, env: Record<string, string | undefined>): Plan {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new TenantctlError('plan_file', `${file} is not JSON: ${(error as Error).message}`, {
      hint: 'Write plan files with `tenantctl plan --out FILE`.',
    });
  }
  if (isObject(raw as Json)) {
    const { checksum, ...document } = raw as Record<string, unknown>;
    if (checksum !== checksumOf(document)) {
      throw new TenantctlError(
        'plan_file',
        `${file} ${checksum === undefined ? 'has no checksum' : 'was changed after tenantctl wrote it (its checksum does not match)'}; nothing was applied`,
        { hint: 'A saved plan is applied exactly as reviewed: make it again with `tenantctl plan --out FILE`; to change it, change the manifests.' },
      );
    }
  }
  const parsed = planSchema.safeParse(raw);
  if (!parsed.success) {
    throw new TenantctlError(
      'plan_file',
      `${file} is not a valid tenantctl plan (version 1); nothing was applied: ${describeIssues(parsed.error.issues)}`,
      {
        hint: 'Plan files are applied whole or not at all; make the plan again with `tenantctl plan --out FILE`.',
      },
    );
  }
  const plan = parsed.data as unknown as Plan;
  const missing = new Set<string>();
  const notJson = new Set<string>();
  const changes = plan.changes.map((c) => {
    const { risk: _stored, ...change } = c;
    const risk = riskOf(change);
    const filled = mapSensitive(change, (s, current) => {
      const value = env[s.env];
      if (!isObject(current) || value === undefined) missing.add(s.env);
      if (value === undefined || !s.json) return value ?? null;
      const parsed = parseJsonVariable(value);
      if ('value' in parsed) return parsed.value;
      notJson.add(s.env);
      return null;
    });
    return risk ? { ...filled, risk } : filled;
  });
  if (missing.size > 0) {
    throw new TenantctlError(
      'plan_file',
      `the plan needs environment variable(s) ${[...missing].join(', ')}, which are not set`,
      {
        hint: 'Set them as they were when the plan was made; their values are never stored in plan files.',
      },
    );
  }
  if (notJson.size > 0) {
    // The parser's message would quote the secret: only the variables are named.
    throw new TenantctlError('plan_file', `the plan reads environment variable(s) ${[...notJson].join(', ')} as JSON, and they hold neither JSON nor a YAML list or mapping; nothing was applied`, {
      hint: 'Set them as they were when the plan was made (JSON or YAML, e.g. \'{"key":"value"}\' or \'key: value\').',
    });
  }
  return { ...plan, changes };
}
