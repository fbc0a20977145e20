import type { Deployment, Service } from '@aws-sdk/client-ecs';
import { waitUntil } from '../../shared/src/wait.js';
import type { DeployContext } from './context.js';
import type { WaitUntil } from './inputs.js';
import { describeService } from './service-apply.js';
import { ServiceEventPrinter, StoppedTaskReporter } from './service-events.js';

/** What one look at a rolling deployment found. */
export type RollingAssessment =
  | { state: 'progress'; progress: string; deployment: Deployment | undefined }
  | { state: 'done'; deployment: Deployment }
  | { state: 'failed'; reason: string; deployment: Deployment | undefined; rolledBack: boolean };

/** Options for {@link assessRolling}. */
export interface RollingTarget {
  taskDefinitionArn: string;
  /** The deployment the create/update started (undefined: find it by task definition). */
  deploymentId: string | undefined;
  waitUntil: WaitUntil;
}

function counts(d: Deployment): string {
  return `running ${d.runningCount ?? 0}/${d.desiredCount ?? 0}, pending ${d.pendingCount ?? 0}, failed tasks ${d.failedTasks ?? 0}`;
}

/**
 * Interprets DescribeServices for a rolling deployment: FAILED rollout or a PRIMARY deployment back
 * on another task definition (circuit breaker rollback) fail; COMPLETED on the new task definition
 * succeeds (`stable` also needs one deployment and running = desired).
 */
export function assessRolling(service: Service, target: RollingTarget): RollingAssessment {
  const deployments = service.deployments ?? [];
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  const ours =
    deployments.find((d) => target.deploymentId !== undefined && d.id === target.deploymentId) ??
    deployments.find((d) => d.taskDefinition === target.taskDefinitionArn && d.status === 'PRIMARY');
  if (ours?.rolloutState === 'FAILED') {
    return {
      state: 'failed',
      deployment: ours,
      rolledBack: primary !== undefined && primary.taskDefinition !== target.taskDefinitionArn,
      reason: `deployment ${ours.id} FAILED: ${ours.rolloutStateReason ?? 'no reason given'} (${counts(ours)})`,
    };
  }
  if (!primary || primary.taskDefinition !== target.taskDefinitionArn) {
    return {
      state: 'failed',
      deployment: ours,
      rolledBack: true,
      reason:
        `the PRIMARY deployment runs ${primary?.taskDefinition ?? 'nothing'}, not ${target.taskDefinitionArn}: ` +
        'the deployment circuit breaker rolled back (or another deploy replaced this one)',
    };
  }
  const rolloutDone =
    primary.rolloutState === 'COMPLETED' ||
    (primary.rolloutState === undefined && (primary.runningCount ?? 0) >= (primary.desiredCount ?? 0));
  const stable = rolloutDone && deployments.length === 1 && (service.runningCount ?? 0) === (service.desiredCount ?? 0);
  if (target.waitUntil === 'deployed' ? rolloutDone : stable) return { state: 'done', deployment: primary };
  const others = deployments.length > 1 ? `, ${deployments.length - 1} older deployment(s) draining` : '';
  return {
    state: 'progress',
    deployment: primary,
    progress: `${primary.rolloutState ?? 'no rolloutState'}, ${counts(primary)}${others}`,
  };
}

export interface RollingResult {
  deployment: Deployment;
  status: string;
}

/** The error a rolling failure ends in, carrying what the rollback step needs. */
export class RollingFailure extends Error {
  override name = 'RollingFailure';
  constructor(
    message: string,
    readonly rolledBack: boolean,
  ) {
    super(message);
  }
}

/**
 * Watches a rolling deployment until done, printing new service events and stopped tasks' reasons.
 * @throws RollingFailure on FAILED or a circuit-breaker rollback (within one poll).
 * @throws WaitTimeoutError / CancelledError from the wait loop.
 */
export async function watchRolling(options: {
  context: DeployContext;
  target: RollingTarget;
  seenEventIds: Set<string>;
}): Promise<RollingResult> {
  const { context, target } = options;
  const name = context.inputs.service ?? '';
  const events = new ServiceEventPrinter(context, options.seenEventIds);
  const stopped = new StoppedTaskReporter(context);
  let lastFailedTasks = 0;
  return waitUntil<RollingResult>({
    description: `service ${name} to be ${target.waitUntil} on ${target.taskDefinitionArn.split('/').pop()}`,
    intervalMs: context.inputs['poll-interval'],
    deadline: context.deadline,
    signal: context.signal,
    check: async () => {
      const service = await describeService(context, name);
      if (!service)
        throw new Error(`service ${name} disappeared from cluster ${context.cluster} during the deployment`);
      events.print(service);
      const assessment = assessRolling(service, target);
      const failedTasks = assessment.deployment?.failedTasks ?? 0;
      if (failedTasks > lastFailedTasks || assessment.state === 'failed') {
        lastFailedTasks = failedTasks;
        await stopped.report({ service: name, startedBy: assessment.deployment?.id });
      }
      if (assessment.state === 'failed') {
        const recent = stopped.reasons.slice(-3);
        throw new RollingFailure(
          `${assessment.reason}.${recent.length > 0 ? ` Stopped tasks: ${recent.join(' | ')}.` : ''} ` +
            'Look at the stopped tasks and the container logs (health check, crash on start, missing permission or secret), fix, and deploy again.',
          assessment.rolledBack,
        );
      }
      if (assessment.state === 'done') {
        context.timeline.note(
          `Deployment ${assessment.deployment.id} ${target.waitUntil}: ${counts(assessment.deployment)}`,
        );
        return {
          done: true,
          value: { deployment: assessment.deployment, status: assessment.deployment.rolloutState ?? 'COMPLETED' },
        };
      }
      return { done: false, progress: assessment.progress };
    },
  });
}
