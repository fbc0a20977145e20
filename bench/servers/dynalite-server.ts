// A seeded in-memory dynalite in its own process, so it gets a core of its own as DynamoDB would.
// It counts the DynamoDB operations it serves: the list bench uses that to prove every GET scanned.
import type { IncomingMessage } from 'node:http';
import { silentLogger } from '../../services/kit/src/log.js';
import { startLocalDynamo } from '../../services/local/src/dynamo.js';
import { seed } from '../../services/monolith/src/seed.js';
import { createDocumentClient, MysfitsStore } from '../../services/monolith/src/store.js';

export interface DynaliteReady {
  endpoint: string;
  tableName: string;
  env: Record<string, string>;
}

const tableName = 'mysfits-bench';
const dynamo = await startLocalDynamo();
const { endpoint, env } = dynamo;
const counts: Record<string, number> = {};
dynamo.server.on('request', (request: IncomingMessage) => {
  const operation = String(request.headers['x-amz-target'] ?? 'unknown').replace(/^DynamoDB_\d+\./, '');
  counts[operation] = (counts[operation] ?? 0) + 1;
});
Object.assign(process.env, env);
await dynamo.createTable(tableName);
await seed(
  new MysfitsStore(
    createDocumentClient({ region: env.AWS_REGION ?? 'us-east-1', dynamoEndpoint: endpoint }),
    tableName,
  ),
  silentLogger,
);

process.on('message', (message: { type: string }) => {
  if (message.type === 'counts') process.send?.({ ...counts });
});
process.once('SIGTERM', () => {
  void dynamo.stop().then(() => process.exit(0));
});
process.send?.({ endpoint, tableName, env } satisfies DynaliteReady);

// Never outlive the bench: when it goes away (even killed), so does this process.
process.once('disconnect', () => process.exit(0));
