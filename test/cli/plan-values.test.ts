import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

// A reviewer approves what the plan shows: values are never cut, nested objects show only the keys that
// change, and lists show the items added and removed.

let emu: TestEmulator;
let env: Record<string, string>;
beforeAll(async () => {
  emu = await startTestEmulator();
  env = emulatorEnv(emu);
});
afterAll(() => emu.close());

const ENV = { 'environments/test.yaml': 'keywords: {}\n' };
const LONG = `<html><body><h1>Orders desk</h1>${'<p>Handles refunds, disputes and chargebacks for every storefront.</p>'.repeat(6)}</body></html>`;

function manifest(o: { page: string; lifetime: number; scopes: string[]; callbacks: string[] }) {
  return `resourceServers:
  - name: Orders
    identifier: https://orders.values.example
    scopes:
${o.scopes.map((s) => `      - { value: "${s}" }`).join('\n')}
clients:
  - name: Values Web
    app_type: regular_web
    custom_login_page: "${o.page}"
    callbacks: [${o.callbacks.join(', ')}]
    jwt_configuration: { alg: RS256, lifetime_in_seconds: ${o.lifetime} }
`;
}

const before = {
  page: '<p>short</p>',
  lifetime: 36000,
  scopes: ['read:orders', 'write:orders', 'ship:orders'],
  callbacks: ['https://values.example/cb', 'https://values.example/alt'],
};

describe('plan values', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await writeTenant({ ...ENV, 'all.yaml': manifest(before) });
    const first = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
    expect(first.code).toBe(0);
    const after = {
      page: LONG,
      lifetime: 7200,
      scopes: ['read:orders', 'ship:orders', 'refund:orders'],
      callbacks: ['https://values.example/alt', 'https://values.example/cb'],
    };
    dir = await writeTenant({ ...ENV, 'all.yaml': manifest(after) });
  });

  it('text: long values in full, nested keys that change, list items added and removed, reorders', async () => {
    const plan = await tenantctl(['plan', dir, '--env', 'test'], { env });
    expect(plan.code).toBe(0);
    expect(plan.stdout).not.toContain('…');
    expect(plan.stdout).toContain(`to:   ${JSON.stringify(LONG)}`);
    expect(plan.stdout).toContain('jwt_configuration.lifetime_in_seconds: 36000 → 7200');
    expect(plan.stdout).not.toContain('jwt_configuration.alg');
    expect(plan.stdout).toMatch(/scopes:\n\s+\+ \{"value":"refund:orders"\}\n\s+- \{"value":"write:orders"\}/);
    // The first callback is the default redirect: swapping two is a change, shown as the new order.
    expect(plan.stdout).toContain(
      'callbacks: order changes\n        from: ["https://values.example/cb","https://values.example/alt"]\n' +
        '        to:   ["https://values.example/alt","https://values.example/cb"]',
    );
  });

  it('markdown: the same lines, in full, inside the table cell', async () => {
    const md = await tenantctl(['plan', dir, '--env', 'test', '--output', 'markdown'], { env });
    expect(md.code).toBe(0);
    expect(md.stdout).not.toContain('…');
    // In full, and as text: a page's markup must not become markup in a pull-request comment.
    expect(md.stdout).toContain(LONG.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    expect(md.stdout).toContain('`jwt_configuration.lifetime_in_seconds`: 36000 → 7200');
    expect(md.stdout).toContain('&nbsp;&nbsp;&nbsp;&nbsp;+ {"value":"refund:orders"}');
    expect(md.stdout).toContain('&nbsp;&nbsp;&nbsp;&nbsp;- {"value":"write:orders"}');
  });

  it('drift: list items labelled by the side that holds them', async () => {
    const drift = await tenantctl(['drift', dir, '--env', 'test'], { env });
    expect(drift.code).toBe(2);
    expect(drift.stdout).toContain('only in manifest: {"value":"refund:orders"}');
    expect(drift.stdout).toContain('only live:        {"value":"write:orders"}');
    expect(drift.stdout).toContain(`manifest: ${JSON.stringify(LONG)}`);
  });
});
