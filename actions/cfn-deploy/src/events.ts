import * as core from '@actions/core';
import {
  type CloudFormationClient,
  paginateDescribeStackEvents,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';

/** Prints each new stack event exactly once and remembers them for failure analysis. */
export class StackEventPrinter {
  private readonly seen = new Set<string>();
  private readonly events: StackEvent[] = [];

  constructor(
    private readonly client: CloudFormationClient,
    private readonly stackId: string,
  ) {}

  /** Marks the events that already exist (earlier operations) as seen without printing them. */
  async skipExisting(): Promise<void> {
    for (const event of await this.fetchNew()) this.seen.add(event.EventId ?? '');
  }

  /** Fetches, prints (oldest first) and records the events not seen before. */
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

  // DescribeStackEvents is newest first; stop paging at the first page that reaches a seen event.
  private async fetchNew(): Promise<StackEvent[]> {
    const fresh: StackEvent[] = [];
    const pages = paginateDescribeStackEvents({ client: this.client }, { StackName: this.stackId });
    for await (const page of pages) {
      let reachedSeen = false;
      for (const event of page.StackEvents ?? []) {
        if (this.seen.has(event.EventId ?? '')) {
          reachedSeen = true;
          break;
        }
        fresh.push(event);
      }
      if (reachedSeen) break;
    }
    return fresh;
  }
}

function formatEvent(event: StackEvent): string {
  const time = event.Timestamp ? event.Timestamp.toISOString().slice(11, 19) : '--:--:--';
  const reason = event.ResourceStatusReason ? `  ${event.ResourceStatusReason}` : '';
  return `${time}  ${event.ResourceStatus ?? '?'}  ${event.LogicalResourceId ?? '?'} (${event.ResourceType ?? '?'})${reason}`;
}
