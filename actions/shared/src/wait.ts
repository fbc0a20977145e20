import * as core from '@actions/core';
import { CancelledError } from './cancel.js';
import { formatDuration } from './parse.js';

/** What one poll found: finished with a value, or not yet with a line of progress to print. */
export type WaitCheck<T> = { done: true; value: T } | { done: false; progress: string };

/** Options for {@link waitUntil}. */
export interface WaitOptions<T> {
  /** What is awaited, for the progress lines and errors: "stack dev-network to settle". */
  description: string;
  /** Called once at the start and then once per interval until it reports done. */
  check: (attempt: number) => Promise<WaitCheck<T>>;
  /** Time between polls in ms. */
  intervalMs: number;
  /** Give up (throw {@link WaitTimeoutError}) this many ms after the start. */
  timeoutMs?: number;
  /** Or give up at this shared deadline (several waits within one step timeout). */
  deadline?: Deadline;
  /** Aborting stops the wait with a {@link CancelledError} (see `cancellationSignal()`). */
  signal?: AbortSignal;
}

/** Thrown when a wait runs out of time. The step must fail on it, never warn. */
export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
}

/** An absolute point in time shared by several waits of one step. */
export interface Deadline {
  /** Epoch ms when the time runs out. */
  expiresAt: number;
  /** The whole budget in ms, for messages. */
  timeoutMs: number;
}

/** Starts a deadline `timeoutMs` from now. */
export function startDeadline(timeoutMs: number): Deadline {
  return { expiresAt: Date.now() + timeoutMs, timeoutMs };
}

/**
 * The one wait loop of the actions: polls `check` every `intervalMs`, prints a progress line per
 * poll, returns the value once `check` reports done.
 * @throws WaitTimeoutError when the timeout/deadline passes (one last check happens at the deadline).
 * @throws CancelledError when `signal` aborts (SIGINT/SIGTERM).
 */
export async function waitUntil<T>(options: WaitOptions<T>): Promise<T> {
  const started = Date.now();
  const deadline = options.deadline ?? startDeadline(options.timeoutMs ?? Number.POSITIVE_INFINITY);
  for (let attempt = 1; ; attempt += 1) {
    throwIfAborted(options);
    const result = await options.check(attempt);
    if (result.done) return result.value;
    const now = Date.now();
    core.info(`⏳ [${formatDuration(now - started)}] ${options.description}: ${result.progress}`);
    if (now >= deadline.expiresAt) {
      throw new WaitTimeoutError(
        `Timed out after ${formatDuration(deadline.timeoutMs)} waiting for ${options.description} (last seen: ${result.progress}). ` +
          'Raise the timeout input if this operation is legitimately slow, or look at the AWS console for what it is stuck on.',
      );
    }
    try {
      await sleep(Math.min(options.intervalMs, deadline.expiresAt - now), options.signal);
    } catch (err) {
      if (err instanceof CancelledError && options.signal) throw abortError(options.signal, options.description);
      throw err;
    }
  }
}

function throwIfAborted(options: WaitOptions<unknown>): void {
  if (options.signal?.aborted) throw abortError(options.signal, options.description);
}

function reasonOf(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : 'cancelled';
}

function abortError(signal: AbortSignal, description: string): CancelledError {
  return new CancelledError(`Stopped waiting for ${description}: ${reasonOf(signal)}`);
}

/**
 * Sleeps `ms`, rejecting early with a {@link CancelledError} when `signal` aborts. Uses the global
 * setTimeout (not timers/promises) so tests can drive it with fake timers.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CancelledError(reasonOf(signal)));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError(reasonOf(signal as AbortSignal)));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
