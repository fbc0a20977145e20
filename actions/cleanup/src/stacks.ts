import * as core from '@actions/core';
import {
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { waitUntil } from '../../shared/src/index.js';
import type { CleanupContext, CleanupPlan, StackTarget } from './context.js';

/** Deletes change sets left on the environment's stacks (never executed previews, failed ones). */
export async function deleteChangeSets(ctx: CleanupContext, changeSets: CleanupPlan['changeSets']): Promise<void> {
  for (const changeSet of changeSets) {
    await ctx.cfn.send(new DeleteChangeSetCommand({ StackName: changeSet.stackId, ChangeSetName: changeSet.id }));
    core.info(`Deleted change set ${changeSet.name}`);
  }
}

/** How one DeleteStack ended. */
export interface StackDeleteResult {
  deleted: boolean;
  /** `LogicalId (Type): reason` of each resource that failed to delete. */
  failures: { logicalId: string; text: string }[];
}

/**
 * Deletes one stack (termination protection turned off first: running cleanup with the confirmation
 * is the decision to delete) and waits until it is gone or DELETE_FAILED.
 */
export async function deleteStack(
  ctx: CleanupContext,
  stack: StackTarget,
  retainResources: string[] = [],
): Promise<StackDeleteResult> {
  if (stack.terminationProtection) {
    await ctx.cfn.send(
      new UpdateTerminationProtectionCommand({ StackName: stack.id, EnableTerminationProtection: false }),
    );
    stack.terminationProtection = false;
    core.info(`Turned termination protection of ${stack.name} off.`);
  }
  const startedAt = new Date();
  try {
    const retain = retainResources.length ? { RetainResources: retainResources } : {};
    await ctx.cfn.send(new DeleteStackCommand({ StackName: stack.id, ...retain }));
  } catch (err) {
    throw new Error(
      `CloudFormation refused to delete stack ${stack.name}: ${err instanceof Error ? err.message : String(err)}. Rerun the cleanup once that is resolved.`,
    );
  }
  const status = await waitUntil<string>({
    description: `stack ${stack.name} to be deleted`,
    intervalMs: ctx.intervalMs,
    deadline: ctx.deadline,
    signal: ctx.signal,
    check: async () => {
      const found = (await ctx.cfn.send(new DescribeStacksCommand({ StackName: stack.id }))).Stacks?.[0];
      const current = found?.StackStatus ?? 'DELETE_COMPLETE';
      if (current === 'DELETE_COMPLETE' || current === 'DELETE_FAILED') return { done: true, value: current };
      return { done: false, progress: current };
    },
  });
  if (status === 'DELETE_COMPLETE') {
    core.info(`Deleted stack ${stack.name}.`);
    return { deleted: true, failures: [] };
  }
  return { deleted: false, failures: await deleteFailures(ctx, stack.id, startedAt) };
}

// The newest page of events holds this attempt's DELETE_FAILED resources.
async function deleteFailures(
  ctx: CleanupContext,
  stackId: string,
  since: Date,
): Promise<StackDeleteResult['failures']> {
  const { StackEvents } = await ctx.cfn.send(new DescribeStackEventsCommand({ StackName: stackId }));
  const seen = new Set<string>();
  const failures: StackDeleteResult['failures'] = [];
  for (const event of StackEvents ?? []) {
    if (event.Timestamp && event.Timestamp < since) break;
    const id = event.LogicalResourceId ?? '?';
    if (event.ResourceStatus !== 'DELETE_FAILED' || event.PhysicalResourceId === stackId || seen.has(id)) continue;
    seen.add(id);
    failures.push({
      logicalId: id,
      text: `${id} (${event.ResourceType}): ${event.ResourceStatusReason ?? 'no reason'}`,
    });
  }
  return failures;
}
