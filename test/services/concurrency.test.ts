import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRetryPolicy } from '../../services/like/src/monolith-client.js';
import type { MysfitsStore } from '../../services/monolith/src/store.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';
import { type RunningService, seededStore, startLike, startMonolith } from '../support/services.js';

const pauly = '2b473002-36f8-4b87-954e-9a377e0ccbec';
const jake = '3f0f196c-4a7b-43af-9e29-6522a715342d';

describe('likes under concurrency', () => {
  let dynamo: LocalDynamo;
  let store: MysfitsStore;
  let monolith: RunningService;
  let like: RunningService;

  beforeAll(async () => {
    dynamo = await startDynalite();
    const seeded = await seededStore(dynamo);
    store = seeded.store;
    monolith = await startMonolith(seeded);
    // The emulator applies writes one at a time, so 1000 at once queue for seconds. The production
    // budget (1 s attempts, 2 s in all, tested in resilience.test.ts) would rightly shed that
    // load with 503s; this test is about counting, so the like service may wait for the queue.
    like = await startLike({
      monolithUrl: monolith.url,
      policy: { ...defaultRetryPolicy, attemptTimeoutMs: 20_000, totalBudgetMs: 25_000 },
    });
  });
  afterAll(async () => {
    await like.close();
    await monolith.close();
    await dynamo.stop();
  });

  it('should count exactly 1000 concurrent likes split between the monolith and the like service', async () => {
    const requests = Array.from({ length: 1_000 }, (_, i) =>
      fetch(`${i % 2 === 0 ? monolith.url : like.url}/mysfits/${pauly}/like`, { method: 'POST' }).then((r) => r.status),
    );
    const statuses = await Promise.all(requests);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect((await store.get(pauly))?.likes).toBe(1_000);
  });

  it('should count the same Idempotency-Key sent five times once', async () => {
    const before = (await store.get(jake))?.likes ?? 0;
    const headers = { 'Idempotency-Key': crypto.randomUUID() };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        fetch(`${like.url}/mysfits/${jake}/like`, { method: 'POST', headers }).then((r) => r.status),
      ),
    );
    expect(answers).toEqual([200, 200, 200, 200, 200]);
    expect((await store.get(jake))?.likes).toBe(before + 1);
  });
});
