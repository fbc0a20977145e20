import { writeFileSync } from 'node:fs';
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
import { afterEach, beforeAll, beforeEach, vi } from 'vitest';
import {
  captureLog,
  createStepFiles as createSharedStepFiles,
  prepareStep as prepareSharedStep,
  readStepOutputs as readOutputFile,
} from '../../shared/test/support/step.js';

export { captureLog, settle } from '../../shared/test/support/step.js';

/** Temp files standing in for the runner's GITHUB_OUTPUT / GITHUB_STEP_SUMMARY and a template. */
export interface StepFiles {
  dir: string;
  output: string;
  summary: string;
  template: string;
}

const INPUT_NAMES = [
  'stack-name',
  'template',
  'template-bucket',
  'parameters-file',
  'parameters',
  'capabilities',
  'tags',
  'termination-protection',
  'timeout',
  'preview-only',
  'region',
  'reset-parameters',
];

/** One temp dir per test file: @actions/core caches the summary path after its first write. */
export function createStepFiles(): StepFiles {
  const shared = createSharedStepFiles('cfn-deploy');
  const files = { ...shared, template: `${shared.dir}/template.yml` };
  writeFileSync(files.template, 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n');
  return files;
}

/** Resets the step's files and environment, then sets `INPUT_*` by name the way the runner does. */
export function prepareStep(files: StepFiles, inputs: Record<string, string>): void {
  prepareSharedStep({ files, inputNames: INPUT_NAMES, inputs: { template: files.template, ...inputs } });
}

/** Parses the GITHUB_OUTPUT file into a record. */
export function readStepOutputs(files: StepFiles): Record<string, string> {
  return readOutputFile(files.output);
}

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

/**
 * Registers the hooks every scripted test file needs: a fresh mock, fake timers and a captured
 * log per test, one set of step files per file.
 */
export function useScriptedCloudFormation(): {
  cfn: CloudFormationStub;
  files: () => StepFiles;
  log: () => string;
} {
  const cfn = mockClient(CloudFormationClient);
  let files: StepFiles | undefined;
  let log: ReturnType<typeof captureLog> | undefined;
  beforeAll(() => {
    files = createStepFiles();
  });
  beforeEach(() => {
    cfn.reset();
    scriptTemplateSummary(cfn);
    vi.useFakeTimers();
    log = captureLog();
  });
  afterEach(() => {
    log?.restore();
    vi.useRealTimers();
    process.exitCode = undefined;
  });
  return {
    cfn,
    files: () => {
      if (!files) throw new Error('step files are created in beforeAll');
      return files;
    },
    log: () => log?.text() ?? '',
  };
}
