import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Schema = Record<string, unknown>;

/** The project root, from a compiled script in dist-scripts/scripts/. */
export const projectRoot = (): string => fileURLToPath(new URL('../..', import.meta.url));

/**
 * The official OpenAPI spec and its component schemas. The research folder sits next to the main checkout
 * (../shared), and two levels up from a worktree; the first argument overrides both.
 */
export function loadSpec(argument: string | undefined): { spec: Schema; components: Record<string, Schema> } {
  const root = projectRoot();
  const specPath =
    argument ??
    [join(root, '..', 'shared'), join(root, '..', '..', 'shared')]
      .map((dir) => join(dir, 'research', 'mgmt-api-spec.json'))
      .find((candidate) => existsSync(candidate));
  if (specPath === undefined || !existsSync(specPath)) {
    throw new Error(`no spec at ${specPath ?? '../shared/research/mgmt-api-spec.json'}: pass its path as the first argument`);
  }
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as Schema;
  return { spec, components: ((spec.components as Schema).schemas ?? {}) as Record<string, Schema> };
}
