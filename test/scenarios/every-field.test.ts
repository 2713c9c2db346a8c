import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Json, type JsonObject, stableStringify } from '../../src/json.js';
import { resourceServersCatalog } from '../../src/kinds/fields/resourceServers.js';
import { tenantCatalog } from '../../src/kinds/fields/tenant.js';
import { handlers } from '../../src/kinds/index.js';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { everyField, type Picked, type Variant } from '../helpers/every-field.js';

/**
 * For every kind: an item with every declared field set is applied, re-planned (empty), changed in every
 * field, applied and re-planned (empty again). The plan between the two variants must name each field,
 * which proves the field is compared at all (a field dropped on both sides would pass the re-plans).
 */
let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ rateLimit: '1000/1000' });
});
beforeEach(() => emu.reset());
afterAll(() => emu.close());

interface Case {
  /** The whole manifest for one variant: sections by name. */
  manifest(variant: Variant): JsonObject;
  /** The changes the second variant must show: address -> fields it must name. */
  changed: Record<string, string[]>;
  /** Keywords bound to environment variables (`NAME: [variable, value for variant 0, for variant 1]`). */
  secrets?: Record<string, [string, string, string]>;
}

interface PlanDoc {
  changes: { address: string; action: string; fields: { path: string }[] }[];
}

function touches(paths: string[], field: string): boolean {
  return paths.some((p) => p === field || p.startsWith(`${field}.`) || p.startsWith(`${field}[`));
}

async function roundTrip(c: Case): Promise<void> {
  const keywords = Object.fromEntries(Object.entries(c.secrets ?? {}).map(([k, [variable]]) => [k, { env: variable }]));
  const dir = await writeTenant({ 'environments/test.yaml': stringify({ keywords }) });
  const base = emulatorEnv(emu);
  for (const variant of [0, 1] as const) {
    const env = { ...base, ...Object.fromEntries(Object.values(c.secrets ?? {}).map(([v, ...values]) => [v, values[variant]])) };
    await writeFile(join(dir, 'tenant.yaml'), stringify(c.manifest(variant)));
    const args = [dir, '--env', 'test'];
    if (variant === 1) {
      const plan = await tenantctl(['plan', ...args, '--output', 'json'], { env });
      expect(plan.code, plan.stderr).toBe(0);
      const doc = JSON.parse(plan.stdout) as PlanDoc;
      for (const [address, fields] of Object.entries(c.changed)) {
        const change = doc.changes.find((ch) => ch.address === address);
        const paths = change?.fields.map((f) => f.path) ?? [];
        const missing = fields.filter((f) => !touches(paths, f));
        expect(missing, `${address}: the plan to the second variant does not name these fields`).toEqual([]);
      }
    }
    const apply = await tenantctl(['apply', ...args, '--auto-approve'], { env });
    expect(apply.code, `apply of variant ${variant}:\n${apply.stdout}${apply.stderr}`).toBe(0);
    const again = await tenantctl(['plan', ...args, '--detailed-exitcode'], { env });
    expect(again.stdout, `re-plan after variant ${variant}:\n${again.stderr}`).toContain(
      'No changes. The tenant matches the manifests.',
    );
    expect(again.code).toBe(0);
  }
}

/**
 * The fields of `kind`'s item that differ between its two variants, but secrets (never compared, so never
 * shown as changed): a key or a field with one valid value stays the same.
 */
function changedFields(kind: keyof typeof handlers, item: (v: Variant) => JsonObject): string[] {
  const [first, second] = [item(0), item(1)];
  const secrets = handlers[kind].secretFields ?? [];
  return Object.keys(first).filter(
    (f) => !secrets.includes(f) && stableStringify(first[f] as Json) !== stableStringify(second[f] as Json),
  );
}

const TENANT_PICKS: Picked = {
  acr_values_supported: [['urn:every-field:acr:silver', 'urn:every-field:acr:bronze'], ['urn:every-field:acr:gold']],
  'country_codes.list': [['DE', 'FR'], ['US']],
  // Sandbox versions are the Node versions a tenant may pick (GET answers sandbox_versions_available).
  sandbox_version: ['18', '22'],
  legacy_sandbox_version: ['18', '22'],
};

const publicPem = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const PEMS = [publicPem(), publicPem()] as const;

const API = 'https://every-field.example/api';

/** HS256 is the one algorithm that uses the signing secret; it comes from an env-bound keyword. */
const API_PICKS: Picked = {
  identifier: [API, API],
  signing_alg: ['HS256', 'HS256'],
  signing_secret: ['@@API_SIGNING_SECRET@@', '@@API_SIGNING_SECRET@@'],
  authorization_details: [[{ type: 'payment_initiation' }], [{ type: 'account_information' }]],
  'token_encryption.encryption_key.pem': PEMS,
};
const API_SECRETS: Case['secrets'] = {
  API_SIGNING_SECRET: ['EVERY_FIELD_API_SECRET', 'first-signing-secret-0123456789', 'second-signing-secret-987654321'],
};

const HOURS = ['session_lifetime', 'idle_session_lifetime', 'ephemeral_session_lifetime', 'idle_ephemeral_session_lifetime'];
const MINUTES = HOURS.map((h) => `${h}_in_minutes`);

describe('every declared field round-trips', () => {
  // A lifetime is declared in hours or in minutes, never both: one run per form.
  for (const [form, without] of [
    ['hours', MINUTES],
    ['minutes', HOURS],
  ] as const) {
    it(`tenant settings (session lifetimes in ${form})`, async () => {
      const item = (v: Variant) => everyField(handlers.tenant, tenantCatalog, v, TENANT_PICKS, without);
      await roundTrip({
        manifest: (v) => ({ tenant: item(v) }),
        changed: { 'tenant/settings': changedFields('tenant', item) },
      });
    });
  }

  it('resource servers', async () => {
    const item = (v: Variant) => everyField(handlers.resourceServers, resourceServersCatalog, v, API_PICKS);
    await roundTrip({
      manifest: (v) => ({ resourceServers: [item(v)] }),
      changed: { [`resourceServers/${API}`]: changedFields('resourceServers', item) },
      secrets: API_SECRETS,
    });
  });
});
