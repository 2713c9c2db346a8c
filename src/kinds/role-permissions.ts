import { byText } from '../text-order.js';
import { z } from 'zod';
import type { Json, JsonObject } from '../json.js';
import { isObject } from '../json.js';
import { str } from './common.js';

/** One permission of a role: a scope of an API, named by the API's identifier (OAS PermissionRequestPayload). */
export interface Permission {
  resource_server_identifier: string;
  permission_name: string;
}

const pair = z.strictObject({
  resource_server_identifier: z.string().min(1).max(600),
  permission_name: z.string().min(1).max(280),
});

/** The shorthand `- api: <identifier>` + `scopes: [...]`: every listed scope of one API. */
const shorthand = z.strictObject({
  api: z.string().min(1).max(600),
  scopes: z.array(z.string().min(1).max(280)).min(1),
});

export const permissionsSchema = z.array(z.union([pair, shorthand]));

/** Both manifest forms as plain pairs, without duplicates, in a stable order. */
export function permissionPairs(value: Json | undefined): Permission[] {
  if (!Array.isArray(value)) return [];
  const seen = new Map<string, Permission>();
  for (const entry of value) {
    if (!isObject(entry)) continue;
    const list: Permission[] = Array.isArray(entry.scopes)
      ? entry.scopes.map((s) => ({ resource_server_identifier: str(entry.api), permission_name: String(s) }))
      : [{ resource_server_identifier: str(entry.resource_server_identifier), permission_name: str(entry.permission_name) }];
    for (const p of list) seen.set(permissionKey(p), p);
  }
  return [...seen.values()].sort((a, b) => byText(permissionKey(a), permissionKey(b)));
}

export const permissionKey = (p: Permission): string => `${p.resource_server_identifier} ${p.permission_name}`;

/** Where each permission sits in the manifest item, for error locations. */
export function permissionPaths(value: Json | undefined): { permission: Permission; path: (string | number)[] }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry, i) => {
    if (!isObject(entry)) return [];
    if (Array.isArray(entry.scopes))
      return entry.scopes.map((s, j) => ({
        permission: { resource_server_identifier: str(entry.api), permission_name: String(s) },
        path: ['permissions', i, 'scopes', j],
      }));
    return [
      {
        permission: {
          resource_server_identifier: str(entry.resource_server_identifier),
          permission_name: str(entry.permission_name),
        },
        path: ['permissions', i, 'permission_name'],
      },
    ];
  });
}

/**
 * The comparable form: API identifier -> its scopes, sorted. A map, so a plan names the API whose scopes
 * changed (`permissions.https://api: [a] -> [a, b]`) instead of printing two long lists.
 */
export function permissionMap(list: Permission[]): JsonObject {
  const out: Record<string, string[]> = {};
  for (const p of list) (out[p.resource_server_identifier] ??= []).push(p.permission_name);
  for (const scopes of Object.values(out)) scopes.sort();
  return out;
}

/** Map form (entries set to null are APIs dropped from the manifest) or list form, back to pairs. */
export function pairsOf(value: Json | undefined): Permission[] {
  if (!isObject(value)) return permissionPairs(value);
  return Object.entries(value).flatMap(([api, scopes]) =>
    Array.isArray(scopes) ? scopes.map((s) => ({ resource_server_identifier: api, permission_name: String(s) })) : [],
  );
}

export function asObjects(list: Permission[]): JsonObject[] {
  return list.map((p) => ({ resource_server_identifier: p.resource_server_identifier, permission_name: p.permission_name }));
}
