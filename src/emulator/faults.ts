import { fail } from './errors.js';

/**
 * Fault injection (`--faults SPEC`, POST /__emulator/faults). A rule watches requests matching `method`
 * (any if omitted) and `path` (exact, or a prefix when it ends in `*`; default every /api/v2 request).
 *
 * When it fires: on its `nth` match (default 1) and the following matches until it has fired `times` times
 * (default 1); with `probability`, each of those matches fires with that chance instead (and `times` is
 * unlimited unless given). Chances come from the seed, the rule's position and the match's number, so one
 * seed replays the same faults for the same requests, whatever other rules or routes see.
 *
 * What it does: wait `latencyMs`, then answer `status` with the API's error body, or `drop` the connection
 * without an answer. `when: 'before'` (the default) strikes before the request is processed: nothing changed
 * and no rate-limit token was taken. `when: 'after'` strikes once the handler has run and its change is
 * persisted, in place of the answer: the client cannot know that its write landed.
 */
export type FaultWhen = 'before' | 'after';

export interface FaultRule {
  method?: string;
  path?: string;
  nth?: number;
  times?: number;
  probability?: number;
  status?: number | 'drop';
  when?: FaultWhen;
  latencyMs?: number;
}

export interface ArmedFault {
  rule: FaultRule;
  /** Matching requests so far. */
  seen: number;
  /** How often the rule fired. */
  fired: number;
}

export interface Faults {
  /** 32-bit seed of every rule's chances. */
  seed: number;
  armed: ArmedFault[];
}

/** What the server does with one request: waits at each stage, and at most one outcome. */
export interface FaultDecision {
  delayMs: Record<FaultWhen, number>;
  outcome?: { when: FaultWhen; status: number | 'drop' };
}

export const DEFAULT_FAULT_PATH = '/api/v2/*';

export const noFaults = (seed: number): Faults => ({ seed: seed >>> 0, armed: [] });

const RULE_KEYS = new Set(['method', 'path', 'nth', 'times', 'probability', 'status', 'when', 'latencyMs']);
const isInt = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): v is number =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

function parseRule(raw: unknown, where: string): FaultRule {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const bad = (why: string) => fail(400, `${where}: ${why}`, 'invalid_body');
  const unknown = Object.keys(r).filter((k) => !RULE_KEYS.has(k));
  if (unknown.length > 0) throw bad(`unknown field ${unknown.join(', ')}`);
  if (r.path !== undefined && !(typeof r.path === 'string' && r.path.startsWith('/')))
    throw bad('path must be a string starting with /');
  if (r.method !== undefined && typeof r.method !== 'string') throw bad('method must be a string');
  if (r.nth !== undefined && !isInt(r.nth, 1)) throw bad('nth must be an integer >= 1');
  if (r.times !== undefined && !isInt(r.times, 1)) throw bad('times must be an integer >= 1');
  const p = r.probability;
  if (p !== undefined && !(typeof p === 'number' && p > 0 && p <= 1))
    throw bad('probability must be a number in (0, 1]');
  const status = r.status;
  if (status !== undefined && status !== 'drop' && !isInt(status, 100, 599))
    throw bad('status must be an HTTP status code or "drop"');
  if (r.when !== undefined && r.when !== 'before' && r.when !== 'after') throw bad('when must be before or after');
  const latency = r.latencyMs;
  if (latency !== undefined && !isInt(latency, 0, 600_000))
    throw bad('latencyMs must be an integer from 0 to 600000');
  if (status === undefined && latency === undefined) throw bad('give a status, "drop" or latencyMs');
  // A 429 promises that nothing was processed (mgmt-api.md §1.7): clients repeat even a POST after one.
  if (status === 429 && r.when === 'after') throw bad('a 429 means "not processed"; it cannot come after');
  return {
    path: (r.path as string | undefined) ?? DEFAULT_FAULT_PATH,
    ...(r.method ? { method: (r.method as string).toUpperCase() } : {}),
    ...(r.nth !== undefined ? { nth: r.nth as number } : {}),
    ...(r.times !== undefined ? { times: r.times as number } : {}),
    ...(p !== undefined ? { probability: p as number } : {}),
    ...(status !== undefined ? { status: status as number | 'drop' } : {}),
    ...(r.when !== undefined ? { when: r.when as FaultWhen } : {}),
    ...(latency !== undefined ? { latencyMs: latency as number } : {}),
  };
}

