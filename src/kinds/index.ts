import { clientGrants } from './client-grants.js';
import { clients } from './clients.js';
import { resourceServers } from './resource-servers.js';
import type { Kind, KindHandler } from './types.js';

export { KINDS, type Kind, type KindContext, type KindHandler } from './types.js';

/** The exhaustive registry: adding a Kind without a handler fails to compile. */
export const handlers = { resourceServers, clients, clientGrants } satisfies Record<Kind, KindHandler>;

export function handlerFor(kind: Kind): KindHandler {
  return handlers[kind];
}
