// A seeded in-memory dynalite in its own process, so it gets a core of its own as DynamoDB would.
// It counts the DynamoDB operations it serves: the list bench uses that to prove every GET scanned.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { silentLogger } from '../../services/kit/src/log.js';
import { createMysfitsTable } from '../../services/local/src/table.js';
import { seed } from '../../services/monolith/src/seed.js';
import { createDocumentClient, MysfitsStore } from '../../services/monolith/src/store.js';

export interface DynaliteReady {
  endpoint: string;
  tableName: string;
  env: Record<string, string>;
}

const tableName = 'mysfits-bench';
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
const counts: Record<string, number> = {};
server.on('request', (request: { headers: Record<string, string | string[] | undefined> }) => {
  const operation = String(request.headers['x-amz-target'] ?? 'unknown').replace(/^DynamoDB_\d+\./, '');
  counts[operation] = (counts[operation] ?? 0) + 1;
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
const address = server.address();
if (address === null || typeof address === 'string') throw new Error('dynalite started without a TCP address');
const endpoint = `http://127.0.0.1:${address.port}`;
const env = {
  DDB_ENDPOINT: endpoint,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
};
Object.assign(process.env, env);

const client = new DynamoDBClient({ endpoint, region: env.AWS_REGION });
await createMysfitsTable(client, tableName);
client.destroy();
await seed(
  new MysfitsStore(createDocumentClient({ region: env.AWS_REGION, dynamoEndpoint: endpoint }), tableName),
  silentLogger,
);

process.on('message', (message: { type: string }) => {
  if (message.type === 'counts') process.send?.({ ...counts });
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
process.send?.({ endpoint, tableName, env } satisfies DynaliteReady);

// Never outlive the bench: when it goes away (even killed), so does this process.
process.once('disconnect', () => process.exit(0));
