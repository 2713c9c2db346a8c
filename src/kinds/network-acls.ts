import { z } from 'zod';
import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { pick, str } from './common.js';
import { planNetworkAcls } from './network-acl-plan.js';
import type { KindHandler } from './types.js';
import { restCollection } from './rest.js';

/**
 * Network ACLs (mgmt-api.md §4). Keyed by `description` (the API has no natural key, §4.4). Updates are a
 * PUT, a full replace: a PATCH `rule` must be complete anyway. Priorities are unique (409), so the plan
 * orders its requests (network-acl-plan.ts) and the kind runs sequentially.
 */
const FIELDS = ['description', 'active', 'priority', 'rule'] as const;
export const SIGNALS = [
  'asns',
  'geo_country_codes',
  'geo_subdivision_codes',
  'ipv4_cidrs',
  'ipv6_cidrs',
  'ja3_fingerprints',
  'ja4_fingerprints',
  'user_agents',
  'hostnames',
  'connecting_ipv4_cidrs',
  'connecting_ipv6_cidrs',
  'auth0_managed',
] as const;

const values = <T extends z.ZodType>(item: T, max: number) => z.array(item).min(1).max(max);
const text = z.string().min(1);
const match = z.strictObject({
  asns: values(z.number().int(), 10).optional(),
  geo_country_codes: values(z.string().regex(/^[A-Z]{2}$/, 'must be two upper-case letters (ISO 3166-1)'), 10).optional(),
  geo_subdivision_codes: values(z.string().regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, 'must look like US-NY (ISO 3166-2)'), 10).optional(),
  ipv4_cidrs: values(text, 10).optional(),
  ipv6_cidrs: values(text, 10).optional(),
  ja3_fingerprints: values(text, 10).optional(),
  ja4_fingerprints: values(text, 10).optional(),
  user_agents: values(text, 10).optional(),
  hostnames: values(text, 20).optional(),
  connecting_ipv4_cidrs: values(text, 20).optional(),
  connecting_ipv6_cidrs: values(text, 20).optional(),
  auth0_managed: values(z.string().regex(/^auth0\.[^.\s]+$/, 'must name a curated list like auth0.low_reputation'), 10).optional(),
});

const action = z
  .strictObject({
    block: z.literal(true).optional(),
    allow: z.literal(true).optional(),
    log: z.literal(true).optional(),
    redirect: z.literal(true).optional(),
    redirect_uri: z.string().min(1).max(2000).optional(),
  })
  .superRefine((a, ctx) => {
    // "Only one action type … should be specified"; redirect_uri goes with redirect only (§4.3).
    const set = (['block', 'allow', 'log', 'redirect'] as const).filter((k) => a[k] === true);
    if (set.length !== 1)
      ctx.addIssue({ code: 'custom', message: 'exactly one of block, allow, log or redirect must be true' });
    else if (a.redirect === true && a.redirect_uri === undefined)
      ctx.addIssue({ code: 'custom', message: 'redirect needs a redirect_uri' });
    else if (a.redirect !== true && a.redirect_uri !== undefined)
      ctx.addIssue({ code: 'custom', message: 'redirect_uri is only allowed with redirect: true' });
  });

const rule = z
  .strictObject({
    action,
    match: match.optional(),
    not_match: match.optional(),
    scope: z.enum(['management', 'authentication', 'tenant', 'dynamic_client_registration']),
  })
  .superRefine((r, ctx) => {
    if (r.match === undefined && r.not_match === undefined)
      ctx.addIssue({ code: 'custom', message: 'a rule needs match or not_match' });
  });

const itemSchema = z.strictObject({
  description: z.string().min(1).max(255),
  priority: z.number().int().min(1).max(100),
  active: z.boolean().optional(),
  rule,
});

const sortValues = (v: Json | undefined): Json | undefined =>
  Array.isArray(v) ? [...v].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)))) : v;

/** Signal values are OR-ed sets (rule-evaluation docs, §4.3): their order carries no meaning. */
function canonicalMatch(m: Json | undefined): JsonObject | undefined {
  if (!isObject(m)) return undefined;
  const out: JsonObject = {};
  for (const signal of SIGNALS) if (m[signal] !== undefined) out[signal] = sortValues(m[signal]) as Json;
  return out;
}

function canonicalRule(r: Json | undefined): Json | undefined {
  if (!isObject(r)) return r;
  const out: JsonObject = pick(r, ['action', 'scope']);
  const m = canonicalMatch(r.match);
  const nm = canonicalMatch(r.not_match);
  if (m) out.match = m;
  if (nm) out.not_match = nm;
  return out;
}

export const networkAcls: KindHandler = {
  kind: 'networkAcls',
  label: 'network ACL',
  itemSchema,
  keyOf: (item) => str(item.description),
  liveKeyOf: (live) => (typeof live.description === 'string' ? live.description : undefined),
  references: () => [],
  protectedReason: () => undefined,
  // `active` is required by the API (PUT is a full replace): a manifest that leaves it out means active.
  toApi: (item) => ({ active: true, ...pick(item, FIELDS) }),
  fromLive: (live) => pick(live, FIELDS),
  canonicalize(body) {
    const out = pick(body, FIELDS);
    if (out.rule !== undefined) out.rule = canonicalRule(out.rule) as Json;
    return out;
  },
  replaceFields: [],
  // The rule is replaced whole by PUT: compare it whole, so a removed signal shows as a change.
  mapFields: ['rule'],
  sequential: true,
  plan: planNetworkAcls,
  async execute(api, change, body) {
    // `move-priority`: a PUT of the live ACL at a free temporary priority (network-acl-plan.ts).
    const res = await api.request({
      method: 'PUT',
      path: `/network-acls/${encodeURIComponent(change.id ?? '')}`,
      body: body ?? {},
    });
    return res.body as JsonObject;
  },
  dependsOn: [],
  // Updates replace the whole ACL with PUT (mgmt-api.md 4.4: a PATCHed rule must be complete anyway).
  ...restCollection({ path: '/network-acls', key: 'network_acls', idField: 'id', updateMethod: 'PUT' }),
};
