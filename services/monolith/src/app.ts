import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { type AllowedOrigins, createBaseApp } from '@mysfits/kit/base-app';
import type { Logger } from '@mysfits/kit/log';
import type { LikeRequests } from './like-requests.js';
import { mysfitsRoutes } from './routes/mysfits.js';
import type { MysfitsStore } from './store.js';

export interface MonolithAppOptions {
  store: MysfitsStore;
  likeRequests: LikeRequests;
  logger: Logger;
  /** Where the web page lives: src/public in development, public/ beside the bundle in the image. */
  publicDir?: string;
  /** Origins whose pages may call the API (CORS_ALLOWED_ORIGINS); default any origin. */
  allowedOrigins?: AllowedOrigins;
}

/** The monolith: the mysfits API, the health check and the web page. */
export function createApp({
  store,
  likeRequests,
  logger,
  publicDir = fileURLToPath(new URL('./public', import.meta.url)),
  allowedOrigins,
}: MonolithAppOptions) {
  const app = createBaseApp({ logger, ...(allowedOrigins ? { allowedOrigins } : {}) });
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.route('/mysfits', mysfitsRoutes(store, likeRequests, logger));
  app.get(
    '/images/*',
    serveStatic({
      root: publicDir,
      onFound: (_path, c) => {
        c.header('Cache-Control', 'public, max-age=86400');
        // The image URIs the API returns are meant for pages on other origins too (the workshop's
        // page in S3): an <img> there is a no-cors load, which `same-origin` would block.
        c.header('Cross-Origin-Resource-Policy', 'cross-origin');
      },
    }),
  );
  // Only the page's own files: a catch-all GET would turn every wrong-method API call into a 404.
  const page = serveStatic({ root: publicDir });
  app.get('/', page);
  app.get('/:file{[\\w-]+\\.(?:html|js|css|ico|svg|png|webmanifest)}', page);
  return app;
}
