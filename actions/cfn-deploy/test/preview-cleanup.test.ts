// A preview of a stack that does not exist yet must not leave one behind. From the AWS
// CloudFormation API reference, CreateChangeSet `ChangeSetType`: "If you create a change set for a new
// stack, CloudFormation creates a stack with a unique stack ID, but no template or resources. The
// stack will be in the REVIEW_IN_PROGRESS state until you execute the change set." DescribeChangeSet
// reports a failed computation as `Status: FAILED` with a `StatusReason`; DeleteStack removes the
// empty stack, and DescribeStacks by stack id then answers DELETE_IN_PROGRESS / DELETE_COMPLETE.
import { CreateChangeSetCommand, DeleteStackCommand } from '@aws-sdk/client-cloudformation';
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

const REASON =
  'Transform AWS::Serverless-2016-10-31 failed with: Invalid Serverless Application Specification document.';

function scriptNewStackPreview(
  result: Parameters<typeof scriptChangeSet>[1],
  afterDelete: (string | undefined)[],
): void {
  scriptStacks(
    cfn,
    [undefined, ...afterDelete].map((status) => (status ? stack(status) : undefined)),
  );
  scriptChangeSet(cfn, result);
  cfn.on(DeleteStackCommand).resolves({});
  scriptEvents(cfn, [[]]);
}

describe('cfn-deploy preview of a new stack (CREATE change set)', () => {
  it('should delete the REVIEW_IN_PROGRESS stack when the change set fails, and say so', async () => {
    step.start({ 'stack-name': 'dev-network', 'preview-only': 'true' });
    scriptNewStackPreview({ failedReason: REASON }, ['DELETE_IN_PROGRESS', undefined]);

    await step.run(run);

    expect(process.exitCode).toBe(1);
    expect(cfn.commandCalls(CreateChangeSetCommand)[0]?.args[0].input.ChangeSetType).toBe('CREATE');
    expect(cfn.commandCalls(DeleteStackCommand).map((call) => call.args[0].input.StackName)).toEqual([STACK_ID]);
    expect(step.log()).toContain(`::error::The change set for dev-network failed: ${REASON}`);
    expect(step.log()).toContain(
      'The empty stack dev-network that the preview created (REVIEW_IN_PROGRESS) was deleted.',
    );
  });

  it('should fail loudly, with both reasons, when the empty stack is not gone within 5 minutes', async () => {
    step.start({ 'stack-name': 'dev-network', 'preview-only': 'true', timeout: '1h' });
    scriptNewStackPreview({ failedReason: REASON }, ['DELETE_IN_PROGRESS']);

    await step.run(run);

    expect(process.exitCode).toBe(1);
    expect(step.log()).toContain(`::error::The change set for dev-network failed: ${REASON}`);
    expect(step.log()).toMatch(
      /Removing the empty stack dev-network \(REVIEW_IN_PROGRESS\) that the preview created failed: it was still not deleted after 5m00s\./,
    );
    expect(step.log()).toContain(`aws cloudformation delete-stack --stack-name ${STACK_ID}`);
    expect(step.log()).not.toContain('[5m05s]');
  });

  it('should delete the REVIEW_IN_PROGRESS stack after a preview that computed its changes', async () => {
    step.start({ 'stack-name': 'dev-network', 'preview-only': 'true' });
    scriptNewStackPreview({ changes: [MODIFY_VPC] }, ['DELETE_IN_PROGRESS', undefined]);

    await step.run(run);

    expect(process.exitCode, step.log()).toBeUndefined();
    expect(cfn.commandCalls(DeleteStackCommand)).toHaveLength(1);
    expect(step.log()).toContain(
      'The empty stack dev-network that the preview created (REVIEW_IN_PROGRESS) was deleted.',
    );
    expect(step.outputs()).toMatchObject({ 'has-changes': 'true', status: 'NONE', 'stack-id': '' });
  });
});
