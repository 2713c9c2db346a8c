import { bool, nullable, obj, openObj, type Schema, str } from '../validate.js';

/**
 * Request schemas for /users, written from the API facts (mgmt-api.md §8.1, OAS CreateUserRequestContent
 * and UpdateUserRequestContent): closed objects, metadata maps of anything.
 */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const metadata = openObj();

const profile: Record<string, Schema> = {
  email: str({ pattern: EMAIL }),
  phone_number: str({ pattern: /^\+[0-9]{1,15}$/ }),
  user_metadata: metadata,
  app_metadata: metadata,
  blocked: bool(),
  email_verified: bool(),
  phone_verified: bool(),
  given_name: str({ minLength: 1, maxLength: 150 }),
  family_name: str({ minLength: 1, maxLength: 150 }),
  name: str({ minLength: 1, maxLength: 300 }),
  nickname: str({ minLength: 1, maxLength: 300 }),
  picture: str({ minLength: 1 }),
  password: str({ minLength: 1 }),
  verify_email: bool(),
  username: str({ minLength: 1, maxLength: 128 }),
  connection: str({ minLength: 1 }),
};

export const createUserSchema = obj(
  { ...profile, user_id: str({ maxLength: 255, pattern: /^\S+$/ }) },
  { required: ['connection'] },
);

/** On PATCH the metadata maps merge at the first level and a null unsets a field (§8.1). */
export const updateUserSchema = obj({
  ...profile,
  user_metadata: nullable(metadata),
  app_metadata: nullable(metadata),
  given_name: nullable(str({ minLength: 1, maxLength: 150 })),
  family_name: nullable(str({ minLength: 1, maxLength: 150 })),
  name: nullable(str({ minLength: 1, maxLength: 300 })),
  nickname: nullable(str({ minLength: 1, maxLength: 300 })),
  picture: nullable(str({ minLength: 1 })),
  username: nullable(str({ minLength: 1, maxLength: 128 })),
  phone_number: nullable(str({ pattern: /^\+[0-9]{1,15}$/ })),
  verify_phone_number: bool(),
  client_id: str(),
});

const FIELD = obj({ name: str({ minLength: 1, maxLength: 100 }), export_as: str({ minLength: 1, maxLength: 100 }) }, { required: ['name'] });

/** OAS CreateExportUsersRequestContent. */
export const exportSchema = obj({
  connection_id: str({ pattern: /^con_[A-Za-z0-9]{16}$/ }),
  format: str({ enum: ['json', 'csv'] }),
  limit: { type: 'integer', minimum: 1 },
  fields: { type: 'array', items: FIELD },
});
