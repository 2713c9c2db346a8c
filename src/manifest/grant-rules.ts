import type { JsonObject } from '../json.js';
import { type Diag, error, where } from './diagnostics.js';
import { didYouMean } from './suggest.js';
import type { Loc } from './types.js';
import type { CheckedItem } from './validate.js';
import { locate } from './ynode.js';

/** `https://<tenant>/api/v2/`: the Management API exists in every tenant and is never declared. */
const MANAGEMENT_AUDIENCE = /^https:\/\/[^/]+\/api\/v2\/$/;

export interface GrantContext {
  /** Declared resource servers by identifier. */
  apis: Map<string, CheckedItem>;
  resourceServersManaged: boolean;
  /** `externalApis:` identifiers: APIs that exist in the tenant but are not declared here. */
  external: Map<string, Loc>;
}

/**
 * A grant's audience must be an API the tenant will have: declared, the Management API, or listed in
 * `externalApis` (the API answers 404 to a grant for an unknown audience, mgmt-api.md §7.2). Its scopes must
 * be scopes that API declares, when the manifest declares them. Without the marker a typo in an audience
 * would only surface at plan time, or as a 404 halfway through an apply.
 */
export function checkGrant(grant: CheckedItem, ctx: GrantContext): Diag[] {
  const body = grant.body as JsonObject;
  const audience = String(body.audience);
  const node = grant.node;
  const locOf = (path: (string | number)[]) => (node ? locate(node, path).node.loc : grant.loc);
  if (MANAGEMENT_AUDIENCE.test(audience) || ctx.external.has(audience)) return [];
  const api = ctx.apis.get(audience);
  if (api === undefined) {
    const where = ctx.resourceServersManaged
      ? 'Declare it in resourceServers, or fix the identifier'
      : 'resourceServers is not managed here: if the API exists in the tenant, list its identifier under `externalApis:`';
    return [
      error('undeclared_audience', `audience '${audience}' is not a declared resource server${didYouMean(audience, ctx.apis.keys())}`, {
        loc: locOf(['audience']),
        address: grant.address,
        hint: `${where}.`,
      }),
    ];
  }
  const declared = api.body?.scopes;
  if (!Array.isArray(declared) || !Array.isArray(body.scope)) return [];
  const values = declared.map((s) => String((s as JsonObject).value));
  return body.scope.flatMap((scope, i) =>
    values.includes(String(scope))
      ? []
      : [
          error('undeclared_scope', `scope '${String(scope)}' is not defined by resource server '${audience}'${didYouMean(String(scope), values)}`, {
            loc: locOf(['scope', i]),
            address: grant.address,
            hint: `Add it to the scopes of ${audience} (declared at {at}), or remove it from the grant.`,
            at: where(api.loc),
          }),
        ],
  );
}
