import { STATUS_CODES } from 'node:http';

/** The Management API error body (hapi/Boom style, mgmt-api.md §3.1). `errorCode` is optional there too. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  errorCode?: string;
  [extra: string]: unknown;
}

export function errorBody(status: number, message: string, errorCode?: string): ErrorBody {
  const body: ErrorBody = { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message };
  if (errorCode !== undefined) body.errorCode = errorCode;
  return body;
}

/** Thrown by handlers and helpers; the server turns it into the response. */
export class ApiFailure extends Error {
  readonly status: number;
  readonly body: unknown;

  constructor(status: number, body: unknown) {
    super(typeof body === 'object' && body && 'message' in body ? String(body.message) : `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export const fail = (status: number, message: string, errorCode?: string): ApiFailure =>
  new ApiFailure(status, errorBody(status, message, errorCode));

/** Authentication API errors use the OAuth shape `{error, error_description}` (mgmt-api.md §3.1, §10). */
export const oauthError = (status: number, error: string, description: string): ApiFailure =>
  new ApiFailure(status, { error, error_description: description });

/** `Payload validation error: '<tv4 message>'[ on property <path>].` with errorCode invalid_body (§3.2). */
export const invalidBody = (message: string): ApiFailure => fail(400, message, 'invalid_body');

/** The 429 body the real tenant sends when the global bucket is empty (mgmt-api.md §1.2). */
export const TOO_MANY_REQUESTS = errorBody(429, 'Global limit has been reached', 'too_many_requests');

/**
 * The 429 body of an endpoint bucket (signing-key rotation). No real one is recorded: the message is the
 * OpenAPI spec's description of every 429.
 */
export const ENDPOINT_TOO_MANY_REQUESTS = errorBody(
  429,
  'Too many requests. Check the X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset headers.',
  'too_many_requests',
);
