import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Change,
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateSummaryCommand,
  type Stack,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { beforeEach } from 'vitest';
import { type ActionStep, useActionStep } from '../../../shared/test/support/action-step.js';

/** The SDK's error for a stack that does not exist. */
export function stackMissing(name: string): Error {
  return Object.assign(new Error(`Stack with id ${name} does not exist`), { name: 'ValidationError' });
}

export const STACK_ID =
  'arn:aws:cloudformation:eu-west-1:123456789012:stack/dev-network/8a1b2c3d-0000-4000-8000-000000000001';

/** A DescribeStacks stack (API reference shape). */
export function stack(status: string, extra: Partial<Stack> = {}): Stack {
  return {
    StackId: STACK_ID,
    StackName: 'dev-network',
    StackStatus: status as Stack['StackStatus'],
    CreationTime: new Date('2026-01-01T00:00:00Z'),
    EnableTerminationProtection: false,
    ...extra,
  } as Stack;
}

let eventCounter = 0;

/** A DescribeStackEvents event (API reference shape). */
export function event(logicalId: string, status: string, extra: Partial<StackEvent> = {}): StackEvent {
  eventCounter += 1;
  const isStack = logicalId === 'dev-network';
  return {
    StackId: STACK_ID,
    StackName: 'dev-network',
    EventId: `${logicalId}-${status}-${eventCounter}`,
    LogicalResourceId: logicalId,
    PhysicalResourceId: isStack ? STACK_ID : `${logicalId.toLowerCase()}-physical`,
    ResourceType: isStack ? 'AWS::CloudFormation::Stack' : 'AWS::EC2::VPC',
    Timestamp: new Date(Date.now() + eventCounter),
    ResourceStatus: status as StackEvent['ResourceStatus'],
    ...extra,
  } as StackEvent;
}

/** The mocked client of a test file (`mockClient(CloudFormationClient)`). */
export type CloudFormationStub = AwsClientStub<CloudFormationClient>;

/** DescribeStacks answers in order; the last answer repeats. `undefined` = the stack does not exist. */
export function scriptStacks(cfn: CloudFormationStub, answers: (Stack | undefined)[]): void {
  let call = 0;
  cfn.on(DescribeStacksCommand).callsFake(async (input: { StackName: string }) => {
    const answer = answers[Math.min(call, answers.length - 1)];
    call += 1;
    if (!answer) throw stackMissing(input.StackName);
    return { Stacks: [answer] };
  });
}

/** DescribeStackEvents returns a growing history (newest first) as the script advances. */
export function scriptEvents(cfn: CloudFormationStub, history: StackEvent[][]): void {
  let call = 0;
  cfn.on(DescribeStackEventsCommand).callsFake(async () => {
    const events = history.slice(0, Math.min(call + 1, history.length)).flat();
    call += 1;
    return { StackEvents: [...events].reverse() };
  });
}

/** A DescribeChangeSet `Change` (API reference shape) that modifies one resource. */
export const MODIFY_VPC: Change = {
  Type: 'Resource',
  ResourceChange: { Action: 'Modify', LogicalResourceId: 'Vpc', ResourceType: 'AWS::EC2::VPC', Replacement: 'False' },
};

/**
 * CreateChangeSet then DescribeChangeSet as the API reference documents them: computed with
 * `changes`, or FAILED with `failedReason` (an empty change set is FAILED with "didn't contain changes").
 */
export function scriptChangeSet(
  cfn: CloudFormationStub,
  result: { changes: Change[] } | { failedReason: string },
): void {
  cfn
    .on(CreateChangeSetCommand)
    .resolves({ Id: 'arn:aws:cloudformation:eu-west-1:123456789012:changeSet/cs/1', StackId: STACK_ID });
  cfn
    .on(DescribeChangeSetCommand)
    .resolves(
      'changes' in result
        ? { Status: 'CREATE_COMPLETE', ExecutionStatus: 'AVAILABLE', StackId: STACK_ID, Changes: result.changes }
        : { Status: 'FAILED', ExecutionStatus: 'UNAVAILABLE', StatusReason: result.failedReason, StackId: STACK_ID },
    );
  cfn.on(DeleteChangeSetCommand).resolves({});
  cfn.on(ExecuteChangeSetCommand).resolves({});
}

/** GetTemplateSummary of the harness template (API reference shape): one queue, no parameters. */
export function scriptTemplateSummary(cfn: CloudFormationStub): void {
  cfn.on(GetTemplateSummaryCommand).resolves({ Parameters: [], ResourceTypes: ['AWS::SQS::Queue'] });
}

/** A one-queue template: what the scripted CloudFormation deploys unless a test names another. */
function writeTemplate(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cfn-template-')), 'template.yml');
  writeFileSync(file, 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n');
  return file;
}

/**
 * The scripted CloudFormation of a test file: a fresh mock per test (GetTemplateSummary of the
 * one-queue template scripted) and the file's action step, its `template` input defaulting to
 * that template.
 */
export function useScriptedCloudFormation(): { cfn: CloudFormationStub; step: ActionStep } {
  const cfn = mockClient(CloudFormationClient);
  const step = useActionStep({ action: 'cfn-deploy', defaults: { template: writeTemplate() } });
  beforeEach(() => {
    cfn.reset();
    scriptTemplateSummary(cfn);
  });
  return { cfn, step };
}
