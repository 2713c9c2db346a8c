/**
 * The permissions of the Auth0 Management API resource server, as `resource: actions`. A real tenant's
 * system API lists every Management API permission; the seeded deployer grant holds all of them, so the
 * deployer can call every endpoint the emulator serves.
 */
const TABLE: Record<string, string> = {
  actions: 'create delete read update',
  anomaly_blocks: 'delete read',
  attack_protection: 'read update',
  authentication_methods: 'create delete read update',
  branding: 'delete read update',
  client_credentials: 'create delete read update',
  client_grants: 'create delete read update',
  client_keys: 'read update',
  client_summary: 'read',
  client_token_vault_privileged_access: 'update',
  clients: 'create delete read update',
  connection_profiles: 'create delete read update',
  connections: 'create delete read update',
  connections_keys: 'create read update',
  connections_options: 'read update',
  custom_domains: 'create delete read update',
  custom_signing_keys: 'create delete read update',
  device_credentials: 'delete read',
  directory_provisionings: 'create delete read update',
  email_provider: 'create delete read update',
  email_templates: 'create read update',
  encryption_keys: 'create delete read update',
  event_streams: 'create delete read update',
  federated_connections_tokens: 'delete read',
  flows: 'create delete read update',
  forms: 'create delete read update',
  grants: 'delete read',
  group_members: 'read',
  group_roles: 'create delete read',
  groups: 'delete read',
  guardian_enrollment_tickets: 'create',
  guardian_enrollments: 'delete read',
  guardian_factors: 'read update',
  hooks: 'create delete read update',
  log_streams: 'create delete read update',
  logs: 'read',
  logs_users: 'read',
  mfa_policies: 'read update',
  network_acls: 'create delete read update',
  organization_client_grants: 'create delete read',
  organization_connections: 'create delete read update',
  organization_discovery_domains: 'create delete read update',
  organization_group_roles: 'create delete read',
  organization_groups: 'read',
  organization_invitations: 'create delete read',
  organization_member_effective_roles: 'read',
  organization_member_role_source_groups: 'read',
  organization_member_roles: 'create delete read',
  organization_members: 'create delete read',
  organizations: 'create delete read update',
  organizations_summary: 'read',
  prompts: 'read update',
  refresh_tokens: 'delete read update',
  resource_servers: 'create delete read update',
  role_members: 'create delete read',
  roles: 'create delete read update',
  rules: 'create delete read update',
  rules_configs: 'delete read update',
  scim_config: 'create delete read update',
  scim_token: 'create delete read',
  sessions: 'delete read update',
  signing_keys: 'create read update',
  stats: 'read',
  tenant_settings: 'read update',
  user_effective_permissions: 'read',
  user_effective_roles: 'read',
  user_idp_tokens: 'read',
  user_permission_source_roles: 'read',
  user_role_source_groups: 'read',
  user_tickets: 'create',
  users: 'create delete read update',
  users_app_metadata: 'create delete read update',
};

const ACTION_ORDER = ['read', 'create', 'update', 'delete'];

/** `read:client_grants` -> `Read Client Grants`. */
function describe(action: string, resource: string): string {
  const words = [action, ...resource.split('_')];
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
}

export const MANAGEMENT_API_SCOPES: ReadonlyArray<{ value: string; description: string }> = Object.entries(
  TABLE,
).flatMap(([resource, actions]) =>
  actions
    .split(' ')
    .sort((a, b) => ACTION_ORDER.indexOf(a) - ACTION_ORDER.indexOf(b))
    .map((action) => ({ value: `${action}:${resource}`, description: describe(action, resource) })),
);
