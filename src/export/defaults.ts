import { clientDefaults } from '../emulator/routes/client-defaults.js';
import { freshConnection } from '../emulator/routes/connection-defaults.js';
import { withDerivedOptions } from '../emulator/routes/connection-derived.js';
import { resourceServerDefaults } from '../emulator/routes/resource-servers.js';
import { freshTenantSettings } from '../emulator/routes/tenant-settings.js';
import type { Json, JsonObject } from '../json.js';
import { isObject, stableStringify } from '../json.js';
import { pick, str } from '../kinds/common.js';
import type { Kind, KindContext, KindHandler } from '../kinds/types.js';
import { liveCanonical } from '../plan/context.js';

/**
 * What the API answers for an object freshly created like this live one (same key, same strategy, app
 * type, auth method, first-party flag): the emulator's own defaults, which follow the recorded answers
 * of the real API, so there is one table of server defaults and not a second one here.
 */
const FRESH: Partial<Record<Kind, (live: JsonObject) => JsonObject>> = {
  tenant: () => freshTenantSettings(),
  resourceServers: (live) => ({ identifier: live.identifier ?? '', ...resourceServerDefaults() }),
  clients: (live) => ({
    name: live.name ?? '',
    ...clientDefaults(pick(live, ['app_type', 'token_endpoint_auth_method', 'is_first_party']), {
      domain: '',
      tenantName: '',
      issuer: '',
      audience: '',
    }),
  }),
  connections: (live) => {
    const fresh = freshConnection(str(live.name), str(live.strategy));
    // Values the server derives from the live options (a SAML certificate's thumbprints) are defaults
    // too: exported, they would be sent again, stale, with the next certificate.
    const signingCert = isObject(live.options) ? live.options.signingCert : undefined;
    if (typeof signingCert !== 'string' || !isObject(fresh.options)) return fresh;
    const derived: JsonObject = { ...fresh, options: { ...fresh.options, signingCert } };
    withDerivedOptions(derived);
    // The certificate itself is the user's, not a default: only what was derived from it is.
    const { signingCert: _cert, ...options } = derived.options as JsonObject;
    return { ...derived, options };
  },
};

/** The comparable form of the fresh object, or undefined for kinds whose objects have no defaults. */
export function defaultsFor(handler: KindHandler, live: JsonObject, ctx: KindContext): JsonObject | undefined {
  const fresh = FRESH[handler.kind]?.(live);
  return fresh === undefined ? undefined : liveCanonical(handler, fresh, ctx);
}

/** Sets compare sorted: the API gives their order no meaning, and the canonical form sorted them already. */
function same(a: Json, b: Json): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return stableStringify([...a.map(stableStringify)].sort()) === stableStringify([...b.map(stableStringify)].sort());
  return stableStringify(a) === stableStringify(b);
}

/**
 * `body` without the values equal to the default, key by key into nested objects (a plan compares only
 * the keys a nested object declares, src/plan/diff.ts `project`), so a field left out stays as the server
 * made it. Map fields are compared whole by the plan, so they are kept or dropped whole.
 */
export function withoutDefaults(body: JsonObject, defaults: JsonObject, keep: { mapFields: string[]; keys: string[] }): JsonObject {
  const prune = (value: JsonObject, base: JsonObject, top: boolean): JsonObject => {
    const out: JsonObject = {};
    for (const [key, v] of Object.entries(value)) {
      const d = base[key];
      if (top && keep.keys.includes(key)) out[key] = v;
      else if (d === undefined) out[key] = v;
      else if (same(v, d)) continue;
      else if (isObject(v) && isObject(d) && !(top && keep.mapFields.includes(key))) {
        const inner = prune(v, d, false);
        if (Object.keys(inner).length > 0) out[key] = inner;
      } else out[key] = v;
    }
    return out;
  };
  return prune(body, defaults, true);
}
