// Stack events are read back only as far as the operation this step started. From the AWS
// CloudFormation API reference: DescribeStackEvents "Returns all stack related events for a specified
// stack in reverse chronological order", paginated with NextToken; StackEvent.ClientRequestToken: "All
// events triggered by a given stack operation are assigned the same client request token"
// (ExecuteChangeSet, CreateStack and DeleteStack accept ClientRequestToken).
import {
  DescribeStackEventsCommand,
  type DescribeStackEventsCommandInput,
  ExecuteChangeSetCommand,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { run } from '../src/main.js';
import {
  type CloudFormationStub,
  event,
  MODIFY_VPC,
  scriptChangeSet,
  scriptStacks,
  stack,
  useScriptedCloudFormation,
} from './support/cfn-fixtures.js';

const { cfn, step } = useScriptedCloudFormation();

/** Three full pages of an older history: a console update, and a CLI create that passed no token. */
function oldHistory(timestamp: (index: number) => Date): StackEvent[][] {
  return [0, 1, 2].map((page) =>
    Array.from({ length: 100 }, (_, i) =>
      event('OldBucket', i % 2 ? 'UPDATE_COMPLETE' : 'CREATE_FAILED', {
        Timestamp: timestamp(page * 100 + i),
        ResourceStatusReason: 'an old failure',
        ...(page === 0 ? { ClientRequestToken: 'Console-UpdateStack-7f59c3cf-00d2-40c7-b2ff-e75db0987002' } : {}),
      }),
    ),
  );
}

/**
 * DescribeStackEvents over `old` (pages joined by NextToken) with the events of the current
 * operation on top of the first page; `current` is asked on each call, so it can grow per poll.
 */
function scriptHistory(stub: CloudFormationStub, old: StackEvent[][], current: () => StackEvent[]): void {
  pagesAsked.length = 0;
  stub.on(DescribeStackEventsCommand).callsFake(async (input: DescribeStackEventsCommandInput) => {
    // Recorded here: the paginator reuses its input object, so commandCalls shows only the last token.
    pagesAsked.push(input.NextToken);
    const page = input.NextToken ? Number(input.NextToken.replace('page-', '')) : 0;
    const events = [...(page === 0 ? current() : []), ...(old[page] ?? [])];
    return { StackEvents: events, ...(page + 1 < old.length ? { NextToken: `page-${page + 1}` } : {}) };
  });
}

const pagesAsked: (string | undefined)[] = [];

/** The NextToken of every DescribeStackEvents call (undefined = first page). */
function pagesRead(): (string | undefined)[] {
  return [...pagesAsked];
}

describe('cfn-deploy stack events (DescribeStackEvents paging)', () => {
  it('should read only the first page of a long history while it follows an update', async () => {
    step.start({ 'stack-name': 'dev-network' });
    scriptStacks(cfn, [stack('UPDATE_COMPLETE'), stack('UPDATE_IN_PROGRESS'), stack('UPDATE_COMPLETE')]);
    scriptChangeSet(cfn, { changes: [MODIFY_VPC] });
    const started = Date.now();
    const old = oldHistory((i) => new Date(started - 86_400_000 - i * 1_000));
    const ours: StackEvent[] = [];
    scriptHistory(cfn, old, () => {
      // Newest first; the operation's events carry the token ExecuteChangeSet was given.
      const token = cfn.commandCalls(ExecuteChangeSetCommand)[0]?.args[0].input.ClientRequestToken;
      if (token && ours.length === 0) {
        ours.unshift(event('dev-network', 'UPDATE_IN_PROGRESS', { ClientRequestToken: token }));
      } else if (token && ours.length === 1) {
        ours.unshift(event('Vpc', 'UPDATE_COMPLETE', { ClientRequestToken: token }));
        ours.unshift(event('dev-network', 'UPDATE_COMPLETE', { ClientRequestToken: token }));
      }
      return [...ours];
    });

    await step.run(run);

    expect(process.exitCode, step.log()).toBeUndefined();
    const token = cfn.commandCalls(ExecuteChangeSetCommand)[0]?.args[0].input.ClientRequestToken;
    expect(token).toMatch(/^[a-zA-Z0-9][-a-zA-Z0-9]{0,127}$/);
    expect(pagesRead().length).toBeGreaterThan(0);
    expect(pagesRead().filter((page) => page !== undefined)).toEqual([]);
    expect(step.log().match(/UPDATE_COMPLETE {2}Vpc \(AWS::EC2::VPC\)/g)).toHaveLength(1);
    expect(step.log().match(/UPDATE_IN_PROGRESS {2}dev-network/g)).toHaveLength(1);
    expect(step.log()).not.toContain('OldBucket');
  });

  it('should tell an earlier operation by its token even when its timestamps look newer', async () => {
    step.start({ 'stack-name': 'dev-network' });
    scriptStacks(cfn, [stack('UPDATE_COMPLETE'), stack('UPDATE_IN_PROGRESS'), stack('UPDATE_ROLLBACK_COMPLETE')]);
    scriptChangeSet(cfn, { changes: [MODIFY_VPC] });
    // CloudFormation's clock an hour ahead of the runner's: only the token separates the operations.
    const ahead = Date.now() + 3_600_000;
    const old = oldHistory((i) => new Date(ahead - i * 1_000)).slice(0, 1);
    scriptHistory(cfn, old, () => {
      const token = cfn.commandCalls(ExecuteChangeSetCommand)[0]?.args[0].input.ClientRequestToken;
      if (!token) return [];
      return [
        event('dev-network', 'UPDATE_ROLLBACK_COMPLETE', { ClientRequestToken: token, Timestamp: new Date(ahead + 4) }),
        event('Vpc', 'UPDATE_FAILED', {
          ClientRequestToken: token,
          Timestamp: new Date(ahead + 3),
          ResourceStatusReason: 'The CIDR 10.0.0.0/33 is invalid.',
        }),
        event('dev-network', 'UPDATE_IN_PROGRESS', { ClientRequestToken: token, Timestamp: new Date(ahead + 2) }),
      ];
    });

    await step.run(run);

    expect(process.exitCode).toBe(1);
    expect(step.log()).toContain('Vpc (AWS::EC2::VPC) UPDATE_FAILED: The CIDR 10.0.0.0/33 is invalid.');
    expect(step.log()).not.toContain('an old failure');
  });

  it('should read only the first page while it waits for an operation someone else started', async () => {
    step.start({ 'stack-name': 'dev-network' });
    scriptStacks(cfn, [stack('UPDATE_IN_PROGRESS'), stack('UPDATE_IN_PROGRESS'), stack('UPDATE_COMPLETE')]);
    scriptChangeSet(cfn, { failedReason: "The submitted information didn't contain changes." });
    const started = Date.now();
    const old = oldHistory((i) => new Date(started - 60_000 - i * 1_000));
    const theirs = [event('dev-network', 'UPDATE_COMPLETE', { ClientRequestToken: 'Console-UpdateStack-1' })];
    let calls = 0;
    scriptHistory(cfn, old, () => {
      calls += 1;
      return calls > 1 ? theirs : [];
    });

    await step.run(run);

    expect(process.exitCode, step.log()).toBeUndefined();
    expect(pagesRead().filter((page) => page !== undefined)).toEqual([]);
    expect(step.log().match(/UPDATE_COMPLETE {2}dev-network/g)).toHaveLength(1);
    expect(step.log()).not.toContain('OldBucket');
  });
});
