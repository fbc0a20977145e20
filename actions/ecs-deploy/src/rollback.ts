import {
  DescribeServiceDeploymentsCommand,
  type ServiceDeployment,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { CancelledError } from '../../shared/src/cancel.js';
import { errorMessage } from '../../shared/src/errors.js';
import type { JsonObject } from '../../shared/src/json.js';
import { formatDuration } from '../../shared/src/parse.js';
import { startDeadline, WaitTimeoutError, waitUntil } from '../../shared/src/wait.js';
import { rollBackCodeDeploy } from './codedeploy.js';
import { CodeDeployFailure } from './codedeploy-watch.js';
import type { DeployContext } from './context.js';
import { NativeFailure } from './native-watch.js';
import { RollingFailure, waitForRollback } from './rolling.js';
import type { Strategy } from './service-apply.js';

/** The `status` output for an error that ended the deploy. */
export function statusOf(err: unknown): string {
  if (err instanceof WaitTimeoutError) return 'TIMED_OUT';
  if (err instanceof CancelledError) return 'CANCELLED';
  if (err instanceof NativeFailure) return err.status;
  if (err instanceof RollingFailure) return err.status;
  if (err instanceof CodeDeployFailure) return err.status;
  return 'FAILED';
}

/** Where a deploy stood when it failed: what a rollback needs. */
export interface RollbackState {
  strategy: Strategy;
  targetTaskDefinition: string;
  previousTaskDefinition: string | undefined;
  serviceDeploymentArn: string | undefined;
  /** UpdateService fields that restore what the update changed (besides the task definition). */
  previousFields?: JsonObject;
  /** Changed fields that had no earlier value to send back. */
  unrestorable?: string[];
  /** ECS's circuit breaker is already rolling back: the action must not send a competing update. */
  ecsRollingBack?: boolean;
  /** CODE_DEPLOY: the CodeDeploy deployment this run created. */
  codeDeployDeploymentId?: string;
}

/** Waits for a rolling rollback within `rollback-timeout`; returns how it ended, as a sentence part. */
async function awaitRollingRollback(context: DeployContext, taskDefinitionArn: string): Promise<string> {
  if (context.signal.aborted) return '; not waited for: the job was cancelled';
  const timeoutMs = context.inputs['rollback-timeout'];
  try {
    const deployment = await waitForRollback({ context, taskDefinitionArn, deadline: startDeadline(timeoutMs) });
    context.timeline.note(`Rollback deployment ${deployment.id} COMPLETED on ${taskDefinitionArn}`);
    return `; rollback deployment ${deployment.id} COMPLETED`;
  } catch (err) {
    context.timeline.note(`Rollback did not finish: ${errorMessage(err)}`);
    if (err instanceof WaitTimeoutError) {
      throw new Error(
        `Rollback to ${taskDefinitionArn} did NOT finish within ${formatDuration(timeoutMs)} (rollback-timeout): ${err.message}`,
      );
    }
    throw err;
  }
}

// ServiceDeployment statuses after a ROLLBACK stop from which nothing changes any more.
const ROLLBACK_ENDED = new Set(['ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED', 'STOPPED', 'SUCCESSFUL']);

/**
 * After StopServiceDeployment ROLLBACK: waits within `rollback-timeout` until the service
 * deployment's rollback ended (DescribeServiceDeployments). Returns how it ended, as a sentence part.
 * @throws Error when it ended ROLLBACK_FAILED or did not end in time.
 */
async function awaitNativeRollback(context: DeployContext, serviceDeploymentArn: string): Promise<string> {
  if (context.signal.aborted) return '; not waited for: the job was cancelled';
  const timeoutMs = context.inputs['rollback-timeout'];
  try {
    const ended = await waitUntil<ServiceDeployment>({
      description: `service deployment ${serviceDeploymentArn} to roll back`,
      intervalMs: context.inputs['poll-interval'],
      deadline: startDeadline(timeoutMs),
      check: async () => {
        const { serviceDeployments } = await context.ecs.send(
          new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [serviceDeploymentArn] }),
        );
        const deployment = serviceDeployments?.[0];
        const status = deployment?.status ?? '?';
        return deployment && ROLLBACK_ENDED.has(status)
          ? { done: true, value: deployment }
          : { done: false, progress: `${status}${deployment?.statusReason ? ` (${deployment.statusReason})` : ''}` };
      },
    });
    const why = ended.statusReason ? ` (${ended.statusReason})` : '';
    context.timeline.note(`Rollback of ${serviceDeploymentArn}: ${ended.status}${why}`);
    if (ended.status === 'ROLLBACK_FAILED') throw new Error(`the service deployment ended ROLLBACK_FAILED${why}`);
    return `; it ended ${ended.status}${why}`;
  } catch (err) {
    if (err instanceof WaitTimeoutError) {
      throw new Error(
        `the rollback did NOT finish within ${formatDuration(timeoutMs)} (rollback-timeout): ${err.message}`,
      );
    }
    throw err;
  }
}

