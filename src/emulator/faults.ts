import { fail } from './errors.js';

/**
 * Fault injection (POST /__emulator/faults). A rule watches requests matching `method` (any if omitted) and
 * `path` (exact, or a prefix when it ends in `*`) and fires once, on the `nth` match (default 1), before the
 * request is processed. The action is an HTTP status answered with the API's error body, or `drop`: the
 * socket is destroyed without an answer. New rule kinds add a field to FaultRule and a case to
 * `actionFor`; matching and counting stay here.
 */
export interface FaultRule {
  method?: string;
  path: string;
  nth?: number;
  status: number | 'drop';
}

export type FaultAction = { kind: 'status'; status: number } | { kind: 'drop' };

export interface ArmedFault {
  rule: FaultRule;
  seen: number;
  fired: boolean;
}

export interface Faults {
  armed: ArmedFault[];
}

export const noFaults = (): Faults => ({ armed: [] });

function parseRule(raw: unknown, i: number): FaultRule {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const bad = (why: string) => fail(400, `rules[${i}]: ${why}`, 'invalid_body');
  if (typeof r.path !== 'string' || !r.path.startsWith('/'))
    throw bad('path must be a string starting with /');
  if (r.method !== undefined && typeof r.method !== 'string') throw bad('method must be a string');
  if (r.nth !== undefined && !(Number.isInteger(r.nth) && (r.nth as number) >= 1)) {
    throw bad('nth must be an integer >= 1');
  }
  const status = r.status;
  if (
    status !== 'drop' &&
    !(Number.isInteger(status) && (status as number) >= 100 && (status as number) <= 599)
  ) {
    throw bad('status must be an HTTP status code or "drop"');
  }
  return {
    path: r.path,
    status: status as number | 'drop',
    ...(r.method ? { method: (r.method as string).toUpperCase() } : {}),
    ...(r.nth ? { nth: r.nth as number } : {}),
  };
}

export function parseFaultRules(body: unknown): FaultRule[] {
  const rules = typeof body === 'object' && body !== null ? (body as { rules?: unknown }).rules : undefined;
  if (!Array.isArray(rules)) throw fail(400, 'Expected a JSON body { "rules": [...] }', 'invalid_body');
  return rules.map(parseRule);
}

export const arm = (rules: FaultRule[]): ArmedFault[] =>
  rules.map((rule) => ({ rule, seen: 0, fired: false }));

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method && rule.method !== method) return false;
  return rule.path.endsWith('*') ? path.startsWith(rule.path.slice(0, -1)) : path === rule.path;
}

const actionFor = (rule: FaultRule): FaultAction =>
  rule.status === 'drop' ? { kind: 'drop' } : { kind: 'status', status: rule.status };

/** Counts the request against every live rule; returns the first action that fires, if any. */
export function nextFault(faults: Faults, method: string, path: string): FaultAction | undefined {
  let action: FaultAction | undefined;
  for (const f of faults.armed) {
    if (f.fired || !matches(f.rule, method, path)) continue;
    f.seen += 1;
    if (!action && f.seen >= (f.rule.nth ?? 1)) {
      f.fired = true;
      action = actionFor(f.rule);
    }
  }
  return action;
}
