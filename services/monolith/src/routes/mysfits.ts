import { type AppEnv, requireEmptyOrJsonObject } from '@mysfits/kit/base-app';
import { ApiError } from '@mysfits/kit/errors';
import type { Logger } from '@mysfits/kit/log';
import { idempotencyKeyHeader, mysfitIdParam } from '@mysfits/kit/validators';
import { Hono } from 'hono';
import type { LikeRequests } from '../like-requests.js';
import { goodEvilValues, lawChaosValues } from '../mysfit.js';
import { type FilterName, filterIndexes, type MysfitsStore } from '../store.js';

const filterValues: Record<FilterName, readonly string[]> = { GoodEvil: goodEvilValues, LawChaos: lawChaosValues };

function parseFilter(
  filter: string | undefined,
  value: string | undefined,
): { filter: FilterName; value: string } | undefined {
  if (filter === undefined && value === undefined) return undefined;
  if (filter === undefined || !Object.hasOwn(filterIndexes, filter)) {
    throw new ApiError(
      400,
      'invalid_filter',
      `filter must be one of ${Object.keys(filterIndexes).join(', ')}; found "${filter ?? ''}".`,
    );
  }
  const allowed = filterValues[filter as FilterName];
  if (value === undefined || !allowed.includes(value)) {
    throw new ApiError(
      400,
      'invalid_filter_value',
      `value for ${filter} must be one of ${allowed.join(', ')}; found "${value ?? ''}".`,
    );
  }
  return { filter: filter as FilterName, value };
}

/** The /mysfits resource: list, filter, profile, like, fulfill-like, adopt. */
export function mysfitsRoutes(store: MysfitsStore, likeRequests: LikeRequests, logger: Logger): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.get('/', async (c) => {
    const query = parseFilter(c.req.query('filter'), c.req.query('value'));
    const mysfits = query ? await store.listBy(query.filter, query.value) : await store.list();
    return c.json({ mysfits });
  });

  routes.get('/:id', mysfitIdParam, async (c) => {
    const { id } = c.req.valid('param');
    const mysfit = await store.get(id);
    if (!mysfit) throw new ApiError(404, 'not_found', `No mysfit has the id ${id}.`);
    return c.json(mysfit);
  });

  routes.post('/:id/like', requireEmptyOrJsonObject, mysfitIdParam, async (c) => {
    const { id } = c.req.valid('param');
    const likes = await store.like(id);
    logger.info('Like processed.', { mysfitId: id, requestId: c.get('requestId') });
    return c.json({ mysfitId: id, likes });
  });

  routes.post('/:id/fulfill-like', requireEmptyOrJsonObject, mysfitIdParam, idempotencyKeyHeader, async (c) => {
    const { id } = c.req.valid('param');
    const key = c.req.valid('header').idempotencyKey;
    if (key === undefined) return c.json({ mysfitId: id, likes: await store.like(id) });
    const { likes, duplicate } = await likeRequests.likeOnce(id, key);
    if (duplicate) c.header('Idempotent-Replayed', 'true');
    return c.json({ mysfitId: id, likes });
  });

  routes.post('/:id/adopt', requireEmptyOrJsonObject, mysfitIdParam, async (c) => {
    const { id } = c.req.valid('param');
    await store.adopt(id);
    return c.json({ mysfitId: id, adopted: true });
  });

  return routes;
}
