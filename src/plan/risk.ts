import type { JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { handlers } from '../kinds/index.js';
import { kindContext } from './context.js';
import type { Change, Live } from './types.js';

export { RISKY_CHANGES } from './risky-changes.js';

const LOCKOUT_SCOPES = new Set(['management', 'tenant']);

/** An active block or redirect rule on a scope that covers /api/v2 can shut tenantctl out (§4.3). */
export function aclLockoutRisk(body: JsonObject | undefined): string | undefined {
  const rule = body?.rule;
  if (!isObject(rule) || !isObject(rule.action) || body?.active === false) return undefined;
  const scope = String(rule.scope);
  const kind = rule.action.block === true ? 'block' : rule.action.redirect === true ? 'redirect' : undefined;
  if (!kind || !LOCKOUT_SCOPES.has(scope)) return undefined;
  return `an active ${kind} rule on scope '${scope}' applies to Management API calls, including tenantctl's own; if it matches this machine, tenantctl is locked out`;
}

/**
 * Why a change needs --allow-lockout-risk, judged only from what the change will send (its kind, action,
 * operation and body), never from a marker a plan file carries. Pure: plan and apply both call it.
 */
export function riskOf(change: Change): string | undefined {
  switch (change.kind) {
    case 'networkAcls':
      return change.action === 'delete' ? undefined : aclLockoutRisk(change.body);
    case 'signingKeys':
      return change.operation === 'revoke'
        ? `revoking signing key ${change.id ?? '(no id)'} is permanent: tokens signed with it stop verifying`
        : undefined;
    case 'connections':
      return change.action === 'replace'
        ? 'the strategy cannot change in place: the connection is deleted and created again, and every user stored in it is deleted with it'
        : undefined;
    default:
      return undefined;
  }
}

/**
 * Why a change must never run, whatever the flags: it touches an object tenantctl never plans (the
 * deployer client and its credentials, its Management API grant, the global client, system APIs) or
 * revokes the current or next signing key. A plan never contains such a change; an edited plan file may.
 */
export function forbiddenReason(change: Change, live: Live): string | undefined {
  if (change.action === 'create' || change.id === undefined) return undefined;
  const handler = handlers[change.kind];
  const target = (live.kinds[change.kind] ?? []).find((o) => handler.idOf(o) === change.id);
  if (target === undefined) return undefined;
  const reason = handler.protectedReason(target, kindContext(live));
  if (reason) return `never planned: ${reason}`;
  if (change.kind === 'signingKeys' && change.operation === 'revoke') {
    if (target.current === true) return `signing key ${change.id} is the current key; it is never revoked`;
    if (target.next === true) return `signing key ${change.id} is the next key; it is never revoked`;
  }
  return undefined;
}

/** Kinds whose live objects `forbiddenReason` needs to see for these changes. */
export function kindsToCheck(changes: Change[]): Change['kind'][] {
  return [...new Set(changes.filter((c) => c.action !== 'create').map((c) => c.kind))];
}
