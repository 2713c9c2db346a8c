import { z } from 'zod';
import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { pick, str, builtOnce } from './common.js';
import type { Field } from './fields/field.js';
import { canonicalFields, type FieldSemantics } from './fields/semantics.js';
import { networkAclsCatalog } from './fields/networkAcls.js';
import { fieldSchema, itemSchemaOf, managedFields, type ItemSchemaSpec } from './fields/zod.js';
import { planNetworkAcls } from './network-acl-plan.js';
import type { KindHandler } from './types.js';
import { restCollection } from './rest.js';

/**
 * Network ACLs (mgmt-api.md §4). Keyed by `description` (the API has no natural key, §4.4). Updates are a
 * PUT, a full replace: a PATCH `rule` must be complete anyway. Priorities are unique (409), so the plan
 * orders its requests (network-acl-plan.ts) and the kind runs sequentially.
 */
/**
 * What NetworkAclMatch does not say and the API enforces (mgmt-api.md §4.2/§4.3): at most 10 values per
 * signal (20 for hostnames and the connecting_* signals), and the curated `auth0_managed` lists. Value
 * formats (CIDRs, codes, host names) are checked with their own wording in src/manifest/field-formats.ts.
 */
const WIDE_SIGNALS = ['hostnames', 'connecting_ipv4_cidrs', 'connecting_ipv6_cidrs'];
const auth0Managed: Field = {
  type: 'array',
  minItems: 1,
  maxItems: 10,
  items: { type: 'string', pattern: '^auth0\\.[^.\\s]+$' },
};

function matchField(match: Field): Field {
  const properties: Record<string, Field> = {};
  for (const [signal, field] of Object.entries({ ...match.properties, auth0_managed: auth0Managed }))
    properties[signal] = { ...field, maxItems: WIDE_SIGNALS.includes(signal) ? 20 : 10 };
  return { ...match, properties };
}

const ruleField = networkAclsCatalog.fields.rule!;
const ACTIONS = ['block', 'allow', 'log', 'redirect'] as const;

const rule = fieldSchema({
  ...ruleField,
  properties: {
    ...ruleField.properties,
    match: matchField(ruleField.properties!.match!),
    not_match: matchField(ruleField.properties!.not_match!),
  },
}).superRefine((value, ctx) => {
  const r = value as JsonObject;
  const a = isObject(r.action) ? r.action : {};
  // "Only one action type … should be specified"; redirect_uri goes with redirect only (§4.3).
  const set = ACTIONS.filter((k) => a[k] === true);
  const issue = (message: string, path: string[]) => ctx.addIssue({ code: 'custom', message, path });
  if (set.length !== 1) issue('exactly one of block, allow, log or redirect must be true', ['action']);
  else if (a.redirect === true && a.redirect_uri === undefined) issue('redirect needs a redirect_uri', ['action']);
  else if (a.redirect !== true && a.redirect_uri !== undefined)
    issue('redirect_uri is only allowed with redirect: true', ['action']);
  if (r.match === undefined && r.not_match === undefined) issue('a rule needs match or not_match', []);
});

const spec: ItemSchemaSpec = {
  overrides: {
    // The key: never empty.
    description: z.string().min(1).max(255),
    // Priorities are whole numbers in practice (the spec says number); the plan orders by them.
    priority: z.number().int().min(1).max(100),
    rule,
  },
  // `active` defaults to true here (toApi); priority is how the plan orders requests, so it is required.
  required: ['description', 'priority', 'rule'],
};

const FIELDS = managedFields(networkAclsCatalog, spec);

/** Signals of a rule's match (sorted as sets): those the catalog lists, and the curated lists. */
const itemSchema = builtOnce(() => itemSchemaOf(networkAclsCatalog, spec));

export const SIGNALS = Object.keys(matchField(ruleField.properties!.match!).properties ?? {});

/** Signal values are OR-ed sets (rule-evaluation docs, §4.3): their order carries no meaning. */
const semantics: FieldSemantics = {
  sets: SIGNALS.flatMap((signal) => [`rule.match.${signal}`, `rule.not_match.${signal}`]),
};

function canonicalMatch(m: Json | undefined): JsonObject | undefined {
  return isObject(m) ? pick(m, SIGNALS) : undefined;
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
  get itemSchema() {
    return itemSchema();
  },
  fields: { catalog: networkAclsCatalog, spec, semantics },
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
    return canonicalFields(out, semantics);
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
