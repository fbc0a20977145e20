import type { DeploymentInfo, ECSTarget, LifecycleEvent } from '@aws-sdk/client-codedeploy';
import { CODEDEPLOY_EVENTS, type CodeDeployEvent, type WaitUntil } from './inputs.js';

/** What one look at a CodeDeploy deployment and its ECS target found. */
export type CodeDeployAssessment =
  | { state: 'progress'; progress: string }
  | { state: 'done'; status: string }
  /** `running`: CodeDeploy has not ended the deployment yet (a hook failed just now): it must be stopped. */
  | { state: 'failed'; status: string; reason: string; running: boolean };

/** How much of a hook's log tail (CodeDeploy returns up to 4 KB) goes into a message. */
const LOG_TAIL_CHARS = 600;

/** Events that have run or are running (not Pending/Unknown): the deployment has got that far. */
const STARTED = new Set(['InProgress', 'Succeeded', 'Failed', 'Skipped']);

function eventIndex(name: string | undefined): number {
  return CODEDEPLOY_EVENTS.indexOf(name as CodeDeployEvent);
}

/** `lifecycle event AfterAllowTestTraffic Failed: ScriptFailed, <message>, log: <tail>`. */
export function lifecycleEventText(event: LifecycleEvent): string {
  const diagnostics = event.diagnostics;
  const details = [
    diagnostics?.errorCode && diagnostics.errorCode !== 'Success' ? diagnostics.errorCode : undefined,
    diagnostics?.scriptName ? `hook ${diagnostics.scriptName}` : undefined,
    diagnostics?.message || undefined,
    diagnostics?.logTail ? `log: ${diagnostics.logTail.slice(-LOG_TAIL_CHARS).trim()}` : undefined,
  ].filter(Boolean);
  return `lifecycle event ${event.lifecycleEventName ?? '?'} ${event.status ?? 'Pending'}${details.length > 0 ? `: ${details.join(', ')}` : ''}`;
}

/** `traffic: Green 100% (running 2/2, PRIMARY), Blue 0% (running 2/2, ACTIVE)` from the target's task sets. */
export function taskSetsText(target: ECSTarget | undefined): string | undefined {
  const sets = target?.taskSetsInfo ?? [];
  if (sets.length === 0) return undefined;
  const parts = sets.map(
    (set) =>
      `${set.taskSetLabel ?? set.identifer ?? '?'} ${set.trafficWeight ?? 0}% (running ${set.runningCount ?? 0}/${set.desiredCount ?? 0}${set.status ? `, ${set.status}` : ''})`,
  );
  return `traffic: ${parts.join(', ')}`;
}

/** Everything CodeDeploy says about why a deployment failed: error, failed lifecycle events, rollback, messages. */
export function failureReason(info: DeploymentInfo, target: ECSTarget | undefined): string {
  const parts: string[] = [];
  if (info.errorInformation) {
    parts.push(`${info.errorInformation.code ?? 'error'}: ${info.errorInformation.message ?? 'no message'}`);
  }
  for (const event of target?.lifecycleEvents ?? []) {
    if (event.status === 'Failed') parts.push(lifecycleEventText(event));
  }
  const rollback = info.rollbackInfo;
  if (rollback?.rollbackDeploymentId || rollback?.rollbackMessage) {
    parts.push(
      `rollback${rollback.rollbackDeploymentId ? ` deployment ${rollback.rollbackDeploymentId}` : ''}: ${rollback.rollbackMessage ?? 'started'}`,
    );
  }
  for (const message of info.deploymentStatusMessages ?? []) parts.push(message);
  return parts.length > 0 ? parts.join('; ') : 'CodeDeploy gave no reason';
}

/** True once the awaited event has run (Succeeded/Skipped), or a later one has started. */
function reached(target: ECSTarget | undefined, waitUntil: CodeDeployEvent): boolean {
  const wanted = eventIndex(waitUntil);
  return (target?.lifecycleEvents ?? []).some((event) => {
    const index = eventIndex(event.lifecycleEventName);
    if (index === wanted) return event.status === 'Succeeded' || event.status === 'Skipped';
    return index > wanted && STARTED.has(event.status ?? '');
  });
}

/** The event running now (or the last one that ran), for the progress line. */
function currentEvent(target: ECSTarget | undefined): string {
  const events = target?.lifecycleEvents ?? [];
  const running = events.find((event) => event.status === 'InProgress');
  if (running) return `${running.lifecycleEventName} InProgress`;
  const done = events.filter((event) => STARTED.has(event.status ?? '')).pop();
  return done ? `${done.lifecycleEventName} ${done.status}` : 'no lifecycle event started';
}

/**
 * Interprets GetDeployment and the ECS target of BatchGetDeploymentTargets: Succeeded (or, with a
 * lifecycle event as target, that event passed) is done; Failed/Stopped, or a lifecycle event that
 * Failed while the deployment still runs, fails at once with every reason CodeDeploy gives.
 */
export function assessCodeDeploy(
  info: DeploymentInfo,
  target: ECSTarget | undefined,
  waitUntil: WaitUntil,
): CodeDeployAssessment {
  const status = info.status ?? 'Created';
  if (status === 'Failed' || status === 'Stopped') {
    return { state: 'failed', status: status.toUpperCase(), reason: failureReason(info, target), running: false };
  }
  const failed = target?.lifecycleEvents?.some((event) => event.status === 'Failed');
  if (failed && status !== 'Succeeded') {
    return { state: 'failed', status: 'FAILED', reason: failureReason(info, target), running: true };
  }
  if (status === 'Succeeded') return { state: 'done', status: 'SUCCESSFUL' };
  if (eventIndex(waitUntil) >= 0 && reached(target, waitUntil as CodeDeployEvent)) {
    return { state: 'done', status: 'IN_PROGRESS' };
  }
  const traffic = taskSetsText(target);
  const ready =
    status === 'Ready'
      ? ' (replacement ready: CodeDeploy waits for ContinueDeployment or the deployment group wait time before rerouting production traffic)'
      : '';
  return {
    state: 'progress',
    progress: `${status}${ready}, ${currentEvent(target)}${traffic ? `, ${traffic}` : ''}`,
  };
}
