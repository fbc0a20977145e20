import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import * as z from 'zod/mini';

/** `*` (any origin may call the API from a browser) or the exact origins that may. */
export type AllowedOrigins = '*' | readonly string[];

/** An origin exactly as a browser sends it in `Origin`: scheme, host, optional port, nothing more. */
const originSchema = z.string().check(
  z.refine((value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  }),
);

const expected =
  'CORS_ALLOWED_ORIGINS must be "*" (any origin) or a comma-separated list of origins such as ' +
  '"https://www.example.com,http://localhost:3000" (scheme, host and optional port; no path or trailing slash)';

/**
 * Reads `CORS_ALLOWED_ORIGINS`: unset, empty or `*` allows any origin (a public API);
 * otherwise a comma-separated list of origins.
 * @throws Error naming the first entry that is not an origin.
 */
export function parseAllowedOrigins(raw: string | undefined): AllowedOrigins {
  const entries = (raw ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0 || (entries.length === 1 && entries[0] === '*')) return '*';
  for (const entry of entries) {
    // A `*` inside a list would silently mean "any origin" to a reader and nothing to the browser.
    if (!z.safeParse(originSchema, entry).success) throw new Error(`${expected}; found "${entry}".`);
  }
  return entries;
}

/**
 * Hono's CORS middleware set for this API: the methods and request headers the API reads, the
 * response headers worth reading from script, no credentials (the API has no cookies or auth).
 */
export function apiCors(allowedOrigins: AllowedOrigins): MiddlewareHandler {
  return cors({
    origin: allowedOrigins === '*' ? '*' : [...allowedOrigins],
    allowMethods: ['GET', 'HEAD', 'POST'],
    allowHeaders: ['Content-Type', 'Idempotency-Key', 'X-Request-Id'],
    exposeHeaders: ['X-Request-Id', 'Idempotent-Replayed', 'Allow'],
    // Browsers cap this (Chromium at 2 h); 10 minutes spares most preflights without pinning a policy for long.
    maxAge: 600,
  });
}
