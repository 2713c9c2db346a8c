import { describe, expect, it } from 'vitest';
import { CATALOGS } from '../../src/kinds/fields/index.js';
import { coverageProblems, coverageReport, fieldCoverage } from '../../src/kinds/fields/coverage.js';

const rows = fieldCoverage();

describe('field coverage against the spec (npm run fields:coverage)', () => {
  it('measures every kind the spec has request bodies for', () => {
    expect(rows.map((r) => r.kind).sort()).toEqual(Object.keys(CATALOGS).sort());
  });

  // One test per kind, so a failure names the kind: at least 95% declarable, every field left out with why.
  for (const row of rows) {
    it(`${row.kind}: at least 95% of its writable top-level fields are declarable, each one left out has its reason`, () => {
      expect(coverageProblems(row)).toEqual([]);
    });
  }

  it('prints each kind with its numbers and the fields left out with their kind module\'s reasons', () => {
    const report = coverageReport(rows);
    expect(report).toMatch(/^connections\s+12 \/ 12\s+100\.0%$/m);
    expect(report).toMatch(/^networkAcls\s+4 \/ 4\s+100\.0%$/m);
    expect(report).toContain('left out: allowed_clients: client ids differ per tenant');
  });

  it('names a kind below 95% and a field left out without a reason', () => {
    const low = { kind: 'roles' as const, total: 20, declared: 18, leftOut: [{ field: 'x', reason: undefined }, { field: 'y', reason: 'why' }] };
    expect(coverageProblems(low)).toEqual([
      'roles: 18 of 20 fields declarable, below 95%',
      "roles: 'x' is left out without a reason in its kind module",
    ]);
  });
});
