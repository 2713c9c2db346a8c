import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { fieldReference } from '../../src/kinds/fields/reference.js';

const doc = fieldReference();

describe('docs/fields.md, the generated field reference', () => {
  it('is the committed file (regenerate with npm run docs:fields)', async () => {
    const committed = await readFile(new URL('../../docs/fields.md', import.meta.url), 'utf8');
    expect(committed).toBe(doc);
  });

  it('lists nested fields with their type, bounds and flags', () => {
    expect(doc).toContain('| `jwt_configuration.lifetime_in_seconds` | integer |');
    expect(doc).toContain('| `refresh_token.rotation_type` | string | one of `rotating`, `non-rotating` |');
    expect(doc).toMatch(/\| `options\.password_complexity_options\.min_length` \| integer \| 1\.\.128 \|/);
  });

  it('marks sets, ordered lists, secrets, create-only fields and fields left out with their reason', () => {
    expect(doc).toMatch(/\| `callbacks` \| list of string \(callback-url\) \|[^\n]*\| ordered \|/);
    expect(doc).toMatch(/\| `web_origins` \|[^\n]*\| set \|/);
    expect(doc).toMatch(/\| `client_secret` \|[^\n]*\*\*secret\*\*/);
    expect(doc).toMatch(/\| `options\.client_secret` \|[^\n]*\*\*secret\*\*/);
    expect(doc).toMatch(/\| `resource_server_identifier` \|[^\n]*create-only/);
    expect(doc).toContain('**not managed**: client ids differ per tenant');
  });

  it('gives each connection strategy its own options', () => {
    for (const strategy of ['auth0', 'google-oauth2', 'samlp', 'waad', 'oidc', 'okta', 'email', 'sms'])
      expect(doc).toMatch(new RegExp(`#### \`options\` for strategy [^\\n]*\`${strategy}\``));
  });
});
