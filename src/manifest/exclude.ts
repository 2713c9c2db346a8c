import { createRequire } from 'node:module';
import type picomatchType from 'picomatch';
import { handlerFor } from '../kinds/index.js';
import { KINDS, type Kind } from '../kinds/types.js';
import { LOCK_IDENTIFIER } from '../lock/record.js';
import { type Diag, error, where } from './diagnostics.js';
import { didYouMean } from './suggest.js';
import type { Exclusion, Loc } from './types.js';
import type { YNode } from './yaml-tree.js';

/**
 * picomatch, loaded on first use: only a manifest with `exclude:` patterns needs it, and loading it took
 * about 20 ms of every validate and plan. It is CommonJS, so require loads it synchronously.
 */
let picomatch: typeof picomatchType | undefined;
const glob = () => (picomatch ??= createRequire(import.meta.url)('picomatch') as typeof picomatchType);

/** Kinds whose objects can be excluded: list kinds (a singleton section is either managed or absent). */
const LIST_KINDS = KINDS.filter((kind) => !handlerFor(kind).singleton);

/**
 * The predicate plan and export share: is this live object (by kind and natural key) managed by hand?
 * A pattern matches its key exactly, or as a glob (picomatch: `*` within a `/`-separated part, `**`
 * across them, `?`, `[ab]`, `{a,b}`), so a name with glob characters in it can still be listed as is.
 */
export function exclusionMatcher(exclusions: readonly Exclusion[]): (kind: Kind, key: string) => Exclusion | undefined {
  const compiled = exclusions.map((e) => ({ e, test: glob()(e.pattern, { dot: true }) }));
  return (kind, key) => compiled.find(({ e, test }) => e.kind === kind && (e.pattern === key || test(key)))?.e;
}

/** `exclude: { clients: ["Legacy *"], resourceServers: [...] }` of one file, checked. */
export function readExclude(node: YNode, keyLoc: Loc, into: { exclusions: Exclusion[]; diagnostics: Diag[] }): void {
  const hint = `Write \`exclude:\` with per-kind lists of keys or glob patterns, e.g. \`exclude: { clients: ["Legacy *"] }\`. Kinds: ${LIST_KINDS.join(', ')}.`;
  if (node.type !== 'map') {
    if (!node.broken) into.diagnostics.push(error('invalid_exclude', "'exclude' must be a mapping of kinds", { loc: node.type === 'scalar' ? keyLoc : node.loc, hint }));
    return;
  }
  for (const entry of node.entries) {
    const kind = LIST_KINDS.find((k) => k === entry.key);
    if (kind === undefined) {
      const singleton = KINDS.includes(entry.key as Kind);
      into.diagnostics.push(
        error(
          'invalid_exclude',
          singleton
            ? `'${entry.key}' is one object, not a list: it cannot be excluded (remove its section to leave it unmanaged)`
            : `unknown kind '${entry.key}' in exclude${didYouMean(entry.key, LIST_KINDS)}`,
          { loc: entry.keyLoc, hint },
        ),
      );
      continue;
    }
    const items = entry.value.type === 'seq' ? entry.value.items : [entry.value];
    for (const item of items) {
      if (item.broken) continue;
      if (item.type !== 'scalar' || typeof item.value !== 'string' || item.value === '') {
        into.diagnostics.push(
          error('invalid_exclude', `exclude.${kind} must be a list of keys or glob patterns (strings)`, { loc: item.loc, hint }),
        );
        continue;
      }
      into.exclusions.push({ kind, pattern: item.value, loc: item.loc });
    }
  }
}

/** Declared items may not also be excluded, nor take the name of tenantctl's lock. */
export function checkExcluded(
  items: readonly { kind: Kind; key: string | undefined; address: string; loc: Loc }[],
  exclusions: readonly Exclusion[],
): Diag[] {
  const excluded = exclusionMatcher(exclusions);
  const out: Diag[] = [];
  for (const item of items) {
    if (item.key === undefined) continue;
    if (item.kind === 'resourceServers' && item.key === LOCK_IDENTIFIER) {
      out.push(
        error('reserved_key', `'${LOCK_IDENTIFIER}' is the identifier of tenantctl's apply lock`, {
          loc: item.loc,
          address: item.address,
          hint: 'Choose another identifier for this API.',
        }),
      );
      continue;
    }
    const hit = excluded(item.kind, item.key);
    if (hit) {
      out.push(
        error('excluded_item', `${item.address} is declared here and excluded by '${hit.pattern}' at {at}`, {
          loc: item.loc,
          at: where(hit.loc),
          address: item.address,
          hint: 'Either manage it (remove it from exclude) or leave it to people (remove the item).',
        }),
      );
    }
  }
  return out;
}
