import { readFileSync } from 'node:fs';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../src/main.js';
import {
  captureLog,
  createStepFiles,
  event,
  prepareStep,
  readStepOutputs,
  STACK_ID,
  type StepFiles,
  scriptEvents as scriptCfnEvents,
  scriptStacks as scriptCfnStacks,
  scriptTemplateSummary,
  settle,
  stack,
} from './harness.js';

const cfn = mockClient(CloudFormationClient);
let files: StepFiles;
let log: ReturnType<typeof captureLog>;
const scriptStacks = (answers: Parameters<typeof scriptCfnStacks>[1]) => scriptCfnStacks(cfn, answers);
const scriptEvents = (history: Parameters<typeof scriptCfnEvents>[1]) => scriptCfnEvents(cfn, history);

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
  log.restore();
  vi.useRealTimers();
  process.exitCode = undefined;
});

describe('cfn-deploy with scripted CloudFormation responses', () => {
  it('should create a new stack, print each event once and set every output', async () => {
    prepareStep(files, {
      'stack-name': 'dev-network',
      parameters: 'Cidr=10.0.0.0/16\nNote=a=b,c',
      tags: 'app=mysfits',
    });
    scriptStacks([
      undefined,
      stack('CREATE_IN_PROGRESS'),
      stack('CREATE_COMPLETE', { Outputs: [{ OutputKey: 'VpcId', OutputValue: 'vpc-123' }] }),
    ]);
    cfn.on(CreateStackCommand).resolves({ StackId: STACK_ID });
    scriptEvents([
      [event('dev-network', 'CREATE_IN_PROGRESS', { ResourceStatusReason: 'User Initiated' })],
      [event('Vpc', 'CREATE_IN_PROGRESS'), event('Vpc', 'CREATE_COMPLETE'), event('dev-network', 'CREATE_COMPLETE')],
    ]);

    await settle(run());

    expect(process.exitCode).toBeUndefined();
    const create = cfn.commandCalls(CreateStackCommand)[0]?.args[0].input;
    expect(create?.Parameters).toEqual([
      { ParameterKey: 'Cidr', ParameterValue: '10.0.0.0/16' },
      { ParameterKey: 'Note', ParameterValue: 'a=b,c' },
    ]);
    expect(create?.Tags).toEqual([{ Key: 'app', Value: 'mysfits' }]);
    expect(create).not.toHaveProperty('EnableTerminationProtection');
    expect(log.text().match(/CREATE_COMPLETE {2}Vpc \(AWS::EC2::VPC\)/g)).toHaveLength(1);
    expect(log.text().match(/CREATE_IN_PROGRESS {2}dev-network/g)).toHaveLength(1);
    const outputs = readStepOutputs(files);
    expect(outputs).toMatchObject({
      VpcId: 'vpc-123',
      outputs: '{"VpcId":"vpc-123"}',
      'has-changes': 'true',
      'stack-id': STACK_ID,
      status: 'CREATE_COMPLETE',
    });
    const summary = readFileSync(files.summary, 'utf8');
    expect(summary).toContain('cfn-deploy: dev-network');
    expect(summary).toContain('<td>VpcId</td><td>vpc-123</td>');
    expect(summary).toContain('console.aws.amazon.com/cloudformation');
  });

  it('should delete a failed first create and fail with the first failed resource and its reason', async () => {
    prepareStep(files, { 'stack-name': 'dev-network' });
    scriptStacks([
      undefined,
      stack('ROLLBACK_IN_PROGRESS'),
      stack('ROLLBACK_COMPLETE', { StackStatusReason: 'The following resource(s) failed to create: [Vpc].' }),
      stack('DELETE_IN_PROGRESS'),
      undefined,
    ]);
    cfn.on(CreateStackCommand).resolves({ StackId: STACK_ID });
    cfn.on(DeleteStackCommand).resolves({});
    scriptEvents([
      [event('dev-network', 'CREATE_IN_PROGRESS')],
      [
        event('Vpc', 'CREATE_FAILED', { ResourceStatusReason: 'The CIDR 10.0.0.0/33 is invalid.' }),
        event('Subnet', 'CREATE_FAILED', { ResourceStatusReason: 'Resource creation cancelled' }),
        event('dev-network', 'ROLLBACK_IN_PROGRESS'),
      ],
      [event('dev-network', 'ROLLBACK_COMPLETE')],
    ]);

    await settle(run());

    expect(process.exitCode).toBe(1);
    expect(cfn.commandCalls(DeleteStackCommand)[0]?.args[0].input).toEqual({
      StackName: STACK_ID,
      ClientRequestToken: expect.stringMatching(/^cfn-deploy-local-[-0-9a-f]+$/),
    });
    expect(log.text()).toContain(
      '::error::Creating stack dev-network failed (ROLLBACK_COMPLETE): Vpc (AWS::EC2::VPC) CREATE_FAILED: The CIDR 10.0.0.0/33 is invalid.',
    );
    expect(log.text()).toContain('The failed stack was deleted');
    expect(readFileSync(files.summary, 'utf8')).toContain('The CIDR 10.0.0.0/33 is invalid.');
  });

  it('should delete a stack found in ROLLBACK_COMPLETE and create it again', async () => {
    prepareStep(files, { 'stack-name': 'dev-network' });
    scriptStacks([
      stack('ROLLBACK_COMPLETE'),
      stack('DELETE_IN_PROGRESS'),
      undefined,
      stack('CREATE_COMPLETE', { StackId: `${STACK_ID}-2` }),
    ]);
    cfn.on(DeleteStackCommand).resolves({});
    cfn.on(CreateStackCommand).resolves({ StackId: `${STACK_ID}-2` });
    scriptEvents([[event('dev-network', 'ROLLBACK_COMPLETE')]]);

    await settle(run());

    expect(process.exitCode).toBeUndefined();
    expect(cfn.commandCalls(DeleteStackCommand)).toHaveLength(1);
    expect(cfn.commandCalls(CreateStackCommand)).toHaveLength(1);
    expect(log.text()).toContain('is in ROLLBACK_COMPLETE: it holds no usable resources');
    expect(readStepOutputs(files)).toMatchObject({ status: 'CREATE_COMPLETE', 'stack-id': `${STACK_ID}-2` });
  });

  it('should succeed with has-changes=false on an empty change set and delete it', async () => {
    prepareStep(files, { 'stack-name': 'dev-network' });
    scriptStacks([stack('UPDATE_COMPLETE', { Outputs: [{ OutputKey: 'VpcId', OutputValue: 'vpc-123' }] })]);
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'arn:cs/1', StackId: STACK_ID });
    cfn.on(DescribeChangeSetCommand).resolves({
      Status: 'FAILED',
      ExecutionStatus: 'UNAVAILABLE',
      StatusReason:
        "The submitted information didn't contain changes. Submit different information to create a change set.",
      StackId: STACK_ID,
    });
    cfn.on(DeleteChangeSetCommand).resolves({});

    await settle(run());

    expect(process.exitCode).toBeUndefined();
    expect(cfn.commandCalls(DeleteChangeSetCommand)[0]?.args[0].input).toEqual({
      ChangeSetName: 'arn:cs/1',
      StackName: STACK_ID,
    });
    expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
    expect(readStepOutputs(files)).toMatchObject({
      'has-changes': 'false',
      VpcId: 'vpc-123',
      status: 'UPDATE_COMPLETE',
    });
    expect(readFileSync(files.summary, 'utf8')).toContain('No changes.');
  });

  it('should show the change table, execute it and apply termination protection', async () => {
    prepareStep(files, { 'stack-name': 'dev-network', 'termination-protection': 'true' });
    scriptStacks([stack('UPDATE_COMPLETE'), stack('UPDATE_IN_PROGRESS'), stack('UPDATE_COMPLETE')]);
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'arn:cs/2', StackId: STACK_ID });
    cfn.on(DescribeChangeSetCommand).resolves({
      Status: 'CREATE_COMPLETE',
      ExecutionStatus: 'AVAILABLE',
      StackId: STACK_ID,
      Changes: [
        {
          Type: 'Resource',
          ResourceChange: {
            Action: 'Modify',
            LogicalResourceId: 'Vpc',
            ResourceType: 'AWS::EC2::VPC',
            Replacement: 'True',
          },
        },
      ],
    });
    cfn.on(ExecuteChangeSetCommand).resolves({});
    cfn.on(UpdateTerminationProtectionCommand).resolves({ StackId: STACK_ID });
    scriptEvents([[event('dev-network', 'UPDATE_COMPLETE')]]);

    await settle(run());

    expect(process.exitCode).toBeUndefined();
    expect(log.text()).toMatch(/Modify\s+Vpc\s+AWS::EC2::VPC\s+True/);
    expect(readFileSync(files.summary, 'utf8')).toContain(
      '<td>Modify</td><td>Vpc</td><td>AWS::EC2::VPC</td><td>True</td>',
    );
    expect(cfn.commandCalls(UpdateTerminationProtectionCommand)[0]?.args[0].input).toEqual({
      StackName: STACK_ID,
      EnableTerminationProtection: true,
    });
    expect(readStepOutputs(files)).toMatchObject({ 'has-changes': 'true', status: 'UPDATE_COMPLETE' });
  });

  it('should wait for a busy stack to settle, then update it', async () => {
    prepareStep(files, { 'stack-name': 'dev-network' });
    scriptStacks([stack('UPDATE_IN_PROGRESS'), stack('UPDATE_IN_PROGRESS'), stack('UPDATE_COMPLETE')]);
    scriptEvents([[event('dev-network', 'UPDATE_IN_PROGRESS')]]);
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'arn:cs/3', StackId: STACK_ID });
    cfn.on(DescribeChangeSetCommand).resolves({
      Status: 'FAILED',
      StatusReason: 'No updates are to be performed.',
      StackId: STACK_ID,
    });
    cfn.on(DeleteChangeSetCommand).resolves({});

    await settle(run());

    expect(process.exitCode).toBeUndefined();
    expect(log.text()).toContain('is busy (UPDATE_IN_PROGRESS)');
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(1);
    expect(readStepOutputs(files)['has-changes']).toBe('false');
  });

  it('should fail the step when the timeout runs out', async () => {
    prepareStep(files, { 'stack-name': 'dev-network', timeout: '1m' });
    scriptStacks([stack('UPDATE_IN_PROGRESS')]);
    scriptEvents([[event('dev-network', 'UPDATE_IN_PROGRESS')]]);

    await settle(run());

    expect(process.exitCode).toBe(1);
    // Polls at 0s, 5s … 60s (the deadline), then fails: no poll after the timeout.
    expect(log.text()).toContain('[1m00s] dev-network to finish UPDATE_IN_PROGRESS');
    expect(log.text()).not.toContain('[1m05s]');
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(14);
    expect(log.text()).toMatch(/::error::Timed out after 1m00s waiting for dev-network to finish UPDATE_IN_PROGRESS/);
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
  });

  it('should reject invalid inputs before calling AWS', async () => {
    prepareStep(files, {
      'stack-name': 'dev-network',
      capabilities: 'CAPABILITY_IAM,CAPABILITY_ROOT',
      timeout: 'soon',
    });

    await settle(run());

    expect(process.exitCode).toBe(1);
    expect(log.text()).toContain(
      "Input 'capabilities': expected one of CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND, found 'CAPABILITY_ROOT'",
    );
    expect(log.text()).toContain("Input 'timeout': expected a positive duration");
    expect(cfn.calls()).toHaveLength(0);
  });
});