/**
 * Rolls back after a failure the deployment itself did not undo: a timeout or cancel (native:
 * StopServiceDeployment ROLLBACK, then its end awaited within `rollback-timeout`; rolling: UpdateService to the previous task definition and the
 * fields the update changed, then waits for it within `rollback-timeout`), or a rolling failure
 * that ECS did not roll back. While ECS's circuit breaker rolls back, its rollback is awaited
 * instead. Returns a sentence for the failure message.
 */
export async function rollBack(context: DeployContext, state: RollbackState, err: unknown): Promise<string> {
  if (state.strategy === 'CODE_DEPLOY') return rollBackCodeDeploy(context, state.codeDeployDeploymentId, err);
  const interrupted = err instanceof WaitTimeoutError || err instanceof CancelledError;
  const rollingNotUndone = err instanceof RollingFailure && err.actionShouldRollBack;
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
      const ended = await awaitNativeRollback(context, state.serviceDeploymentArn);
      return ` Rollback requested (StopServiceDeployment ROLLBACK on ${state.serviceDeploymentArn}); ECS restores the previous revision${ended}.`;
    }
    if (!state.previousTaskDefinition || state.previousTaskDefinition === state.targetTaskDefinition) {
      return ' There is no previous task definition to roll back to (the service was created by this run or already ran it).';
    }
    if (state.ecsRollingBack) {
      // A second UpdateService would start yet another deployment racing ECS's own rollback.
      const ended = await awaitRollingRollback(context, state.previousTaskDefinition);
      return ` ECS's circuit breaker rolled back to ${state.previousTaskDefinition}${ended}.`;
    }
    const fields = state.previousFields ?? {};
    await context.ecs.send(
      new UpdateServiceCommand({
        ...(fields as Partial<UpdateServiceCommandInput>),
        cluster: context.cluster,
        service: context.inputs.service,
        taskDefinition: state.previousTaskDefinition,
      }),
    );
    const keys = Object.keys(fields);
    const restored = keys.length > 0 ? ` (restored ${keys.join(', ')})` : '';
    const unrestorable = state.unrestorable?.length
      ? ` ${state.unrestorable.join(', ')} had no earlier value and stay as this deploy set them.`
      : '';
    context.timeline.note(`Rolling back: service updated to ${state.previousTaskDefinition}${restored}`);
    const ended = await awaitRollingRollback(context, state.previousTaskDefinition);
    return ` Rolled back: the service was updated to the previous task definition ${state.previousTaskDefinition}${restored}${ended}.${unrestorable}`;
  } catch (rollbackErr) {
    context.timeline.note(`Rollback failed: ${errorMessage(rollbackErr)}`);
    return ` Rollback failed too: ${errorMessage(rollbackErr)}. Check the service in the console.`;
  }
}
