import { randomBytes } from 'node:crypto';
import type { JsonObject } from '../../json.js';
import type { EmulatorState } from '../types.js';

/**
 * Jobs live in memory beside the state, not in it: they are transient (the real API purges them after
 * 24 h), and keeping export files or error lists out of the persisted JSON keeps state saves small.
 */
export interface Job {
  /** What GET /jobs/{id} shows. */
  data: JsonObject;
  /** Per-user problems of an import (GET /jobs/{id}/errors). */
  errors: JsonObject[];
  /** A finished export: gzip-compressed NDJSON or CSV. */
  file?: Buffer;
}

const jobs = new WeakMap<EmulatorState, Map<string, Job>>();

export function jobsOf(state: EmulatorState): Map<string, Job> {
  let map = jobs.get(state);
  if (!map) {
    map = new Map();
    jobs.set(state, map);
  }
  return map;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `job_` + 16 alphanumerics (mgmt-api.md §11). */
export function newJobId(): string {
  return `job_${[...randomBytes(16)].map((b) => ALNUM[b % ALNUM.length]).join('')}`;
}

/** Runs `step` on successive slices of `items` on later turns of the event loop, so requests keep flowing. */
export function inChunks<T>(items: T[], size: number, step: (chunk: T[]) => void, done: () => void): void {
  let at = 0;
  const tick = () => {
    step(items.slice(at, at + size));
    at += size;
    if (at < items.length) setImmediate(tick);
    else done();
  };
  setImmediate(tick);
}
