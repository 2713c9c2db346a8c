import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Agent, fetch } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { buildCli } from '../helpers/build-cli.js';

let emu: RunningEmulator | undefined;
const agents: Agent[] = [];
afterEach(async () => {
  await emu?.close();
  emu = undefined;
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

/** A dispatcher that trusts exactly the emulator's certificate, as NODE_EXTRA_CA_CERTS would. */
function trusting(e: RunningEmulator): Agent {
  const agent = new Agent({ connect: { ca: e.tls?.cert } });
  agents.push(agent);
  return agent;
}

describe('--tls', () => {
  it('serves HTTPS with a self-signed certificate for localhost, 127.0.0.1 and ::1', async () => {
    emu = await startEmulator({ quiet: true, tls: true });
    expect(emu.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const cert = new X509Certificate(emu.tls?.cert ?? '');
    expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('::1')).toBe('::1');
    // Its own anchor, but no CA: trusting it vouches for these names only.
    expect(cert.ca).toBe(false);
    expect(cert.verify(cert.publicKey)).toBe(true);

    const dispatcher = trusting(emu);
    const token = await fetch(`${emu.url}/oauth/token`, {
      method: 'POST',
      dispatcher,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: emu.clientId,
        client_secret: emu.clientSecret,
        audience: emu.audience,
      }),
    });
    expect(token.status).toBe(200);
    const { access_token } = (await token.json()) as { access_token: string };
    const viaLocalhost = emu.url.replace('127.0.0.1', 'localhost');
    const apis = await fetch(`${viaLocalhost}/api/v2/resource-servers`, {
      dispatcher,
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(apis.status).toBe(200);
    // Untrusted, the handshake fails as for any self-signed certificate.
    await expect(fetch(`${emu.url}/.well-known/jwks.json`)).rejects.toMatchObject({
      cause: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
    });
  });

  it('keeps its certificate in the state file across restarts, and covers a custom domain', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emu-tls-'));
    const statePath = join(dir, 'tenant.json');
    const certPath = join(dir, 'trust', 'ca.pem');
    emu = await startEmulator({ quiet: true, tls: { certPath }, statePath });
    const first = emu.tls?.cert;
    expect(emu.tls?.caPath).toBe(certPath);
    expect(await readFile(certPath, 'utf8')).toBe(first);
    expect(JSON.parse(await readFile(statePath, 'utf8')).tls.cert).toBe(first);
    await emu.close();

    emu = await startEmulator({ quiet: true, tls: true, statePath });
    expect(emu.tls?.cert).toBe(first);
    expect((await fetch(`${emu.url}/.well-known/jwks.json`, { dispatcher: trusting(emu) })).status).toBe(200);
    await emu.close();

    // Another domain needs another name in the certificate: it is issued anew.
    emu = await startEmulator({ quiet: true, tls: true, statePath, domain: 'Tenant.Example.test' });
    expect(emu.tls?.cert).not.toBe(first);
    expect(new X509Certificate(emu.tls?.cert ?? '').checkHost('tenant.example.test')).toBe('tenant.example.test');
  });
});

describe('tenantctl emulator --tls and tenantctl with NODE_EXTRA_CA_CERTS', () => {
  let child: ChildProcess | undefined;
  let build: string | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((done) => child?.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    child = undefined;
    // Removes the node_modules link, not what it points at.
    if (build) await rm(build, { recursive: true, force: true });
    build = undefined;
  });

  async function compiledCli(): Promise<string> {
    const built = await buildCli();
    build = built.dir;
    return built.cli;
  }

  it('prints where the certificate is, and tenantctl plans against the HTTPS emulator with it', async () => {
    const cli = await compiledCli();
    const dir = await mkdtemp(join(tmpdir(), 'emu-tls-cli-'));
    const proc = spawn(
      process.execPath,
      [cli, 'emulator', '--tls', '--port', '0', '--state', join(dir, 'emulator.json'), '--client-secret', 's3cret'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    let banner = '';
    await new Promise<void>((done, failed) => {
      proc.stdout?.on('data', (chunk: Buffer) => {
        banner += chunk.toString();
        if (banner.includes('Press Ctrl+C')) done();
      });
      proc.once('exit', (code) => failed(new Error(`emulator exited with ${code}: ${banner}`)));
    });
    const caPath = join(dir, 'emulator-ca.pem');
    expect(banner).toContain(`Its self-signed certificate is in ${caPath}`);
    const exported = /export NODE_EXTRA_CA_CERTS=(\S+) AUTH0_DOMAIN=(https:\/\/127\.0\.0\.1:\d+) /.exec(banner);
    expect(exported?.[1]).toBe(caPath);

    const env = {
      PATH: process.env.PATH,
      NODE_EXTRA_CA_CERTS: caPath,
      AUTH0_DOMAIN: exported?.[2],
      AUTH0_CLIENT_ID: 'tenantctl-deployer',
      AUTH0_CLIENT_SECRET: 's3cret',
    };
    const plan = await promisify(execFile)(
      process.execPath,
      [cli, 'plan', 'examples/tenants/acme', '--env', 'staging', '--detailed-exitcode'],
      { env },
    ).then(
      () => ({ code: 0, stdout: '', stderr: '' }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(plan.stderr).not.toContain('Error');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('+ clients/Acme Web');
    expect(plan.stdout).toMatch(/Plan: \d+ to add, \d+ to change, 0 to destroy\./);
  }, 90_000);
});
