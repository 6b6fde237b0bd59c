/** The body bytes of a response and their content type, as the HTTP adapter would have sent the value. */
export interface WireBody {
  body: Buffer;
  contentType: string;
}

/** What `wireBody` reads from the response: Express and Fastify responses both fit. */
export interface WireResponse {
  getHeader?(name: string): unknown;
  /** Express: the application, whose `json replacer` / `json spaces` / `json escape` settings `res.json` applies. */
  app?: { get?(setting: string): unknown };
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Serialises a handler's value once, exactly as Nest's adapter would when
 * replying: on Express, objects (Buffers included) as `res.json` does and
 * anything else as `String(value)` in HTML; on Fastify, Buffers as they are,
 * strings as text and anything else as JSON. A content type the route set
 * (`@Header('Content-Type', ...)`) wins. `undefined` when the value is not
 * a body the adapter would send as bytes.
 */
export function wireBody(value: unknown, adapter: string, response: WireResponse): WireBody | undefined {
  if (value === undefined || value === null) return undefined;
  const declared = response.getHeader?.('content-type');
  const typed = (fallback: string) => (typeof declared === 'string' ? declared : fallback);
  if (adapter === 'fastify') {
    if (Buffer.isBuffer(value)) return { body: value, contentType: typed('application/octet-stream') };
    if (typeof value === 'string') return { body: Buffer.from(value), contentType: typed('text/plain; charset=utf-8') };
    const json = JSON.stringify(value);
    return json === undefined ? undefined : { body: Buffer.from(json), contentType: typed(JSON_TYPE) };
  }
  if (adapter !== 'express') return undefined;
  if (typeof value !== 'object')
    return { body: Buffer.from(String(value)), contentType: typed('text/html; charset=utf-8') };
  const json = expressJson(value, response);
  return json === undefined ? undefined : { body: Buffer.from(json), contentType: typed(JSON_TYPE) };
}

function expressJson(value: object, response: WireResponse): string | undefined {
  const setting = (name: string) => response.app?.get?.(name);
  const json = JSON.stringify(
    value,
    setting('json replacer') as (key: string, value: unknown) => unknown,
    setting('json spaces') as number | string | undefined,
  );
  if (json === undefined || !setting('json escape')) return json;
  return json.replace(/[<>&]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
