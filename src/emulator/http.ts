import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiFailure, errorBody } from './errors.js';

/** "All endpoints accept a maximum payload size of 1 megabyte" (mgmt-api.md §1.5). */
const MAX_BODY_BYTES = 1024 * 1024;

/** `limit`: a route's own payload limit and its 413 message (the users-imports upload). */
export async function readRaw(
  req: IncomingMessage,
  limit?: { maxBytes: number; tooLarge: string },
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > (limit?.maxBytes ?? MAX_BODY_BYTES)) {
      throw new ApiFailure(
        413,
        errorBody(413, limit?.tooLarge ?? `Payload content length greater than maximum allowed: ${MAX_BODY_BYTES}`),
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Parses a JSON or form-urlencoded body (both are accepted by the token endpoint and every Management API
 * write, §11). An empty body is `undefined`.
 */
export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  if ((contentType ?? '').includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    return JSON.parse(text);
  } catch {
    // hapi's wording for a body that does not parse.
    throw new ApiFailure(400, errorBody(400, 'Invalid request payload JSON format'));
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (body === undefined || status === 204) {
    res.statusCode = status;
    res.end();
    return;
  }
  if (Buffer.isBuffer(body)) {
    // A file download (export jobs): sent as is, with the content type the caller set.
    res.statusCode = status;
    res.setHeader('content-length', body.length);
    res.end(body);
    return;
  }
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}
