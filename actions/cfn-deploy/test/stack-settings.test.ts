// Stack tags and termination protection belong to whoever set them until the inputs say otherwise.
// Semantics from the AWS CloudFormation API reference:
// - UpdateStack / CreateChangeSet `Tags`: "If you don't specify this parameter, CloudFormation doesn't
//   modify the stack's tags. If you specify an empty value, CloudFormation removes all associated tags."
// - CreateStack `EnableTerminationProtection` (off by default) and UpdateTerminationProtection
//   (`EnableTerminationProtection`, `StackName`; returns `StackId`).
import {
  CreateChangeSetCommand,
  CreateStackCommand,
  UpdateTerminationProtectionCommand,
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

function scriptUpdate(existing = stack('UPDATE_COMPLETE')): void {
  scriptStacks(cfn, [existing, stack('UPDATE_IN_PROGRESS'), { ...existing, StackStatus: 'UPDATE_COMPLETE' }]);
  scriptChangeSet(cfn, { changes: [MODIFY_VPC] });
  scriptEvents(cfn, [[]]);
  cfn.on(UpdateTerminationProtectionCommand).resolves({ StackId: STACK_ID });
}

function scriptCreate(): void {
  scriptStacks(cfn, [undefined, stack('CREATE_COMPLETE')]);
  cfn.on(CreateStackCommand).resolves({ StackId: STACK_ID });
  scriptEvents(cfn, [[]]);
}

describe('cfn-deploy stack tags (CreateChangeSet / CreateStack Tags)', () => {
  it('should leave the tags of an existing stack alone when the tags input is empty', async () => {
    step.start({ 'stack-name': 'dev-network' });
    scriptUpdate(stack('UPDATE_COMPLETE', { Tags: [{ Key: 'cost-centre', Value: '42' }] }));

    await step.run(run);

    expect(process.exitCode, step.log()).toBeUndefined();
    const input = cfn.commandCalls(CreateChangeSetCommand)[0]?.args[0].input;
    expect(input).toBeDefined();
    expect(input).not.toHaveProperty('Tags');
  });

  it('should replace the whole tag set when tags are given', async () => {
    step.start({ 'stack-name': 'dev-network', tags: 'app=mysfits\nteam=web' });
    scriptUpdate(stack('UPDATE_COMPLETE', { Tags: [{ Key: 'cost-centre', Value: '42' }] }));

    await step.run(run);

    expect(process.exitCode, step.log()).toBeUndefined();
    expect(cfn.commandCalls(CreateChangeSetCommand)[0]?.args[0].input.Tags).toEqual([
      { Key: 'app', Value: 'mysfits' },
      { Key: 'team', Value: 'web' },
    ]);
  });

  it('should create a stack without Tags when the tags input is empty', async () => {
    step.start({ 'stack-name': 'dev-network' });
    scriptCreate();

    await step.run(run);

    expect(process.exitCode, step.log()).toBeUndefined();
    expect(cfn.commandCalls(CreateStackCommand)[0]?.args[0].input).not.toHaveProperty('Tags');
  });
});

describe('cfn-deploy termination protection (UpdateTerminationProtection)', () => {
  it('should leave protection that someone turned on when the input is empty', async () => {
    step.start({ 'stack-name': 'dev-network' });
    scriptUpdate(stack('UPDATE_COMPLETE', { EnableTerminationProtection: true }));

    await step.run(run);

    expect(process.exitCode, step.log()).toBeUndefined();
    expect(cfn.commandCalls(UpdateTerminationProtectionCommand)).toHaveLength(0);
  });

  it('should switch protection off when the input is false and the stack has it on', async () => {
    step.start({ 'stack-name': 'dev-network', 'termination-protection': 'false' });
    scriptUpdate(stack('UPDATE_COMPLETE', { EnableTerminationProtection: true }));

    await step.run(run);

    expect(process.exitCode, step.log()).toBeUndefined();
    expect(cfn.commandCalls(UpdateTerminationProtectionCommand).map((call) => call.args[0].input)).toEqual([
      { StackName: STACK_ID, EnableTerminationProtection: false },
    ]);
    expect(step.log()).toContain('Termination protection of dev-network is now off.');
  });

  it('should not call UpdateTerminationProtection when the stack already has the value asked for', async () => {
    step.start({ 'stack-name': 'dev-network', 'termination-protection': 'true' });
    scriptUpdate(stack('UPDATE_COMPLETE', { EnableTerminationProtection: true }));

    await step.run(run);

    expect(process.exitCode, step.log()).toBeUndefined();
    expect(cfn.commandCalls(UpdateTerminationProtectionCommand)).toHaveLength(0);
  });

  it('should leave EnableTerminationProtection out of CreateStack when the input is empty', async () => {
    step.start({ 'stack-name': 'dev-network' });
    scriptCreate();

    await step.run(run);

    expect(process.exitCode, step.log()).toBeUndefined();
    expect(cfn.commandCalls(CreateStackCommand)[0]?.args[0].input).not.toHaveProperty('EnableTerminationProtection');
    expect(cfn.commandCalls(UpdateTerminationProtectionCommand)).toHaveLength(0);
  });

  it('should turn protection on at create time when the input is true', async () => {
    step.start({ 'stack-name': 'dev-network', 'termination-protection': 'true' });
    scriptCreate();

    await step.run(run);

    expect(process.exitCode, step.log()).toBeUndefined();
    expect(cfn.commandCalls(CreateStackCommand)[0]?.args[0].input.EnableTerminationProtection).toBe(true);
    expect(cfn.commandCalls(UpdateTerminationProtectionCommand)).toHaveLength(0);
  });

  it('should reject a termination-protection value that is not a boolean before calling AWS', async () => {
    step.start({ 'stack-name': 'dev-network', 'termination-protection': 'keep' });

    await step.run(run);

    expect(process.exitCode).toBe(1);
    expect(step.log()).toContain(
      "Input 'termination-protection': expected true or false (or empty to leave it), found 'keep'",
    );
    expect(cfn.calls()).toHaveLength(0);
  });
});
