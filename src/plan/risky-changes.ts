// Kept apart from risk.ts, which needs every kind: `tenantctl apply --help` prints this list without loading them.
/**
 * The one list of risky changes: apply refuses each without --allow-lockout-risk. `--help` and the README
 * print exactly these lines (the README is checked against this list by a test).
 */
export const RISKY_CHANGES = [
  "an active block or redirect network ACL on the 'management' or 'tenant' scope (it also covers tenantctl's own API calls)",
  'revoking a signing key (permanent: tokens signed with it stop verifying)',
  "a connection 'strategy' change (the connection is deleted and created again, with every user in it)",
] as const;
