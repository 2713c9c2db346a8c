import { TenantctlError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `--lock-timeout 90s`, `5m`, `1h`, `0`; a bare number is seconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) {
    throw new TenantctlError('usage', `${flag} '${text}' is not a duration`, {
      hint: `Write a number with a unit: ${flag} 90s, ${flag} 10m, ${flag} 1h (0 fails at once).`,
    });
  }
  return Math.round(Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 1000));
}

/** 754000 -> `12m 34s`, for progress lines. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return m > 0 ? `${m}m ${String(s).padStart(2, '0')}s` : `${s}s`;
}
