import { type ServiceName, startBundle } from './lib/bundles.js';
import { readMemory } from './lib/child.js';
import { type Spread, spread } from './lib/stats.js';

export interface StartupOptions {
  /** Environment per service (the monolith needs the table; the like service a MONOLITH_URL). */
  env: Record<ServiceName, Record<string, string>>;
  runs: number;
}

export interface StartupResult {
  /** Spawn of `node server.js` → first 200 from /health, ms; goal ≤ 300 (median and max). */
  startMs: Record<ServiceName, Spread>;
  /** RSS right after the first healthy answer, before any load, MB. */
  idleRssMb: Record<ServiceName, Spread>;
}

/** Starts each bundle `runs` times, as its image does, and times it to its first healthy /health. */
export async function benchStartup({ env, runs }: StartupOptions): Promise<StartupResult> {
  const services: ServiceName[] = ['monolith', 'like'];
  const start: Record<ServiceName, number[]> = { monolith: [], like: [] };
  const idle: Record<ServiceName, number[]> = { monolith: [], like: [] };
  for (let run = 0; run < runs; run += 1) {
    for (const service of services) {
      const bundle = await startBundle({ service, env: env[service] });
      start[service].push(bundle.startMs);
      idle[service].push(readMemory(bundle.pid).rssMb);
      await bundle.stop();
    }
  }
  return {
    startMs: { monolith: spread(start.monolith, 0), like: spread(start.like, 0) },
    idleRssMb: { monolith: spread(idle.monolith, 1), like: spread(idle.like, 1) },
  };
}
