// `npm run bench`: every figure of issue 6 in one bounded run on loopback, printed as a table and
// written to bench/results/. Services run as their images run them, with LOG_LEVEL=silent.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { estimateCosts } from '../deploy/cost/cost.js';
import { actionsBundleMb, benchActions, nodeFloorMs } from './actions.js';
import { deployWait } from './deploy-wait.js';
import { evaluateGoals, goalsTable } from './goals.js';
import { type StartedBundle, startBundle } from './lib/bundles.js';
import { repoRoot, startTsChild, type TsChild } from './lib/child.js';
import { machineInfo } from './lib/machine.js';
import { spread } from './lib/stats.js';
import { benchLikePath } from './like-path.js';
import { benchList } from './list.js';
import { benchStartup } from './process.js';
import type { DynaliteReady } from './servers/dynalite-server.js';

const quick = process.argv.includes('--quick');
const settings = {
  list: { connections: 8, seconds: quick ? 2 : 5, rounds: 3 },
  likePath: { rate: 200, connections: 10, seconds: quick ? 3 : 8, rounds: 3 },
  startRuns: quick ? 3 : 7,
  actionRuns: quick ? 3 : 5,
};

const running: Array<{ stop(): Promise<void> }> = [];
const track = <T extends { stop(): Promise<void> }>(item: T): T => {
  running.push(item);
  return item;
};
// A bench that dies must not leave services behind.
process.once('exit', () => {
  for (const item of running) if ('child' in item) (item as unknown as StartedBundle).child.kill('SIGKILL');
});

const log = (line: string) => process.stderr.write(`bench | ${line}\n`);
const machine = machineInfo();
log(`${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverageAtStart}`);
const startedAt = new Date();

try {
  const dynamo: TsChild<DynaliteReady> = track(
    await startTsChild<DynaliteReady>({ script: 'servers/dynalite-server.ts' }),
  );
  const monolithEnv = { ...dynamo.ready.env, DDB_TABLE_NAME: dynamo.ready.tableName };

  log('start → healthy /health of each bundle');
  const startup = await benchStartup({
    env: { monolith: monolithEnv, like: { MONOLITH_URL: 'http://127.0.0.1:9' } },
    runs: settings.startRuns,
  });

  log(
    `list: GET /mysfits vs bare Scan, ${settings.list.connections} connections, ${settings.list.rounds} × ${settings.list.seconds} s`,
  );
  const listMonolith = track(await startBundle({ service: 'monolith', env: monolithEnv }));
  const list = await benchList({
    dynamo,
    monolithUrl: listMonolith.url,
    monolithPid: listMonolith.pid,
    ...settings.list,
  });
  await listMonolith.stop();

  log(`like path: edge router → like → monolith → dynalite at ${settings.likePath.rate}/s`);
  const monolith = track(await startBundle({ service: 'monolith', env: monolithEnv }));
  const like = track(await startBundle({ service: 'like', env: { MONOLITH_URL: monolith.url } }));
  const edge = track(
    await startTsChild<{ url: string }>({
      script: 'servers/edge-server.ts',
      env: { MONOLITH_URL: monolith.url, LIKE_URL: like.url },
    }),
  );
  const likePath = await benchLikePath({ edgeUrl: edge.ready.url, monolith, like, ...settings.likePath });

  // The same rate against a bare node:http server: the latency this machine adds on its own.
  const floor = track(await startTsChild<{ url: string }>({ script: 'servers/floor-server.ts' }));
  const floorRuns = [];
  for (let round = 0; round < settings.likePath.rounds; round += 1) {
    floorRuns.push(
      await autocannon({
        url: floor.ready.url,
        connections: settings.likePath.connections,
        overallRate: settings.likePath.rate,
        duration: settings.likePath.seconds,
      }),
    );
  }
  const latencyFloor = {
    p50Ms: spread(
      floorRuns.map((r) => r.latency.p50),
      1,
    ),
    p99Ms: spread(
      floorRuns.map((r) => r.latency.p99),
      1,
    ),
  };
  for (const item of running.splice(0).reverse()) await item.stop();

  log('actions: bundle size and cold start to the input error');
  const actions = await benchActions(settings.actionRuns);
  const nodeFloor = await nodeFloorMs(settings.actionRuns);
  const figures = { list, likePath, startup, actions, deployWait: deployWait(), cost: estimateCosts() };
  const goals = evaluateGoals(figures);

  const report = {
    startedAt: startedAt.toISOString(),
    seconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    machine: { ...machine, loadAverageAtEnd: Math.round((loadavg()[0] ?? 0) * 100) / 100 },
    settings: { ...settings, quick, logLevel: 'silent' },
    goals,
    ...figures,
    latencyFloor,
    nodeStartFloorMs: nodeFloor,
    actionsBundleMb: actionsBundleMb(),
  };
  const dir = `${repoRoot}bench/results/`;
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(`${dir}bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`, json);
  writeFileSync(`${dir}latest.json`, json);

  process.stdout.write(
    `${[
      `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}; load ${machine.loadAverageAtStart} → ${report.machine.loadAverageAtEnd}`,
      `Services: bundles started as the images do (node server.js), LOG_LEVEL=silent; loopback only; monolith: ${monolith.memory}; like: ${like.memory}.`,
      '',
      goalsTable(goals),
      '',
      `List: monolith ${list.monolithRequestsPerSecond.median} req/s (${list.monolithRequestsPerSecond.runs.join(', ')}), bare Scan ${list.bareScanPerSecond.median}/s (${list.bareScanPerSecond.runs.join(', ')}); monolith p99 ${list.monolithLatencyP99Ms.median} ms; monolith peak RSS under list load ${list.monolithPeakRssMb} MB`,
      `Like path: p50 ${likePath.p50Ms.median} ms (${likePath.p50Ms.runs.join(', ')}), p99 ${likePath.p99Ms.runs.join(', ')} ms, max ${likePath.maxMs.median} ms, ${likePath.achievedPerSecond.median} req/s achieved, ${likePath.likes} likes`,
      `Latency floor (bare node:http, same rate): p50 ${latencyFloor.p50Ms.median} ms, p99 ${latencyFloor.p99Ms.median} ms (${latencyFloor.p99Ms.runs.join(', ')})`,
      `Idle RSS after start: monolith ${startup.idleRssMb.monolith.median} MB, like ${startup.idleRssMb.like.median} MB; node -e 0 takes ${nodeFloor.median} ms here`,
      `Actions: one shared bundle, ${report.actionsBundleMb} MB in actions/dist for ${actions.length} actions (${actions.map((a) => `${a.name} loads ${a.sizeMb} MB`).join(', ')})`,
      `Results: bench/results/latest.json (${report.seconds} s)`,
    ].join('\n')}\n`,
  );
} finally {
  for (const item of running.splice(0).reverse()) await item.stop();
}
