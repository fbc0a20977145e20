import type { Deployment, Service } from '@aws-sdk/client-ecs';
import { type Deadline, waitUntil } from '../../shared/src/wait.js';
import {
  type AlarmFindings,
  alarmLines,
  alarmSentence,
  alarmsRollBack,
  blamesAlarms,
  findAlarmFailure,
} from './alarms.js';
import type { DeployContext } from './context.js';
import type { WaitUntil } from './inputs.js';
import { describeService } from './service-apply.js';
import { ServiceEventPrinter, StoppedTaskReporter } from './service-events.js';

/** How a rolling deployment ended when it did not succeed; `status` is the step's output. */
export type RollingFailureStatus = 'FAILED' | 'ROLLED_BACK' | 'ROLLBACK_FAILED' | 'REPLACED';

/** What one look at a rolling deployment found. */
export type RollingAssessment =
  | { state: 'progress'; progress: string; deployment: Deployment | undefined }
  /** ECS's circuit breaker failed the deployment and rolls back (or is about to): wait for it. */
  | { state: 'rolling-back'; progress: string; deployment: Deployment | undefined }
  | { state: 'done'; deployment: Deployment }
  | { state: 'failed'; reason: string; deployment: Deployment | undefined; status: RollingFailureStatus };

/** Options for {@link assessRolling}. */
export interface RollingTarget {
  taskDefinitionArn: string;
  /** The deployment the create/update started (undefined: find it by task definition). */
  deploymentId: string | undefined;
  /** What the service ran before: a PRIMARY deployment back on it is a rollback. */
  previousTaskDefinition?: string | undefined;
  waitUntil: WaitUntil;
}

function counts(d: Deployment): string {
  return `running ${d.runningCount ?? 0}/${d.desiredCount ?? 0}, pending ${d.pendingCount ?? 0}, failed tasks ${d.failedTasks ?? 0}`;
}

/** A deployment's rollout finished (rolloutState COMPLETED, or no rolloutState and all tasks running). */
function rolloutDone(d: Deployment): boolean {
  return (
    d.rolloutState === 'COMPLETED' || (d.rolloutState === undefined && (d.runningCount ?? 0) >= (d.desiredCount ?? 0))
  );
}

/** The circuit breaker rolls a failed deployment back by itself (deploymentCircuitBreaker.rollback). */
export function breakerRollsBack(service: Service): boolean {
  const breaker = service.deploymentConfiguration?.deploymentCircuitBreaker;
  return breaker?.enable === true && breaker.rollback === true;
}

function failedText(d: Deployment | undefined): string {
  return d ? `deployment ${d.id} FAILED: ${d.rolloutStateReason ?? 'no reason given'} (${counts(d)})` : '';
}

/**
 * Interprets DescribeServices for a rolling deployment. A FAILED rollout fails, unless the circuit
 * breaker rolls back: then the rollback is awaited and the deployment fails ROLLED_BACK (or
 * ROLLBACK_FAILED) once ECS's rollback deployment finished. COMPLETED on the new task definition
 * succeeds (`stable` also needs one deployment and running = desired).
 */
export function assessRolling(service: Service, target: RollingTarget): RollingAssessment {
  const deployments = service.deployments ?? [];
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  const ours =
    deployments.find((d) => target.deploymentId !== undefined && d.id === target.deploymentId) ??
    deployments.find((d) => d.taskDefinition === target.taskDefinitionArn && d.status === 'PRIMARY');
  const previous = target.previousTaskDefinition;
  if (primary && primary.taskDefinition !== target.taskDefinitionArn) {
    if (!previous || primary.taskDefinition !== previous) {
      return {
        state: 'failed',
        status: 'REPLACED',
        deployment: ours,
        reason: `the PRIMARY deployment runs ${primary.taskDefinition ?? 'nothing'}, not ${target.taskDefinitionArn}: another deploy replaced this one`,
      };
    }
    const why = ours ? `${failedText(ours)}; ` : '';
    if (primary.rolloutState === 'FAILED') {
      return {
        state: 'failed',
        status: 'ROLLBACK_FAILED',
        deployment: ours,
        reason: `${why}ECS's rollback to ${previous} failed too: deployment ${primary.id} ${primary.rolloutStateReason ?? 'FAILED'} (${counts(primary)})`,
      };
    }
    if (rolloutDone(primary)) {
      return {
        state: 'failed',
        status: 'ROLLED_BACK',
        deployment: ours,
        reason: `${why}ECS rolled back to ${previous}: deployment ${primary.id} COMPLETED`,
      };
    }
    return {
      state: 'rolling-back',
      deployment: ours,
      progress: `${why}ECS is rolling back to ${previous}: deployment ${primary.id} ${primary.rolloutState ?? ''}, ${counts(primary)}`,
    };
  }
  if (ours?.rolloutState === 'FAILED') {
    // The method that failed the deployment decides: its deployment alarms, or the circuit breaker.
    const rollsBack = blamesAlarms(ours.rolloutStateReason) ? alarmsRollBack(service) : breakerRollsBack(service);
    if (rollsBack && previous && previous !== target.taskDefinitionArn) {
      return {
        state: 'rolling-back',
        deployment: ours,
        progress: `${failedText(ours)}; waiting for ECS's rollback to ${previous}`,
      };
    }
    return { state: 'failed', status: 'FAILED', deployment: ours, reason: failedText(ours) };
  }
  if (!primary) {
    return { state: 'failed', status: 'FAILED', deployment: ours, reason: 'the service has no PRIMARY deployment' };
  }
  const done = rolloutDone(primary);
  const stable = done && deployments.length === 1 && (service.runningCount ?? 0) === (service.desiredCount ?? 0);
  if (target.waitUntil === 'deployed' ? done : stable) return { state: 'done', deployment: primary };
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
    readonly status: RollingFailureStatus,
    /** The deployment alarms that failed it, when they did. */
    readonly alarmFindings?: AlarmFindings,
  ) {
    super(message);
  }

  /** Only a plain FAILED rollout is the action's to roll back: ECS did (or tried), or another deploy won. */
  get actionShouldRollBack(): boolean {
    return this.status === 'FAILED';
  }
}

