import type { JsonObject } from '../../json.js';
import { fail } from '../errors.js';

/**
 * Database connection password policies (`options.passwordPolicy`, Auth0 "Password Strength"): none (any
 * non-empty), low (6+), fair (8+, lower, upper and digits), good (8+, three of lower/upper/digit/special),
 * excellent (10+, three of four, no character more than twice in a row). `password_complexity_options.
 * min_length` raises the minimum. New database connections default to `good`.
 */
const RULES: Record<string, { min: number; classes: number; all?: boolean; noTriples?: boolean }> = {
  none: { min: 1, classes: 0 },
  low: { min: 6, classes: 0 },
  fair: { min: 8, classes: 3, all: true },
  good: { min: 8, classes: 3 },
  excellent: { min: 10, classes: 3, noTriples: true },
};

function classes(password: string): { count: number; lowerUpperDigit: boolean } {
  const lower = /[a-z]/.test(password);
  const upper = /[A-Z]/.test(password);
  const digit = /[0-9]/.test(password);
  const special = /[^A-Za-z0-9]/.test(password);
  return { count: [lower, upper, digit, special].filter(Boolean).length, lowerUpperDigit: lower && upper && digit };
}

/** 400 `PasswordStrengthError: Password is too weak` (mgmt-api.md §8.1) when the policy refuses it. */
export function checkPassword(connection: JsonObject, password: string): void {
  const options = (connection.options ?? {}) as JsonObject;
  const name = typeof options.passwordPolicy === 'string' ? options.passwordPolicy : 'good';
  const rule = RULES[name] ?? (RULES.good as (typeof RULES)[string]);
  const complexity = (options.password_complexity_options ?? {}) as JsonObject;
  const min = Math.max(rule.min, typeof complexity.min_length === 'number' ? complexity.min_length : 0);
  const found = classes(password);
  const weak =
    password.length < min ||
    (rule.all ? !found.lowerUpperDigit : found.count < rule.classes) ||
    (rule.noTriples === true && /(.)\1\1/.test(password));
  if (weak) throw fail(400, 'PasswordStrengthError: Password is too weak');
}
