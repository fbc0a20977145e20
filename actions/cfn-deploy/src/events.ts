import { randomUUID } from 'node:crypto';
import * as core from '@actions/core';
import {
  type CloudFormationClient,
  paginateDescribeStackEvents,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';

/** Which events belong to one stack operation. */
export interface OperationScope {
  /** The ClientRequestToken this step gave the operation; CloudFormation stamps it on every event. */
  token?: string | undefined;
  /** When the operation began (the runner's clock), for events that carry no token. */
  since: Date;
}

/**
 * A scope for an operation this step is about to start, with a fresh ClientRequestToken (it also
 * makes the SDK's retries of the request safe). The run id in it finds the run from the console.
 */
export function startOperation(): Required<OperationScope> {
  const run = [process.env.GITHUB_RUN_ID, process.env.GITHUB_RUN_ATTEMPT].filter(Boolean).join('-') || 'local';
  return { token: `cfn-deploy-${run}-${randomUUID()}`.replace(/[^-a-zA-Z0-9]/g, '-').slice(0, 128), since: new Date() };
}

/** Prints each new event of one operation exactly once and remembers them for failure analysis. */
export class StackEventPrinter {
  private readonly seen = new Set<string>();
  private readonly events: StackEvent[] = [];

  constructor(
    private readonly client: CloudFormationClient,
    private readonly stackId: string,
    private readonly scope: OperationScope,
  ) {}

  /** Fetches, prints (oldest first) and records the events of the operation not seen before. */
  async printNew(): Promise<void> {
    const fresh = (await this.fetchNew()).reverse();
    for (const event of fresh) {
      this.seen.add(event.EventId ?? '');
      this.events.push(event);
      core.info(formatEvent(event));
    }
  }

  /**
   * The first resource that failed in this operation and its reason: the cause, not the cascade of
   * "Resource creation cancelled" that follows it.
   */
  firstFailure(): { logicalId: string; type: string; status: string; reason: string } | undefined {
    const failed = this.events.filter((e) => e.ResourceStatus?.endsWith('_FAILED'));
    const isStack = (e: StackEvent) =>
      e.ResourceType === 'AWS::CloudFormation::Stack' && e.PhysicalResourceId === this.stackId;
    const cancelled = (e: StackEvent) => /cancel/i.test(e.ResourceStatusReason ?? '');
    const cause = failed.find((e) => !isStack(e) && !cancelled(e)) ?? failed.find((e) => !isStack(e)) ?? failed[0];
    if (!cause) return undefined;
    return {
      logicalId: cause.LogicalResourceId ?? '?',
      type: cause.ResourceType ?? '?',
      status: cause.ResourceStatus ?? '?',
      reason: cause.ResourceStatusReason ?? 'no reason given',
    };
  }

  // DescribeStackEvents is newest first: stop paging at the first event already printed or older
  // than this operation, instead of reading the stack's whole history on every poll.
  private async fetchNew(): Promise<StackEvent[]> {
    const fresh: StackEvent[] = [];
    const pages = paginateDescribeStackEvents({ client: this.client }, { StackName: this.stackId });
    for await (const page of pages) {
      for (const event of page.StackEvents ?? []) {
        if (this.seen.has(event.EventId ?? '') || !this.isOfThisOperation(event)) return fresh;
        fresh.push(event);
      }
    }
    return fresh;
  }

  private isOfThisOperation(event: StackEvent): boolean {
    if (this.scope.token && event.ClientRequestToken) return event.ClientRequestToken === this.scope.token;
    return (event.Timestamp?.getTime() ?? 0) >= this.scope.since.getTime();
  }
}

function formatEvent(event: StackEvent): string {
  const time = event.Timestamp ? event.Timestamp.toISOString().slice(11, 19) : '--:--:--';
  const reason = event.ResourceStatusReason ? `  ${event.ResourceStatusReason}` : '';
  return `${time}  ${event.ResourceStatus ?? '?'}  ${event.LogicalResourceId ?? '?'} (${event.ResourceType ?? '?'})${reason}`;
}
