// The request shapes the services share, checked once through Hono's `validator`: a route names
// the middleware and reads the checked value with `c.req.valid(...)`. A bad value is a JSON 400
// (ApiError, rendered by the base app) with the same code and message in every service.
import { validator } from 'hono/validator';
import { ApiError } from './errors.js';

/** Mysfit ids are lower-case UUIDs (the seed data's, and what the page sends). */
export const mysfitIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Idempotency keys: a UUID (what the like service sends) or any short token a client picks. */
export const idempotencyKeyPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** Route middleware: `:id` must be a mysfit id; `c.req.valid('param').id` is it. */
export const mysfitIdParam = validator('param', (params: Record<string, string | undefined>) => {
  const id = params.id ?? '';
  if (!mysfitIdPattern.test(id)) {
    throw new ApiError(400, 'invalid_id', `A mysfit id is a lower-case UUID; found "${id.slice(0, 64)}".`);
  }
  return { id };
});

/**
 * Route middleware: an `Idempotency-Key` header, when sent, must be 1-64 letters, digits, `-` or
 * `_`; `c.req.valid('header').idempotencyKey` is it, or undefined when none was sent.
 */
export const idempotencyKeyHeader = validator('header', (headers: Record<string, string | undefined>) => {
  const key = headers['idempotency-key'];
  if (key !== undefined && !idempotencyKeyPattern.test(key)) {
    throw new ApiError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1-64 letters, digits, "-" or "_".');
  }
  return { idempotencyKey: key };
});
