import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tenantctl, writeTenant } from '../helpers/cli.js';

/**
 * The deploy tool's keyword mappings live in its config file, which convert reads only with --config:
 * one lying beside the files is pointed out, so its keywords are not silently left to the environment.
 */
const TENANT = 'tenant:\n  friendly_name: "##COMPANY## tenant"\n';
const CONFIG = JSON.stringify({ AUTH0_KEYWORD_REPLACE_MAPPINGS: { COMPANY: 'Acme' } });

describe('convert deploy-cli and a config beside the files', () => {
  it('names the config it did not read and how to read it', async () => {
    const src = await writeTenant({ 'tenant.yaml': TENANT, 'config-dev.json': CONFIG });
    const out = join(await mkdtemp(join(tmpdir(), 'tenantctl-conv-')), 'out');
    const res = await tenantctl(['convert', 'deploy-cli', join(src, 'tenant.yaml'), '--out', out]);
    expect(res.code, res.stderr).toBe(0);
    // Named as the other paths the command prints: relative to where it runs.
    const shown = relative(process.cwd(), join(src, 'config-dev.json'));
    expect(res.stdout).toContain(`Not read: ${shown}. If that is the deploy tool's config, run again with --config`);
    const json = await tenantctl(['convert', 'deploy-cli', src, '--out', out, '--force', '--output', 'json']);
    expect((JSON.parse(json.stdout) as { configsNotRead: string[] }).configsNotRead).toEqual([shown]);
  });

  it('says nothing of it once --config reads it', async () => {
    const src = await writeTenant({ 'tenant.yaml': TENANT, 'config.json': CONFIG });
    const out = join(await mkdtemp(join(tmpdir(), 'tenantctl-conv-')), 'out');
    const res = await tenantctl(['convert', 'deploy-cli', src, '--out', out, '--config', join(src, 'config.json')]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).not.toContain('Not read:');
    expect(res.stdout).not.toContain('Keywords read from the environment');
  });
});
