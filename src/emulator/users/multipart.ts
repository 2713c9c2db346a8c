/** One part of a multipart/form-data body. */
export interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/**
 * A minimal multipart/form-data reader (RFC 7578) for the users-imports upload: parts split on the
 * boundary, each with its Content-Disposition name (and filename) and Content-Type. Returns undefined when
 * the body is not multipart or is malformed; the caller answers with the API's own 400.
 */
export function parseMultipart(raw: Buffer, contentType: string | undefined): Part[] | undefined {
  const boundary = /multipart\/form-data;.*boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType ?? '');
  const token = boundary?.[1] ?? boundary?.[2];
  if (!token) return undefined;
  const delimiter = Buffer.from(`--${token}`);
  const parts: Part[] = [];
  let at = raw.indexOf(delimiter);
  if (at === -1) return undefined;
  for (;;) {
    at += delimiter.length;
    if (raw.subarray(at, at + 2).toString() === '--') return parts;
    const headerEnd = raw.indexOf('\r\n\r\n', at);
    const next = raw.indexOf(delimiter, at);
    if (headerEnd === -1 || next === -1 || headerEnd > next) return undefined;
    const headers = raw.subarray(at, headerEnd).toString('utf8');
    // The part's data ends before the CRLF that precedes the next delimiter.
    const data = raw.subarray(headerEnd + 4, next - 2);
    const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) return undefined;
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim();
    parts.push({ name, data, ...(filename === undefined ? {} : { filename }), ...(type ? { contentType: type } : {}) });
    at = next;
  }
}
