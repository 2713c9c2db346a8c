import { z } from 'zod';
import type { JsonObject } from '../json.js';
import { isRef, pick, refTo, str, builtOnce } from './common.js';
import { clientGrantsCatalog } from './fields/clientGrants.js';
import { canonicalFields, type FieldSemantics } from './fields/semantics.js';
import { itemSchemaOf, managedFields, type ItemSchemaSpec } from './fields/zod.js';
import type { KindContext, KindHandler } from './types.js';
import { restCollection } from './rest.js';

const spec: ItemSchemaSpec = {
  // Grants name their client; the plan resolves the name to the live id.
  extra: { client: z.string().min(1) },
  declaredAs: { client_id: 'client' },
  required: ['audience'],
};

/** A grant is for one client, or the default for every third-party client (`default_for`), never both (a 400). */
const itemSchema = builtOnce(() =>
  itemSchemaOf(clientGrantsCatalog, spec).superRefine((item, ctx) => {
    if ((item.client === undefined) === (item.default_for === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['client'],
        message: 'name the client, or set default_for for a grant every third-party client gets (not both)',
      });
  }),
);

const semantics: FieldSemantics = { sets: ['scope', 'authorization_details_types'] };

/** API fields besides the client reference. */
const FIELDS = managedFields(clientGrantsCatalog, spec);

/**
 * `Orders Service -> https://api/` (+ ` (user)`): a client may hold one grant per audience and subject type;
 * a default grant is one per audience: `default for third_party_clients -> https://api/`.
 */
function grantKey(client: string, audience: string, subjectType: unknown): string {
  return `${client} -> ${audience}${subjectType === 'user' ? ' (user)' : ''}`;
}

const defaultFor = (value: unknown) => `default for ${String(value)}`;

function clientName(live: JsonObject, ctx: KindContext): string | undefined {
  return ctx.clientNames.get(str(live.client_id));
}

export const clientGrants: KindHandler = {
  kind: 'clientGrants',
  label: 'client grant',
  get itemSchema() {
    return itemSchema();
  },
  fields: { catalog: clientGrantsCatalog, spec, semantics },
  keyOf(item) {
    const holder = item.client ?? (item.default_for === undefined ? '(no client)' : defaultFor(item.default_for));
    return grantKey(str(holder), str(item.audience), item.subject_type);
  },
  liveKeyOf(live, ctx) {
    if (live.default_for !== undefined) return grantKey(defaultFor(live.default_for), str(live.audience), live.subject_type);
    const name = clientName(live, ctx);
    return name === undefined ? undefined : grantKey(name, str(live.audience), live.subject_type);
  },
  references: (item) => (item.client === undefined ? [] : [{ kind: 'clients', key: str(item.client), path: ['client'] }]),
  protectedReason(live, ctx) {
    if (live.is_system === true) return 'system grant managed by Auth0';
    if (
      ctx.deployerClientId &&
      live.client_id === ctx.deployerClientId &&
      live.audience === ctx.managementAudience
    ) {
      return "tenantctl's own grant to the Management API";
    }
    return undefined;
  },
  toApi: (item) => ({ ...(item.client === undefined ? {} : { client_id: refTo('clients', str(item.client)) }), ...pick(item, FIELDS) }),
  fromLive(live, ctx) {
    const out: JsonObject = pick(live, FIELDS);
    const name = clientName(live, ctx);
    if (live.client_id !== undefined) out.client_id = name === undefined ? str(live.client_id) : refTo('clients', name);
    // An absent subject_type means `client` (older grants predate the field).
    out.subject_type = live.subject_type ?? 'client';
    return out;
  },
  canonicalize(body) {
    const out = canonicalFields(body, semantics);
    if (out.client_id !== undefined && !isRef(out.client_id) && typeof out.client_id !== 'string')
      delete out.client_id;
    return out;
  },
  // client, audience, subject_type and default_for are create-only (OAS; deploy-cli strips them from updates).
  replaceFields: ['client_id', 'audience', 'subject_type', 'default_for'],
  mapFields: [],
  dependsOn: ['clients', 'resourceServers'],
  ...restCollection({ path: '/client-grants', key: 'client_grants', idField: 'id', checkpoint: true }),
};
