import { type AllowedOrigins, createBaseApp, requireEmptyOrJsonObject } from '@mysfits/kit/base-app';
import { ApiError } from '@mysfits/kit/errors';
import type { Logger } from '@mysfits/kit/log';
import { idempotencyKeyHeader, mysfitIdParam } from '@mysfits/kit/validators';
import type { MonolithClient } from './monolith-client.js';

export interface LikeAppOptions {
  monolith: MonolithClient;
  logger: Logger;
  /** Origins whose pages may call the API (CORS_ALLOWED_ORIGINS); default any origin. */
  allowedOrigins?: AllowedOrigins;
}

/** The like service: the business step of a like, then the monolith records it. */
export function createApp({ monolith, logger, allowedOrigins }: LikeAppOptions) {
  const app = createBaseApp({ logger, ...(allowedOrigins ? { allowedOrigins } : {}) });
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.post('/mysfits/:id/like', requireEmptyOrJsonObject, mysfitIdParam, idempotencyKeyHeader, async (c) => {
    const mysfitId = c.req.valid('param').id;
    const requestId = c.get('requestId');
    // One key for every attempt at the monolith, so a retried call is counted once.
    const key = c.req.valid('header').idempotencyKey ?? crypto.randomUUID();
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
