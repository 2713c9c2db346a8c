import { type Diag, error } from './diagnostics.js';
import { isObject } from '../json.js';
import { plainJsonOf, type YNode } from './ynode.js';

/**
 * `id:` in a list item names the live object to keep when several share the item's key (duplicates left
 * by concurrent runs or by hand). It is not an API field to send, so it is taken off before the kind's
 * schema sees the item.
 */
export function takePin(node: YNode, address: () => string): { node: YNode; pinnedId?: string; diagnostics: Diag[] } {
  if (node.type !== 'map') return { node, diagnostics: [] };
  // A plain tree's data says it at once, without building the tree's entries (yaml-fast.ts).
  const data = plainJsonOf(node);
  if (isObject(data) && !Object.hasOwn(data, 'id')) return { node, diagnostics: [] };
  const entry = node.entries.find((e) => e.key === 'id');
  if (entry === undefined) return { node, diagnostics: [] };
  const rest: YNode = { ...node, entries: node.entries.filter((e) => e !== entry) };
  const { value } = entry;
  if (value.type === 'scalar' && typeof value.value === 'string' && value.value !== '')
    return { node: rest, pinnedId: value.value, diagnostics: [] };
  if (value.broken) return { node: rest, diagnostics: [] };
  return {
    node: rest,
    diagnostics: [
      error('invalid_pin', "'id' must be the live id (a string) of the object to keep", {
        loc: value.loc,
        address: address(),
        hint: 'Copy the id from the plan that lists the duplicates, e.g. `id: "abc123"`.',
      }),
    ],
  };
}
