import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynalite } from '../../../test/support/dynalite.js';
import {
  memoryLogger,
  type RunningService,
  seededStore,
  startLike,
  startMonolith,
} from '../../../test/support/services.js';
import { parseMonolithUrl, readConfig } from '../src/config.js';

const evangeline = '4e53920c-505a-4a90-a694-b9300791f0ae';
const unknownId = '00000000-0000-4000-8000-000000000000';

/** A stand-in monolith that answers from a script and records what it was sent. */
async function scriptedMonolith(
  statuses: number[],
): Promise<{ url: string; seen: IncomingHttpHeaders[]; close(): Promise<void> }> {
  const seen: IncomingHttpHeaders[] = [];
  const server: Server = createServer((request, response) => {
    seen.push(request.headers);
    const status = statuses[Math.min(seen.length - 1, statuses.length - 1)] ?? 200;
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(
      JSON.stringify(status < 400 ? { mysfitId: evangeline, likes: 7 } : { error: { code: 'x', message: 'y' } }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('MONOLITH_URL', () => {
  it.each([
    ['monolith:8080', 'http://monolith:8080/'],
    ['http://monolith.mysfits.local:8080', 'http://monolith.mysfits.local:8080/'],
    ['https://example.test/base', 'https://example.test/base/'],
  ])('should accept %s', (raw, expected) => {
    expect(parseMonolithUrl(raw).href).toBe(expected);
  });

  it('should reject a missing or non-http value with what to set', () => {
    expect(() => parseMonolithUrl(undefined)).toThrow(/MONOLITH_URL is not set/);
    expect(() => parseMonolithUrl('ftp://monolith')).toThrow(/http or https/);
  });
});

describe('CORS_ALLOWED_ORIGINS and HOST', () => {
  it('should read the origins and the address to listen on, and refuse a path in an origin', () => {
    const config = readConfig({
      MONOLITH_URL: 'monolith:8080',
      CORS_ALLOWED_ORIGINS: 'https://a.example',
      HOST: '::1',
    });
    expect(config).toMatchObject({ allowedOrigins: ['https://a.example'], host: '::1' });
    expect(() => readConfig({ MONOLITH_URL: 'monolith:8080', CORS_ALLOWED_ORIGINS: 'https://a.example/x' })).toThrow(
      /^CORS_ALLOWED_ORIGINS must be "\*" \(any origin\) or a comma-separated list of origins/,
    );
  });
});

describe('like service against the real monolith', () => {
  let dynamo: LocalDynamo;
  let monolith: RunningService;
  let like: RunningService;
  let likeLogger: ReturnType<typeof memoryLogger>;
  let monolithLogger: ReturnType<typeof memoryLogger>;

  beforeAll(async () => {
    dynamo = await startDynalite();
    const seeded = await seededStore(dynamo);
    monolithLogger = memoryLogger('monolith');
    likeLogger = memoryLogger('like');
    monolith = await startMonolith({ ...seeded, logger: monolithLogger });
    like = await startLike({ monolithUrl: monolith.url.replace('http://', ''), logger: likeLogger });
  });
  afterAll(async () => {
    await like.close();
    await monolith.close();
    await dynamo.stop();
  });

  it('should record the like in the monolith and carry the request id there', async () => {
    const response = await fetch(`${like.url}/mysfits/${evangeline}/like`, {
      method: 'POST',
      headers: { 'X-Request-Id': 'trace-42' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ mysfitId: evangeline, likes: 1 });
    expect(likeLogger.lines).toContainEqual(expect.objectContaining({ msg: 'Like processed.', requestId: 'trace-42' }));
    expect(monolithLogger.lines).toContainEqual(
      expect.objectContaining({
        msg: 'request',
        path: `/mysfits/${evangeline}/fulfill-like`,
        requestId: 'trace-42',
        status: 200,
      }),
    );
    expect(monolithLogger.lines.some((line) => line.msg === 'Like processed.')).toBe(false);
  });

  it('should pass the monolith 404 through for an unknown mysfit', async () => {
    const response = await fetch(`${like.url}/mysfits/${unknownId}/like`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('should reject a malformed id itself, without calling the monolith', async () => {
    const before = monolithLogger.lines.length;
    const response = await fetch(`${like.url}/mysfits/NOT-AN-ID/like`, { method: 'POST' });
    expect(response.status).toBe(400);
    expect(monolithLogger.lines.length).toBe(before);
  });

  it('should answer the preflight of a like with an Idempotency-Key, and the like itself, for any origin', async () => {
    const origin = 'http://mysfits-page.s3-website-us-east-1.amazonaws.com';
    const preflight = await fetch(`${like.url}/mysfits/${evangeline}/like`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'idempotency-key',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');
    const liked = await fetch(`${like.url}/mysfits/${evangeline}/like`, {
      method: 'POST',
      headers: { Origin: origin, 'Idempotency-Key': `cors-${Date.now()}` },
    });
    expect(liked.status).toBe(200);
    expect(liked.headers.get('access-control-allow-origin')).toBe('*');
    // The monolith's own 404 travels back through the like service with the CORS header on it.
    const missing = await fetch(`${like.url}/mysfits/${unknownId}/like`, {
      method: 'POST',
      headers: { Origin: origin },
    });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('should answer /health', async () => {
    expect(await (await fetch(`${like.url}/health`)).json()).toEqual({ status: 'ok' });
  });
});

describe('retries', () => {
  const services: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.close()));
  });

  it('should retry 5xx with the same Idempotency-Key and request id, then succeed', async () => {
    const monolith = await scriptedMonolith([503, 500, 200]);
    const like = await startLike({ monolithUrl: monolith.url });
    services.push(monolith, like);
    const response = await fetch(`${like.url}/mysfits/${evangeline}/like`, {
      method: 'POST',
      headers: { 'X-Request-Id': 'r-1' },
    });
    expect(response.status).toBe(200);
    expect(monolith.seen).toHaveLength(3);
    const keys = new Set(monolith.seen.map((headers) => headers['idempotency-key']));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(monolith.seen.every((headers) => headers['x-request-id'] === 'r-1')).toBe(true);
  });

  it('should not retry a 4xx and should pass it through', async () => {
    const monolith = await scriptedMonolith([409]);
    const like = await startLike({ monolithUrl: monolith.url });
    services.push(monolith, like);
    const response = await fetch(`${like.url}/mysfits/${evangeline}/like`, { method: 'POST' });
    expect(response.status).toBe(409);
    expect(monolith.seen).toHaveLength(1);
  });

  it('should give up with a JSON 503 after bounded attempts when every answer is 5xx', async () => {
    const monolith = await scriptedMonolith([500]);
    const like = await startLike({ monolithUrl: monolith.url });
    services.push(monolith, like);
    const response = await fetch(`${like.url}/mysfits/${evangeline}/like`, {
      method: 'POST',
      headers: { Origin: 'https://page.example' },
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'monolith_unavailable' } });
    // A page on another origin can read why its like failed.
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(monolith.seen.length).toBeGreaterThan(1);
    expect(monolith.seen.length).toBeLessThanOrEqual(4);
  });

  it('should forward a client Idempotency-Key unchanged', async () => {
    const monolith = await scriptedMonolith([200]);
    const like = await startLike({ monolithUrl: monolith.url });
    services.push(monolith, like);
    await fetch(`${like.url}/mysfits/${evangeline}/like`, {
      method: 'POST',
      headers: { 'Idempotency-Key': 'client-key-1' },
    });
    expect(monolith.seen[0]?.['idempotency-key']).toBe('client-key-1');
  });
});
