import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, loadManifests } from '../../src/manifest/index.js';

async function tenant(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tenantctl-unset-env-'));
  await mkdir(join(dir, 'environments'));
  await writeFile(join(dir, 'environments', 'dev.yaml'), 'keywords:\n  LABEL: { env: TCTL_TEST_UNSET_LABEL, sensitive: false }\n');
  await writeFile(
    join(dir, 'clients.yaml'),
    'clients:\n  - name: One\n    app_type: spa\n    description: "##LABEL##"\n  - name: Two\n    app_type: spa\n    description: "@@LABEL@@"\n',
  );
  return dir;
}

describe('an unset environment variable behind a keyword', () => {
  it('is reported once per use, at the use, naming the resource that needs it', async () => {
    const dir = await tenant();
    const result = await loadManifests(dir, { env: 'dev', processEnv: {} });
    expect(result.diagnostics.map((d) => formatDiagnostic(d, dir).split('\n')[0])).toEqual([
      "clients.yaml:4:18 error [unset_env] clients/One: keyword 'LABEL' cannot be used: environment variable TCTL_TEST_UNSET_LABEL is not set",
      "clients.yaml:7:18 error [unset_env] clients/Two: keyword 'LABEL' cannot be used: environment variable TCTL_TEST_UNSET_LABEL is not set",
    ]);
    expect(result.desired.kinds.clients).toEqual([]);
  });

  it('is only an unused keyword when nothing uses it', async () => {
    const dir = await tenant();
    await writeFile(join(dir, 'clients.yaml'), 'clients:\n  - name: One\n    app_type: spa\n');
    const result = await loadManifests(dir, { env: 'dev', processEnv: {} });
    expect(result.diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual(['warning unused_keyword']);
    expect(result.desired.kinds.clients?.map((c) => c.key)).toEqual(['One']);
  });
});
