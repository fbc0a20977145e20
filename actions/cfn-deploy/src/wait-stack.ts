import type { Stack } from '@aws-sdk/client-cloudformation';
import { waitUntil } from '../../shared/src/index.js';
import type { DeployContext } from './context.js';
import type { StackEventPrinter } from './events.js';
import { describeStack } from './stack.js';

/** Options for {@link waitForStack}. */
export interface WaitForStackOptions {
  stackId: string;
  printer: StackEventPrinter;
  /** "dev-network to finish creating" */
  description: string;
}

/**
 * Waits until the stack leaves every *_IN_PROGRESS status, printing new events on each poll.
 * @returns the settled stack, or undefined once it is gone (DELETE_COMPLETE).
 */
export async function waitForStack(ctx: DeployContext, options: WaitForStackOptions): Promise<Stack | undefined> {
  return waitUntil<Stack | undefined>({
    description: options.description,
    intervalMs: ctx.intervalMs,
    deadline: ctx.deadline,
    signal: ctx.signal,
    check: async () => {
      await options.printer.printNew();
      const stack = await describeStack(ctx.client, options.stackId);
      const status = stack?.StackStatus;
      if (status === undefined || !status.endsWith('_IN_PROGRESS') || status === 'REVIEW_IN_PROGRESS') {
        return { done: true, value: stack };
      }
      return { done: false, progress: status };
    },
  });
}
