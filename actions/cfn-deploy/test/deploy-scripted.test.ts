import {
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { run } from '../src/main.js';
import {
  event,
  STACK_ID,
  scriptEvents as scriptCfnEvents,
  scriptStacks as scriptCfnStacks,
  stack,
  useScriptedCloudFormation,
} from './support/cfn-fixtures.js';

const { cfn, step } = useScriptedCloudFormation();
const scriptStacks = (answers: Parameters<typeof scriptCfnStacks>[1]) => scriptCfnStacks(cfn, answers);
const scriptEvents = (history: Parameters<typeof scriptCfnEvents>[1]) => scriptCfnEvents(cfn, history);

describe('cfn-deploy with scripted CloudFormation responses', () => {
  it('should create a new stack, print each event once and set every output', async () => {
    step.start({
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

    await step.run(run);

    expect(process.exitCode).toBeUndefined();
    const create = cfn.commandCalls(CreateStackCommand)[0]?.args[0].input;
    expect(create?.Parameters).toEqual([
      { ParameterKey: 'Cidr', ParameterValue: '10.0.0.0/16' },
      { ParameterKey: 'Note', ParameterValue: 'a=b,c' },
    ]);
    expect(create?.Tags).toEqual([{ Key: 'app', Value: 'mysfits' }]);
    expect(create).not.toHaveProperty('EnableTerminationProtection');
    expect(step.log().match(/CREATE_COMPLETE {2}Vpc \(AWS::EC2::VPC\)/g)).toHaveLength(1);
    expect(step.log().match(/CREATE_IN_PROGRESS {2}dev-network/g)).toHaveLength(1);
    const outputs = step.outputs();
    expect(outputs).toMatchObject({
      VpcId: 'vpc-123',
      outputs: '{"VpcId":"vpc-123"}',
      'has-changes': 'true',
      'stack-id': STACK_ID,
      status: 'CREATE_COMPLETE',
    });
    const summary = step.summary();
    expect(summary).toContain('cfn-deploy: dev-network');
    expect(summary).toContain('<td>VpcId</td><td>vpc-123</td>');
    expect(summary).toContain('console.aws.amazon.com/cloudformation');
  });

  it('should delete a failed first create and fail with the first failed resource and its reason', async () => {
    step.start({ 'stack-name': 'dev-network' });
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

    await step.run(run);

    expect(process.exitCode).toBe(1);
    expect(cfn.commandCalls(DeleteStackCommand)[0]?.args[0].input).toEqual({
      StackName: STACK_ID,
      ClientRequestToken: expect.stringMatching(/^cfn-deploy-local-[-0-9a-f]+$/),
    });
    expect(step.log()).toContain(
      '::error::Creating stack dev-network failed (ROLLBACK_COMPLETE): Vpc (AWS::EC2::VPC) CREATE_FAILED: The CIDR 10.0.0.0/33 is invalid.',
    );
    expect(step.log()).toContain('The failed stack was deleted');
    expect(step.summary()).toContain('The CIDR 10.0.0.0/33 is invalid.');
  });

  it('should delete a stack found in ROLLBACK_COMPLETE and create it again', async () => {
    step.start({ 'stack-name': 'dev-network' });
    scriptStacks([
      stack('ROLLBACK_COMPLETE'),
      stack('DELETE_IN_PROGRESS'),
      undefined,
      stack('CREATE_COMPLETE', { StackId: `${STACK_ID}-2` }),
    ]);
    cfn.on(DeleteStackCommand).resolves({});
    cfn.on(CreateStackCommand).resolves({ StackId: `${STACK_ID}-2` });
    scriptEvents([[event('dev-network', 'ROLLBACK_COMPLETE')]]);

    await step.run(run);

    expect(process.exitCode).toBeUndefined();
    expect(cfn.commandCalls(DeleteStackCommand)).toHaveLength(1);
    expect(cfn.commandCalls(CreateStackCommand)).toHaveLength(1);
    expect(step.log()).toContain('is in ROLLBACK_COMPLETE: it holds no usable resources');
    expect(step.outputs()).toMatchObject({ status: 'CREATE_COMPLETE', 'stack-id': `${STACK_ID}-2` });
  });

  it('should succeed with has-changes=false on an empty change set and delete it', async () => {
    step.start({ 'stack-name': 'dev-network' });
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

    await step.run(run);

    expect(process.exitCode).toBeUndefined();
    expect(cfn.commandCalls(DeleteChangeSetCommand)[0]?.args[0].input).toEqual({
      ChangeSetName: 'arn:cs/1',
      StackName: STACK_ID,
    });
    expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
    expect(step.outputs()).toMatchObject({
      'has-changes': 'false',
      VpcId: 'vpc-123',
      status: 'UPDATE_COMPLETE',
    });
    expect(step.summary()).toContain('No changes.');
  });

  it('should show the change table, execute it and apply termination protection', async () => {
    step.start({ 'stack-name': 'dev-network', 'termination-protection': 'true' });
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

    await step.run(run);

    expect(process.exitCode).toBeUndefined();
    expect(step.log()).toMatch(/Modify\s+Vpc\s+AWS::EC2::VPC\s+True/);
    expect(step.summary()).toContain('<td>Modify</td><td>Vpc</td><td>AWS::EC2::VPC</td><td>True</td>');
    expect(cfn.commandCalls(UpdateTerminationProtectionCommand)[0]?.args[0].input).toEqual({
      StackName: STACK_ID,
      EnableTerminationProtection: true,
    });
    expect(step.outputs()).toMatchObject({ 'has-changes': 'true', status: 'UPDATE_COMPLETE' });
  });

  it('should wait for a busy stack to settle, then update it', async () => {
    step.start({ 'stack-name': 'dev-network' });
    scriptStacks([stack('UPDATE_IN_PROGRESS'), stack('UPDATE_IN_PROGRESS'), stack('UPDATE_COMPLETE')]);
    scriptEvents([[event('dev-network', 'UPDATE_IN_PROGRESS')]]);
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'arn:cs/3', StackId: STACK_ID });
    cfn.on(DescribeChangeSetCommand).resolves({
      Status: 'FAILED',
      StatusReason: 'No updates are to be performed.',
      StackId: STACK_ID,
    });
    cfn.on(DeleteChangeSetCommand).resolves({});

    await step.run(run);

    expect(process.exitCode).toBeUndefined();
    expect(step.log()).toContain('is busy (UPDATE_IN_PROGRESS)');
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(1);
    expect(step.outputs()['has-changes']).toBe('false');
  });

  it('should fail the step when the timeout runs out', async () => {
    step.start({ 'stack-name': 'dev-network', timeout: '1m' });
    scriptStacks([stack('UPDATE_IN_PROGRESS')]);
    scriptEvents([[event('dev-network', 'UPDATE_IN_PROGRESS')]]);

    await step.run(run);

    expect(process.exitCode).toBe(1);
    // Polls at 0s, 5s … 60s (the deadline), then fails: no poll after the timeout.
    expect(step.log()).toContain('[1m00s] dev-network to finish UPDATE_IN_PROGRESS');
    expect(step.log()).not.toContain('[1m05s]');
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(14);
    expect(step.log()).toMatch(/::error::Timed out after 1m00s waiting for dev-network to finish UPDATE_IN_PROGRESS/);
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
  });

  it('should reject invalid inputs before calling AWS', async () => {
    step.start({
      'stack-name': 'dev-network',
      capabilities: 'CAPABILITY_IAM,CAPABILITY_ROOT',
      timeout: 'soon',
    });

    await step.run(run);

    expect(process.exitCode).toBe(1);
    expect(step.log()).toContain(
      "Input 'capabilities': expected one of CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND, found 'CAPABILITY_ROOT'",
    );
    expect(step.log()).toContain("Input 'timeout': expected a positive duration");
    expect(cfn.calls()).toHaveLength(0);
  });
});
