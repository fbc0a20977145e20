import * as core from '@actions/core';
import {
  DeleteChangeSetCommand,
  DeleteStackCommand,
  paginateDescribeStackEvents,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { waitUntil } from '../../shared/src/index.js';
import type { CleanupContext, CleanupPlan, StackTarget } from './context.js';
import { describeStack } from './discover-stacks.js';

/** Deletes change sets left on the environment's stacks (never executed previews, failed ones). */
export async function deleteChangeSets(ctx: CleanupContext, changeSets: CleanupPlan['changeSets']): Promise<void> {
  for (const changeSet of changeSets) {
    await ctx.cfn.send(new DeleteChangeSetCommand({ StackName: changeSet.stackId, ChangeSetName: changeSet.id }));
    core.info(`Deleted change set ${changeSet.name}`);
  }
}

/** A resource CloudFormation could not delete, from the stack's DELETE_FAILED event. */
export interface DeleteFailure {
  logicalId: string;
  type: string;
  reason: string;
}

/** How one DeleteStack ended. */
export interface StackDeleteResult {
  deleted: boolean;
  /** Each resource that failed to delete in this attempt. */
  failures: DeleteFailure[];
}

/** A stack that ended DELETE_FAILED; carries the failed resources for the log and the summary. */
export class StackDeleteFailedError extends Error {
  override name = 'StackDeleteFailedError';
  readonly target: StackTarget;
  readonly failures: DeleteFailure[];

  /** `advice` replaces the generic "fix or remove those resources" when the cause is known. */
  constructor(stack: StackTarget, failures: DeleteFailure[], advice?: string) {
    const reasons = failures.map((f) => `  - ${formatFailure(f)}`).join('\n') || '  (no failed resource reported)';
    super(
      `Stack ${stack.name} ended in DELETE_FAILED:\n${reasons}\n${advice ?? 'Fix or remove those resources, then rerun the cleanup (it picks up where it stopped).'}`,
    );
    this.target = stack;
    this.failures = failures;
  }
}

/** `LogicalId (Type): reason`. */
export function formatFailure(failure: DeleteFailure): string {
  return `${failure.logicalId} (${failure.type}): ${failure.reason}`;
}

/**
 * Deletes one stack (termination protection turned off first: running cleanup with the confirmation
 * is the decision to delete) and waits until it is gone or DELETE_FAILED. A stack an earlier run left
 * DELETE_IN_PROGRESS is only awaited; one left DELETE_FAILED is deleted again.
 * @throws at once when CloudFormation refuses the deletion because another stack imports an export
 * of this one (the stack keeps its status, so waiting would only run into the timeout).
 */
export async function deleteStack(ctx: CleanupContext, stack: StackTarget): Promise<StackDeleteResult> {
  if (stack.status === 'DELETE_IN_PROGRESS') {
    core.info(`Stack ${stack.name} is already being deleted (DELETE_IN_PROGRESS); waiting for it.`);
  } else {
    await startDelete(ctx, stack);
  }
  const status = await waitUntil<string>({
    description: `stack ${stack.name} to be deleted`,
    intervalMs: ctx.intervalMs,
    deadline: ctx.deadline,
    signal: ctx.signal,
    check: async () => {
      const described = await describeStack(ctx, stack.id);
      const current = described?.StackStatus ?? 'DELETE_COMPLETE';
      if (current === 'DELETE_COMPLETE' || current === 'DELETE_FAILED') return { done: true, value: current };
      const reason = described?.StackStatusReason ?? '';
      // A refused deletion never reaches DELETE_*: the stack keeps its status, the reason says why.
      if (!current.startsWith('DELETE_') && EXPORT_IN_USE.test(reason)) {
        throw new Error(
          `CloudFormation did not delete stack ${stack.name} (it stays ${current}): ${reason}. Delete the stacks that import its exports first (or remove the imports), then rerun the cleanup.`,
        );
      }
      return { done: false, progress: current };
    },
  });
  if (status === 'DELETE_COMPLETE') {
    core.info(`Deleted stack ${stack.name}.`);
    return { deleted: true, failures: [] };
  }
  return { deleted: false, failures: await deleteFailures(ctx, stack.id) };
}

// What CloudFormation answers when another stack imports one of the stack's exports.
const EXPORT_IN_USE = /cannot be deleted as it is in use by/;

async function startDelete(ctx: CleanupContext, stack: StackTarget): Promise<void> {
  if (stack.terminationProtection) {
    await ctx.cfn.send(
      new UpdateTerminationProtectionCommand({ StackName: stack.id, EnableTerminationProtection: false }),
    );
    stack.terminationProtection = false;
    core.info(`Turned termination protection of ${stack.name} off.`);
  }
  try {
    await ctx.cfn.send(new DeleteStackCommand({ StackName: stack.id }));
  } catch (err) {
    throw new Error(
      `CloudFormation refused to delete stack ${stack.name}: ${err instanceof Error ? err.message : String(err)}. Rerun the cleanup once that is resolved.`,
    );
  }
}

const MAX_EVENT_PAGES = 10;

/**
 * The DELETE_FAILED resources of the latest delete attempt: events newest first, back to the stack's
 * own DELETE_IN_PROGRESS event that started it (not by the runner's clock, which may be skewed).
 */
async function deleteFailures(ctx: CleanupContext, stackId: string): Promise<DeleteFailure[]> {
  const failures: DeleteFailure[] = [];
  const seen = new Set<string>();
  let pages = 0;
  for await (const page of paginateDescribeStackEvents({ client: ctx.cfn }, { StackName: stackId })) {
    for (const event of page.StackEvents ?? []) {
      const isStack = event.PhysicalResourceId === stackId;
      if (isStack && event.ResourceStatus === 'DELETE_IN_PROGRESS') return failures;
      const id = event.LogicalResourceId ?? '?';
      if (isStack || event.ResourceStatus !== 'DELETE_FAILED' || seen.has(id)) continue;
      seen.add(id);
      failures.push({
        logicalId: id,
        type: event.ResourceType ?? '?',
        reason: event.ResourceStatusReason ?? 'no reason given',
      });
    }
    pages += 1;
    if (pages >= MAX_EVENT_PAGES) break;
  }
  return failures;
}
