import autocannon from 'autocannon';
import type { TsChild } from './lib/child.js';
import { sampleMemory, startTsChild } from './lib/child.js';
import { round, type Spread, spread } from './lib/stats.js';
import type { DynaliteReady } from './servers/dynalite-server.js';
import type { ScanLoopResult } from './servers/scan-loop.js';

export interface ListBenchOptions {
  dynamo: TsChild<DynaliteReady>;
  monolithUrl: string;
  monolithPid: number;
  connections: number;
  seconds: number;
  rounds: number;
}

export interface ListBenchResult {
  connections: number;
  secondsPerRun: number;
  monolithRequestsPerSecond: Spread;
  bareScanPerSecond: Spread;
  /** Monolith rate ÷ bare Scan rate of the same round; goal ≥ 0.8. */
  ratio: Spread;
  monolithLatencyP99Ms: Spread;
  errors: number;
  /** DynamoDB Scan calls dynalite served per 2xx GET /mysfits: ≥ 1 means no response cache. */
  scansPerGet: number;
  monolithPeakRssMb: number;
}

type Counts = Record<string, number>;

/**
 * GET /mysfits through the monolith bundle, then the same DynamoDB work without HTTP (the limit), in
 * alternating rounds at the same concurrency against the same dynalite, so drift hits both alike.
 */
export async function benchList(options: ListBenchOptions): Promise<ListBenchResult> {
  const { dynamo, monolithUrl, monolithPid, connections, seconds, rounds } = options;
  const monolithRates: number[] = [];
  const bareRates: number[] = [];
  const ratios: number[] = [];
  const p99s: number[] = [];
  let errors = 0;
  let scans = 0;
  let gets = 0;
  const memory = sampleMemory(monolithPid);
  // Warm the monolith's JIT and connection pool once; the scan loop warms itself per run.
  await autocannon({ url: `${monolithUrl}/mysfits`, connections, duration: 1 });
  for (let round = 0; round < rounds; round += 1) {
    const before = await dynamo.ask<Counts>({ type: 'counts' });
    const http = await autocannon({ url: `${monolithUrl}/mysfits`, connections, duration: seconds });
    const after = await dynamo.ask<Counts>({ type: 'counts' });
    scans += (after.Scan ?? 0) - (before.Scan ?? 0);
    gets += http['2xx'];
    errors += http.errors + http.timeouts + http.non2xx;
    const monolithRate = http['2xx'] / (http.duration || seconds);

    const loop = await startTsChild<{ ready: boolean }>({
      script: 'servers/scan-loop.ts',
      env: {
        ...dynamo.ready.env,
        DDB_TABLE_NAME: dynamo.ready.tableName,
        CONCURRENCY: String(connections),
        DURATION_MS: String(seconds * 1000),
      },
    });
    const bare = await loop.ask<ScanLoopResult>({ type: 'start' }, (seconds + 30) * 1000);
    await loop.stop();
    errors += bare.errors;

    monolithRates.push(monolithRate);
    bareRates.push(bare.perSecond);
    ratios.push(monolithRate / bare.perSecond);
    p99s.push(http.latency.p99);
  }
  return {
    connections,
    secondsPerRun: seconds,
    monolithRequestsPerSecond: spread(monolithRates, 0),
    bareScanPerSecond: spread(bareRates, 0),
    ratio: spread(ratios, 2),
    monolithLatencyP99Ms: spread(p99s, 1),
    errors,
    scansPerGet: gets === 0 ? 0 : round(scans / gets, 3),
    monolithPeakRssMb: memory.stop().peakRssMb,
  };
}
