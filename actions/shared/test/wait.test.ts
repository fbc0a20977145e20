import { describe, expect, it, vi } from 'vitest';
import { CancelledError } from '../src/cancel.js';
import { type WaitCheck, WaitTimeoutError, waitUntil } from '../src/wait.js';
import { useActionStep } from './support/action-step.js';

// No inputs: the step is here for its fake timers and captured log.
const step = useActionStep({ schema: { shape: {} } });

describe('waitUntil', () => {
  it('should poll once per interval and return the value when done', async () => {
    const check = vi.fn(
      async (attempt: number): Promise<WaitCheck<string>> =>
        attempt < 3 ? { done: false, progress: `attempt ${attempt}` } : { done: true, value: 'ok' },
    );
    const promise = waitUntil({ description: 'thing', check, intervalMs: 5_000, timeoutMs: 60_000 });
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(promise).resolves.toBe('ok');
    expect(check).toHaveBeenCalledTimes(3);
    expect(step.log()).toContain('thing: attempt 2');
  });

  it('should throw a timeout error at the deadline instead of passing', async () => {
    const check = vi.fn(async (): Promise<WaitCheck<never>> => ({ done: false, progress: 'UPDATE_IN_PROGRESS' }));
    const promise = waitUntil({ description: 'stack', check, intervalMs: 10_000, timeoutMs: 25_000 });
    const assertion = expect(promise).rejects.toThrow(WaitTimeoutError);
    await vi.advanceTimersByTimeAsync(30_000);
    await assertion;
    await expect(promise).rejects.toThrow(/Timed out after 25s waiting for stack \(last seen: UPDATE_IN_PROGRESS\)/);
    // 0s, 10s, 20s and a last look at the 25s deadline.
    expect(check).toHaveBeenCalledTimes(4);
  });

  it('should stop at once when the signal aborts', async () => {
    const controller = new AbortController();
    const check = vi.fn(async (): Promise<WaitCheck<never>> => ({ done: false, progress: 'busy' }));
    const promise = waitUntil({ description: 'deployment', check, intervalMs: 60_000, signal: controller.signal });
    const assertion = expect(promise).rejects.toThrow(CancelledError);
    await vi.advanceTimersByTimeAsync(1_000);
    controller.abort(new CancelledError('cancelled by SIGTERM'));
    await assertion;
    await expect(promise).rejects.toThrow('Stopped waiting for deployment: cancelled by SIGTERM');
    expect(check).toHaveBeenCalledTimes(1);
  });
});
