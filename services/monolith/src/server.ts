import { processLogger } from '@mysfits/kit/log';
import { startServer } from '@mysfits/kit/serve';
import { createApp } from './app.js';
import { readConfig } from './config.js';
import { LikeRequests } from './like-requests.js';
import { seed } from './seed.js';
import { createDocumentClient, MysfitsStore } from './store.js';

// The image's command: `node server.js` serves; `node server.js seed` seeds the table and exits.
const logger = processLogger('monolith');
try {
  const config = readConfig();
  const db = createDocumentClient(config);
  const store = new MysfitsStore(db, config.tableName);
  const command = process.argv[2] ?? 'serve';
  if (command === 'seed') {
    await seed(store, logger);
  } else if (command === 'serve') {
    const likeRequests = new LikeRequests(db, config.likeRequestsTableName, store);
    const app = createApp({ store, likeRequests, logger, allowedOrigins: config.allowedOrigins });
    await startServer({ app, port: config.port, ...(config.host ? { hostname: config.host } : {}), logger });
  } else {
    throw new Error(`Unknown command "${command}": use "serve" (the default) or "seed".`);
  }
} catch (error) {
  logger.error('monolith failed to start', { error: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
}
