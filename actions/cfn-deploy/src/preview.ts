import * as core from '@actions/core';
import type { Change, Stack } from '@aws-sdk/client-cloudformation';
import { errorMessage, formatDuration, startDeadline, WaitTimeoutError } from '../../shared/src/index.js';
import {
  awaitChangeSet,
  type ChangeSetResult,
  createChangeSet,
  deleteChangeSet,
  type StartedChangeSet,
  startChangeSet,
} from './change-set.js';
import type { DeployContext, StackSpec } from './context.js';
import { deleteStackAndWait } from './lifecycle.js';
import { parametersForUpdate } from './previous-parameters.js';
import { logChanges } from './report.js';

// A REVIEW_IN_PROGRESS stack holds no resources, so deleting it takes seconds. Its own bound, not
// what is left of the step's timeout: the preview may have failed because that ran out.
const REMOVE_EMPTY_STACK_TIMEOUT_MS = 5 * 60_000;

/** What a preview found. */
export interface PreviewResult {
  changes: Change[];
  hasChanges: boolean;
}

/**
 * Computes the change set, shows it and removes it without executing anything. For a stack that does
 * not exist yet, the REVIEW_IN_PROGRESS stack that CloudFormation creates with a CREATE change set is
 * deleted too, whether the change set was computed or failed.
 * @throws the change set's failure (with the removal's failure, if that failed as well).
 */
export async function previewStack(
  ctx: DeployContext,
  spec: StackSpec,
  existing: Stack | undefined,
): Promise<PreviewResult> {
  const changeSet = existing
    ? await core.group('Compute the change set (preview only)', async () =>
        createChangeSet(ctx, { ...spec, parameters: await parametersForUpdate(ctx, spec, existing) }, 'UPDATE'),
      )
    : await previewNewStack(ctx, spec);
  if (!changeSet.empty) logChanges(spec.stackName, changeSet.changes);
  if (existing && !changeSet.empty) await deleteChangeSet(ctx, changeSet);
  core.info('Preview only: nothing was executed.');
  return { changes: changeSet.changes, hasChanges: !changeSet.empty };
}

async function previewNewStack(ctx: DeployContext, spec: StackSpec): Promise<ChangeSetResult> {
  // Held outside the group: once CloudFormation has accepted the change set, its stack exists.
  const created: { changeSet?: StartedChangeSet } = {};
  let changeSet: ChangeSetResult;
  try {
    changeSet = await core.group('Compute the change set (preview only)', async () => {
      created.changeSet = await startChangeSet(ctx, spec, 'CREATE');
      if (!created.changeSet) return { id: '', stackId: '', empty: true, changes: [] };
      return awaitChangeSet(ctx, spec, created.changeSet);
    });
  } catch (err) {
    if (created.changeSet) await removeEmptyStack(ctx, created.changeSet.stackId, spec.stackName, err);
    throw err;
  }
  if (created.changeSet) await removeEmptyStack(ctx, created.changeSet.stackId, spec.stackName, undefined);
  return changeSet;
}

async function removeEmptyStack(ctx: DeployContext, stackId: string, stackName: string, cause: unknown): Promise<void> {
  const what = `The empty stack ${stackName} that the preview created (REVIEW_IN_PROGRESS)`;
  try {
    await core.group(`Delete the empty stack ${stackName}`, () =>
      deleteStackAndWait({ ...ctx, deadline: startDeadline(REMOVE_EMPTY_STACK_TIMEOUT_MS) }, stackId, stackName),
    );
  } catch (err) {
    // The wait's own advice (raise the timeout input) does not apply to this fixed bound.
    const why =
      err instanceof WaitTimeoutError
        ? `it was still not deleted after ${formatDuration(REMOVE_EMPTY_STACK_TIMEOUT_MS)}.`
        : errorMessage(err);
    const failure =
      `Removing the empty stack ${stackName} (REVIEW_IN_PROGRESS) that the preview created failed: ${why} ` +
      `Delete it by hand (aws cloudformation delete-stack --stack-name ${stackId}); the next deploy deletes it too.`;
    throw new Error(cause === undefined ? failure : `${errorMessage(cause)}\n${failure}`);
  }
  core.info(`${what} was deleted.`);
}
