import { handlers } from '../kinds/index.js';
import type { Kind } from '../kinds/types.js';
import type { Live } from '../plan/types.js';
import type { Api } from './types.js';

/** The kinds a plan needs to see: the managed ones and whatever they reference. */
export function kindsToRead(managed: Kind[]): Kind[] {
  const out = new Set<Kind>();
  const add = (kind: Kind) => {
    if (out.has(kind)) return;
    out.add(kind);
    for (const dep of handlers[kind].dependsOn) add(dep);
  };
  for (const kind of managed) add(kind);
  return [...out];
}

/** Read the live tenant through list endpoints only (paginated; no per-object GETs). */
export async function readLive(
  api: Api,
  options: { kinds: Kind[]; managementAudience: string },
): Promise<Live> {
  const entries = await Promise.all(
    kindsToRead(options.kinds).map(async (kind) => [kind, await handlers[kind].list(api)] as const),
  );
  return {
    domain: api.domain,
    managementAudience: options.managementAudience,
    deployerClientId: api.clientId,
    kinds: Object.fromEntries(entries),
  };
}
