import autocannon from 'autocannon';
import type { StartedBundle } from './lib/bundles.js';
import { type MemoryReading, sampleMemory } from './lib/child.js';
import { type Spread, spread } from './lib/stats.js';

export interface LikePathOptions {
  /** The edge router's URL; it forwards /mysfits/{id}/like to the like service by the listener rules. */
  edgeUrl: string;
  monolith: StartedBundle;
  like: StartedBundle;
  rate: number;
  connections: number;
  seconds: number;
  rounds: number;
}

export interface LikePathResult {
  rate: number;
  connections: number;
  secondsPerRun: number;
  achievedPerSecond: Spread;
  p50Ms: Spread;
  p99Ms: Spread;
  maxMs: Spread;
  /** Connection errors, timeouts and non-2xx answers over all runs; goal 0. */
  errors: number;
  likes: number;
  memory: Record<'monolith' | 'like', MemoryReading>;
}

async function mysfitIds(edgeUrl: string): Promise<string[]> {
  const response = await fetch(`${edgeUrl}/mysfits`);
  const body = (await response.json()) as { mysfits?: Array<{ mysfitId: string }> };
  const ids = body.mysfits?.map((mysfit) => mysfit.mysfitId) ?? [];
  if (ids.length === 0) throw new Error(`Expected seeded mysfits from ${edgeUrl}/mysfits, found none.`);
  return ids;
}

/**
 * POST /mysfits/{id}/like at a fixed rate through the edge router (→ like → monolith's fulfill-like
 * → dynalite), cycling over every mysfit, with latencies corrected for coordinated omission.
 */
export async function benchLikePath(options: LikePathOptions): Promise<LikePathResult> {
  const { edgeUrl, monolith, like, rate, connections, seconds, rounds } = options;
  const ids = await mysfitIds(edgeUrl);
  const requests = ids.map((id) => ({ method: 'POST', path: `/mysfits/${id}/like` }));
  const memory = { monolith: sampleMemory(monolith.pid), like: sampleMemory(like.pid) };
  const run = (duration: number) =>
    autocannon({ url: edgeUrl, connections, overallRate: rate, duration, requests, timeout: 10 });
  await run(1);
  const achieved: number[] = [];
  const p50: number[] = [];
  const p99: number[] = [];
  const max: number[] = [];
  let errors = 0;
  let likes = 0;
  for (let round = 0; round < rounds; round += 1) {
    const result = await run(seconds);
    achieved.push(result['2xx'] / (result.duration || seconds));
    p50.push(result.latency.p50);
    p99.push(result.latency.p99);
    max.push(result.latency.max);
    errors += result.errors + result.timeouts + result.non2xx;
    likes += result['2xx'];
  }
  return {
    rate,
    connections,
    secondsPerRun: seconds,
    achievedPerSecond: spread(achieved, 0),
    p50Ms: spread(p50, 1),
    p99Ms: spread(p99, 1),
    maxMs: spread(max, 1),
    errors,
    likes,
    memory: { monolith: memory.monolith.stop(), like: memory.like.stop() },
  };
}
