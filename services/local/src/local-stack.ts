import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { type DeployConfig, loadDeployConfig } from '../../../deploy/config.js';
import { startLocalDynamo } from './dynamo.js';
import { createEdgeRouter, type Upstreams } from './edge-router.js';
import { freePort } from './free-port.js';
import { type ListenerRules, loadListenerRules } from './listener-rules.js';
import { localServices } from './local-services.js';
import { describeExit, runToCompletion, type ServiceProcess, spawnService } from './service-process.js';
import { likeRequestsTableName } from './table.js';
import { waitForHttp } from './wait-http.js';

export interface LocalStackOptions {
  /** Port of the edge router; 0 picks a free one. Default 8080. */
  port?: number;
  /** Address the edge router binds; default 127.0.0.1 so nothing is exposed beyond this machine. */
  hostname?: string;
  tableName?: string;
  /** Where each service's `<name>/dist` and `<name>/deploy` live; default this repository's services/. */
  servicesDir?: string;
  /** The services to run and route to; default deploy/config.yml. */
  config?: DeployConfig;
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
  pids: Record<string, number | undefined>;
  dynamoEndpoint: string;
  tableName: string;
  /** Stops the router, sends SIGTERM to every service (SIGKILL after 10 s) and stops dynalite. */
  stop(): Promise<void>;
}

const defaultServicesDir = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Starts what `npm start` runs: an in-memory dynalite with the tables, each `seed` of
 * deploy/config.yml, every service bundle of the config as a child process (as its image runs it)
 * and the edge router that applies the ALB's listener rules. Anything started is stopped again if
 * a later step fails.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const {
    port = 8080,
    hostname = '127.0.0.1',
    tableName = 'mysfits-local',
    servicesDir = defaultServicesDir,
    config = loadDeployConfig(),
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

  const names = Object.keys(config.services);
  // Checked before anything starts, so a fresh clone without a build fails in an instant and says why.
  for (const name of names) {
    const entry = join(servicesDir, name, 'dist', 'server.js');
    if (!existsSync(entry)) {
      throw new Error(
        `The ${name} bundle was expected at ${entry} but is missing. ` +
          `Build it with 'node scripts/build.mjs services' ('npm start' does this before starting).`,
      );
    }
  }

  // The ALB's rules, read from the templates and the config; a broken one stops us before anything runs.
  const listener = loadListenerRules({ config });

  try {
    const dynamo = await startLocalDynamo();
    cleanups.push(() => dynamo.stop());
    await dynamo.createTable(tableName);
    const ports = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await freePort()] as const)));
    const services = localServices({
      config,
      servicesDir,
      ports,
      // What the task definitions read from the platform stack, answered by the local dynalite.
      platformOutputs: { TableName: tableName, LikeRequestsTableName: likeRequestsTableName(tableName) },
      env: dynamo.env,
    });
    for (const service of services) {
      if (!service.seedArgs) continue;
      const { distDir, env, seedArgs: args } = service;
      await runToCompletion({ name: 'seed', distDir, args, env, log });
    }

    const upstreams: Upstreams = Object.fromEntries(services.map((s) => [s.name, `http://127.0.0.1:${s.port}`]));
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
    const running = services.map((service) =>
      supervise(spawnService({ name: service.name, distDir: service.distDir, env: service.env, log })),
    );
    await Promise.all(
      running.map((child) =>
        waitForHealth(child, `${upstreams[child.name]}${config.services[child.name]?.healthCheckPath ?? '/health'}`),
      ),
    );

    const edge = await listen({ port, hostname, upstreams, listener });
    cleanups.push(() => closeServer(edge.server));
    started = true;
    return {
      url: `http://${hostname}:${edge.port}`,
      upstreams,
      pids: Object.fromEntries(running.map((child) => [child.name, child.child.pid])),
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
