import { isObject } from '../json.js';
import { handlerFor } from '../kinds/index.js';
import type { Kind } from '../kinds/types.js';
import { type Diag, error, where } from './diagnostics.js';
import { checkGrant } from './grant-rules.js';
import { didYouMean } from './suggest.js';
import type { Loc } from './types.js';
import type { CheckedItem } from './validate.js';
import { locate } from './ynode.js';

/**
 * Rules across items: natural keys are unique within a kind, references to a managed kind point at
 * declared items, network ACL priorities are unique, and grants name declared (or `external`) APIs and
 * their scopes. References into an unmanaged kind are left to the plan, which resolves them against the
 * live tenant. Returns the items that broke a rule, so they stay out of Desired.
 */
export function checkRelations(items: CheckedItem[], managed: ReadonlySet<Kind>, external: Map<string, Loc>) {
  const diagnostics: Diag[] = [];
  const rejected = new Set<CheckedItem>();
  const declared = new Map<Kind, Map<string, CheckedItem>>();

  // Indexed loops, one map per kind looked up once per run of its items: this visits every item of a large
  // tenant and each of their references, without the optimizing compiler (v8-flags.ts).
  let keys: Map<string, CheckedItem> | undefined;
  let keysOf: Kind | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.key === undefined) continue;
    if (keys === undefined || keysOf !== item.kind) {
      keysOf = item.kind;
      keys = declared.get(item.kind);
      if (keys === undefined) declared.set(item.kind, (keys = new Map()));
    }
    const first = keys.get(item.key);
    if (first === undefined) {
      keys.set(item.key, item);
      continue;
    }
    const label = handlerFor(item.kind).label;
    rejected.add(item);
    diagnostics.push(
      error('duplicate_key', `${label} '${item.key}' is already declared at {at}`, {
        loc: item.loc,
        at: where(first.loc),
        address: item.address,
        hint: `Each ${label} is declared once: merge the two items, or change the key of one of them.`,
      }),
    );
  }

  const none = new Map<string, CheckedItem>();
  const byKind: Record<string, CheckedItem[]> = {};
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    (byKind[item.kind] ??= []).push(item);
    if (item.body === undefined || rejected.has(item)) continue;
    for (let r = 0; r < item.references.length; r++) {
      const ref = item.references[r]!;
      if (!managed.has(ref.kind)) continue;
      const targets = declared.get(ref.kind) ?? none;
      const target = targets.get(ref.key);
      if (target && ref.scope !== undefined) {
        const problem = missingScope(target, ref.scope);
        if (problem) {
          rejected.add(item);
          diagnostics.push(problem(item, ref.loc));
        }
        continue;
      }
      if (target) continue;
      const label = handlerFor(ref.kind).label;
      rejected.add(item);
      diagnostics.push(
        error(
          'undeclared_reference',
          `${label} '${ref.key}' is not declared in ${ref.kind}${didYouMean(ref.key, targets.keys())}`,
          {
            loc: ref.loc,
            address: item.address,
            hint: `Declare the ${label} in the ${ref.kind} section or fix the name (${ref.kind} is managed, so only declared ${label}s exist after apply).`,
          },
        ),
      );
    }
  }
  const reject = (item: CheckedItem, found: Diag[]) => {
    if (found.length === 0) return;
    rejected.add(item);
    diagnostics.push(...found);
  };
  const valid = (kind: Kind) => (byKind[kind] ?? []).filter((i) => i.body !== undefined && !rejected.has(i));
  const grantContext = {
    apis: declared.get('resourceServers') ?? new Map<string, CheckedItem>(),
    resourceServersManaged: managed.has('resourceServers'),
    external,
  };
  for (const grant of valid('clientGrants')) reject(grant, checkGrant(grant, grantContext));
  const priorities = new Map<number, CheckedItem>();
  for (const acl of valid('networkAcls')) reject(acl, samePriority(acl, priorities));
  return { diagnostics, rejected };
}

/** The API keeps one ACL per priority (409 on a second, mgmt-api.md §4.1). */
function samePriority(acl: CheckedItem, seen: Map<number, CheckedItem>): Diag[] {
  const priority = Number(acl.body?.priority);
  const first = seen.get(priority);
  if (first === undefined) {
    seen.set(priority, acl);
    return [];
  }
  return [
    error('duplicate_priority', `priority ${priority} is already used by network ACL '${first.key}' at {at}`, {
      at: where(first.loc),
      loc: acl.node ? locate(acl.node, ['priority']).node.loc : acl.loc,
      address: acl.address,
      hint: 'Each network ACL needs its own priority (lower numbers are evaluated first): pick a free one.',
    }),
  ];
}

/** A role's permission names a scope its API must declare (POST /roles/{id}/permissions answers 404 otherwise). */
function missingScope(api: CheckedItem, scope: string) {
  if (!api.body) return undefined;
  const scopes = Array.isArray(api.body.scopes) ? api.body.scopes : [];
  const values = scopes.map((s) => (isObject(s) ? String(s.value) : ''));
  if (values.includes(scope)) return undefined;
  return (item: CheckedItem, loc: Loc) =>
    error('undeclared_scope', `API '${api.key}' declares no scope '${scope}'${didYouMean(scope, values)}`, {
      loc,
      address: item.address,
      hint: "Add the scope to the API's scopes ({at}) or fix the permission's name.",
      at: where(api.loc),
    });
}
