import type { JsonObject } from '../../json.js';
import { fail, invalidBody } from '../errors.js';
import type { ApiRequest, Ctx, Entity, Route } from '../types.js';
import { addUser, changeUser, findUser, removeUser } from '../users/store.js';
import { any, enumOf, obj, str, validateBody } from '../validate.js';
import { findUserById } from './role-model.js';
import { STRATEGIES } from '../schemas/connections.js';

/**
 * Account linking (OAS LinkUserIdentityRequestContent, DELETE …/identities/{provider}/{user_id}).
 *
 * Linking by `provider` + `user_id` (+ `connection_id`) merges another existing user into this one: the
 * secondary user is deleted and its main identity is appended to the primary's `identities`, carrying the
 * secondary's profile as `profileData` (its metadata, roles and memberships do not follow: a linked
 * account is not a user of its own any more). The answer is 201 with the primary's identities. Linking with
 * `link_with` needs the secondary user's ID token; the emulator never issues ID tokens, so no token can be
 * verified and every one is the real 400 `Invalid token (link_with).`.
 *
 * Unlinking removes the identity from the primary and makes it a user of its own again, built from the
 * identity and its `profileData` (created now), and answers 200 with the primary's remaining identities.
 * The main identity cannot be removed (400). Unlinking an identity the user does not have changes nothing
 * and answers the identities as they are (no 404 is listed for it). The 400 wordings are the OAS's.
 */
/** An identity's provider is its connection's strategy name (OAS UserIdentityProviderEnum: the same list). */
const PROVIDERS = STRATEGIES;

const linkSchema = obj({
  provider: enumOf(PROVIDERS),
  connection_id: str({ pattern: /^con_[A-Za-z0-9]{16}$/ }),
  user_id: any(),
  link_with: str(),
});

/** The profile fields a linked identity keeps in `profileData` and an unlinked user gets back. */
const PROFILE = [
  'email', 'email_verified', 'name', 'username', 'given_name', 'family_name', 'nickname', 'picture',
  'phone_number', 'phone_verified',
] as const;

const bad = (message: string) => fail(400, message);
const identitiesOf = (user: Entity): JsonObject[] => (user.data.identities ?? []) as JsonObject[];

interface LinkBody {
  provider?: string;
  connection_id?: string;
  user_id?: unknown;
  link_with?: string;
}

function link(req: ApiRequest, ctx: Ctx) {
  const primary = findUserById(ctx, req.params.id as string);
  const body = validateBody<LinkBody>(linkSchema, req.body);
  if (body.link_with !== undefined) throw bad('Invalid token (link_with).');
  if (body.provider === undefined) throw invalidBody("Payload validation error: 'Missing required property: provider'.");
  const rawId = body.user_id;
  if (!(typeof rawId === 'string' && rawId !== '') && !Number.isInteger(rawId))
    throw invalidBody("Payload validation error: 'Missing required property: user_id'.");
  const localId = String(rawId);
  let connectionName: string | undefined;
  if (body.connection_id !== undefined) {
    const conn = ctx.state.collections.connections.find((c) => c.data.id === body.connection_id);
    if (!conn) throw bad('The provider/connection is not configured.');
    connectionName = String(conn.data.name);
  }
  const sameIdentity = (i: JsonObject) => i.provider === body.provider && String(i.user_id) === localId;
  const main = identitiesOf(primary)[0];
  if (main && sameIdentity(main)) throw bad('Main identity and the new one are the same.');
  if (identitiesOf(primary).some(sameIdentity)) throw fail(409, 'Specified identity already exists.');
  const secondary = findUser(ctx.state, `${body.provider}|${localId}`);
  const secondaryMain = secondary ? identitiesOf(secondary)[0] : undefined;
  if (!secondary || !secondaryMain || (connectionName !== undefined && secondaryMain.connection !== connectionName)) {
    throw bad(
      connectionName === undefined
        ? 'Linking to an inexistent identity requires a connection.'
        : 'Linking to an inexistent identity is not allowed.',
    );
  }
  // A user that already holds linked accounts is a primary itself; the API refuses to nest them.
  if (identitiesOf(secondary).length > 1) throw bad('Unable to link with the secondary account.');
  const profileData: JsonObject = {};
  for (const k of PROFILE) if (secondary.data[k] !== undefined) profileData[k] = structuredClone(secondary.data[k]);
  const linked: JsonObject = { ...structuredClone(secondaryMain), profileData };
  removeUser(ctx.state, secondary);
  changeUser(ctx.state, primary, (data) => {
    data.identities = [...identitiesOf(primary), linked];
    data.updated_at = new Date().toISOString();
  });
  return { status: 201, body: identitiesOf(primary) };
}

function unlink(req: ApiRequest, ctx: Ctx) {
  const primary = findUserById(ctx, req.params.id as string);
  const provider = decodeURIComponent(req.params.provider as string);
  if (!(PROVIDERS as readonly string[]).includes(provider))
    throw fail(400, `Path validation error: 'No enum match for: ${JSON.stringify(provider)}' on property provider.`, 'invalid_uri');
  const localId = decodeURIComponent(req.params.user_id as string);
  const identities = identitiesOf(primary);
  const at = identities.findIndex((i) => i.provider === provider && String(i.user_id) === localId);
  if (at === 0) throw bad('Main identity cannot be removed.');
  if (at === -1) return { status: 200, body: identities };
  const gone = identities[at] as JsonObject;
  changeUser(ctx.state, primary, (data) => {
    data.identities = identities.filter((_, i) => i !== at);
    data.updated_at = new Date().toISOString();
  });
  const userId = `${provider}|${localId}`;
  if (!findUser(ctx.state, userId)) {
    const { profileData, ...identity } = gone;
    const now = new Date().toISOString();
    const user: JsonObject = { created_at: now, ...structuredClone((profileData ?? {}) as JsonObject) };
    user.identities = [structuredClone(identity)];
    user.updated_at = now;
    user.user_id = userId;
    addUser(ctx.state, user);
  }
  return { status: 200, body: identitiesOf(primary) };
}

const SCOPES = ['update:users', 'update:current_user_identities'];
export const userIdentityRoutes: Route[] = [
  { method: 'POST', pattern: '/api/v2/users/{id}/identities', scopes: SCOPES, handler: link },
  { method: 'DELETE', pattern: '/api/v2/users/{id}/identities/{provider}/{user_id}', scopes: SCOPES, handler: unlink },
];
