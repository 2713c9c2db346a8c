import { Agent as HttpAgent, type IncomingHttpHeaders, type IncomingMessage, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import type * as Https from 'node:https';

/**
 * node:https (and tls behind it) is required on the first https request: validate, --help, convert and
 * runs against an emulator never make one, and loading it cost them ~0.01 s of start-up. A run against a
 * real tenant pays it at its first call.
 */
let httpsModule: typeof Https | undefined;
const httpsLibrary = () => (httpsModule ??= createRequire(import.meta.url)('node:https') as typeof Https);

/**
 * HTTP for tenantctl on node:http/node:https. It replaced undici: loading undici cost ~0.3 s of CPU at every
 * run that talks to a tenant (its fetch stack and WebAssembly parser included), more than a whole plan
 * of a small tenant, for nothing these plain JSON calls need.
 */

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface Transport {
  /** One request; resolves with the whole answer, rejects on a socket, DNS, TLS or timeout failure. */
  send(url: string, init: { method: string; headers: Record<string, string>; body?: string | Uint8Array }): Promise<HttpAnswer>;
  /** A GET whose body is read as a stream (large downloads). */
  stream(url: string): Promise<IncomingMessage>;
  close(): void;
}

/** No answer, or no more of it, for this long: the socket is given up (undici's default was 300 s too). */
const IDLE_MS = 300_000;

class TimeoutError extends Error {
  code = 'ETIMEDOUT';
}

export function createTransport(options: { connections?: number } = {}): Transport {
  const agentOptions = { keepAlive: true, maxSockets: options.connections ?? 64, scheduling: 'lifo' as const };
  const http = new HttpAgent(agentOptions);
  let https: Https.Agent | undefined;

  function open(url: string, init: { method: string; headers?: Record<string, string>; body?: string | Uint8Array }) {
    return new Promise<IncomingMessage>((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const headers: Record<string, string | number> = { ...init.headers };
      if (init.body !== undefined) headers['content-length'] = Buffer.byteLength(init.body);
      const req = secure
        ? httpsLibrary().request(target, { method: init.method, headers, agent: (https ??= new (httpsLibrary().Agent)(agentOptions)) })
        : httpRequest(target, { method: init.method, headers, agent: http });
      req.setTimeout(IDLE_MS, () => req.destroy(new TimeoutError(`no answer in ${IDLE_MS / 1000} s`)));
      req.once('error', reject);
      req.once('response', (res) => {
        res.setTimeout(IDLE_MS, () => res.destroy(new TimeoutError(`no data in ${IDLE_MS / 1000} s`)));
        resolve(res);
      });
      req.end(init.body);
    });
  }

  return {
    async send(url, init) {
      const res = await open(url, init);
      const chunks: Buffer[] = [];
      // An answer cut short (the connection broke mid-body) rejects with the socket's error.
      for await (const chunk of res) chunks.push(chunk as Buffer);
      if (!res.complete) throw Object.assign(new Error('the connection closed before the answer was complete'), { code: 'ECONNRESET' });
      return { status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') };
    },
    stream: (url) => open(url, { method: 'GET' }),
    close() {
      http.destroy();
      https?.destroy();
    },
  };
}

/** The first value of a header that may repeat. */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
