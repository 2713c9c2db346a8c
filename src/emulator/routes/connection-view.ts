import type { JsonObject } from '../../json.js';
import { project } from '../projection.js';
import type { QueryValues } from '../query.js';
import type { ApiRequest, Entity } from '../types.js';

/**
 * What a read shows: `options` only to a token with read:connections_options (OAS ConnectionOptions: "In
 * order to return options in the response, the read:connections_options scope must be present"), the
 * deprecated `enabled_clients` only on single-connection responses (the list schema, ConnectionForList, has
 * none), and `fields`/`include_fields` applied last. Sub-resources stored inside the entity (`_scim` in
 * connection-scim.ts, `_keys` in connection-keys.ts, `_directory` in connection-directory.ts) are never shown.
 */
export function connectionView(e: Entity, req: ApiRequest, o: { list: boolean; q?: QueryValues }): JsonObject {
  const data = structuredClone(e.data);
  delete data._scim;
  delete data._keys;
  delete data._directory;
  if (!req.scopes.has('read:connections_options')) delete data.options;
  if (o.list) delete data.enabled_clients;
  return project(data, o.q);
}
