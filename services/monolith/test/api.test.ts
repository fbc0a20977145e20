import { PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynalite } from '../../../test/support/dynalite.js';
import { memoryLogger, seededStore } from '../../../test/support/services.js';
import { createApp } from '../src/app.js';
import { seedMysfits } from '../src/data/mysfits.js';
import type { LikeRequests } from '../src/like-requests.js';
import { seed } from '../src/seed.js';
import type { MysfitsStore } from '../src/store.js';

const evangeline = '4e53920c-505a-4a90-a694-b9300791f0ae';
const unknownId = '00000000-0000-4000-8000-000000000000';

let dynamo: LocalDynamo;
let store: MysfitsStore;
let likeRequests: LikeRequests;
let tableName: string;
let logger: ReturnType<typeof memoryLogger>;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});
beforeEach(async () => {
  ({ store, likeRequests, tableName } = await seededStore(dynamo));
  logger = memoryLogger('monolith');
  app = createApp({ store, likeRequests, logger });
});

const post = (path: string, init: RequestInit = {}) => app.request(path, { method: 'POST', ...init });

describe('GET /mysfits', () => {
  it('should list all twelve mysfits with the list fields, sorted by name', async () => {
    const response = await app.request('/mysfits');
    expect(response.status).toBe(200);
    const { mysfits } = (await response.json()) as { mysfits: Record<string, unknown>[] };
    expect(mysfits).toHaveLength(12);
    expect(mysfits.map((m) => m.name)).toEqual(
      [...seedMysfits.map((m) => m.name)].sort((a, b) => a.localeCompare(b, 'en')),
    );
    expect(Object.keys(mysfits[0] ?? {}).sort()).toEqual(
      ['adopted', 'goodevil', 'lawchaos', 'likes', 'mysfitId', 'name', 'species', 'thumbImageUri'].sort(),
    );
  });

  it('should read every page of the table', async () => {
    const big = await seededStore(dynamo);
    const bigStore = big.store;
    // 1,200 mysfits of ~1 KB each: well past one 1 MB scan page.
    const filler = 'x'.repeat(900);
    const [template] = seedMysfits;
    if (!template) throw new Error('the seed data is empty');
    await Promise.all(
      Array.from({ length: 1_200 }, (_, i) =>
        bigStore.createIfAbsent({
          ...template,
          mysfitId: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          name: `Filler ${String(i).padStart(4, '0')}`,
          description: filler,
        }),
      ),
    );
    const response = await createApp({ ...big, logger }).request('/mysfits');
    const { mysfits } = (await response.json()) as { mysfits: unknown[] };
    expect(mysfits).toHaveLength(1_212);
  });

  it('should answer an empty list for an empty table', async () => {
    const empty = `empty-${crypto.randomUUID()}`;
    await dynamo.createTable(empty);
    const { MysfitsStore: Store, createDocumentClient } = await import('../src/store.js');
    const emptyStore = new Store(createDocumentClient({ region: 'us-east-1', dynamoEndpoint: dynamo.endpoint }), empty);
    const response = await createApp({ store: emptyStore, likeRequests, logger }).request('/mysfits');
    expect(await response.json()).toEqual({ mysfits: [] });
  });

  it.each([
    ['GoodEvil', 'Good', (m: { goodevil: string }) => m.goodevil === 'Good'],
    ['GoodEvil', 'Evil', (m: { goodevil: string }) => m.goodevil === 'Evil'],
    ['LawChaos', 'Chaotic', (m: { lawchaos: string }) => m.lawchaos === 'Chaotic'],
    ['LawChaos', 'Neutral', (m: { lawchaos: string }) => m.lawchaos === 'Neutral'],
  ] as const)('should filter %s=%s through its index', async (filter, value, predicate) => {
    const response = await app.request(`/mysfits?filter=${filter}&value=${value}`);
    expect(response.status).toBe(200);
    const { mysfits } = (await response.json()) as { mysfits: { goodevil: string; lawchaos: string; name: string }[] };
    const expected = seedMysfits
      .filter((m) => predicate(m as never))
      .map((m) => m.name)
      .sort((a, b) => a.localeCompare(b, 'en'));
    expect(mysfits.map((m) => m.name)).toEqual(expected);
    expect(mysfits.length).toBeGreaterThan(0);
  });

  it.each([
    ['unknown filter', '/mysfits?filter=Species&value=Yeti', 'invalid_filter'],
    ['missing value', '/mysfits?filter=GoodEvil', 'invalid_filter_value'],
    ['unknown value', '/mysfits?filter=LawChaos&value=Good', 'invalid_filter_value'],
    ['value without filter', '/mysfits?value=Good', 'invalid_filter'],
  ])('should reject a %s with 400', async (_name, path, code) => {
    const response = await app.request(path);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
  });
});

