import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ApiError } from '@mysfits/kit/errors';
import type { MysfitsStore } from './store.js';

/** How long a key is remembered; DynamoDB's TTL removes the record some time after. */
const keyLifetimeSeconds = 24 * 60 * 60;

export interface LikeRequestsOptions {
  /** How long a retry waits for an earlier attempt with the same key that is still running. */
  waitForEarlierAttemptMs?: number;
  pollIntervalMs?: number;
}

type LikeRequest = { requestKey: string; state: 'pending' | 'done'; likes?: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Counts a like at most once per Idempotency-Key. Each key gets a small record in its own table:
 * claimed (conditional put), then the like is added, then the record is marked done with the new
 * count. A retry finds the record and answers the recorded count; a retry that overtakes a slow
 * first attempt waits for it. The mysfit item never grows with keys, and the mysfits table's scans
 * never see them.
 */
export class LikeRequests {
  private readonly waitMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly store: MysfitsStore,
    options: LikeRequestsOptions = {},
  ) {
    this.waitMs = options.waitForEarlierAttemptMs ?? 1_500;
    this.pollMs = options.pollIntervalMs ?? 50;
  }

  /** Adds one like unless `key` was already counted for this mysfit; answers the count either way. */
  async likeOnce(mysfitId: string, key: string): Promise<{ likes: number; duplicate: boolean }> {
    const requestKey = `${mysfitId}#${key}`;
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      if (await this.claim(requestKey, mysfitId)) break;
      const earlier = await this.read(requestKey);
      if (earlier?.state === 'done') return { likes: Number(earlier.likes), duplicate: true };
      // A pending record is an attempt still running (or one that released the key just now).
      if (Date.now() >= deadline) {
        throw new ApiError(
          503,
          'like_in_progress',
          'An earlier request with this Idempotency-Key is still running; retry shortly.',
        );
      }
      await sleep(this.pollMs);
    }
    let likes: number;
    try {
      likes = await this.store.like(mysfitId);
    } catch (error) {
      // Nothing was counted: free the key so that a retry can count the like.
      await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { requestKey } }));
      throw error;
    }
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { requestKey },
        UpdateExpression: 'SET #state = :done, likes = :likes',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':done': 'done', ':likes': likes },
      }),
    );
    return { likes, duplicate: false };
  }

  private async claim(requestKey: string, mysfitId: string): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            requestKey,
            mysfitId,
            state: 'pending',
            expiresAt: Math.floor(Date.now() / 1000) + keyLifetimeSeconds,
          },
          ConditionExpression: 'attribute_not_exists(requestKey)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async read(requestKey: string): Promise<LikeRequest | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { requestKey }, ConsistentRead: true }),
    );
    return Item as LikeRequest | undefined;
  }
}
