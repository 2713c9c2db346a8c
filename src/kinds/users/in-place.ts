import type { JsonObject } from '../../json.js';
import type { Change } from '../../plan/types.js';
import { refTo, str } from '../common.js';
import type { KindHandler, KindPlanInput } from '../types.js';
import { userFields } from './route.js';

/** The part of a user id after `provider|`: what a manifest's `user_id` names. */
export const ownId = (userId: string) => userId.slice(userId.indexOf('|') + 1);

/**
 * A user's key is its connection and email, so a new email reads as another user. An item that also
 * declares `user_id` says which user it is: when no live user has the item's key but a live user of the
 * same connection has that id (and its own address is no longer declared), the item matches that user and
 * the email changes in place (PATCH), keeping the user's id, password, roles and history, instead of a
 * delete and a create. Returns the handler with those live users keyed under their items' keys.
 */
export function matchingMovedEmails(handler: KindHandler, input: KindPlanInput): KindHandler {
  const declared = input.items.filter((item) => typeof item.body.user_id === 'string');
  if (declared.length === 0) return handler;
  const liveKeys = new Set(input.live.map((u) => handler.liveKeyOf(u, input.ctx)));
  const itemKeys = new Set(input.items.map((item) => item.key));
  const byId = new Map(input.live.map((u) => [`${str(u.connection)}\n${ownId(str(u.user_id))}`, u]));
  const alias = new Map<JsonObject, string>();
  for (const item of declared) {
    if (liveKeys.has(item.key)) continue;
    const user = byId.get(`${str(item.body.connection)}\n${str(item.body.user_id)}`);
    const oldKey = user && handler.liveKeyOf(user, input.ctx);
    if (!user || oldKey === undefined || itemKeys.has(oldKey) || alias.has(user)) continue;
    alias.set(user, item.key);
  }
  if (alias.size === 0) return handler;
  return { ...handler, liveKeyOf: (live, ctx) => alias.get(live) ?? handler.liveKeyOf(live, ctx) };
}

/**
 * The request options of an update that changes the email or the phone number: `verify_email` /
 * `verify_phone_number` as declared, and the verification client (OAS: `client_id` is optional exactly
 * then). They are not user state, so they are never compared; they ride along with the change they
 * qualify and are sent with nothing else.
 */
export function addVerificationOptions(changes: Change[], items: KindPlanInput['items']): void {
  const byAddress = new Map(items.map((item) => [item.address, item.body]));
  for (const change of changes) {
    if (change.action !== 'update' || !change.body) continue;
    const item = byAddress.get(change.address);
    if (!item) continue;
    const changed = new Set(userFields(change).map((f) => f.path.split(/[.[]/)[0]));
    const email = changed.has('email');
    const phone = changed.has('phone_number');
    if (!email && !phone) continue;
    if (email && typeof item.verify_email === 'boolean') change.body.verify_email = item.verify_email;
    if (phone && typeof item.verify_phone_number === 'boolean')
      change.body.verify_phone_number = item.verify_phone_number;
    if (typeof item.verification_client === 'string')
      change.body.client_id = refTo('clients', item.verification_client);
  }
}
