import { type Diag, error } from './diagnostics.js';
import type { Loc } from './types.js';
import type { YNode } from './yaml-tree.js';

/**
 * `externalApis: [identifier, ...]`: APIs that exist in the tenant but are managed elsewhere (another
 * repository, the dashboard). Grants may name them while resourceServers is not managed here; the plan
 * still checks that they exist. A marker at manifest level, not on each grant: it is a fact about the API,
 * shared by all its grants, and the grant items keep exactly the API's fields.
 */
export const EXTERNAL_APIS = 'externalApis';

/** The identifiers of an `externalApis:` value (after keyword replacement), and what is wrong with it. */
export function collectExternal(replaced: { node: YNode; diagnostics: Diag[] }) {
  const diagnostics = [...replaced.diagnostics];
  const external = new Map<string, Loc>();
  const value = replaced.node;
  const items = value.type === 'seq' ? value.items : [];
  const bad = value.type === 'seq' ? items.filter((i) => i.type !== 'scalar' || typeof i.value !== 'string' || i.value === '') : [value];
  for (const item of bad.filter((i) => !i.broken)) {
    diagnostics.push(
      error('invalid_section', `'${EXTERNAL_APIS}' must be a list of API identifiers`, {
        loc: item.loc,
        hint: `Write \`${EXTERNAL_APIS}: [https://api.example.com/]\` with each API's identifier.`,
      }),
    );
  }
  for (const item of items) if (item.type === 'scalar' && typeof item.value === 'string') external.set(item.value, item.loc);
  return { external, diagnostics };
}

