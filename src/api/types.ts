import type { Readable } from 'node:stream';
import type { Json, JsonObject } from '../json.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RequestOptions {
  method: Method;
  /** Path below `/api/v2`, e.g. `/clients/abc`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: Json;
  /** Statuses that are not errors for this call (e.g. 404 on a lookup). */
  accept?: number[];
  /** A body sent as is instead of JSON (the multipart upload of a users-import job). */
  raw?: { data: Buffer; contentType: string };
  /** Sent even after this run crashed (src/run-scope.ts): removing its apply lock. */
  cleanup?: boolean;
  /** Called as the request goes on the wire (each attempt): apply learns which changes have started writing. */
  onSent?: () => void;
}

export interface ApiResponse {
  status: number;
  body: Json;
}

/** What the kinds need from the Management API client. */
export interface Api {
  /** The tenant domain with port, e.g. `acme.eu.auth0.com` or `127.0.0.1:4010`. */
  readonly domain: string;
  /** The client id tenantctl authenticates as, when known (never planned). */
  readonly clientId: string | undefined;
  /** The private key file tenantctl authenticates with (private_key_jwt), if it does. */
  readonly keyFile?: string;
  request(options: RequestOptions): Promise<ApiResponse>;
  /**
   * Every item of a list endpoint. `checkpoint` uses from/take where the API offers it, otherwise
   * page/per_page with include_totals. `key` is the envelope's array key (`clients`). `pageSize` is the
   * endpoint's largest page: 100 unless the API allows more (mgmt-api.md §2).
   */
  list(
    path: string,
    key: string,
    options?: { checkpoint?: boolean; query?: RequestOptions['query']; pageSize?: number },
  ): Promise<JsonObject[]>;
  /**
   * A file outside /api/v2 as a stream (a users-export job's `location`, a pre-signed link: no token is
   * sent, and it is not paced like API calls).
   */
  download(url: string): Promise<Readable>;
}
