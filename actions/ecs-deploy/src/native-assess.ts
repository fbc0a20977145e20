import type { DeploymentLifecycleHookDetail, ServiceDeployment, ServiceRevisionSummary } from '@aws-sdk/client-ecs';
import { LIFECYCLE_STAGES, type LifecycleStage, type WaitUntil } from './inputs.js';

/** What one look at a native (BLUE_GREEN/LINEAR/CANARY) service deployment found. */
export type NativeAssessment =
  | { state: 'progress'; progress: string }
  | { state: 'done'; status: string }
  | { state: 'failed'; status: string; reason: string };

/** Statuses that mean the deployment will not reach its target: ECS is rolling back or was stopped. */
const FAILED_STATUSES = new Set([
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED',
  'STOP_REQUESTED',
  'STOPPED',
]);

function stageIndex(stage: string | undefined): number {
  return LIFECYCLE_STAGES.indexOf(stage as LifecycleStage);
}

/** `running 1/2 (pending 1), production 10%, test 100%` for one service revision. */
export function revisionText(revision: ServiceRevisionSummary | undefined): string {
  if (!revision) return 'no revision yet';
  const parts = [
    `running ${revision.runningTaskCount ?? 0}/${revision.requestedTaskCount ?? 0}${revision.pendingTaskCount ? ` (pending ${revision.pendingTaskCount})` : ''}`,
  ];
  if (revision.requestedProductionTrafficWeight !== undefined) {
    parts.push(`production traffic ${revision.requestedProductionTrafficWeight}%`);
  }
  if (revision.requestedTestTrafficWeight !== undefined)
    parts.push(`test traffic ${revision.requestedTestTrafficWeight}%`);
  return parts.join(', ');
}

/** Traffic weights of target and sources, for the timeline when they change. */
export function trafficText(deployment: ServiceDeployment): string | undefined {
  const target = deployment.targetServiceRevision;
  if (target?.requestedProductionTrafficWeight === undefined && target?.requestedTestTrafficWeight === undefined)
    return undefined;
  const sources = (deployment.sourceServiceRevisions ?? [])
    .filter((s) => s.requestedProductionTrafficWeight !== undefined)
    .map((s) => `${s.requestedProductionTrafficWeight}%`);
  return (
    `traffic: new revision production ${target?.requestedProductionTrafficWeight ?? 0}% / test ${target?.requestedTestTrafficWeight ?? 0}%` +
    `${sources.length > 0 ? `, previous revision(s) production ${sources.join(', ')}` : ''}`
  );
}

/** `lifecycle hook smoke (AWS_LAMBDA arn:…) FAILED, expires …, on timeout ROLLBACK`. */
export function hookText(hook: DeploymentLifecycleHookDetail): string {
  const target = [hook.targetType, hook.targetArn].filter(Boolean).join(' ');
  return (
    `lifecycle hook ${hook.hookId ?? '?'}${target ? ` (${target})` : ''} ${hook.status ?? 'PENDING'}` +
    `${hook.expiresAt ? `, expires ${hook.expiresAt.toISOString()}` : ''}` +
    `${hook.timeoutAction ? `, on timeout ${hook.timeoutAction}` : ''}`
  );
}

/** Everything ECS says about why a service deployment failed: reason, rollback, hooks, circuit breaker, alarms. */
export function failureReason(deployment: ServiceDeployment): string {
  const parts = [deployment.statusReason ?? 'no status reason given'];
  const rollback = deployment.rollback;
  if (rollback?.reason) {
    const to = rollback.serviceRevisionArn ? ` (to service revision ${rollback.serviceRevisionArn})` : '';
    parts.push(`rollback: ${rollback.reason}${to}`);
  }
  for (const hook of deployment.lifecycleHookDetails ?? []) {
    if (hook.status === 'FAILED' || hook.status === 'TIMED_OUT') parts.push(hookText(hook));
  }
  const breaker = deployment.deploymentCircuitBreaker;
  if (breaker?.status === 'TRIGGERED') {
    parts.push(
      `circuit breaker triggered (${breaker.failureCount ?? '?'} of ${breaker.threshold ?? '?'} tasks failed)`,
    );
  }
  if (deployment.alarms?.status === 'TRIGGERED') {
    parts.push(`alarm(s) in ALARM: ${(deployment.alarms.triggeredAlarmNames ?? []).join(', ') || 'unknown'}`);
  }
  return parts.join('; ');
}

/**
 * Interprets DescribeServiceDeployments: SUCCESSFUL (or, with a lifecycle stage as target, that
 * stage reached) is done; any ROLLBACK_* or STOP* status fails at once with every reason ECS gives.
 */
export function assessNative(deployment: ServiceDeployment, waitUntil: WaitUntil): NativeAssessment {
  const status = deployment.status ?? 'PENDING';
  if (FAILED_STATUSES.has(status)) {
    return { state: 'failed', status, reason: failureReason(deployment) };
  }
  if (status === 'SUCCESSFUL') return { state: 'done', status };
  if (waitUntil !== 'deployed' && waitUntil !== 'stable' && status === 'IN_PROGRESS') {
    const current = stageIndex(deployment.lifecycleStage);
    if (current >= 0 && current >= stageIndex(waitUntil)) return { state: 'done', status };
  }
  return {
    state: 'progress',
    progress: `${status}, stage ${deployment.lifecycleStage ?? 'not started'}, new revision ${revisionText(deployment.targetServiceRevision)}`,
  };
}
