import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/json.js';
import { handlers } from '../../src/kinds/index.js';
import { plan } from '../../src/plan/plan.js';
import type { Change, Live } from '../../src/plan/types.js';

const rule = { action: { log: true }, match: { asns: [1] }, scope: 'authentication' };
const acl = (description: string, priority: number): JsonObject => ({ description, priority, rule });
const liveAcl = (description: string, priority: number): JsonObject => ({
  id: `acl_${description}`,
  active: true,
  ...acl(description, priority),
});

function planFor(items: JsonObject[], liveAcls: JsonObject[], allowDelete = false) {
  const desired = {
    kinds: {
      networkAcls: items.map((body) => ({
        kind: 'networkAcls' as const,
        key: handlers.networkAcls.keyOf(body),
        address: `networkAcls/${String(body.description)}`,
        body,
        sensitive: [],
      })),
    },
    secrets: [],
    files: [],
  };
  const live: Live = { domain: 't', managementAudience: 'a', deployerClientId: 'D', kinds: { networkAcls: liveAcls } };
  return plan(desired, live, { allowDelete });
}

/** Replays the plan's requests and fails on the first that would take a priority someone else holds. */
function assertNoCollision(changes: Change[], liveAcls: JsonObject[]): void {
  const at = new Map(liveAcls.map((l) => [String(l.description), Number(l.priority)]));
  for (const c of changes) {
    if (c.action === 'delete') {
      at.delete(c.key);
      continue;
    }
    const p = Number(c.body?.priority);
    const holder = [...at.entries()].find(([k, v]) => v === p && k !== c.key);
    expect(holder, `${c.address} -> ${p}`).toBeUndefined();
    at.set(c.key, p);
  }
}

describe('network ACL plan order', () => {
  it('rotates three priorities through one temporary priority without a collision', () => {
    const liveAcls = [liveAcl('A', 1), liveAcl('B', 2), liveAcl('C', 3)];
    const p = planFor([acl('A', 2), acl('B', 3), acl('C', 1)], liveAcls);
    expect(p.changes.filter((c) => c.operation === 'move-priority')).toHaveLength(1);
    expect(p.changes).toHaveLength(4);
    assertNoCollision(p.changes, liveAcls);
    expect(p.notes.join('\n')).toContain('run one at a time in the order shown');
  });

  it('deletes first so a create can take the freed priority', () => {
    const liveAcls = [liveAcl('Old', 5)];
    const p = planFor([acl('New', 5)], liveAcls, true);
    expect(p.changes.map((c) => `${c.action} ${c.key}`)).toEqual(['delete Old', 'create New']);
  });

  it('refuses a priority held by an ACL that is not in the manifests (and not deleted)', () => {
    expect(() => planFor([acl('New', 5)], [liveAcl('Old', 5)])).toThrow(
      /priority 5 is held by networkAcls\/Old, which is not in the manifests/,
    );
  });

  it('refuses two declared ACLs with one priority', () => {
    expect(() => planFor([acl('A', 5), acl('B', 5)], [])).toThrow(/priority 5 is also declared by networkAcls\/A/);
  });

  it('sends the whole ACL on update (PUT is a full replace)', () => {
    const p = planFor([{ ...acl('A', 1), active: false }], [liveAcl('A', 1)]);
    expect(p.changes[0]?.body).toEqual({ description: 'A', active: false, priority: 1, rule });
  });
});
