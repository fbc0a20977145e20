import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { jsonLogger, type Logger, silentLogger } from '../../services/kit/src/log.js';
import { startServer } from '../../services/kit/src/serve.js';
import { createApp as createLikeApp } from '../../services/like/src/app.js';
import { parseMonolithUrl } from '../../services/like/src/config.js';
import { defaultRetryPolicy, MonolithClient, type RetryPolicy } from '../../services/like/src/monolith-client.js';
import { likeRequestsTableName } from '../../services/local/src/table.js';
import { createApp as createMonolithApp } from '../../services/monolith/src/app.js';
import { LikeRequests } from '../../services/monolith/src/like-requests.js';
import { seed } from '../../services/monolith/src/seed.js';
import { createDocumentClient, MysfitsStore } from '../../services/monolith/src/store.js';
import type { LocalDynamo } from './dynalite.js';
import { freePort, waitForHttp } from './free-port.js';

export interface RunningService {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Creates and seeds a fresh table, returning a store over it. */
export async function seededStore(dynamo: LocalDynamo, tableName = `mysfits-${crypto.randomUUID()}`) {
  await dynamo.createTable(tableName);
  const db = createDocumentClient({ region: 'us-east-1', dynamoEndpoint: dynamo.endpoint });
  const store = new MysfitsStore(db, tableName);
  const likeRequests = new LikeRequests(db, likeRequestsTableName(tableName), store);
  await seed(store, silentLogger);
  return { store, likeRequests, tableName };
}

/** The monolith's app served in this process on a loopback port. */
export async function startMonolith(options: {
  store: MysfitsStore;
  likeRequests: LikeRequests;
  port?: number;
  logger?: Logger;
}): Promise<RunningService> {
  const logger = options.logger ?? silentLogger;
  const app = createMonolithApp({ store: options.store, likeRequests: options.likeRequests, logger });
  const running = await startServer({
    app,
    port: options.port ?? 0,
    hostname: '127.0.0.1',
    logger,
    exitOnSignal: false,
  });
  return { url: `http://127.0.0.1:${running.port}`, port: running.port, close: running.close };
}

/** The like service's app served in this process, calling `monolithUrl`. */
export async function startLike(options: {
  monolithUrl: string;
  policy?: RetryPolicy;
  logger?: Logger;
}): Promise<RunningService> {
  const logger = options.logger ?? silentLogger;
  const monolith = new MonolithClient(parseMonolithUrl(options.monolithUrl), options.policy ?? defaultRetryPolicy);
  const running = await startServer({
    app: createLikeApp({ monolith, logger }),
    port: 0,
    hostname: '127.0.0.1',
    logger,
    exitOnSignal: false,
  });
  return { url: `http://127.0.0.1:${running.port}`, port: running.port, close: running.close };
}

/** A logger that keeps its JSON lines for assertions. */
export function memoryLogger(service: string): Logger & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = jsonLogger(service, (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
  return Object.assign(logger, { lines });
}

export const serviceDist = (service: 'monolith' | 'like') =>
  fileURLToPath(new URL(`../../services/${service}/dist/`, import.meta.url));

export interface BundleProcess extends RunningService {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts a built service bundle as its image does (`node server.js` in the bundle's directory). */
export async function spawnBundle(options: {
  cwd: string;
  env: Record<string, string>;
  args?: string[];
}): Promise<BundleProcess> {
  const port = Number(options.env.PORT ?? (await freePort()));
  const child = spawn(process.execPath, ['server.js', ...(options.args ?? [])], {
    cwd: options.cwd,
    // Loopback unless the test says otherwise, as the local stack runs them: nothing else on the network reaches them.
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ...options.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  if (!options.args?.length) await waitForHttp(`${url}/health`);
  return {
    url,
    port,
    child,
    exited,
    output: () => output,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
