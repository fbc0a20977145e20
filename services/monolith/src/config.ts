import { readServerEnv, type ServerEnv } from '@mysfits/kit/server-env';

/** The monolith's settings, all from the environment (ECS task definition or the local stack). */
export interface MonolithConfig extends ServerEnv {
  tableName: string;
  /** The table of fulfill-like Idempotency-Keys; default `<tableName>-like-requests`. */
  likeRequestsTableName: string;
  region: string;
  /** A local DynamoDB (dynalite) endpoint; unset in AWS. */
  dynamoEndpoint: string | undefined;
}

/** Reads and checks the environment; throws with what is missing and how to set it. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): MonolithConfig {
  const tableName = env.DDB_TABLE_NAME?.trim();
  if (!tableName) {
    throw new Error(
      'DDB_TABLE_NAME is not set: set it to the mysfits DynamoDB table name (the platform stack output TableName, or "mysfits" for the local stack).',
    );
  }
  return {
    ...readServerEnv(env),
    tableName,
    likeRequestsTableName: env.DDB_LIKE_REQUESTS_TABLE_NAME?.trim() || `${tableName}-like-requests`,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    dynamoEndpoint: env.DDB_ENDPOINT?.trim() || undefined,
  };
}
