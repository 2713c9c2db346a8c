import { describe, expect, it } from 'vitest';
import { tenantctl, writeTenant } from '../helpers/cli.js';

/**
 * An environment file whose keywords cannot be read is one mistake: it is reported once, not again as an
 * "unknown keyword" at every place the manifests use one of its keywords.
 */
const CLIENTS = [
  'clients:',
  '  - name: "Web ##ENV##"',
  '    callbacks: ["@@APP_URL@@"]',
  '  - name: Worker',
  '    description: "##ENV## worker"',
  '',
].join('\n');

async function validate(environment: string) {
  const dir = await writeTenant({ 'clients.yaml': CLIENTS, 'environments/dev.yaml': environment });
  const res = await tenantctl(['validate', dir, '--env', 'dev']);
  return { code: res.code, errors: (res.stdout + res.stderr).split('\n').filter((line) => / error \[/.test(line)) };
}

describe('a broken environment file', () => {
  it('with a YAML error: that error alone', async () => {
    const res = await validate('keywords:\n  ENV: dev\n  APP_URL: [x\n');
    expect(res.code).toBe(1);
    expect(res.errors).toEqual([expect.stringMatching(/environments\/dev\.yaml:3:12 error \[yaml_syntax\] this \[ is never closed/)]);
  });

  it('whose keywords are not a mapping: that error alone', async () => {
    const res = await validate('keywords: [ENV, APP_URL]\n');
    expect(res.code).toBe(1);
    expect(res.errors).toEqual([expect.stringMatching(/environments\/dev\.yaml:1:11 error \[invalid_environment\] 'keywords' must be a mapping/)]);
  });

  it('that is not a mapping: that error alone', async () => {
    const res = await validate('- ENV\n');
    expect(res.code).toBe(1);
    expect(res.errors).toEqual([expect.stringMatching(/environments\/dev\.yaml:1:1 error \[invalid_environment\] an environment file must be a mapping/)]);
  });

  it('still reports a keyword a readable file does not define, with the ones it does', async () => {
    const res = await validate('keywords:\n  ENV: dev\n');
    expect(res.code).toBe(1);
    expect(res.errors).toEqual([expect.stringMatching(/clients\.yaml:3:17 error \[unknown_keyword\] clients\/Web dev: unknown keyword 'APP_URL'/)]);
  });
});
