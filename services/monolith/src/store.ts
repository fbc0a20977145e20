import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  paginateScan,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ApiError } from '@mysfits/kit/errors';
import type { MonolithConfig } from './config.js';
import { listFields, type Mysfit, type MysfitSummary } from './mysfit.js';

/** The two GSIs and the attribute each is keyed on. */
export const filterIndexes = {
  GoodEvil: { indexName: 'GoodEvilIndex', attribute: 'goodevil' },
  LawChaos: { indexName: 'LawChaosIndex', attribute: 'lawchaos' },
} as const;
export type FilterName = keyof typeof filterIndexes;

const projection = {
  ProjectionExpression: listFields.map((field) => `#${field}`).join(', '),
  ExpressionAttributeNames: Object.fromEntries(listFields.map((field) => [`#${field}`, field])),
};

function notFound(id: string): ApiError {
  return new ApiError(404, 'not_found', `No mysfit has the id ${id}.`);
}

function byName(a: MysfitSummary, b: MysfitSummary): number {
  return a.name.localeCompare(b.name, 'en') || a.mysfitId.localeCompare(b.mysfitId);
}

/** Creates the DynamoDB document client the store uses. */
export function createDocumentClient(
  config: Pick<MonolithConfig, 'region' | 'dynamoEndpoint'>,
): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: config.region,
    ...(config.dynamoEndpoint ? { endpoint: config.dynamoEndpoint } : {}),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** Everything the API does to the mysfits table. */
export class MysfitsStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** All mysfits, every page of the scan, sorted by name. */
  async list(): Promise<MysfitSummary[]> {
    const items: MysfitSummary[] = [];
    for await (const page of paginateScan({ client: this.db }, { TableName: this.tableName, ...projection })) {
      items.push(...((page.Items ?? []) as MysfitSummary[]));
    }
    return items.sort(byName);
  }

  /** The mysfits with `value` for the filter's attribute, through its GSI. */
  async listBy(filter: FilterName, value: string): Promise<MysfitSummary[]> {
    const { indexName, attribute } = filterIndexes[filter];
    const items: MysfitSummary[] = [];
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        IndexName: indexName,
        KeyConditionExpression: '#key = :value',
        ...projection,
        ExpressionAttributeNames: { ...projection.ExpressionAttributeNames, '#key': attribute },
        ExpressionAttributeValues: { ':value': value },
      },
    );
    for await (const page of pages) items.push(...((page.Items ?? []) as MysfitSummary[]));
    return items.sort(byName);
  }

  /** One mysfit's profile, or undefined. */
  async get(id: string): Promise<Mysfit | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { mysfitId: id } }));
    return Item as Mysfit | undefined;
  }

  /** Adds one like atomically and returns the new count; never creates an item. */
  async like(id: string): Promise<number> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { mysfitId: id },
          UpdateExpression: 'ADD likes :one',
          ConditionExpression: 'attribute_exists(mysfitId)',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(Attributes?.likes);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw notFound(id);
      throw error;
    }
  }

  /** Marks a mysfit adopted; 404 when unknown, 409 when already adopted. */
  async adopt(id: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { mysfitId: id },
          UpdateExpression: 'SET adopted = :true',
          ConditionExpression: 'attribute_exists(mysfitId) AND (attribute_not_exists(adopted) OR adopted = :false)',
          ExpressionAttributeValues: { ':true': true, ':false': false },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = await this.get(id);
      if (!current) throw notFound(id);
      throw new ApiError(409, 'already_adopted', `${current.name} has already been adopted.`);
    }
  }

  /** Writes a mysfit unless one with its id exists; returns whether it was created. */
  async createIfAbsent(mysfit: Mysfit): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: mysfit,
          ConditionExpression: 'attribute_not_exists(mysfitId)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
