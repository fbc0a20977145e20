/** How the like service calls the monolith: bounded in attempts and in total time. */
export interface RetryPolicy {
  attempts: number;
  attemptTimeoutMs: number;
  /** Everything, retries and backoff included, ends within this budget. */
  totalBudgetMs: number;
  baseDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  attempts: 4,
  attemptTimeoutMs: 1_000,
  totalBudgetMs: 2_000,
  baseDelayMs: 50,
};

export interface FulfillLikeRequest {
  mysfitId: string;
  requestId: string;
  idempotencyKey: string;
}

export type FulfillLikeResult =
  | { kind: 'response'; status: number; body: string; contentType: string }
  | { kind: 'unavailable'; attempts: number; lastError: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `POST {monolith}/mysfits/{id}/fulfill-like`, retrying network errors and 5xx with the same key. */
export class MonolithClient {
  constructor(
    private readonly baseUrl: URL,
    private readonly policy: RetryPolicy = defaultRetryPolicy,
  ) {}

  async fulfillLike({ mysfitId, requestId, idempotencyKey }: FulfillLikeRequest): Promise<FulfillLikeResult> {
    const url = new URL(`mysfits/${encodeURIComponent(mysfitId)}/fulfill-like`, this.baseUrl);
    const deadline = Date.now() + this.policy.totalBudgetMs;
    let lastError = 'not attempted';
    let attempt = 0;
    while (attempt < this.policy.attempts) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      attempt += 1;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'Idempotency-Key': idempotencyKey, 'X-Request-Id': requestId },
          signal: AbortSignal.timeout(Math.min(this.policy.attemptTimeoutMs, remaining)),
        });
        const body = await response.text();
        if (response.status < 500) {
          return {
            kind: 'response',
            status: response.status,
            body,
            contentType: response.headers.get('content-type') ?? 'application/json',
          };
        }
        lastError = `HTTP ${response.status}`;
      } catch (error) {
        lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      // Full jitter: a random wait up to base * 2^attempt, never past the deadline.
      const backoff = Math.random() * this.policy.baseDelayMs * 2 ** attempt;
      const wait = Math.min(backoff, deadline - Date.now());
      if (wait > 0 && attempt < this.policy.attempts) await sleep(wait);
    }
    return { kind: 'unavailable', attempts: attempt, lastError };
  }
}
