import { randomBytes } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { proxy } from 'hono/proxy';
import { type FixedResponseAction, type ListenerRules, matchListenerRule } from './listener-rules.js';

/** Base URLs (`http://127.0.0.1:1234`) of the services behind the router, by the names the rules use. */
export type Upstreams = Record<string, string>;

export interface EdgeRouterOptions {
  listener: ListenerRules;
  upstreams: Upstreams;
  /** The port the router listens on, sent as X-Forwarded-Port like the ALB's listener port. */
  listenerPort?: number;
  /** Longest wait for an upstream before a 504; the ALB's default idle timeout is 60 s. */
  upstreamTimeoutMs?: number;
}

type EdgeEnv = { Bindings: Partial<HttpBindings> };

/**
 * The local stand-in for the public ALB: for each request it takes the action of the first listener
 * rule whose path pattern matches (else the default action) and forwards to that service, or answers
 * with the rule's fixed response. Upstream failures become JSON 502/504, as the ALB answers with its
 * own status codes rather than passing a broken connection on.
 */
export function createEdgeRouter({
  listener,
  upstreams,
  listenerPort = 80,
  upstreamTimeoutMs = 60_000,
}: EdgeRouterOptions): Hono<EdgeEnv> {
  const app = new Hono<EdgeEnv>();
  app.all('*', async (c) => {
    const url = new URL(c.req.url);
    // The ALB matches path patterns on the path as sent (case-sensitive, not URL-decoded, no query).
    const action = matchListenerRule(listener, url.pathname);
    if (action.type === 'fixed-response') return fixedResponse(action);
    const upstream = upstreams[action.service];
    if (upstream === undefined) {
      return c.json(
        { error: { code: 'bad_gateway', message: `No local process runs the ${action.service} service.` } },
        502,
      );
    }
    const target = `${upstream}${url.pathname}${url.search}`;
    try {
      return await proxy(target, {
        raw: c.req.raw,
        headers: forwardedHeaders(c, listenerPort),
        signal: AbortSignal.any([c.req.raw.signal, AbortSignal.timeout(upstreamTimeoutMs)]),
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      const reason = error instanceof Error ? (causeMessage(error) ?? error.message) : String(error);
      return c.json(
        {
          error: timedOut
            ? {
                code: 'gateway_timeout',
                message: `The ${action.service} service did not answer within ${upstreamTimeoutMs} ms.`,
              }
            : { code: 'bad_gateway', message: `The ${action.service} service could not be reached (${reason}).` },
        },
        timedOut ? 504 : 502,
      );
    }
  });
  return app;
}

function fixedResponse(action: FixedResponseAction): Response {
  return new Response(action.body, { status: action.statusCode, headers: { 'content-type': action.contentType } });
}

/** The request headers plus what the ALB adds: X-Forwarded-For/-Proto/-Port and X-Amzn-Trace-Id. */
function forwardedHeaders(c: Context<EdgeEnv>, listenerPort: number): Record<string, string> {
  const headers = c.req.header();
  const client = c.env?.incoming?.socket.remoteAddress;
  const previous = headers['x-forwarded-for'];
  const forwardedFor = [previous, client].filter((part): part is string => Boolean(part)).join(', ');
  return {
    ...headers,
    ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    'x-forwarded-proto': 'http',
    'x-forwarded-port': String(listenerPort),
    'x-amzn-trace-id': headers['x-amzn-trace-id'] ?? traceId(),
  };
}

function traceId(): string {
  const epochHex = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epochHex}-${randomBytes(12).toString('hex')}`;
}

/** fetch() reports "fetch failed" and hides the useful part (ECONNREFUSED …) in `cause`. */
function causeMessage(error: Error): string | undefined {
  const cause: unknown = error.cause;
  if (cause instanceof Error) return 'code' in cause ? `${String(cause.code)}: ${cause.message}` : cause.message;
  return undefined;
}
