import { handlers } from '../kinds/index.js';
import type { Kind } from '../kinds/types.js';
import type { Live } from '../plan/types.js';
import type { Api } from './types.js';

/** How much of a kind a plan needs: all of it (managed) or what references to it need (keys and ids). */
export type ReadDepth = 'all' | 'refs';

/**
 * The kinds a plan needs to see: the managed ones whole, and the kinds they reference for their keys and
 * ids only. A kind read for references does not pull in its own dependencies: its keys are its names.
 */
export function kindsToRead(managed: Kind[]): Map<Kind, ReadDepth> {
  const out = new Map<Kind, ReadDepth>(managed.map((kind) => [kind, 'all']));
  for (const kind of managed) for (const dep of handlers[kind].dependsOn) if (!out.has(dep)) out.set(dep, 'refs');
  return out;
}

/** Read the live tenant through list endpoints only (paginated; no per-object GETs). */
export async function readLive(
  api: Api,
  options: { kinds: Kind[]; managementAudience: string },
): Promise<Live> {
  const entries = await Promise.all(
    [...kindsToRead(options.kinds)].map(async ([kind, depth]) => {
      const handler = handlers[kind];
      const read = depth === 'refs' && handler.listRefs ? handler.listRefs : handler.list;
      return [kind, await read(api)] as const;
    }),
  );
  return {
    domain: api.domain,
    managementAudience: options.managementAudience,
    deployerClientId: api.clientId,
    kinds: Object.fromEntries(entries),
  };
}
