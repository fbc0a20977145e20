import { writeFileSync } from 'node:fs';
import type { Stack, StackEvent } from '@aws-sdk/client-cloudformation';
import {
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
  'parameters-file',
  'parameters',
  'capabilities',
  'tags',
  'termination-protection',
  'timeout',
  'preview-only',
  'region',
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
