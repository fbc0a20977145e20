import * as core from '@actions/core';
import { CreateStackCommand, DeleteStackCommand, type Stack } from '@aws-sdk/client-cloudformation';
import type { DeployContext, StackSpec } from './context.js';
import { StackEventPrinter, startOperation } from './events.js';
import { classifyStack, describeStack, stuckAdvice } from './stack.js';
import { waitForStack } from './wait-stack.js';

/**
 * Brings an existing stack into a state the action can deploy over: waits while another operation
 * runs, deletes what a failed first create left (ROLLBACK_COMPLETE, REVIEW_IN_PROGRESS), refuses
 * stacks that need a human.
 * @returns the stack to update, or undefined when a new one must be created.
 */
export async function prepareStack(ctx: DeployContext, stackName: string): Promise<Stack | undefined> {
  // Bounded: each pass either returns, throws, or waits out one operation.
  for (let pass = 0; pass < 5; pass += 1) {
    const stack = await describeStack(ctx.client, stackName);
    const condition = classifyStack(stack?.StackStatus);
    if (!stack || condition === 'missing') return undefined;
    if (condition === 'updatable') return stack;
    if (condition === 'stuck') throw new Error(stuckAdvice(stack));
    const stackId = stack.StackId ?? stackName;
    if (condition === 'recreate') {
      core.warning(
        `Stack ${stackName} is in ${stack.StackStatus}: it holds no usable resources, so it is deleted and created again.`,
      );
      await deleteStackAndWait(ctx, stackId, stackName);
      return undefined;
    }
    core.info(`Stack ${stackName} is busy (${stack.StackStatus}); waiting for that operation to finish first.`);
    // Someone else's operation: its token is unknown, so print what happens from now on.
    const printer = new StackEventPrinter(ctx.client, stackId, { since: new Date() });
    await waitForStack(ctx, { stackId, printer, description: `${stackName} to finish ${stack.StackStatus}` });
  }
  throw new Error(`Stack ${stackName} stayed busy through 5 operations in a row; rerun when nothing else deploys it.`);
}

/** Deletes a stack and waits until it is gone. @throws with the failed resource's reason on DELETE_FAILED. */
export async function deleteStackAndWait(ctx: DeployContext, stackId: string, stackName: string): Promise<void> {
  const operation = startOperation();
  const printer = new StackEventPrinter(ctx.client, stackId, operation);
  await ctx.client.send(new DeleteStackCommand({ StackName: stackId, ClientRequestToken: operation.token }));
  const final = await waitForStack(ctx, { stackId, printer, description: `${stackName} to be deleted` });
  if (final) {
    const failure = printer.firstFailure();
    const why = failure ? `${failure.logicalId} (${failure.type}): ${failure.reason}` : (final.StackStatusReason ?? '');
    throw new Error(`Deleting stack ${stackName} ended in ${final.StackStatus}: ${why}. Delete it by hand and rerun.`);
  }
}

/**
 * CreateStack, then wait. A failed first create never stays behind as a ROLLBACK_COMPLETE corpse:
 * the stack is deleted and the step fails with the first failed resource and its reason.
 */
export async function createStack(ctx: DeployContext, spec: StackSpec): Promise<Stack> {
  const operation = startOperation();
  const created = await ctx.client.send(
    new CreateStackCommand({
      StackName: spec.stackName,
      ...spec.template,
      Parameters: spec.parameters,
      Capabilities: spec.capabilities,
      // Absent, not empty or false: an empty Tags list would remove tags, so say nothing unless asked.
      ...(spec.tags && { Tags: spec.tags }),
      ...(spec.terminationProtection !== undefined && { EnableTerminationProtection: spec.terminationProtection }),
      ClientRequestToken: operation.token,
    }),
  );
  const stackId = created.StackId ?? spec.stackName;
  const printer = new StackEventPrinter(ctx.client, stackId, operation);
  const final = await waitForStack(ctx, { stackId, printer, description: `${spec.stackName} to be created` });
  if (final?.StackStatus === 'CREATE_COMPLETE') return final;
  const failure = printer.firstFailure();
  const why = failure
    ? `${failure.logicalId} (${failure.type}) ${failure.status}: ${failure.reason}`
    : (final?.StackStatusReason ?? 'no reason given');
  core.error(`Creating ${spec.stackName} failed: ${why}`);
  if (final) await deleteStackAndWait(ctx, stackId, spec.stackName);
  throw new Error(
    `Creating stack ${spec.stackName} failed (${final?.StackStatus ?? 'stack gone'}): ${why}. ` +
      'The failed stack was deleted so the next run starts clean; fix the template or parameters and rerun.',
  );
}
