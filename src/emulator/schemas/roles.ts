import { arr, obj, type Schema, str } from '../validate.js';

/**
 * /roles and the role/permission assignment bodies (OAS CreateRoleRequestContent, UpdateRoleRequestContent,
 * PermissionRequestPayload, Assign/DeleteUserRoles, AssignRoleUsers, Create/DeleteUserPermissions,
 * Add/DeleteRolePermissions): every object is closed, and the lists of roles and permissions need one item.
 */
export const createRoleSchema = obj({ name: str(), description: str() }, { required: ['name'] });
export const updateRoleSchema = obj({ name: str(), description: str() });

const permission: Schema = obj(
  { resource_server_identifier: str(), permission_name: str() },
  { required: ['resource_server_identifier', 'permission_name'] },
);

/** `{permissions: [{resource_server_identifier, permission_name}, …]}`, at least one. */
export const permissionsSchema = obj(
  { permissions: arr(permission, { minItems: 1 }) },
  { required: ['permissions'] },
);

/** `{roles: ['rol_…', …]}` on POST and DELETE /users/{id}/roles. */
export const userRolesSchema = obj(
  { roles: arr(str({ minLength: 1 }), { minItems: 1 }) },
  { required: ['roles'] },
);

/** `{users: ['auth0|…', …]}` on POST /roles/{id}/users (no minItems in the OAS). */
export const roleUsersSchema = obj({ users: arr(str()) }, { required: ['users'] });
