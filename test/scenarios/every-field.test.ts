import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isObject, type Json, type JsonObject, stableStringify } from '../../src/json.js';
import { clientGrantsCatalog } from '../../src/kinds/fields/clientGrants.js';
import { connectionsCatalog, connectionsVariants } from '../../src/kinds/fields/connections.js';
import { variantShape, withoutKeys } from '../../src/kinds/fields/variants.js';
import { clientsCatalog } from '../../src/kinds/fields/clients.js';
import { networkAclsCatalog } from '../../src/kinds/fields/networkAcls.js';
import { organizationsCatalog } from '../../src/kinds/fields/organizations.js';
import { resourceServersCatalog } from '../../src/kinds/fields/resourceServers.js';
import { rolesCatalog } from '../../src/kinds/fields/roles.js';
import { tenantCatalog } from '../../src/kinds/fields/tenant.js';
import { usersCatalog } from '../../src/kinds/fields/users.js';
import { handlers } from '../../src/kinds/index.js';
import { emulatorEnv, tenantctl, writeTenant } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { emptied, everyField, type Picked, valueAt, type Variant } from '../helpers/every-field.js';

/**
 * For every kind: an item with every declared field set is applied, re-planned (empty), changed in every
 * field, applied and re-planned (empty again). The plan between the two variants must name each field,
 * which proves the field is compared at all (a field dropped on both sides would pass the re-plans).
 */
let emu: TestEmulator;
beforeAll(async () => {
  // With a state file: every field of every kind also goes through the emulator's journal, which must see
  // each change a route makes (a nested change made in place would be lost on restart, so it throws).
  const dir = await mkdtemp(join(tmpdir(), 'tenantctl-every-field-'));
  emu = await startTestEmulator({ rateLimit: '1000/1000', statePath: join(dir, 'state.json') });
});
beforeEach(() => emu.reset());
afterAll(() => emu.close());

interface Case {
  /** The whole manifest for one variant: sections by name. */
  manifest(variant: Variant): JsonObject;
  /** The changes the second variant must show: address -> fields it must name. */
  changed: Record<string, string[]>;
  /** A third manifest, applied after the second, that must re-plan empty too (fields cleared). */
  cleared?: JsonObject;
  /** Keywords bound to environment variables (`NAME: [variable, value for variant 0, for variant 1]`). */
  secrets?: Record<string, [string, string, string]>;
}

interface PlanDoc {
  changes: { address: string; action: string; fields: { path: string }[] }[];
}

