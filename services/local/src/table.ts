import { CreateTableCommand, type DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';

/** The monolith's default name for the Idempotency-Key table beside a mysfits table. */
export const likeRequestsTableName = (tableName: string) => `${tableName}-like-requests`;

/**
 * Creates the tables cloudformation/platform.yml describes: the mysfits table (key and both
 * GSIs) and the like-requests table (Idempotency-Keys, expired by TTL).
 */
export async function createMysfitsTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const index = (name: string, hashKey: string) => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: hashKey, KeyType: 'HASH' as const },
      { AttributeName: 'mysfitId', KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'mysfitId', AttributeType: 'S' },
        { AttributeName: 'goodevil', AttributeType: 'S' },
        { AttributeName: 'lawchaos', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'mysfitId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [index('GoodEvilIndex', 'goodevil'), index('LawChaosIndex', 'lawchaos')],
    }),
  );
  const requests = likeRequestsTableName(tableName);
  await client.send(
    new CreateTableCommand({
      TableName: requests,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'requestKey', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'requestKey', KeyType: 'HASH' }],
    }),
  );
  await client
    .send(
      new UpdateTimeToLiveCommand({
        TableName: requests,
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      }),
    )
    .catch((error: unknown) => {
      // dynalite does not implement TTL; DynamoDB itself (and CloudFormation) do.
      if (!(error instanceof Error && /UnknownOperation/.test(error.name))) throw error;
    });
}
