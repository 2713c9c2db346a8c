import { handlers } from '../kinds/index.js';
import type { Kind } from '../kinds/types.js';
import type { Desired, DesiredItem } from '../manifest/types.js';
import type { Live } from '../plan/types.js';
import type { Api } from './types.js';

/** How much of a kind a plan needs: all of it (managed) or what references to it need (keys and ids). */
export type ReadDepth = 'all' | 'refs';

/** Per kind, the sub-resources (`KindHandler.subResources`) to read. */
export type SubReads = NonNullable<Live['subReads']>;

/**
 * The kinds a plan needs to see: the managed ones whole, and the kinds they reference for their keys and
 * ids only. A kind read for references does not pull in its own dependencies: its keys are its names.
 */
export function kindsToRead(managed: Kind[], referenced: Kind[] = []): Map<Kind, ReadDepth> {
  const out = new Map<Kind, ReadDepth>(managed.map((kind) => [kind, 'all']));
  for (const kind of managed) for (const dep of handlers[kind].dependsOn) if (!out.has(dep)) out.set(dep, 'refs');
  for (const kind of referenced) if (!out.has(kind)) out.set(kind, 'refs');
  return out;
}

/**
 * Kinds the declared items actually reference beyond their kinds' `dependsOn` (a user's optional
 * verification client): read for their keys only when some item names one.
 */
export function referencedKinds(desired: Desired): Kind[] {
  const out = new Set<Kind>();
  for (const [kind, items] of Object.entries(desired.kinds) as [Kind, DesiredItem[]][]) {
    const deps = new Set(handlers[kind].dependsOn);
    // Indexed: every item of a large tenant (v8-flags.ts: for-of allocates without the optimizing compiler).
    for (let i = 0; i < items.length; i++) {
      const refs = handlers[kind].references(items[i]!.body);
      for (let r = 0; r < refs.length; r++) if (!deps.has(refs[r]!.kind)) out.add(refs[r]!.kind);
    }
  }
  return [...out];
}

/**
 * Per kind with sub-resources, the ones some declared item names: the only ones a plan compares, so the
 * only ones worth a call per object (issue #11: 20 organizations declaring neither members nor connections
 * cost 40 reads). A plan file keeps this, so apply re-reads exactly what the plan saw.
 */
export function subResourcesDeclared(desired: Desired): SubReads {
  const out: SubReads = {};
  for (const [kind, items] of Object.entries(desired.kinds) as [Kind, DesiredItem[]][]) {
    const subs = handlers[kind].subResources;
    if (!subs) continue;
    out[kind] = subs.filter((field) => items.some((item) => item.body[field] !== undefined));
  }
  return out;
}

/**
 * Read the live tenant through list endpoints (paginated), plus the per-object sub-resources `subReads`
 * names for its kind (all of them for a kind it does not name: export, old plan files).
 */
export async function readLive(
  api: Api,
  options: { kinds: Kind[]; managementAudience: string; subReads?: SubReads; referenced?: Kind[] },
): Promise<Live> {
  const entries = await Promise.all(
    [...kindsToRead(options.kinds, options.referenced)].map(async ([kind, depth]) => {
      const handler = handlers[kind];
      if (depth === 'refs' && handler.listRefs) return [kind, await handler.listRefs(api)] as const;
      const subs = options.subReads?.[kind];
      return [kind, await handler.list(api, subs && new Set(subs))] as const;
    }),
  );
  return {
    domain: api.domain,
    managementAudience: options.managementAudience,
    deployerClientId: api.clientId,
    kinds: Object.fromEntries(entries),
    ...(options.subReads ? { subReads: options.subReads } : {}),
  };
}