/** A plan path names a leaf when it is the leaf, lies under it, or holds it (an object changed whole). */
function touches(paths: string[], leaf: string): boolean {
  const under = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`);
  return paths.some((p) => under(p, leaf) || under(leaf, p));
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
  if (c.cleared === undefined) return;
  const env = { ...base, ...Object.fromEntries(Object.values(c.secrets ?? {}).map(([v, , value]) => [v, value])) };
  await writeFile(join(dir, 'tenant.yaml'), stringify(c.cleared));
  const apply = await tenantctl(['apply', dir, '--env', 'test', '--auto-approve'], { env });
  expect(apply.code, `apply of the cleared fields:\n${apply.stdout}${apply.stderr}`).toBe(0);
  expect(apply.stdout).toContain('Apply complete: 0 added');
  const again = await tenantctl(['plan', dir, '--env', 'test', '--detailed-exitcode'], { env });
  expect(again.stdout, 're-plan after clearing').toContain('No changes. The tenant matches the manifests.');
}

/** Declared leaves the plan deliberately never compares, each with its reason. */
const NOT_COMPARED: Record<string, string> = {
  'jwt_configuration.secret_encoded': 'read-only in practice (mgmt-api.md §7.3): accepted so deploy-tool files validate',
  verify_email: "a user's create option, never read back",
  verify_phone_number: "a user's create option, never read back",
  verification_client: 'a request option sent with an email or phone number change, never read back',
};

/** Write-only leaves the plan compares through what the API derives from them. */
const SHOWN_AS: Record<string, string> = {
  'token_encryption.encryption_key.pem': 'token_encryption.encryption_key.thumbprint_sha256',
};

/** Dotted paths of the leaves of `value` (arrays count as leaves: they change whole). */
function leaves(value: Json | undefined, prefix: string): Map<string, string> {
  if (!isObject(value)) return new Map([[prefix, stableStringify(value ?? null)]]);
  const out = new Map<string, string>();
  for (const [key, sub] of Object.entries(value)) for (const entry of leaves(sub, `${prefix}.${key}`)) out.set(...entry);
  return out;
}

/**
 * The leaves of `kind`'s item (`jwt_configuration.alg`) that differ between its two variants, but secrets
 * (never compared, so never shown as changed): a key or a field with one valid value stays the same.
 */
function changedFields(kind: keyof typeof handlers, item: (v: Variant) => JsonObject): string[] {
  const secrets = handlers[kind].secretFields ?? [];
  const [first, second] = [0, 1].map((v) => {
    const all = new Map<string, string>();
    for (const [field, value] of Object.entries(item(v as Variant))) for (const entry of leaves(value, field)) all.set(...entry);
    return all;
  }) as [Map<string, string>, Map<string, string>];
  // Leaves only the first variant has are left out: a nested key a manifest stops declaring is unmanaged.
  return [...second.keys()]
    .filter((p) => first.get(p) !== second.get(p) && !secrets.some((s) => p === s || p.startsWith(`${s}.`)))
    .filter((p) => NOT_COMPARED[p] === undefined)
    .map((p) => SHOWN_AS[p] ?? p);
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

/** Two APIs the clients point at: refresh-token policies, a linked resource_server client. */
const APIS = [0, 1].map((i) => ({ name: `Every Field API ${i}`, identifier: `https://every-field.example/linked-${i}`, scopes: [{ value: 'read:things' }, { value: 'write:things' }] }));

/** Credentials of the other shapes (signed request objects, token vault access): a public key each. */
const keyCredential = (v: Variant) => ({ credential_type: 'public_key', name: `key-${v}`, pem: PEMS[v], alg: v === 0 ? 'PS256' : 'RS384' });

/** A client authenticates with credentials (private_key_jwt) or a secret, never both: one item each. */
const CLIENT_PICKS: Picked = {
  app_type: ['regular_web', 'non_interactive'],
  // Rotation needs expiring tokens; non-rotating ones may last forever (the API refuses rotating + non-expiring).
  refresh_token: [
    {
      rotation_type: 'rotating',
      expiration_type: 'expiring',
      leeway: 30,
      token_lifetime: 2592000,
      infinite_token_lifetime: false,
      idle_token_lifetime: 1296000,
      infinite_idle_token_lifetime: false,
      policies: [{ audience: APIS[0]!.identifier, scope: ['read:things'] }],
    },
    {
      rotation_type: 'non-rotating',
      expiration_type: 'non-expiring',
      leeway: 0,
      token_lifetime: 31557600,
      infinite_token_lifetime: true,
      idle_token_lifetime: 2592000,
      infinite_idle_token_lifetime: true,
      policies: [{ audience: APIS[1]!.identifier, scope: ['write:things', 'read:things'] }],
    },
  ],
  'signed_request_object.credentials': [[keyCredential(0)], [keyCredential(1)]],
  'token_vault_privileged_access.credentials': [[keyCredential(0)], [keyCredential(1)]],
  'token_vault_privileged_access.ip_allowlist': [['198.51.100.0/24'], ['203.0.113.9']],
  'express_configuration.user_attribute_profile_id': ['uap_every0field0profile0', 'uap_every1field1profile1'],
  'express_configuration.connection_profile_id': ['cop_every0field0profile0', 'cop_every1field1profile1'],
  'express_configuration.okta_oin_client_id': ['0oaEveryField0', '0oaEveryField1'],
  'express_configuration.linked_clients': [[{ client_id: 'everyfieldlinked0' }], [{ client_id: 'everyfieldlinked1' }]],
  'my_organization_configuration.connection_profile_id': ['cop_every0field0profile0', 'cop_every1field1profile1'],
  'my_organization_configuration.user_attribute_profile_id': ['uap_every0field0profile0', 'uap_every1field1profile1'],
  'my_organization_configuration.invitation_landing_client_id': ['everyfieldlanding0', 'everyfieldlanding1'],
  'addons.azure_blob.accountName': ['everyfield0', 'everyfield1'],
  'addons.azure_blob.storageAccessKey': ['@@AZURE_BLOB_KEY@@', '@@AZURE_BLOB_KEY@@'],
  'addons.azure_sb.sasKey': ['@@ADDON_SECRET@@', '@@ADDON_SECRET@@'],
  'addons.firebase.secret': ['@@ADDON_SECRET@@', '@@ADDON_SECRET@@'],
  'addons.firebase.private_key': ['@@ADDON_SECRET@@', '@@ADDON_SECRET@@'],
  'addons.layer.privateKey': ['@@ADDON_SECRET@@', '@@ADDON_SECRET@@'],
  'addons.sap_api.servicePassword': ['@@ADDON_SECRET@@', '@@ADDON_SECRET@@'],
  'addons.wams.masterkey': ['@@ADDON_SECRET@@', '@@ADDON_SECRET@@'],
  grant_types: [['authorization_code', 'refresh_token'], ['client_credentials']],
  'addons.azure_blob.containerName': ['container-0', 'container-1'],
  'addons.azure_blob.blobName': ['blob-0', 'blob-1'],
};
const CLIENT_SECRETS: Case['secrets'] = {
  CLIENT_SECRET: ['EVERY_FIELD_CLIENT_SECRET', 'first-client-secret-value', 'second-client-secret-value'],
  AZURE_BLOB_KEY: ['EVERY_FIELD_AZURE_KEY', `${'a'.repeat(86)}==`, `${'b'.repeat(86)}==`],
  ADDON_SECRET: ['EVERY_FIELD_ADDON_SECRET', 'first-add-on-secret', 'second-add-on-secret'],
};

/** The organization a client's default_organization names: ids differ per tenant, so it is looked up. */
async function organizationId(): Promise<string> {
  const res = await emu.api('POST', '/api/v2/organizations', { name: 'every-field-default' });
  expect(res.status).toBe(201);
  return (res.body as { id: string }).id;
}

function clientItems(orgId: string) {
  const picks = (name: string): Picked => ({
    ...CLIENT_PICKS,
    name: [name, name],
    'default_organization.organization_id': [orgId, orgId],
  });
  const keys = (v: Variant) =>
    everyField(handlers.clients, clientsCatalog, v, {
      ...picks('Every Field Keys'),
      credentials: [
        [{ name: 'first-key', pem: PEMS[0], alg: 'RS256', expires_at: '2031-01-01T00:00:00.000Z' }],
        [{ name: 'second-key', pem: PEMS[1], alg: 'PS256', expires_at: '2032-06-30T00:00:00.000Z' }],
      ],
    }, ['token_endpoint_auth_method', 'client_secret', 'resource_server_identifier']);
  const secret = (v: Variant) =>
    everyField(handlers.clients, clientsCatalog, v, {
      ...picks('Every Field Secret'),
      client_secret: ['@@CLIENT_SECRET@@', '@@CLIENT_SECRET@@'],
      token_endpoint_auth_method: ['client_secret_basic', 'client_secret_post'],
    }, ['credentials', 'resource_server_identifier']);
  // A resource_server client is linked to its API, which a create sets once (a new API is a new client).
  const linked = (v: Variant) => ({ name: 'Every Field Linked', app_type: 'resource_server', resource_server_identifier: APIS[v]!.identifier });
  return { keys, secret, linked };
}

/**
 * Three grants on one API: a client's (every field but default_for), the default grant of third-party
 * clients (every field but client), and a client's user-access grant. A grant takes scopes or all scopes,
 * so each of the first two switches from one to the other between the variants.
 */
const GRANT_API = APIS[0]!.identifier;
function grantItems() {
  const grant = (v: Variant, picked: Picked, without: string[], allScopesFirst: boolean) => {
    const item = everyField(handlers.clientGrants, clientGrantsCatalog, v, {
      audience: [GRANT_API, GRANT_API],
      subject_type: ['client', 'client'],
      scope: [['read:things'], ['write:things', 'read:things']],
      allow_all_scopes: allScopesFirst ? [true, false] : [false, true],
      ...picked,
    }, without);
    if (item.allow_all_scopes === true) delete item.scope;
    return item;
  };
  const client = (v: Variant) => grant(v, { client: ['Every Field Worker', 'Every Field Worker'] }, ['default_for'], false);
  const fallback = (v: Variant) => grant(v, { default_for: ['third_party_clients', 'third_party_clients'] }, ['client'], true);
  const user = (v: Variant) => ({ client: 'Every Field Worker', audience: GRANT_API, subject_type: 'user', scope: v === 0 ? ['read:things'] : ['write:things'] });
  return { client, fallback, user };
}

/** What an organization's members and enabled connections point at. */
const ORG_DEPENDENCIES = {
  connections: [
    { name: 'every-field-db', strategy: 'auth0' },
    { name: 'every-field-staff', strategy: 'auth0' },
  ],
  users: [
    { connection: 'every-field-db', email: 'ada@every-field.example' },
    { connection: 'every-field-db', email: 'bob@every-field.example' },
  ],
  roles: [{ name: 'every-field-buyer' }, { name: 'every-field-approver' }],
  clients: [
    { name: 'every-field-portal', app_type: 'regular_web' },
    { name: 'every-field-shop', app_type: 'regular_web' },
  ],
};

/** Sign-up through an organization's connection makes members, so it goes with assign_membership_on_login. */
const ORG_PICKS: Picked = {
  name: ['every-field-org', 'every-field-org'],
  connections: [
    [{ name: 'every-field-db', assign_membership_on_login: true, show_as_button: false, is_signup_enabled: true }],
    [
      { name: 'every-field-db', assign_membership_on_login: false, show_as_button: true, is_signup_enabled: false },
      { name: 'every-field-staff', assign_membership_on_login: true, show_as_button: false, is_signup_enabled: false },
    ],
  ],
  members: [
    [{ email: 'ada@every-field.example', connection: 'every-field-db', roles: ['every-field-buyer'] }],
    [
      { email: 'ada@every-field.example', connection: 'every-field-db', roles: ['every-field-approver', 'every-field-buyer'] },
      { email: 'bob@every-field.example', connection: 'every-field-db', roles: ['every-field-approver'] },
    ],
  ],
};

/**
 * The strategies most tenants use: database, passwordless, social, enterprise. A database connection
 * declares its identifiers as `attributes` or the older `requires_username`, never both (a 400): one each.
 */
const STRATEGIES: [string, string, string[]][] = [
  ['auth0', 'auth0 with attributes', ['requires_username']],
  ['auth0', 'auth0 with requires_username', ['attributes']],
  ...['email', 'sms', 'google-oauth2', 'facebook', 'apple', 'github', 'samlp', 'oidc', 'okta', 'waad', 'adfs'].map(
    (s): [string, string, string[]] => [s, s, []],
  ),
];

/** Every option secret comes from one env-bound keyword; other picks keep related options coherent. */
const CONNECTION_PICKS: Picked = {
  ...Object.fromEntries(
    (handlers.connections.secretFields ?? []).map((path) => [path, ['@@CONNECTION_SECRET@@', '@@CONNECTION_SECRET@@']]),
  ),
  'options.messaging_service_sid': [`MG${'0'.repeat(32)}`, `MG${'f'.repeat(32)}`],
  'options.twilio_sid': [`AC${'0'.repeat(32)}`, `AC${'f'.repeat(32)}`],
};
const CONNECTION_SECRETS: Case['secrets'] = {
  // Long enough for every option secret (a Twilio token has 32 characters at least).
  CONNECTION_SECRET: ['EVERY_FIELD_CONNECTION_SECRET', 'first-connection-secret-0123456789', 'second-connection-secret-987654321'],
};

function connectionItem(strategy: string, name: string, without: string[]) {
  const own = variantShape(connectionsVariants, strategy);
  if (own === undefined) throw new Error(`no options for ${strategy}`);
  // Options the kind leaves unmanaged (each with its reason) are not declarable.
  const unmanaged = Object.keys(handlers.connections.fields?.unmanagedNested ?? {}).map((p) => p.replace(/^options\./, ''));
  const shape = withoutKeys(own, [...unmanaged, ...without]);
  return (v: Variant) =>
    everyField(handlers.connections, connectionsCatalog, v, {
      ...CONNECTION_PICKS,
      name: [name, name],
      strategy: [strategy, strategy],
      enabled_clients: [['Every Field Worker'], ['Every Field Other']],
      realms: [[name], [`${name}-realm`]],
      options: [valueAt(shape, 0, 'options', CONNECTION_PICKS), valueAt(shape, 1, 'options', CONNECTION_PICKS)],
    });
}

/** One action per rule (redirect with its URI); scopes that do not cover tenantctl's own API calls. */
const ACL_PICKS: Picked = {
  description: ['Every field ACL', 'Every field ACL'],
  'rule.action': [{ redirect: true, redirect_uri: 'https://every-field.example/blocked' }, { log: true }],
  'rule.scope': ['authentication', 'dynamic_client_registration'],
  ...Object.fromEntries(
    ['match', 'not_match'].flatMap((m) => [
      [`rule.${m}.geo_country_codes`, [['DE', 'FR'], ['US']]],
      [`rule.${m}.geo_subdivision_codes`, [['DE-BE'], ['US-CA', 'US-NY']]],
      [`rule.${m}.auth0_managed`, [['auth0.low_reputation'], ['auth0.icloud_relay_proxy']]],
      [`rule.${m}.ja3_fingerprints`, [['e7d705a3286e19ea42f587b344ee6865'], ['6734f37431670b3ab4292b8f60f29984']]],
      [`rule.${m}.ja4_fingerprints`, [['t13d1516h2_8daaf6152771_b186095e22b6'], ['t13d1517h2_8daaf6152771_b0da82dd1658']]],
      [`rule.${m}.asns`, [[64496, 64497], [64511]]],
    ]),
  ),
};

/** A user of a database connection that takes usernames, with two roles to move between. */
const USER_DEPENDENCIES = {
  connections: [{ name: 'every-field-users', strategy: 'auth0', options: { requires_username: true } }],
  roles: [{ name: 'every-field-buyer' }, { name: 'every-field-approver' }],
  clients: [
    { name: 'every-field-portal', app_type: 'regular_web' },
    { name: 'every-field-shop', app_type: 'regular_web' },
  ],
};
const USER_PICKS: Picked = {
  connection: ['every-field-users', 'every-field-users'],
  email: ['grace@every-field.example', 'grace@every-field.example'],
  // Taken on create only: the plan refuses a different one rather than plan what the API cannot do.
  user_id: ['every-field-grace', 'every-field-grace'],
  password: ['@@USER_PASSWORD@@', '@@USER_PASSWORD@@'],
  phone_number: ['+14155550100', '+442079460000'],
  username: ['grace_hopper', 'amazing_grace'],
  // The phone number changes too, so the second apply sends the other client with it.
  verification_client: ['every-field-portal', 'every-field-shop'],
  roles: [['every-field-buyer'], ['every-field-approver', 'every-field-buyer']],
};
const USER_SECRETS: Case['secrets'] = {
  USER_PASSWORD: ['EVERY_FIELD_USER_PASSWORD', 'first-Passw0rd!-long', 'second-Passw0rd!-long'],
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
        cleared: { tenant: emptied(item(1), tenantCatalog) },
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

  it('client grants (a client\'s, the third-party default, a user grant)', async () => {
    const { client, fallback, user } = grantItems();
    await roundTrip({
      manifest: (v) => ({
        resourceServers: APIS,
        clients: [{ name: 'Every Field Worker', app_type: 'non_interactive', grant_types: ['client_credentials'] }],
        clientGrants: [client(v), fallback(v), user(v)],
      }),
      changed: {
        [`clientGrants/Every Field Worker -> ${GRANT_API}`]: changedFields('clientGrants', client),
        [`clientGrants/default for third_party_clients -> ${GRANT_API}`]: changedFields('clientGrants', fallback),
        [`clientGrants/Every Field Worker -> ${GRANT_API} (user)`]: ['scope'],
      },
    });
  });

  it('organizations (enabled connections, members with roles)', async () => {
    const item = (v: Variant) => everyField(handlers.organizations, organizationsCatalog, v, ORG_PICKS);
    await roundTrip({
      manifest: (v) => ({ ...ORG_DEPENDENCIES, organizations: [item(v)] }),
      changed: { 'organizations/every-field-org': changedFields('organizations', item) },
    });
  });

  it('roles (permissions in both forms)', async () => {
    const item = (v: Variant) =>
      everyField(handlers.roles, rolesCatalog, v, {
        name: ['every-field-role', 'every-field-role'],
        permissions: [
          [{ api: APIS[0]!.identifier, scopes: ['read:things', 'write:things'] }],
          [
            { resource_server_identifier: APIS[1]!.identifier, permission_name: 'write:things' },
            { api: APIS[0]!.identifier, scopes: ['read:things'] },
          ],
        ],
      });
    await roundTrip({
      manifest: (v) => ({ resourceServers: APIS, roles: [item(v)] }),
      changed: { 'roles/every-field-role': changedFields('roles', item) },
    });
  });

  for (const [strategy, label, without] of STRATEGIES) {
    it(`connections: ${label}`, async () => {
      const name = `every-field-${label.replace(/[ _]/g, '-')}`;
      const item = connectionItem(strategy, name, without);
      await roundTrip({
        manifest: (v) => ({
          clients: [{ name: 'Every Field Worker', app_type: 'regular_web' }, { name: 'Every Field Other', app_type: 'regular_web' }],
          connections: [item(v)],
        }),
        changed: { [`connections/${name}`]: changedFields('connections', item) },
        secrets: CONNECTION_SECRETS,
      });
    });
  }

  it('network ACLs', async () => {
    const item = (v: Variant) => everyField(handlers.networkAcls, networkAclsCatalog, v, ACL_PICKS);
    await roundTrip({
      manifest: (v) => ({ networkAcls: [item(v)] }),
      changed: { 'networkAcls/Every field ACL': changedFields('networkAcls', item) },
    });
  });

  it('users (with roles)', async () => {
    const item = (v: Variant) => everyField(handlers.users, usersCatalog, v, USER_PICKS);
    await roundTrip({
      manifest: (v) => ({ ...USER_DEPENDENCIES, users: [item(v)] }),
      changed: { 'users/every-field-users/grace@every-field.example': changedFields('users', item) },
      secrets: USER_SECRETS,
    });
  });

  it('clients (with credentials, with a secret, linked to an API)', async () => {
    const { keys, secret, linked } = clientItems(await organizationId());
    await roundTrip({
      manifest: (v) => ({ resourceServers: APIS, clients: [keys(v), secret(v), linked(v)] }),
      cleared: { resourceServers: APIS, clients: [emptied(keys(1), clientsCatalog), emptied(secret(1), clientsCatalog), linked(1)] },
      changed: {
        'clients/Every Field Keys': changedFields('clients', keys),
        'clients/Every Field Secret': changedFields('clients', secret),
        'clients/Every Field Linked': ['resource_server_identifier'],
      },
      secrets: CLIENT_SECRETS,
    });
  });
});
