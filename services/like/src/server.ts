import { processLogger } from '@mysfits/kit/log';
import { startServer } from '@mysfits/kit/serve';
import { createApp } from './app.js';
import { readConfig } from './config.js';
import { MonolithClient } from './monolith-client.js';

const logger = processLogger('like');
try {
  const config = readConfig();
  const monolith = new MonolithClient(config.monolithUrl);
  const app = createApp({ monolith, logger, allowedOrigins: config.allowedOrigins });
  await startServer({ app, port: config.port, ...(config.host ? { hostname: config.host } : {}), logger });
} catch (error) {
  logger.error('like service failed to start', { error: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
}