/** `{ "rules": [...] }` (or a bare array) as POST /__emulator/faults and `--faults '[...]'` take it. */
export function parseFaultRules(body: unknown): FaultRule[] {
  const rules = Array.isArray(body)
    ? body
    : typeof body === 'object' && body !== null
      ? (body as { rules?: unknown }).rules
      : undefined;
  if (!Array.isArray(rules)) throw fail(400, 'Expected a JSON body { "rules": [...] }', 'invalid_body');
  return rules.map((rule, i) => parseRule(rule, `rules[${i}]`));
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** One compact rule: `[METHOD] [/path[*]] (STATUS | drop | latency=MS) [after] [nth=N] [times=N] [p=F | N%]`. */
function compactRule(text: string): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const token of text.trim().split(/\s+/)) {
    const [key, value = ''] = token.split('=', 2) as [string, string | undefined];
    if (METHODS.has(token.toUpperCase())) raw.method = token.toUpperCase();
    else if (token.startsWith('/')) raw.path = token;
    else if (/^\d{3}$/.test(token)) raw.status = Number(token);
    else if (token === 'drop') raw.status = 'drop';
    else if (token === 'before' || token === 'after') raw.when = token;
    else if (/^\d+(\.\d+)?%$/.test(token)) raw.probability = Number(token.slice(0, -1)) / 100;
    else if (key === 'p') raw.probability = Number(value);
    else if (key === 'latency') raw.latencyMs = Number(value.replace(/ms$/, ''));
    else if (key === 'nth' || key === 'times') raw[key] = Number(value);
    else throw fail(400, `fault "${text.trim()}": cannot read "${token}"`, 'invalid_body');
  }
  return raw;
}

/**
 * `--faults SPEC`: JSON rules (`[...]` or `{"rules": [...]}`), or compact rules separated by `;`, e.g.
 * `POST /api/v2/clients drop after; 500 5%; latency=200 p=1`.
 */
export function parseFaultSpec(spec: string): FaultRule[] {
  const text = spec.trim();
  if (text.startsWith('[') || text.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw fail(400, 'faults: the JSON does not parse', 'invalid_body');
    }
    return parseFaultRules(json);
  }
  return text
    .split(';')
    .filter((part) => part.trim() !== '')
    .map((part) => parseRule(compactRule(part), `fault "${part.trim()}"`));
}

export const arm = (rules: FaultRule[]): ArmedFault[] => rules.map((rule) => ({ rule, seen: 0, fired: 0 }));

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method && rule.method !== method) return false;
  const pattern = rule.path ?? DEFAULT_FAULT_PATH;
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern;
}

/** murmur3's 32-bit finaliser: a cheap, well-mixed hash for counter-based random numbers. */
function mix(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A number in [0, 1) fixed by (seed, rule position, match number). */
const chance = (seed: number, rule: number, match: number): number =>
  mix(mix(mix(seed ^ 0x9e3779b9) + rule) + match) / 2 ** 32;

function fires(faults: Faults, i: number, f: ArmedFault): boolean {
  const { nth = 1, times, probability } = f.rule;
  if (f.seen < nth || f.fired >= (times ?? (probability === undefined ? 1 : Number.POSITIVE_INFINITY)))
    return false;
  return probability === undefined || chance(faults.seed, i, f.seen) < probability;
}

/**
 * Counts the request against every live rule and decides what happens to it: the delays of all rules that
 * fire, and the outcome of the first firing rule that has one (a later one waits for its next match).
 */
export function nextFault(faults: Faults, method: string, path: string): FaultDecision | undefined {
  let decision: FaultDecision | undefined;
  for (const [i, f] of faults.armed.entries()) {
    if (!matches(f.rule, method, path)) continue;
    f.seen += 1;
    const { status, latencyMs, when = 'before' } = f.rule;
    if ((status !== undefined && decision?.outcome) || !fires(faults, i, f)) continue;
    f.fired += 1;
    decision ??= { delayMs: { before: 0, after: 0 } };
    decision.delayMs[when] += latencyMs ?? 0;
    if (status !== undefined) decision.outcome = { when, status };
  }
  return decision;
}
