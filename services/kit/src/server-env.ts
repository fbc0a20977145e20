import { isIP } from 'node:net';
import { type AllowedOrigins, parseAllowedOrigins } from './cors.js';

/** What every service process reads from its environment to serve: where to listen, who may call it. */
export interface ServerEnv {
  port: number;
  /**
   * The address to listen on (`HOST`). Unset in the task definition: the container listens on every
   * interface, as the load balancer and Service Connect need. The local stack sets 127.0.0.1.
   */
  host: string | undefined;
  allowedOrigins: AllowedOrigins;
}

/**
 * Reads PORT (default 8080), HOST and CORS_ALLOWED_ORIGINS.
 * @throws Error saying which variable is wrong, what it holds and what it should hold.
 */
export function readServerEnv(env: NodeJS.ProcessEnv = process.env): ServerEnv {
  const port = Number(env.PORT ?? '8080');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`PORT must be an integer between 0 and 65535, found "${env.PORT}".`);
  }
  const host = env.HOST?.trim() || undefined;
  if (host !== undefined && isIP(host) === 0) {
    throw new Error(
      `HOST must be an IP address to listen on, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface); ` +
        `found "${host}". Unset it to listen on every interface.`,
    );
  }
  return { port, host, allowedOrigins: parseAllowedOrigins(env.CORS_ALLOWED_ORIGINS) };
}
