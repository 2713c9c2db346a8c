import { objectFields } from '../../manifest/zod-shape.js';
import { handlers } from '../index.js';
import { KINDS, type Kind } from '../types.js';
import { CATALOGS } from './index.js';

/** The share of a kind's writable top-level fields its manifests must be able to declare. */
export const MIN_COVERAGE = 0.95;

export interface KindCoverage {
  kind: Kind;
  /** Writable top-level fields in the spec's create and update bodies. */
  total: number;
  /** Of those, the fields a manifest item can declare (under the API's name or its own, e.g. `client`). */
  declared: number;
  /** The fields left out, each with the reason its kind module gives (undefined: none given). */
  leftOut: { field: string; reason: string | undefined }[];
}

/**
 * Declared fields are read from the kind's own item schema, so a kind not (yet) built from its catalog
 * is measured the same way as one that is; reasons come from the kind's `fields.spec.unmanaged`.
 */
export function fieldCoverage(): KindCoverage[] {
  return KINDS.flatMap((kind) => {
    const catalog = CATALOGS[kind];
    if (catalog === undefined) return [];
    const handler = handlers[kind];
    const accepted = new Set(objectFields(handler.itemSchema));
    const renamed = handler.fields?.spec.declaredAs ?? {};
    const unmanaged = handler.fields?.spec.unmanaged ?? {};
    const names = Object.keys(catalog.fields);
    const leftOut = names
      .filter((name) => !accepted.has(renamed[name] ?? name))
      .map((field) => ({ field, reason: unmanaged[field] }));
    return [{ kind, total: names.length, declared: names.length - leftOut.length, leftOut }];
  });
}

/** What is wrong with one kind's coverage, or nothing. */
export function coverageProblems(c: KindCoverage): string[] {
  const problems: string[] = [];
  if (c.declared < c.total * MIN_COVERAGE)
    problems.push(`${c.kind}: ${c.declared} of ${c.total} fields declarable, below ${MIN_COVERAGE * 100}%`);
  for (const { field, reason } of c.leftOut)
    if (reason === undefined) problems.push(`${c.kind}: '${field}' is left out without a reason in its kind module`);
  return problems;
}

const percent = (c: KindCoverage) => `${((100 * c.declared) / c.total).toFixed(1)}%`;

/** The report `npm run fields:coverage` prints. */
export function coverageReport(rows: KindCoverage[]): string {
  const width = Math.max(...rows.map((r) => r.kind.length));
  const lines = rows.flatMap((r) => [
    `${r.kind.padEnd(width)}  ${String(r.declared).padStart(3)} / ${String(r.total).padEnd(3)} ${percent(r).padStart(6)}`,
    ...r.leftOut.map((l) => `${' '.repeat(width)}    left out: ${l.field}: ${l.reason ?? '(no reason given)'}`),
  ]);
  const declared = rows.reduce((n, r) => n + r.declared, 0);
  const total = rows.reduce((n, r) => n + r.total, 0);
  const problems = rows.flatMap(coverageProblems);
  return [
    ...lines,
    '',
    `All kinds: ${declared} of ${total} writable top-level fields declarable (${((100 * declared) / total).toFixed(1)}%).`,
    ...(problems.length === 0 ? ['Every kind is at or above 95%, and every field left out has its reason.'] : problems),
    '',
  ].join('\n');
}
