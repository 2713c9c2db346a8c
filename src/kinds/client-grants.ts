import { z } from 'zod';
import type { JsonObject } from '../json.js';
import { isRef, refTo, sortSets, str } from './common.js';
import type { KindContext, KindHandler } from './types.js';
import { restCollection } from './rest.js';

const itemSchema = z.strictObject({
  client: z.string().min(1),
  audience: z.string().min(1),
  scope: z.array(z.string().min(1).max(280)).optional(),
  subject_type: z.enum(['client', 'user']).optional(),
  // Whether the grant may be used for organizations, and for any of them (OAS CreateClientGrantRequestContent).
  organization_usage: z.enum(['deny', 'allow', 'require']).optional(),
  allow_any_organization: z.boolean().optional(),
});

/** Plain fields of a grant, sent and compared as they are. */
const ORGANIZATION_FIELDS = ['organization_usage', 'allow_any_organization'] as const;

/** `Orders Service -> https://api/` (+ ` (user)`): a client may hold one grant per audience and subject type. */
function grantKey(client: string, audience: string, subjectType: unknown): string {
  return `${client} -> ${audience}${subjectType === 'user' ? ' (user)' : ''}`;
}

function clientName(live: JsonObject, ctx: KindContext): string | undefined {
  return ctx.clientNames.get(str(live.client_id));
}

export const clientGrants: KindHandler = {
  kind: 'clientGrants',
  label: 'client grant',
  itemSchema,
  keyOf: (item) => grantKey(str(item.client), str(item.audience), item.subject_type),
  liveKeyOf(live, ctx) {
    const name = clientName(live, ctx);
    return name === undefined ? undefined : grantKey(name, str(live.audience), live.subject_type);
  },
  references: (item) => [{ kind: 'clients', key: str(item.client), path: ['client'] }],
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
  toApi(item) {
    const out: JsonObject = { client_id: refTo('clients', str(item.client)), audience: str(item.audience) };
    if (item.scope !== undefined) out.scope = item.scope;
    if (item.subject_type !== undefined) out.subject_type = item.subject_type;
    for (const f of ORGANIZATION_FIELDS) if (item[f] !== undefined) out[f] = item[f];
    return out;
  },
  fromLive(live, ctx) {
    const out: JsonObject = { audience: str(live.audience) };
    const name = clientName(live, ctx);
    out.client_id = name === undefined ? str(live.client_id) : refTo('clients', name);
    if (live.scope !== undefined) out.scope = live.scope;
    // An absent subject_type means `client` (older grants predate the field).
    out.subject_type = live.subject_type ?? 'client';
    for (const f of ORGANIZATION_FIELDS) if (live[f] !== undefined && live[f] !== null) out[f] = live[f];
    return out;
  },
  canonicalize(body) {
    const out = sortSets(body, ['scope']);
    if (out.client_id !== undefined && !isRef(out.client_id) && typeof out.client_id !== 'string')
      delete out.client_id;
    return out;
  },
  // client, audience and subject_type are immutable (OAS; deploy-cli strips them from updates) and form the key.
  replaceFields: ['client_id', 'audience', 'subject_type'],
  mapFields: [],
  dependsOn: ['clients', 'resourceServers'],
  ...restCollection({ path: '/client-grants', key: 'client_grants', idField: 'id', checkpoint: true }),
};
