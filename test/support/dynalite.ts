import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createMysfitsTable } from '../../services/local/src/table.js';

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  /** Environment for a service process that talks to this dynalite. */
  env: Record<string, string>;
  createTable(tableName: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts an in-memory dynalite on a free loopback port. */
export async function startDynalite(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('dynalite has no TCP address');
  const endpoint = `http://127.0.0.1:${address.port}`;
  const env = {
    DDB_ENDPOINT: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  };
  const client = new DynamoDBClient({
    endpoint,
    region: env.AWS_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    endpoint,
    client,
    env,
    createTable: (tableName) => createMysfitsTable(client, tableName),
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
