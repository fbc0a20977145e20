import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { Logger } from './log.js';

export interface StartServerOptions {
  app: { fetch: (request: Request) => Response | Promise<Response> };
  port: number;
  hostname?: string;
  logger: Logger;
  /** Time allowed for in-flight requests after SIGTERM before the process exits anyway. */
  drainTimeoutMs?: number;
  /** Drain and exit on SIGTERM/SIGINT (the process's own server); off for servers started inside tests. */
  exitOnSignal?: boolean;
}

export interface RunningServer {
  server: Server;
  port: number;
  /** Stops accepting, waits for in-flight requests (bounded by the drain timeout). */
  close(): Promise<void>;
}

/** Listens, and on SIGTERM/SIGINT drains and exits: ECS sends SIGTERM, then SIGKILL after stopTimeout. */
export async function startServer({
  app,
  port,
  hostname,
  logger,
  drainTimeoutMs = 8_000,
  exitOnSignal = true,
}: StartServerOptions): Promise<RunningServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    const created = serve({ fetch: app.fetch, port, ...(hostname ? { hostname } : {}) }, () =>
      resolve(created as Server),
    );
    created.once('error', reject);
  });
  // Keep-alive longer than the ALB's idle timeout (60 s) so the ALB never reuses a closed socket.
  server.keepAliveTimeout = 65_000;
  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  const close = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        server.closeAllConnections();
        resolve();
      }, drainTimeoutMs);
      timer.unref();
      // Sockets kept alive by clients go idle once their response is sent; close them as they do.
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      server.close(() => {
        clearTimeout(timer);
        clearInterval(sweep);
        resolve();
      });
      server.closeIdleConnections();
    });

  if (!exitOnSignal) return { server, port: boundPort, close };
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal, drainTimeoutMs });
    void close().then(() => {
      logger.info('stopped');
      process.exit(0);
    });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  logger.info('listening', { port: boundPort });
  return { server, port: boundPort, close };
}
