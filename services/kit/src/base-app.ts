import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { type RequestIdVariables, requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { type AllowedOrigins, apiCors } from './cors.js';
import { ApiError, errorResponse } from './errors.js';
import type { Logger } from './log.js';

export type { AllowedOrigins } from './cors.js';

export type AppEnv = { Variables: RequestIdVariables; Bindings: Partial<HttpBindings> };

/** Percent-encoding, dot segments or empty segments in the raw request path. */
const nonCanonicalPath = /%|\/\.{1,2}(?:\/|$)|\/\//;

export interface BaseAppOptions {
  logger: Logger;
  /** Largest request body accepted, in bytes; the APIs take no bodies, so this stays small. */
  maxBodyBytes?: number;
  /** Origins a browser page may call the API from (`CORS_ALLOWED_ORIGINS`); default any origin. */
  allowedOrigins?: AllowedOrigins;
}

/**
 * A Hono app with what both services share, in order: request id (taken from `X-Request-Id` when
 * well-formed), one JSON log line per request, CORS (preflights answered here, before any route or
 * the 405 handler; the headers also reach every error response), secure headers, a body limit, 405
 * for known paths, and JSON errors for everything else.
 */
export function createBaseApp({
  logger,
  maxBodyBytes = 16 * 1024,
  allowedOrigins = '*',
}: BaseAppOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId({ limitLength: 128 }));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    logger.info('request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      requestId: c.get('requestId'),
    });
  });
  app.use(apiCors(allowedOrigins));
  // The load balancer's path rules (e.g. the fixed 404 for fulfill-like) match the path as sent,
  // while the router here sees it decoded and normalised. Only canonical paths are served, so a
  // path that escaped a rule by encoding (`fulfill%2Dlike`, `/./mysfits/...`) cannot reach a route.
  app.use(async (c, next) => {
    const raw = c.env?.incoming?.url?.split('?')[0];
    if (raw !== undefined && nonCanonicalPath.test(raw)) {
      throw new ApiError(
        400,
        'invalid_path',
        'Paths must not contain percent-encoding, dot segments or empty segments.',
      );
    }
    await next();
  });
  app.use(
    secureHeaders({
      contentSecurityPolicy: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], frameAncestors: ["'none'"] },
      // A route may relax a header for what it serves (the monolith's images set a cross-origin
      // Cross-Origin-Resource-Policy so pages on other origins can show them); the rest get the defaults.
      overwrite: false,
    }),
  );
  app.use(
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) =>
        errorResponse(c, 413, 'payload_too_large', `Request bodies are limited to ${maxBodyBytes} bytes.`),
    }),
  );
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, allowed) => {
        c.header('Allow', allowed.join(', '));
        return errorResponse(c, 405, 'method_not_allowed', `Use ${allowed.join(' or ')} on ${c.req.path}.`);
      },
    }),
  );
  app.notFound((c) => errorResponse(c, 404, 'not_found', `No route for ${c.req.method} ${c.req.path}.`));
  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error.status, error.code, error.message);
    if (error instanceof HTTPException && error.status < 500) {
      return errorResponse(c, error.status, 'bad_request', error.message || 'The request could not be read.');
    }
    logger.error('unhandled error', {
      requestId: c.get('requestId'),
      error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
    });
    return errorResponse(c, 500, 'internal_error', 'Something went wrong on our side; it has been logged.');
  });
  return app;
}

/**
 * Middleware for POST endpoints that take no input: the body must be empty or a JSON object, so
 * garbage is rejected before anything changes.
 */
export async function requireEmptyOrJsonObject(c: import('hono').Context, next: () => Promise<void>): Promise<void> {
  const text = await c.req.text();
  if (text.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ApiError(400, 'invalid_json', 'The request body is not valid JSON; send no body or {}.');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new ApiError(400, 'invalid_body', 'The request body must be a JSON object; send no body or {}.');
    }
  }
  await next();
}
