import { describe, expect, it } from 'vitest';
import { tenantctl, writeTenant } from '../helpers/cli.js';

async function validate(yaml: string): Promise<string[]> {
  const dir = await writeTenant({ 'tenant.yaml': yaml });
  const res = await tenantctl(['validate', dir]);
  return res.stderr
    .split('\n')
    .filter((l) => l.includes(' error ['))
    .map((l) => l.slice(l.indexOf('tenant.yaml:')));
}

describe("connection options, checked against the declared strategy's own options", () => {
  it('hints at nested typos, at any depth', async () => {
    const lines = await validate(
      [
        'connections:',
        '  - name: db',
        '    strategy: auth0',
        '    options:',
        '      password_complexity_options: { min_lenght: 8 }',
        '      brute_force_protektion: true',
        '  - name: corp',
        '    strategy: samlp',
        '    options: { signInEndpiont: https://idp.acme.example/sso }',
        '  - name: otp',
        '    strategy: email',
        '    options: { totp: { time_step: 300, lenght: 6 } }',
        '',
      ].join('\n'),
    );
    expect(lines).toEqual([
      "tenant.yaml:5:38 error [unknown_field] connections/db: unknown field 'min_lenght' in 'options.password_complexity_options' (did you mean 'min_length'?)",
      "tenant.yaml:6:7 error [unknown_field] connections/db: unknown field 'brute_force_protektion' in 'options' (did you mean 'brute_force_protection'?)",
      "tenant.yaml:9:16 error [unknown_field] connections/corp: unknown field 'signInEndpiont' in 'options' (did you mean 'signInEndpoint'?)",
      "tenant.yaml:12:40 error [unknown_field] connections/otp: unknown field 'lenght' in 'options.totp' (did you mean 'length'?)",
    ]);
  });

  it("refuses another strategy's option, and accepts each strategy's own", async () => {
    const lines = await validate(
      [
        'connections:',
        '  - name: db',
        '    strategy: auth0',
        '    options: { signingCert: MIIC-cert }',
        '  - name: google',
        '    strategy: google-oauth2',
        '    options: { client_id: abc, scope: [email, profile], allowed_audiences: [acme.example] }',
        '  - name: azure',
        '    strategy: waad',
        '    options: { client_id: abc, tenant_domain: acme.example, waad_protocol: openid-connect }',
        '  - name: oidc',
        '    strategy: oidc',
        '    options: { client_id: abc, discovery_url: https://idp.acme.example/.well-known/openid-configuration, type: back_channel }',
        '  - name: okta',
        '    strategy: okta',
        '    options: { client_id: abc, domain: acme.okta.com }',
        '  - name: sms',
        '    strategy: sms',
        '    options: { from: "+15550100", totp: { time_step: 300, length: 6 } }',
        '',
      ].join('\n'),
    );
    expect(lines).toEqual(["tenant.yaml:4:16 error [unknown_field] connections/db: unknown field 'signingCert' in 'options'"]);
  });
});
