/**
 * The one switch between the per-user API and bulk jobs. Above this many users a read uses an export job
 * (never more than the 1000 the search endpoint can page through, mgmt-api.md §2.2) and writes use
 * import jobs. TENANTCTL_USERS_BULK_THRESHOLD overrides it (tests use a few dozen users).
 */
export const DEFAULT_BULK_THRESHOLD = 500;
/** "Search returns a maximum of 1,000 users" (mgmt-api.md §2.2). */
export const SEARCH_CAP = 1000;

export function bulkThreshold(): number {
  const raw = process.env.TENANTCTL_USERS_BULK_THRESHOLD;
  const n = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : DEFAULT_BULK_THRESHOLD;
}

/** Fields a manifest may manage besides the key (`connection` + `email`) and the write-only password. */
export const USER_FIELDS = [
  'email',
  'username',
  'name',
  'given_name',
  'family_name',
  'nickname',
  'picture',
  'blocked',
  'email_verified',
  'user_metadata',
  'app_metadata',
  'phone_number',
  'phone_verified',
] as const;

/**
 * What an upsert import changes on an existing user (mgmt-api.md §8.2): an update touching anything else
 * (`blocked`, `username`) goes through PATCH /users/{id}.
 */
export const UPSERTABLE = [
  'app_metadata',
  'email_verified',
  'family_name',
  'given_name',
  'name',
  'nickname',
  'picture',
  'user_metadata',
];

/**
 * What an import record may carry besides the email (bulk-user-import-schema, mgmt-api.md §8.2). A create
 * declaring anything else (a phone number, verify_email) goes through POST /users, the only call that
 * takes it.
 */
export const IMPORTABLE = ['user_id', 'username', 'blocked', ...UPSERTABLE];

/** The key of a user: its connection's name and its (lower-case) email. */
export function userKey(connection: string, email: string): string {
  return `${connection}/${email.toLowerCase()}`;
}
