import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { manifestJsonSchema } from './json-schema.js';

/**
 * Writes schemas/manifest.schema.json (or the path given as the first argument). Run after changing a
 * kind's schema; a test fails while the committed file is stale.
 */
const target =
  process.argv[2] ?? fileURLToPath(new URL('../../schemas/manifest.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);
