import { randomBytes } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomFrom(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** Id formats as the real tenant prints them (mgmt-api.md §11). */
export const newClientId = (): string => randomFrom(ALNUM, 32);
export const newResourceServerId = (): string => randomBytes(12).toString('hex');
export const newClientGrantId = (): string => `cgr_${randomFrom(ALNUM, 16)}`;
/** Generated secrets are 64 url-safe characters and "NOT base64 encoded" (OAS rotate-secret). */
export const newClientSecret = (): string => randomFrom(`${ALNUM}-_`, 64);
export const newCredentialId = (): string => `cred_${randomFrom(ALNUM, 22)}`;
export const newOrganizationId = (): string => `org_${randomFrom(ALNUM, 16)}`;
export const newConnectionId = (): string => `con_${randomFrom(ALNUM, 16)}`;
export const newNetworkAclId = (): string => `acl_${randomFrom(ALNUM, 22)}`;
export const newRoleId = (): string => `rol_${randomFrom(ALNUM, 16)}`;
/** OAS format `organization-discovery-domain-id`; the real prefix is not recorded. */
export const newDiscoveryDomainId = (): string => `dd_${randomFrom(ALNUM, 16)}`;
/** A DNS TXT token; the real token's format is not recorded. */
export const newVerificationToken = (): string => randomFrom(ALNUM, 32);
/** A SCIM token's id; the real format is not recorded. */
export const newScimTokenId = (): string => `tok_${randomFrom(ALNUM, 16)}`;
/** OAS format `user-invitation-id` (`uinv_…`); the length after the prefix is not recorded. */
export const newInvitationId = (): string => `uinv_${randomFrom(ALNUM, 16)}`;
/** The ticket behind an invitation link (`invitation=` in its URL); the real format is not recorded. */
export const newTicketId = (): string => randomFrom(ALNUM, 32);
/** Authentication methods print `<type>|dev_…` ids; the length after the prefix is not recorded. */
export const newAuthenticationMethodId = (type: string): string => `${type}|dev_${randomFrom(ALNUM, 16)}`;
/** An MFA recovery code: 24 upper-case letters and digits (the real format is not recorded). */
export const newRecoveryCode = (): string => randomFrom(ALNUM.slice(0, 26) + ALNUM.slice(52), 24);
/** An on-demand directory synchronization's id; the real format is not recorded. */
export const newSynchronizationId = (): string => `sync_${randomFrom(ALNUM, 16)}`;