describe('GET /mysfits/{id}', () => {
  it('should return the profile with numeric likes and boolean adopted', async () => {
    const response = await app.request(`/mysfits/${evangeline}`);
    expect(response.status).toBe(200);
    const profile = (await response.json()) as Record<string, unknown>;
    expect(profile).toMatchObject({
      mysfitId: evangeline,
      name: 'Evangeline',
      species: 'Chimera',
      age: 43,
      likes: 0,
      adopted: false,
    });
    expect(typeof profile.description).toBe('string');
    expect(profile.profileImageUri).toBe('/images/evangeline.svg');
    expect(profile).not.toHaveProperty('likeRequests');
  });

  it('should answer 404 for an unknown id and 400 for a malformed one', async () => {
    expect((await app.request(`/mysfits/${unknownId}`)).status).toBe(404);
    const malformed = await app.request('/mysfits/not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'invalid_id' } });
  });
});

describe('POST /mysfits/{id}/like', () => {
  it('should add one like, answer the new count and log the business step with the request id', async () => {
    const first = await post(`/mysfits/${evangeline}/like`, { headers: { 'X-Request-Id': 'req-123' } });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ mysfitId: evangeline, likes: 1 });
    const second = await post(`/mysfits/${evangeline}/like`);
    expect(await second.json()).toEqual({ mysfitId: evangeline, likes: 2 });
    expect(logger.lines.filter((line) => line.msg === 'Like processed.')).toHaveLength(2);
    expect(logger.lines).toContainEqual(expect.objectContaining({ msg: 'Like processed.', requestId: 'req-123' }));
    expect(first.headers.get('x-request-id')).toBe('req-123');
  });

  it('should answer 404 for an unknown id without creating an item', async () => {
    const response = await post(`/mysfits/${unknownId}/like`);
    expect(response.status).toBe(404);
    expect(await store.get(unknownId)).toBeUndefined();
  });
});

describe('POST /mysfits/{id}/fulfill-like', () => {
  it('should add one like without the business step', async () => {
    const response = await post(`/mysfits/${evangeline}/fulfill-like`);
    expect(await response.json()).toEqual({ mysfitId: evangeline, likes: 1 });
    expect(logger.lines.some((line) => line.msg === 'Like processed.')).toBe(false);
  });

  it('should count a retried Idempotency-Key once', async () => {
    const headers = { 'Idempotency-Key': 'retry-me' };
    const answers = [];
    for (let i = 0; i < 5; i += 1)
      answers.push(await (await post(`/mysfits/${evangeline}/fulfill-like`, { headers })).json());
    expect(answers.every((answer) => (answer as { likes: number }).likes === 1)).toBe(true);
    expect((await store.get(evangeline))?.likes).toBe(1);
    await post(`/mysfits/${evangeline}/fulfill-like`, { headers: { 'Idempotency-Key': 'another' } });
    expect((await store.get(evangeline))?.likes).toBe(2);
  });

  it('should keep keys out of the mysfits table and answer 503 while an earlier attempt is unfinished', async () => {
    await post(`/mysfits/${evangeline}/fulfill-like`, { headers: { 'Idempotency-Key': 'first' } });
    const { Count } = await dynamo.client.send(new ScanCommand({ TableName: tableName, Select: 'COUNT' }));
    expect(Count).toBe(12);
    // A record left pending, as by an attempt still running in another task.
    await dynamo.client.send(
      new PutItemCommand({
        TableName: `${tableName}-like-requests`,
        Item: { requestKey: { S: `${evangeline}#stuck` }, mysfitId: { S: evangeline }, state: { S: 'pending' } },
      }),
    );
    const stuck = await post(`/mysfits/${evangeline}/fulfill-like`, { headers: { 'Idempotency-Key': 'stuck' } });
    expect(stuck.status).toBe(503);
    expect(await stuck.json()).toMatchObject({ error: { code: 'like_in_progress' } });
    expect((await store.get(evangeline))?.likes).toBe(1);
  });

  it('should answer 404 for an unknown id even with a key, and 400 for a bad key', async () => {
    expect((await post(`/mysfits/${unknownId}/fulfill-like`, { headers: { 'Idempotency-Key': 'k1' } })).status).toBe(
      404,
    );
    expect(await store.get(unknownId)).toBeUndefined();
    expect(
      (await post(`/mysfits/${evangeline}/fulfill-like`, { headers: { 'Idempotency-Key': 'has space' } })).status,
    ).toBe(400);
  });
});

describe('POST /mysfits/{id}/adopt', () => {
  it('should adopt once, then answer 409, and keep the adoption', async () => {
    const first = await post(`/mysfits/${evangeline}/adopt`);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ mysfitId: evangeline, adopted: true });
    const again = await post(`/mysfits/${evangeline}/adopt`);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'already_adopted' } });
    expect((await store.get(evangeline))?.adopted).toBe(true);
  });

  it('should answer 404 for an unknown id without creating an item', async () => {
    expect((await post(`/mysfits/${unknownId}/adopt`)).status).toBe(404);
    const { Count } = await dynamo.client.send(new ScanCommand({ TableName: tableName, Select: 'COUNT' }));
    expect(Count).toBe(12);
  });
});

describe('seed', () => {
  it('should create missing mysfits only and never reset likes or adoption', async () => {
    await post(`/mysfits/${evangeline}/like`);
    await post(`/mysfits/${evangeline}/adopt`);
    expect(await seed(store, logger)).toEqual({ created: 0, existing: 12 });
    expect(await store.get(evangeline)).toMatchObject({ likes: 1, adopted: true });
  });
});

describe('the rest', () => {
  it('should answer /health, serve the page and send secure headers', async () => {
    const health = await app.request('/health');
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    expect(health.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('should answer JSON errors for unknown routes, wrong methods and big bodies', async () => {
    const missing = await app.request('/nowhere');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
    const wrongMethod = await app.request(`/mysfits/${evangeline}/like`, { method: 'GET' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toContain('POST');
    const big = await post(`/mysfits/${evangeline}/like`, {
      body: JSON.stringify({ pad: 'x'.repeat(20_000) }),
      headers: { 'Content-Type': 'application/json', 'Content-Length': '20012' },
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });
});
