// An update keeps the values of the parameters the inputs do not name. Shapes from the AWS
// CloudFormation API reference: the `Parameter` data type (`UsePreviousValue`: "During a stack update,
// use the existing parameter value that the stack is using for a given parameter key. If you specify
// true, do not specify a parameter value."), GetTemplateSummary (`Parameters`: ParameterDeclaration
// with ParameterKey, DefaultValue, ParameterType, NoEcho, Description) and DescribeStacks
// (`Stack.Parameters`).
import {
  CreateChangeSetCommand,
  CreateStackCommand,
  GetTemplateSummaryCommand,
  type ParameterDeclaration,
} from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { run } from '../src/main.js';
import {
  MODIFY_VPC,
  STACK_ID,
  scriptChangeSet,
  scriptEvents,
  scriptStacks,
  stack,
  useScriptedCloudFormation,
} from './support/cfn-fixtures.js';

const { cfn, step } = useScriptedCloudFormation();

const declared = (key: string, extra: Partial<ParameterDeclaration> = {}): ParameterDeclaration => ({
  ParameterKey: key,
  ParameterType: 'String',
  NoEcho: false,
  Description: `${key} of the network`,
  ...extra,
});

/** The existing stack has values for EnvironmentName, VpcCidr, DbPassword and Retired (gone from the template). */
function scriptUpdate(): void {
  const existing = stack('UPDATE_COMPLETE', {
    Parameters: [
      { ParameterKey: 'EnvironmentName', ParameterValue: 'dev' },
      { ParameterKey: 'VpcCidr', ParameterValue: '10.1.0.0/16' },
      { ParameterKey: 'DbPassword', ParameterValue: '****' },
      { ParameterKey: 'Retired', ParameterValue: 'old' },
    ],
  });
  scriptStacks(cfn, [existing, stack('UPDATE_IN_PROGRESS'), existing]);
  cfn.on(GetTemplateSummaryCommand).resolves({
    Parameters: [
      declared('EnvironmentName', { DefaultValue: 'mysfits' }),
      declared('VpcCidr', { DefaultValue: '10.0.0.0/16' }),
      declared('DbPassword', { NoEcho: true }),
      declared('NatGatewayCount', { DefaultValue: '0', ParameterType: 'Number' }),
    ],
    ResourceTypes: ['AWS::EC2::VPC'],
    Version: '2010-09-09',
  });
  scriptChangeSet(cfn, { changes: [MODIFY_VPC] });
  scriptEvents(cfn, [[]]);
}

describe('cfn-deploy parameters on update (UsePreviousValue)', () => {
  it('should keep the values of parameters the inputs do not name and the new template still declares', async () => {
    step.start({ 'stack-name': 'dev-network', parameters: 'EnvironmentName=dev' });
    scriptUpdate();

    await step.run(run);

    expect(process.exitCode, step.log()).toBeUndefined();
    expect(cfn.commandCalls(GetTemplateSummaryCommand)[0]?.args[0].input).toEqual({
      TemplateBody: expect.stringContaining('AWS::SQS::Queue'),
    });
    expect(cfn.commandCalls(CreateChangeSetCommand)[0]?.args[0].input.Parameters).toEqual([
      { ParameterKey: 'EnvironmentName', ParameterValue: 'dev' },
      { ParameterKey: 'VpcCidr', UsePreviousValue: true },
      { ParameterKey: 'DbPassword', UsePreviousValue: true },
    ]);
    expect(step.log()).toContain('Keeping the values dev-network already has for VpcCidr, DbPassword');
  });

  it('should send a parameter named by reset-parameters back to its template default', async () => {
    step.start({
      'stack-name': 'dev-network',
      parameters: 'EnvironmentName=dev',
      'reset-parameters': 'VpcCidr',
    });
    scriptUpdate();

    await step.run(run);

    expect(process.exitCode, step.log()).toBeUndefined();
    expect(cfn.commandCalls(CreateChangeSetCommand)[0]?.args[0].input.Parameters).toEqual([
      { ParameterKey: 'EnvironmentName', ParameterValue: 'dev' },
      { ParameterKey: 'DbPassword', UsePreviousValue: true },
    ]);
    expect(step.log()).toContain('Resetting VpcCidr of dev-network to the template default');
  });

  it('should fail before any change set when reset-parameters names a parameter the template does not declare', async () => {
    step.start({ 'stack-name': 'dev-network', 'reset-parameters': 'VpcCidr\nRetired' });
    scriptUpdate();

    await step.run(run);

    expect(process.exitCode).toBe(1);
    expect(step.log()).toContain(
      "Input 'reset-parameters': expected names of parameters the template declares (EnvironmentName, VpcCidr, DbPassword, NatGatewayCount), found 'Retired'",
    );
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
  });

  it('should reject a parameter that is both given a value and reset, before calling AWS', async () => {
    step.start({
      'stack-name': 'dev-network',
      parameters: 'VpcCidr=10.2.0.0/16',
      'reset-parameters': 'VpcCidr',
    });

    await step.run(run);

    expect(process.exitCode).toBe(1);
    expect(step.log()).toContain(
      "Input 'reset-parameters': VpcCidr is also given a value (parameters or parameters-file); expected each parameter to be either set or reset",
    );
    expect(cfn.calls()).toHaveLength(0);
  });

  it('should reject a reset-parameters entry that is not a parameter name', async () => {
    step.start({ 'stack-name': 'dev-network', 'reset-parameters': 'Vpc-Cidr' });

    await step.run(run);

    expect(process.exitCode).toBe(1);
    expect(step.log()).toContain(
      "Input 'reset-parameters': expected parameter names (letters and digits), found 'Vpc-Cidr'",
    );
    expect(cfn.calls()).toHaveLength(0);
  });

  it('should create a new stack with only the named parameters and no template lookup', async () => {
    step.start({ 'stack-name': 'dev-network', parameters: 'EnvironmentName=dev' });
    scriptStacks(cfn, [undefined, stack('CREATE_COMPLETE')]);
    cfn.on(CreateStackCommand).resolves({ StackId: STACK_ID });
    scriptEvents(cfn, [[]]);

    await step.run(run);

    expect(process.exitCode, step.log()).toBeUndefined();
    expect(cfn.commandCalls(CreateStackCommand)[0]?.args[0].input.Parameters).toEqual([
      { ParameterKey: 'EnvironmentName', ParameterValue: 'dev' },
    ]);
    expect(cfn.commandCalls(GetTemplateSummaryCommand)).toHaveLength(0);
  });
});
