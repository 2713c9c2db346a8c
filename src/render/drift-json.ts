import { planDocument } from '../plan/file.js';
import type { Plan } from '../plan/types.js';
import { notInManifests } from './plan-text.js';

/**
 * Drift as JSON: the plan document (its `changes` are exactly what apply would do, `summary.destroy`
 * counts only planned deletes) plus `notInManifests`, the undeclared live objects listed apart.
 */
export function driftDocument(plan: Plan): Record<string, unknown> {
  const extra = notInManifests(plan).map(({ address, kind, message }) => ({ address, kind, message }));
  const drifted = plan.changes.length > 0 || extra.length > 0;
  return { ...planDocument(plan), drifted, notInManifests: extra };
}
