import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { startLocalDynamo } from './dynamo.js';
import { createEdgeRouter, type Upstreams } from './edge-router.js';
import { freePort } from './free-port.js';
import { type ListenerRules, loadListenerRules } from './listener-rules.js';
import { describeExit, runToCompletion, type ServiceProcess, spawnService } from './service-process.js';
import { waitForHttp } from './wait-http.js';

export interface LocalStackOptions {
  /** Port of the edge router; 0 picks a free one. Default 8080. */
  port?: number;
  /** Address the edge router binds; default 127.0.0.1 so nothing is exposed beyond this machine. */
  hostname?: string;
  tableName?: string;
  /** Where the services' `monolith/dist` and `like/dist` live; default this repository's services/. */
  servicesDir?: string;
  /** Receives every log line (service output prefixed by its name, and the stack's own lines). */
  log?: (line: string) => void;
  /** Called once if a service exits while the stack is not stopping; the stack is already stopping then. */
  onUnexpectedExit?: (error: Error) => void;
}

export interface LocalStack {
  /** The edge router, which is what a person opens (`http://127.0.0.1:8080`). */
  url: string;
  /** The services' own addresses, bypassing the router (tests use them to compare). */
  upstreams: Upstreams;
  /** Process ids of the service children (to signal them, as a test of the stack's supervision does). */
  pids: Record<keyof Upstreams, number | undefined>;
  dynamoEndpoint: string;
  tableName: string;
  /** Stops the router, sends SIGTERM to both services (SIGKILL after 10 s) and stops dynalite. */
  stop(): Promise<void>;
}

const defaultServicesDir = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Starts what `npm start` runs: an in-memory dynalite with the table, the monolith's `seed`, both
 * service bundles as child processes (as their images run them) and the edge router that applies the
 * ALB's listener rules. Anything started is stopped again if a later step fails.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const {
    port = 8080,
    hostname = '127.0.0.1',
    tableName = 'mysfits-local',
    servicesDir = defaultServicesDir,
    log = (line: string) => process.stdout.write(`${line}\n`),
    onUnexpectedExit,
  } = options;
  const cleanups: Array<() => Promise<unknown>> = [];
  let stopping = false;
  // Before the stack is up, a dying child fails startLocalStack itself (waitForHealth reports it).
  let started = false;
  let stopped: Promise<void> | undefined;
  // One shutdown, however many callers (Ctrl-C twice, a crashed child, a test's afterAll) ask for it.
  const stop = () => {
    stopping = true;
    stopped ??= (async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    })();
    return stopped;
  };

  const monolithDir = `${servicesDir}/monolith/dist`;
  const likeDir = `${servicesDir}/like/dist`;
  // Checked before anything starts, so a fresh clone without a build fails in an instant and says why.
  for (const [name, dir] of Object.entries({ monolith: monolithDir, like: likeDir })) {
    const entry = join(dir, 'server.js');
    if (!existsSync(entry)) {
      throw new Error(
        `The ${name} bundle was expected at ${entry} but is missing. ` +
          `Build it with 'node scripts/build.mjs services' ('npm start' does this before starting).`,
      );
    }
  }

  // The ALB's rules, read from cloudformation/platform.yml; a broken template stops us before anything runs.
  const listener = loadListenerRules();

  try {
    const dynamo = await startLocalDynamo();
    cleanups.push(() => dynamo.stop());
    await dynamo.createTable(tableName);
    const monolithEnv = { ...dynamo.env, DDB_TABLE_NAME: tableName };
    await runToCompletion({ name: 'seed', distDir: monolithDir, args: ['seed'], env: monolithEnv, log });

    const [monolithPort, likePort] = await Promise.all([freePort(), freePort()]);
    const upstreams: Upstreams = { monolith: `http://127.0.0.1:${monolithPort}`, like: `http://127.0.0.1:${likePort}` };
    // Only the router may be reached from outside (and only when HOST says so): a service bound to
    // every interface would let anyone on the network call the monolith's internal fulfill-like.
    const serviceHost = '127.0.0.1';
    const supervise = (service: ServiceProcess): ServiceProcess => {
      cleanups.push(() => service.stop());
      void service.exited.then((info) => {
        if (stopping || !started) return;
        const error = new Error(`The ${service.name} service ${describeExit(info)} unexpectedly; stopping the stack.`);
        log(`local    | ${error.message}`);
        void stop().then(() => onUnexpectedExit?.(error));
      });
      return service;
    };
    const monolith = supervise(
      spawnService({
        name: 'monolith',
        distDir: monolithDir,
        env: { ...monolithEnv, HOST: serviceHost, PORT: String(monolithPort) },
        log,
      }),
    );
    const like = supervise(
      spawnService({
        name: 'like',
        distDir: likeDir,
        // A bare host:port, as Service Connect gives it in the cloud.
        env: { MONOLITH_URL: `127.0.0.1:${monolithPort}`, HOST: serviceHost, PORT: String(likePort) },
        log,
      }),
    );
    await Promise.all([
      waitForHealth(monolith, `${upstreams.monolith}/health`),
      waitForHealth(like, `${upstreams.like}/health`),
    ]);

    const edge = await listen({ port, hostname, upstreams, listener });
    cleanups.push(() => closeServer(edge.server));
    started = true;
    return {
      url: `http://${hostname}:${edge.port}`,
      upstreams,
      pids: { monolith: monolith.child.pid, like: like.child.pid },
      dynamoEndpoint: dynamo.endpoint,
      tableName,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function listen(options: {
  port: number;
  hostname: string;
  upstreams: Upstreams;
  listener: ListenerRules;
}): Promise<{ server: Server; port: number }> {
  const { port, hostname, upstreams, listener } = options;
  let edgeRouter = createEdgeRouter({ listener, upstreams, listenerPort: port });
  const server = await new Promise<Server>((resolve, reject) => {
    const created = serve({ fetch: (request, env) => edgeRouter.fetch(request, env), port, hostname }, () =>
      resolve(created as Server),
    );
    created.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `Port ${port} on ${hostname} is already in use; stop whatever uses it or set PORT to another port.`,
            )
          : error,
      );
    });
  });
  const bound = (server.address() as AddressInfo).port;
  // With port 0 the listener port (sent as X-Forwarded-Port) is only known now.
  if (bound !== port) edgeRouter = createEdgeRouter({ listener, upstreams, listenerPort: bound });
  return { server, port: bound };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Polls the service's /health until 200, failing early if the process exits first. */
async function waitForHealth(service: ServiceProcess, url: string): Promise<void> {
  let exit: string | undefined;
  void service.exited.then((info) => {
    exit = describeExit(info);
  });
  try {
    await waitForHttp(url, { timeoutMs: 20_000, intervalMs: 100, stopIf: () => exit });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `The ${service.name} service did not become healthy: ${reason}${exit ? ' Its output is above.' : ''}`,
    );
  }
}
