import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MysfitsStore } from '../../services/monolith/src/store.js';
import { type LocalDynamo, startDynalite } from '../support/dynalite.js';
import { type RunningService, seededStore, startLike, startMonolith } from '../support/services.js';

const id = '0e37d916-f960-4772-a25a-01b762b5c1bd';

async function timedLike(likeUrl: string): Promise<{ status: number; ms: number; body: unknown }> {
  const started = performance.now();
  const response = await fetch(`${likeUrl}/mysfits/${id}/like`, { method: 'POST' });
  const body = await response.json();
  return { status: response.status, ms: performance.now() - started, body };
}

describe('like service when the monolith is away', () => {
  let dynamo: LocalDynamo;
  let seeded: Awaited<ReturnType<typeof seededStore>>;
  let store: MysfitsStore;
  let monolith: RunningService;
  let like: RunningService;

  beforeAll(async () => {
    dynamo = await startDynalite();
    seeded = await seededStore(dynamo);
    store = seeded.store;
    monolith = await startMonolith(seeded);
    like = await startLike({ monolithUrl: monolith.url });
  });
  afterAll(async () => {
    await like.close();
    await monolith.close();
    await dynamo.stop();
  });

  it('should answer a JSON 503 within 2.5 s while the monolith is stopped, and work again once it is back', async () => {
    expect((await timedLike(like.url)).status).toBe(200);
    const port = monolith.port;
    await monolith.close();

    const down = await timedLike(like.url);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ error: { code: 'monolith_unavailable' } });
    expect(down.ms).toBeLessThanOrEqual(2_500);

    monolith = await startMonolith({ ...seeded, port });
    const up = await timedLike(like.url);
    expect(up.status).toBe(200);
    expect((await store.get(id))?.likes).toBe(2);
  });

  it('should answer a JSON 503 within 2.5 s when the monolith accepts connections but never answers', async () => {
    const sockets: Socket[] = [];
    const blackHole = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const { port } = blackHole.address() as { port: number };
    const stuckLike = await startLike({ monolithUrl: `127.0.0.1:${port}` });
    try {
      const result = await timedLike(stuckLike.url);
      expect(result.status).toBe(503);
      expect(result.ms).toBeLessThanOrEqual(2_500);
    } finally {
      await stuckLike.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => blackHole.close(() => resolve()));
    }
  });
});
