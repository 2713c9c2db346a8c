import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/types.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { renderPlanText } from '../../src/render/plan-text.js';
import { noStyle } from '../../src/render/style.js';

// A tenant being adopted kind by kind: thousands of creates, thousands of live objects not declared yet.
function bigPlan(creates: number, undeclared: number): Plan {
  const changes = Array.from({ length: creates }, (_, i) => ({
    address: `clients/New ${i}`,
    kind: 'clients' as const,
    key: `New ${i}`,
    action: 'create' as const,
    body: { name: `New ${i}`, description: 'a client of the adoption' },
    fields: [
      { path: 'name', to: `New ${i}` },
      { path: 'description', to: 'a client of the adoption' },
    ],
  }));
  const skipped = Array.from({ length: undeclared }, (_, i) => ({
    address: `clients/Old ${i}`,
    kind: 'clients' as const,
    reason: 'would-delete' as const,
    message: 'not in the manifests; pass --allow-delete to delete it',
  }));
  return {
    version: 1,
    tenant: 'adopt.example.auth0.com',
    createdAt: new Date(0).toISOString(),
    changes,
    skipped,
    warnings: [],
    notes: [],
    refs: {},
    managedKinds: ['clients'],
    summary: { add: creates, change: 0, destroy: 0 },
    counts: { clients: { managed: creates, unmanaged: undeclared, skipped: undeclared } },
  };
}

describe('large plans', () => {
  it('list 20 undeclared objects per kind in text and count the rest', () => {
    const text = renderPlanText(bigPlan(1, 1000), noStyle);
    expect(text).toContain('Would delete, skipped (1000):');
    expect(text.match(/^ {2}! clients\/Old /gm)).toHaveLength(20);
    expect(text).toContain('(980 more clients not in the manifests; --output json lists every one');
  });

  it('set notes and warnings apart from the last change above them', () => {
    const plan = { ...bigPlan(1, 0), notes: ['users: read 3 live users'], warnings: ['something to know'] };
    const text = renderPlanText(plan, noStyle);
    expect(text).toMatch(/ {6}description: "a client of the adoption"\n\nWarning: something to know\nNote: users: read 3 live users\n/);
  });

  it('keep a markdown plan under the 65,536 characters a GitHub comment holds, saying what is left out', () => {
    const markdown = renderPlanMarkdown(bigPlan(5000, 3000));
    expect(markdown.length).toBeLessThan(65_536);
    const rows = markdown.match(/^\| create \|/gm)?.length ?? 0;
    expect(rows).toBeGreaterThan(100);
    expect(markdown).toContain(`_${5000 - rows} more change(s) not shown`);
    expect(markdown).toContain('- _2980 more clients; `--output json` lists every one_');
    expect(markdown).toContain('**Plan: 5000 to add, 0 to change, 0 to destroy.**');
  });
});