/**
 * Watches a rolling deployment until done, printing new service events and stopped tasks' reasons.
 * `onEcsRollback` is called once ECS's circuit breaker rolls back, so a timeout then waits for that
 * rollback instead of starting a competing one.
 * @throws RollingFailure on FAILED, or once ECS's own rollback finished (ROLLED_BACK / ROLLBACK_FAILED).
 * @throws WaitTimeoutError / CancelledError from the wait loop.
 */
export async function watchRolling(options: {
  context: DeployContext;
  target: RollingTarget;
  seenEventIds: Set<string>;
  startedAt?: Date;
  onEcsRollback?: () => void;
}): Promise<RollingResult> {
  const { context, target } = options;
  const name = context.inputs.service ?? '';
  const events = new ServiceEventPrinter(context, options.seenEventIds);
  const stopped = new StoppedTaskReporter(context, {
    service: name,
    taskDefinitionArn: target.taskDefinitionArn,
    createdAfter: options.startedAt ?? new Date(0),
    startedBy: target.deploymentId,
  });
  let lastFailedTasks = 0;
  let ecsRollingBack = false;
  let alarmFindings: AlarmFindings | undefined;
  let alarmsRead = false;
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
      const firstRollbackLook = assessment.state === 'rolling-back' && !ecsRollingBack;
      if (failedTasks > lastFailedTasks || assessment.state === 'failed' || firstRollbackLook) {
        lastFailedTasks = failedTasks;
        await stopped.report(assessment.deployment?.id ?? target.deploymentId);
      }
      const failing =
        assessment.state === 'rolling-back' || (assessment.state === 'failed' && assessment.status !== 'REPLACED');
      if (failing && !alarmsRead) {
        alarmsRead = true;
        alarmFindings = await findAlarmFailure(context, {
          service,
          reason: assessment.deployment?.rolloutStateReason,
        });
        for (const line of alarmFindings ? alarmLines(alarmFindings) : [])
          context.timeline.note(`Deployment alarms: ${line}`);
      }
      if (firstRollbackLook) {
        ecsRollingBack = true;
        options.onEcsRollback?.();
        context.timeline.note(`${alarmFindings ? 'Deployment alarms' : 'Circuit breaker'}: ${assessment.progress}`);
      }
      if (assessment.state === 'failed') {
        const advice = alarmFindings
          ? alarmSentence(alarmFindings)
          : ' Look at the stopped tasks and the container logs (health check, crash on start, missing permission or secret), fix, and deploy again.';
        throw new RollingFailure(
          `${assessment.reason}.${stopped.sentence()}${advice}`,
          assessment.status,
          alarmFindings,
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

/**
 * Waits until the service's PRIMARY deployment runs `taskDefinitionArn` and its rollout completed:
 * the end of a rollback, ECS's or the action's own.
 * @throws Error when that deployment FAILED; WaitTimeoutError / CancelledError from the wait loop.
 */
export async function waitForRollback(options: {
  context: DeployContext;
  taskDefinitionArn: string;
  deadline: Deadline;
}): Promise<Deployment> {
  const { context, taskDefinitionArn } = options;
  const name = context.inputs.service ?? '';
  return waitUntil<Deployment>({
    description: `rollback of service ${name} to ${taskDefinitionArn.split('/').pop()}`,
    intervalMs: context.inputs['poll-interval'],
    deadline: options.deadline,
    signal: context.signal,
    check: async () => {
      const service = await describeService(context, name);
      if (!service) throw new Error(`service ${name} disappeared from cluster ${context.cluster} during the rollback`);
      const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
      if (!primary || primary.taskDefinition !== taskDefinitionArn) {
        return { done: false, progress: `PRIMARY deployment still runs ${primary?.taskDefinition ?? 'nothing'}` };
      }
      if (primary.rolloutState === 'FAILED') {
        throw new Error(`rollback deployment ${primary.id} FAILED: ${primary.rolloutStateReason ?? 'no reason given'}`);
      }
      if (rolloutDone(primary)) return { done: true, value: primary };
      return { done: false, progress: `deployment ${primary.id} ${primary.rolloutState ?? ''}, ${counts(primary)}` };
    },
  });
}
