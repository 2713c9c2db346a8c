import { coverageProblems, coverageReport, fieldCoverage } from '../src/kinds/fields/coverage.js';

/**
 * Prints, per kind, how many of the spec's writable top-level fields manifests can declare, and each field
 * left out with its kind module's reason. Exits 1 when a kind is below 95% or a field lacks its reason.
 *
 *   npm run fields:coverage
 */
const rows = fieldCoverage();
process.stdout.write(coverageReport(rows));
if (rows.some((r) => coverageProblems(r).length > 0)) process.exitCode = 1;
