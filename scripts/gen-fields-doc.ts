import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fieldReference } from '../src/kinds/fields/reference.js';

/**
 * Writes docs/fields.md, the field reference, from the field catalog and the kind modules. Rerun after
 * `npm run gen:fields` or a change to what a kind module declares; a test fails while the file is stale.
 *
 *   npm run docs:fields
 */
const target = fileURLToPath(new URL('../../docs/fields.md', import.meta.url));
writeFileSync(target, fieldReference());
process.stdout.write(`wrote ${target}\n`);
