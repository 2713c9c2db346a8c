import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator, starting } from '../../src/emulator/index.js';

let running: RunningEmulator | undefined;
let plain: Server | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
  await new Promise((done) => (plain ? plain.close(done) : done(undefined)));
  plain = undefined;
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}

describe('emulator start-up', () => {
  it('on a fixed port, accepts no connection before it can answer: never a 503 while keys are made', async () => {
    const port = await freePort();
    let ready = false;
    const started = startEmulator({ port, quiet: true }).then((emu) => {
      ready = true;
      running = emu;
    });
    const early: (number | string)[] = [];
    while (!ready) {
      const answer = await fetch(`http://127.0.0.1:${port}/.well-known/jwks.json`).then(
        (res) => res.status,
        () => 'refused',
      );
      if (!ready) early.push(answer);
      await new Promise((done) => setImmediate(done));
    }
    await started;
    // Before start-up finished, a client could only be refused (and retry), never told "unavailable".
    expect(early.filter((a) => a !== 'refused')).toEqual([]);
    const jwks = await fetch(`http://127.0.0.1:${port}/.well-known/jwks.json`);
    expect(jwks.status).toBe(200);
  });

  it('answers a request that arrives while it starts with Retry-After and a JSON error body', async () => {
    plain = createServer(starting);
    await new Promise<void>((done) => plain?.listen(0, '127.0.0.1', done));
    const { port } = plain.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/api/v2/clients`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'The emulator is still starting; retry in a moment.',
      errorCode: 'emulator_starting',
    });
  });

  it('refuses a port that is taken with a clear error instead of a crash', async () => {
    running = await startEmulator({ quiet: true });
    await expect(startEmulator({ port: running.port, quiet: true })).rejects.toMatchObject({
      code: 'emulator_port_in_use',
      message: `port ${running.port} on 127.0.0.1 is already in use`,
    });
  });
});
