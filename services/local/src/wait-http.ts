export interface WaitForHttpOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Checked before every poll: a reason to give up at once (e.g. the server's process exited). */
  stopIf?: () => string | undefined;
}

/**
 * Polls `url` until it answers 2xx.
 * @throws Error naming the URL and the last answer when `timeoutMs` passes or `stopIf` gives a reason.
 */
export async function waitForHttp(url: string, options: WaitForHttpOptions = {}): Promise<void> {
  const { timeoutMs = 15_000, intervalMs = 50, stopIf } = options;
  const deadline = Date.now() + timeoutMs;
  let last = 'no attempt yet';
  while (Date.now() < deadline) {
    const stop = stopIf?.();
    if (stop) throw new Error(`${url}: ${stop} before answering.`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last}).`);
}
