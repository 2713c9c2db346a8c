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
}

export async function control(
  method: string,
  path: string,
  body: unknown,
  deps: ControlDeps,
): Promise<{ status: number; body?: unknown }> {
  const faultList = () => ({ rules: deps.faults.armed });
  switch (`${method} ${path}`) {
    case 'GET /__emulator/stats':
      return { status: 200, body: deps.stats };
    case 'POST /__emulator/stats/reset':
      deps.resetStats();
      return { status: 200, body: deps.stats };
    case 'POST /__emulator/reset':
      await deps.resetTenant();
      return { status: 204 };
    case 'GET /__emulator/faults':
      return { status: 200, body: faultList() };
    case 'POST /__emulator/faults':
      // Replaces the armed set; each rule fires once.
      deps.faults.armed = arm(parseFaultRules(body));
      return { status: 200, body: faultList() };
    case 'DELETE /__emulator/faults':
      deps.faults.armed = [];
      return { status: 204 };
    default:
      throw fail(404, 'Not Found');
  }
}
