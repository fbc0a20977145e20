import { describe, expect, it } from 'vitest';
import { createBaseApp } from '../src/base-app.js';
import { silentLogger } from '../src/log.js';
import { idempotencyKeyHeader, mysfitIdParam } from '../src/validators.js';

const id = '4e53920c-505a-4a90-a694-b9300791f0ae';
const app = createBaseApp({ logger: silentLogger });
app.post('/things/:id', mysfitIdParam, idempotencyKeyHeader, (c) =>
  c.json({ id: c.req.valid('param').id, key: c.req.valid('header').idempotencyKey ?? null }),
);

describe('the kit validators', () => {
  it('should hand the route a valid id and key, and no key when none was sent', async () => {
    const keyed = await app.request(`/things/${id}`, { method: 'POST', headers: { 'Idempotency-Key': 'k-1_a' } });
    expect(await keyed.json()).toEqual({ id, key: 'k-1_a' });
    const bare = await app.request(`/things/${id}`, { method: 'POST' });
    expect(await bare.json()).toEqual({ id, key: null });
  });

  it.each([
    ['an upper-case id', `/things/${id.toUpperCase()}`, {}, 'invalid_id'],
    ['a short id', '/things/42', {}, 'invalid_id'],
    ['a key with a space', `/things/${id}`, { 'Idempotency-Key': 'two words' }, 'invalid_idempotency_key'],
    ['a 65-character key', `/things/${id}`, { 'Idempotency-Key': 'k'.repeat(65) }, 'invalid_idempotency_key'],
  ])('should answer %s with a JSON 400 naming what is wrong', async (_what, path, headers, code) => {
    const response = await app.request(path, { method: 'POST', headers });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code, message: expect.stringMatching(/lower-case UUID|1-64/) } });
  });
});
