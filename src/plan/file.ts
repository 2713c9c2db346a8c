import { z } from 'zod';
import { TenantctlError } from '../errors.js';
import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { KINDS } from '../kinds/types.js';
import type { SensitiveValue } from '../manifest/types.js';
import type { Change, Plan } from './types.js';

function setAt(body: JsonObject, path: (string | number)[], value: (current: Json) => Json): boolean {
  let cur: Json = body;
  for (const part of path.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object') return false;
    cur = (cur as Record<string, Json>)[part as string] as Json;
  }
  const last = path[path.length - 1];
  if (last === undefined || cur === null || typeof cur !== 'object' || !(String(last) in cur)) return false;
  const container = cur as Record<string, Json>;
  container[last as string] = value(container[last as string] as Json);
  return true;
}

function mapSensitive(change: Change, fn: (s: SensitiveValue, current: Json) => Json): Change {
  if (!change.sensitive?.length || !change.body) return change;
  const body = structuredClone(change.body);
  for (const s of change.sensitive) setAt(body, s.path, (current) => fn(s, current));
  return { ...change, body };
}

/** The plan as a file: sensitive values become `{ "$env": VAR }` and are read again at apply. */
export function serializePlan(plan: Plan): string {
  const changes = plan.changes.map((c) => mapSensitive(c, (s) => ({ $env: s.env })));
  return `${JSON.stringify({ ...plan, changes }, null, 2)}\n`;
}

const changeSchema = z.object({
  address: z.string(),
  kind: z.enum(KINDS),
  key: z.string(),
  action: z.enum(['create', 'update', 'delete', 'replace']),
  id: z.string().optional(),
  body: z.record(z.string(), z.unknown()).optional(),
  fields: z.array(z.object({ path: z.string() }).passthrough()),
  liveDigest: z.string().optional(),
  operation: z.string().optional(),
  risk: z.string().optional(),
  note: z.string().optional(),
  source: z.string().optional(),
  sensitive: z
    .array(z.object({ path: z.array(z.union([z.string(), z.number()])), env: z.string() }))
    .optional(),
});

const planSchema = z.object({
  version: z.literal(1),
  tenant: z.string(),
  env: z.string().optional(),
  createdAt: z.string(),
  changes: z.array(changeSchema),
  skipped: z.array(z.object({ address: z.string() }).passthrough()),
  warnings: z.array(z.string()),
  notes: z.array(z.string()),
  refs: z.record(z.string(), z.string()),
  managedKinds: z.array(z.enum(KINDS)),
  summary: z.object({ add: z.number(), change: z.number(), destroy: z.number() }),
  counts: z.record(z.string(), z.object({ managed: z.number(), unmanaged: z.number(), skipped: z.number() })),
  targets: z.array(z.string()).optional(),
});

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
  const parsed = planSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TenantctlError(
      'plan_file',
      `${file} is not a tenantctl plan (version 1): ${issue?.path.join('.')}: ${issue?.message}`,
      {
        hint: 'Make the plan again with this tenantctl version.',
      },
    );
  }
  const plan = parsed.data as unknown as Plan;
  const missing = new Set<string>();
  const changes = plan.changes.map((c) =>
    mapSensitive(c, (s, current) => {
      const value = env[s.env];
      if (!isObject(current) || value === undefined) missing.add(s.env);
      return value ?? null;
    }),
  );
  if (missing.size > 0) {
    throw new TenantctlError(
      'plan_file',
      `the plan needs environment variable(s) ${[...missing].join(', ')}, which are not set`,
      {
        hint: 'Set them as they were when the plan was made; their values are never stored in plan files.',
      },
    );
  }
  return { ...plan, changes };
}
