import { Option } from 'commander';

/** The options several commands share, and the help's closing text: kept apart so program.ts stays the wiring. */
export const EXIT_HELP = `
Exit codes:
  0  success; for plan and drift: no changes
  1  error (bad manifests, API failure, stale plan, refused apply)
  2  changes present (plan --detailed-exitcode; drift whenever it finds drift)

Environment:
  AUTH0_DOMAIN                    tenant domain, or a URL with scheme and port (http://127.0.0.1:4010)
  AUTH0_CLIENT_ID                 the client tenantctl authenticates as (never planned)
  AUTH0_CLIENT_SECRET             its secret, or instead:
  AUTH0_CLIENT_ASSERTION_KEY_FILE a PEM private key for private_key_jwt
  AUTH0_ACCESS_TOKEN              a ready Management API token instead of client credentials
  AUTH0_AUDIENCE                  overrides https://<domain>/api/v2/
  NO_COLOR                        plain output even on a terminal`;

export const outputOption = (formats: string[] = ['text', 'json', 'markdown']) =>
  new Option(
    '-o, --output <format>',
    formats.includes('markdown') ? 'text for people, json for machines, markdown for PR comments' : 'text for people, json for machines',
  )
    .choices(formats)
    .default('text');
export const envOption = () =>
  new Option(
    '-e, --env <name>',
    'environment: loads DIR/environments/<name>.yaml keywords (needed when DIR has environments/)',
  );
export const collect = (value: string, previous: string[] = []) => [...previous, value];
export const targetOption = () =>
  new Option(
    '--target <kind/key>',
    'limit the run to these resources (and what they need); repeatable, e.g. --target "clients/Acme Web"',
  ).argParser(collect);
export const fleetOption = () =>
  new Option('--fleet <file>', 'run for every tenant of this fleet file (YAML; see README "Fleets") instead of DIR');
export const parallelOption = () => new Option('--parallel <n>', 'with --fleet: how many tenants run at once').default('4');
export const emulatorOption = () =>
  new Option(
    '--emulator',
    'use an embedded emulator (state in .tenantctl/emulator.json) instead of AUTH0_DOMAIN',
  );

/**
 * Every command's module is imported by its action, not up front: `--help`, and each command, then load
 * only what they use (the emulator, its TLS stack and jose cost most of a bare start-up otherwise).
 */
