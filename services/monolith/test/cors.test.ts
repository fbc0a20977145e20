import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynalite } from '../../../test/support/dynalite.js';
import { memoryLogger, seededStore } from '../../../test/support/services.js';
import { createApp } from '../src/app.js';
import { readConfig } from '../src/config.js';

const evangeline = '4e53920c-505a-4a90-a694-b9300791f0ae';
const unknownId = '00000000-0000-4000-8000-000000000000';
// Where the workshop hosts its page: an S3 website, another origin than the load balancer.
const page = 'http://mysfits-page.s3-website-us-east-1.amazonaws.com';

let dynamo: LocalDynamo;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  dynamo = await startDynalite();
  const { store, likeRequests } = await seededStore(dynamo);
  app = createApp({ store, likeRequests, logger: memoryLogger('monolith') });
});
afterAll(async () => {
  await dynamo.stop();
});

describe('the monolith called from a page on another origin', () => {
  it('should answer the preflight of an adopt with a JSON body', async () => {
    const response = await app.request(`/mysfits/${evangeline}/adopt`, {
      method: 'OPTIONS',
      headers: {
        Origin: page,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
  });

  it('should let the list, a filter and the 404 and 400 errors be read', async () => {
    for (const [path, status] of [
      ['/mysfits', 200],
      ['/mysfits?filter=GoodEvil&value=Good', 200],
      [`/mysfits/${unknownId}`, 404],
      ['/mysfits?filter=Nope&value=Good', 400],
    ] as const) {
      const response = await app.request(path, { headers: { Origin: page } });
      expect(response.status, path).toBe(status);
      expect(response.headers.get('access-control-allow-origin'), path).toBe('*');
    }
  });

  it('should serve images with a cross-origin resource policy, and keep same-origin on the rest', async () => {
    const image = await app.request('/images/evangeline-thumb.svg', { headers: { Origin: page } });
    expect(image.status).toBe(200);
    expect(image.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
    const list = await app.request('/mysfits');
    expect(list.headers.get('cross-origin-resource-policy')).toBe('same-origin');
  });

  it('should only allow the configured origins when CORS_ALLOWED_ORIGINS lists some', async () => {
    const { store, likeRequests } = await seededStore(dynamo);
    const config = readConfig({ DDB_TABLE_NAME: 'x', CORS_ALLOWED_ORIGINS: `${page},http://localhost:3000` });
    expect(config.allowedOrigins).toEqual([page, 'http://localhost:3000']);
    const listed = createApp({ store, likeRequests, logger: memoryLogger('monolith'), ...config });
    const allowed = await listed.request('/mysfits', { headers: { Origin: page } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(page);
    const other = await listed.request('/mysfits', { headers: { Origin: 'https://elsewhere.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the monolith configuration', () => {
  it('should refuse to start with CORS_ALLOWED_ORIGINS that is not a list of origins', () => {
    expect(() => readConfig({ DDB_TABLE_NAME: 'x', CORS_ALLOWED_ORIGINS: `${page}/` })).toThrow(`found "${page}/"`);
  });

  it('should listen on every interface unless HOST names an address', () => {
    expect(readConfig({ DDB_TABLE_NAME: 'x' }).host).toBeUndefined();
    expect(readConfig({ DDB_TABLE_NAME: 'x', HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
    expect(() => readConfig({ DDB_TABLE_NAME: 'x', HOST: 'every-interface' })).toThrow(
      /HOST must be an IP address to listen on.*found "every-interface"/,
    );
  });
});
