import { CreateTableCommand, type DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';

/** Creates the mysfits table as cloudformation/platform.yml describes it: key, both GSIs, TTL. */
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
  await client
    .send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      }),
    )
    .catch((error: unknown) => {
      // dynalite does not implement TTL; DynamoDB itself (and CloudFormation) do.
      if (!(error instanceof Error && /UnknownOperation/.test(error.name))) throw error;
    });
}
