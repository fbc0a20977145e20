import { describe, expect, it } from 'vitest';
import { type AllowedOrigins, createBaseApp } from '../src/base-app.js';
import { parseAllowedOrigins } from '../src/cors.js';
import { ApiError } from '../src/errors.js';
import { silentLogger } from '../src/log.js';

const page = 'https://mysfits-page.s3.amazonaws.com';

/** A base app with one route of each outcome, as both services build theirs. */
function appWith(allowedOrigins?: AllowedOrigins) {
  const app = createBaseApp({ logger: silentLogger, ...(allowedOrigins ? { allowedOrigins } : {}) });
  app.get('/things', (c) => c.json({ things: [] }));
  app.post('/things/:id/vote', (c) => c.json({ voted: c.req.param('id') }));
  app.get('/bad', () => {
    throw new ApiError(400, 'invalid_filter', 'filter must be GoodEvil or LawChaos.');
  });
  app.get('/broken', () => {
    throw new Error('a bug');
  });
  app.get('/busy', () => {
    throw new ApiError(503, 'monolith_unavailable', 'Try again.');
  });
  return app;
}

const preflight = (origin: string, method = 'POST', headers = 'content-type,idempotency-key') => ({
  method: 'OPTIONS',
  headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': headers },
});

describe('CORS by default (any origin)', () => {
  const app = appWith();

  it('should answer a preflight with 204 and the methods and headers the API uses, not the 405 handler', async () => {
    const response = await app.request('/things/abc/vote', preflight(page));
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')?.split(',')).toEqual(['GET', 'HEAD', 'POST']);
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase().split(',')).toEqual([
      'content-type',
      'idempotency-key',
      'x-request-id',
    ]);
    expect(response.headers.get('access-control-max-age')).toBe('600');
    expect(response.headers.get('allow')).toBeNull();
  });

  it('should answer a preflight for a path that only has GET (where OPTIONS would be a 405)', async () => {
    expect((await app.request('/things', { method: 'PUT' })).status).toBe(405);
    const response = await app.request('/things', preflight(page, 'GET', 'x-request-id'));
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('should allow a simple GET from any origin and expose the request id', async () => {
    const response = await app.request('/things', { headers: { Origin: page, 'X-Request-Id': 'trace-1' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-expose-headers')?.toLowerCase().split(',')).toContain('x-request-id');
    expect(response.headers.get('x-request-id')).toBe('trace-1');
  });

  it.each([
    ['400', '/bad', 'GET', 400, 'invalid_filter'],
    ['404', '/nowhere', 'GET', 404, 'not_found'],
    ['405', '/things', 'DELETE', 405, 'method_not_allowed'],
    ['500', '/broken', 'GET', 500, 'internal_error'],
    ['503', '/busy', 'GET', 503, 'monolith_unavailable'],
  ])('should put the CORS headers on a JSON %s error too', async (_name, path, method, status, code) => {
    const response = await app.request(path, { method, headers: { Origin: page } });
    expect(response.status).toBe(status);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
  });
});

describe('CORS with a list of origins', () => {
  const other = 'http://localhost:3000';
  const app = appWith([page, other]);

  it('should echo an origin on the list, with Vary: Origin', async () => {
    for (const origin of [page, other]) {
      const response = await app.request('/things', { headers: { Origin: origin } });
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(response.headers.get('vary')).toContain('Origin');
    }
  });

  it('should give an origin not on the list no Access-Control-Allow-Origin, on answers and preflights', async () => {
    const answer = await app.request('/things', { headers: { Origin: 'https://evil.example' } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const refused = await app.request('/things/abc/vote', preflight('https://evil.example'));
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('should put the listed origin on error responses', async () => {
    const response = await app.request('/nowhere', { headers: { Origin: page } });
    expect(response.status).toBe(404);
    expect(response.headers.get('access-control-allow-origin')).toBe(page);
  });
});

describe('CORS_ALLOWED_ORIGINS', () => {
  it.each([
    [undefined, '*'],
    ['', '*'],
    ['  ', '*'],
    ['*', '*'],
  ])('should allow any origin for %j', (raw, expected) => {
    expect(parseAllowedOrigins(raw)).toBe(expected);
  });

  it('should read a comma-separated list, trimming spaces and dropping empty entries', () => {
    expect(parseAllowedOrigins(` ${page} , http://127.0.0.1:3000,`)).toEqual([page, 'http://127.0.0.1:3000']);
  });

  it.each([
    ['https://www.example.com/', 'https://www.example.com/'],
    ['www.example.com', 'www.example.com'],
    ['https://www.example.com/page', 'https://www.example.com/page'],
    ['ftp://files.example.com', 'ftp://files.example.com'],
    [`${page},*`, '*'],
  ])('should reject %j, naming the entry and the expected form', (raw, entry) => {
    expect(() => parseAllowedOrigins(raw)).toThrow(
      `CORS_ALLOWED_ORIGINS must be "*" (any origin) or a comma-separated list of origins such as ` +
        `"https://www.example.com,http://localhost:3000" (scheme, host and optional port; no path or trailing slash); ` +
        `found "${entry}".`,
    );
  });
});
