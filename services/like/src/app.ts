import { type AllowedOrigins, type AppEnv, createBaseApp, requireEmptyOrJsonObject } from '@mysfits/kit/base-app';
import { ApiError } from '@mysfits/kit/errors';
import type { Logger } from '@mysfits/kit/log';
import type { Context } from 'hono';
import type { MonolithClient } from './monolith-client.js';

const mysfitIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const idempotencyKeyPattern = /^[A-Za-z0-9_-]{1,64}$/;

export interface LikeAppOptions {
  monolith: MonolithClient;
  logger: Logger;
  /** Origins whose pages may call the API (CORS_ALLOWED_ORIGINS); default any origin. */
  allowedOrigins?: AllowedOrigins;
}

function idempotencyKey(c: Context<AppEnv>): string {
  const supplied = c.req.header('Idempotency-Key');
  if (supplied === undefined) return crypto.randomUUID();
  if (!idempotencyKeyPattern.test(supplied)) {
    throw new ApiError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1-64 letters, digits, "-" or "_".');
  }
  return supplied;
}

/** The like service: the business step of a like, then the monolith records it. */
export function createApp({ monolith, logger, allowedOrigins }: LikeAppOptions) {
  const app = createBaseApp({ logger, ...(allowedOrigins ? { allowedOrigins } : {}) });
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.post('/mysfits/:id/like', requireEmptyOrJsonObject, async (c) => {
    const mysfitId = c.req.param('id') ?? '';
    if (!mysfitIdPattern.test(mysfitId)) {
      throw new ApiError(400, 'invalid_id', `A mysfit id is a lower-case UUID; found "${mysfitId.slice(0, 64)}".`);
    }
    const requestId = c.get('requestId');
    const key = idempotencyKey(c);
    logger.info('Like processed.', { mysfitId, requestId });
    const result = await monolith.fulfillLike({ mysfitId, requestId, idempotencyKey: key });
    if (result.kind === 'unavailable') {
      logger.error('monolith unavailable', {
        mysfitId,
        requestId,
        attempts: result.attempts,
        lastError: result.lastError,
      });
      throw new ApiError(503, 'monolith_unavailable', 'The like could not be recorded right now; please try again.');
    }
    return c.body(result.body, result.status as 200, { 'Content-Type': result.contentType });
  });
  return app;
}
