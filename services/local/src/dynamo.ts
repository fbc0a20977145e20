import type { Server } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createMysfitsTable } from './table.js';

/** An in-memory dynalite, for the local stack, the tests and the bench alike. */
export interface LocalDynamo {
  endpoint: string;
  /** Environment a service process needs to talk to this dynalite (region, endpoint, dummy keys). */
  env: Record<string, string>;
  /** A client for this dynalite (destroyed by `stop()`). */
  client: DynamoDBClient;
  /** The HTTP server, for whoever wants to watch its requests. */
  server: Server;
  /** Creates the mysfits table and its like-requests table, as platform.yml does. */
  createTable(tableName: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts an in-memory dynalite on a free loopback port. */
export async function startLocalDynamo(): Promise<LocalDynamo> {
  // Zero delays: a real table takes seconds to become ACTIVE; nothing here depends on that wait.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('dynalite started without a TCP address');
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
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
  });
  return {
    endpoint,
    env,
    client,
    server,
    createTable: (tableName) => createMysfitsTable(client, tableName),
    stop: () =>
      new Promise<void>((resolve) => {
        client.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
