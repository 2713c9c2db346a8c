import { describe, expect, it } from 'vitest';
import { parseDomain } from '../../src/api/domain.js';

describe('AUTH0_DOMAIN', () => {
  it('takes a bare tenant domain and talks https to it', () => {
    expect(parseDomain('acme.eu.auth0.com')).toEqual({
      baseUrl: 'https://acme.eu.auth0.com',
      domain: 'acme.eu.auth0.com',
      audience: 'https://acme.eu.auth0.com/api/v2/',
      issuer: 'https://acme.eu.auth0.com/',
    });
  });

  it('keeps scheme and port for an emulator, but names the tenant https://host:port/ in tokens', () => {
    const endpoint = parseDomain('http://127.0.0.1:4010/');
    expect(endpoint.baseUrl).toBe('http://127.0.0.1:4010');
    expect(endpoint.audience).toBe('https://127.0.0.1:4010/api/v2/');
  });

  it('lets AUTH0_AUDIENCE override the audience', () => {
    expect(parseDomain('acme.auth0.com', 'https://custom/api/v2/').audience).toBe('https://custom/api/v2/');
  });

  it('explains what is wrong with a value that is not a domain', () => {
    expect(() => parseDomain('ftp://acme')).toThrow(/must use http or https/);
    expect(() => parseDomain('  ')).toThrow(/AUTH0_DOMAIN is empty/);
  });
});
