import { StopServiceDeploymentCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { CancelledError } from '../../shared/src/cancel.js';
import { errorMessage } from '../../shared/src/errors.js';
import { WaitTimeoutError } from '../../shared/src/wait.js';
import type { DeployContext } from './context.js';
import { NativeFailure } from './native-watch.js';
import { RollingFailure } from './rolling.js';
import type { Strategy } from './service-apply.js';

/** The `status` output for an error that ended the deploy. */
export function statusOf(err: unknown): string {
  if (err instanceof WaitTimeoutError) return 'TIMED_OUT';
  if (err instanceof CancelledError) return 'CANCELLED';
  if (err instanceof NativeFailure) return err.status;
  if (err instanceof RollingFailure) return err.rolledBack ? 'ROLLED_BACK' : 'FAILED';
  return 'FAILED';
}

/** Where a deploy stood when it failed: what a rollback needs. */
export interface RollbackState {
  strategy: Strategy;
  targetTaskDefinition: string;
  previousTaskDefinition: string | undefined;
  serviceDeploymentArn: string | undefined;
}

/**
 * Rolls back after a failure the deployment itself did not undo: a timeout or cancel (native:
 * StopServiceDeployment ROLLBACK; rolling: UpdateService to the previous task definition), or a
 * rolling failure that ECS did not roll back. Returns a sentence for the failure message.
 */
export async function rollBack(context: DeployContext, state: RollbackState, err: unknown): Promise<string> {
  const interrupted = err instanceof WaitTimeoutError || err instanceof CancelledError;
  const rollingNotUndone = err instanceof RollingFailure && !err.rolledBack;
  if (!interrupted && !rollingNotUndone) return '';
  if (!context.inputs.rollback) return ' Rollback is off (rollback: false): the deployment was left as it is.';
  try {
    if (state.strategy !== 'ROLLING') {
      if (!interrupted) return '';
      if (!state.serviceDeploymentArn)
        return ' No service deployment was found yet, so there was nothing to roll back.';
      await context.ecs.send(
        new StopServiceDeploymentCommand({ serviceDeploymentArn: state.serviceDeploymentArn, stopType: 'ROLLBACK' }),
      );
      context.timeline.note(`Requested rollback: StopServiceDeployment(ROLLBACK) ${state.serviceDeploymentArn}`);
      return ` Rollback requested (StopServiceDeployment ROLLBACK on ${state.serviceDeploymentArn}); ECS restores the previous revision.`;
    }
    if (!state.previousTaskDefinition || state.previousTaskDefinition === state.targetTaskDefinition) {
      return ' There is no previous task definition to roll back to (the service was created by this run or already ran it).';
    }
    await context.ecs.send(
      new UpdateServiceCommand({
        cluster: context.cluster,
        service: context.inputs.service,
        taskDefinition: state.previousTaskDefinition,
      }),
    );
    context.timeline.note(`Rolled back: service updated to ${state.previousTaskDefinition}`);
    return ` Rolled back: the service was updated to the previous task definition ${state.previousTaskDefinition}.`;
  } catch (rollbackErr) {
    context.timeline.note(`Rollback failed: ${errorMessage(rollbackErr)}`);
    return ` Rollback failed too: ${errorMessage(rollbackErr)}. Check the service in the console.`;
  }
}
