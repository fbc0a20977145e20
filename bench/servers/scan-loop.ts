// The limit for the list bench: the monolith's own MysfitsStore.list() (the same paginated Scan,
// projection, unmarshalling and sort), called in a loop at a fixed concurrency, with no HTTP and no Hono.
import { createDocumentClient, MysfitsStore } from '../../services/monolith/src/store.js';

export interface ScanLoopResult {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
}

const concurrency = Number(process.env.CONCURRENCY ?? '8');
const durationMs = Number(process.env.DURATION_MS ?? '5000');
const warmupMs = Number(process.env.WARMUP_MS ?? '1000');
const store = new MysfitsStore(
  createDocumentClient({ region: process.env.AWS_REGION ?? 'us-east-1', dynamoEndpoint: process.env.DDB_ENDPOINT }),
  process.env.DDB_TABLE_NAME ?? '',
);

async function loop(until: number): Promise<{ requests: number; errors: number }> {
  let requests = 0;
  let errors = 0;
  const worker = async () => {
    while (Date.now() < until) {
      try {
        const items = await store.list();
        if (items.length === 0) throw new Error('Expected the seeded mysfits, found an empty table.');
        requests += 1;
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { requests, errors };
}

process.send?.({ ready: true });
process.once('message', async () => {
  await loop(Date.now() + warmupMs);
  const started = performance.now();
  const { requests, errors } = await loop(Date.now() + durationMs);
  const seconds = (performance.now() - started) / 1000;
  process.send?.({ requests, errors, seconds, perSecond: requests / seconds } satisfies ScanLoopResult);
  process.disconnect();
});
