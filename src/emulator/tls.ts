import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { generate } from 'selfsigned';

/** The emulator's TLS identity, kept in the state file so clients that trust it keep working across restarts. */
export interface TlsMaterial {
  /** PEM private key (PKCS#8) and self-signed certificate. */
  key: string;
  cert: string;
  /** The subjectAltNames it was issued for, in order. */
  hosts: string[];
}

const DAY = 86_400_000;
/** Reissued when less than this is left, so a long-lived state file never serves an expired certificate. */
const MIN_REMAINING = 30 * DAY;

/**
 * The names clients may use: the loopback names, the bound host unless it is a wildcard, and the tenant
 * domain's host (the official SDK only speaks `https://<domain>`, so the domain must verify too).
 */
export function tlsHosts(bindHost: string, domain: string): string[] {
  const names = ['localhost', '127.0.0.1', '::1'];
  const domainHost = new URL(`https://${domain}`).hostname.replace(/^\[|\]$/g, '');
  for (const host of [bindHost, domainHost].map((h) => h.toLowerCase())) {
    if (host !== '0.0.0.0' && host !== '::' && host !== '' && !names.includes(host)) names.push(host);
  }
  return names;
}

/**
 * A self-signed server certificate for `hosts`: reused while it names the same hosts and has 30 days left,
 * otherwise issued anew (P-256, SHA-256, one year). It is its own trust anchor (what `NODE_EXTRA_CA_CERTS`
 * points at) but not a CA (`cA: false`): its key sits in a plain state file, and trusting the file must not
 * let anyone who reads that key vouch for other hosts.
 */
export async function tlsMaterial(existing: TlsMaterial | undefined, hosts: string[]): Promise<TlsMaterial> {
  if (
    existing &&
    existing.hosts.join(',') === hosts.join(',') &&
    Date.parse(new X509Certificate(existing.cert).validTo) - Date.now() > MIN_REMAINING
  ) {
    return existing;
  }
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: 'tenantctl emulator' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    // A minute back: clients whose clock is slightly behind still accept it right away.
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 365 * DAY),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      // GeneralName types: 2 = dNSName, 7 = iPAddress.
      { name: 'subjectAltName', altNames: hosts.map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h })) },
    ],
  });
  return { key: pems.private, cert: pems.cert, hosts };
}
