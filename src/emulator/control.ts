import { isObject } from '../json.js';
import { fail } from './errors.js';
import { arm, type Faults, parseFaultRules } from './faults.js';
import type { Stats } from './stats.js';

/**
 * /__emulator/* control endpoints (no auth): counters, fault rules and a reset to the seeded tenant.
 * Returns the answer, or undefined for an unknown control path.
 */
export interface ControlDeps {
  stats: Stats;
  faults: Faults;
  resetStats(): void;
  resetTenant(): Promise<void>;
  /** Moves every signing-key date `days` back, so policies about key age can be tested now. */
  ageSigningKeys(days: number): Promise<void>;
}

const counters = ({ total, byRoute, rateLimited, rateLimitedByRoute }: Stats) => ({
  total,
  byRoute,
  rateLimited,
  rateLimitedByRoute,
});

export async function control(
  method: string,
  path: string,
  body: unknown,
  deps: ControlDeps,
): Promise<{ status: number; body?: unknown }> {
  const faultList = () => ({ seed: deps.faults.seed, rules: deps.faults.armed });
  switch (`${method} ${path}`) {
    case 'GET /__emulator/stats':
      return { status: 200, body: counters(deps.stats) };
    case 'POST /__emulator/stats/reset':
      deps.resetStats();
      return { status: 200, body: counters(deps.stats) };
    case 'GET /__emulator/requests':
      return { status: 200, body: { requests: deps.stats.requests } };
    case 'POST /__emulator/reset':
      await deps.resetTenant();
      return { status: 204 };
    case 'GET /__emulator/faults':
      return { status: 200, body: faultList() };
    case 'POST /__emulator/faults': {
      // Replaces the armed set and restarts its counters, so the same rules and seed fault the same requests.
      const rules = parseFaultRules(body);
      const seed = isObject(body) ? body.seed : undefined;
      if (seed !== undefined && !(Number.isInteger(seed) && (seed as number) >= 0)) {
        throw fail(400, 'seed must be a non-negative integer', 'invalid_body');
      }
      deps.faults.armed = arm(rules);
      if (seed !== undefined) deps.faults.seed = (seed as number) >>> 0;
      return { status: 200, body: faultList() };
    }
    case 'DELETE /__emulator/faults':
      deps.faults.armed = [];
      return { status: 204 };
    case 'POST /__emulator/signing-keys/age': {
      const days = isObject(body) ? body.days : undefined;
      if (typeof days !== 'number' || !(days > 0)) throw fail(400, 'days must be a positive number', 'invalid_body');
      await deps.ageSigningKeys(days);
      return { status: 204 };
    }
    default:
      throw fail(404, 'Not Found');
  }
}
