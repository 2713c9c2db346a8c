import type { Api, RequestOptions } from '../api/types.js';
import type { JsonObject } from '../json.js';
import { str } from './common.js';
import type { KindHandler } from './types.js';

export interface RestCollection {
  /** Path below /api/v2, e.g. `/clients`. */
  path: string;
  /** The list envelope's array key, e.g. `clients`. */
  key: string;
  /** The id field of a live object. */
  idField: string;
  /** The endpoint offers from/take checkpoints (mgmt-api.md 2.3). */
  checkpoint?: boolean;
  /** Fixed list filters. */
  query?: RequestOptions['query'];
  /** PATCH by default; network ACLs update with a full PUT. */
  updateMethod?: 'PATCH' | 'PUT';
  /** Statuses a DELETE may answer that still mean "gone" (a 404 re-delete on organizations). */
  deleteAccepts?: number[];
}

/** list/create/update/remove/idOf for a kind served as a plain REST collection of the Management API. */
export function restCollection(spec: RestCollection): Pick<KindHandler, 'idOf' | 'list' | 'create' | 'update' | 'remove'> {
  const one = (id: string) => `${spec.path}/${encodeURIComponent(id)}`;
  return {
    idOf: (live) => str(live[spec.idField]),
    list: (api: Api) => api.list(spec.path, spec.key, { checkpoint: spec.checkpoint, query: spec.query }),
    async create(api, body) {
      return (await api.request({ method: 'POST', path: spec.path, body })).body as JsonObject;
    },
    async update(api, id, body) {
      return (await api.request({ method: spec.updateMethod ?? 'PATCH', path: one(id), body })).body as JsonObject;
    },
    async remove(api, id) {
      await api.request({ method: 'DELETE', path: one(id), accept: spec.deleteAccepts });
    },
  };
}
