import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import { waitUntil } from '../../shared/src/wait.js';
import { type AlarmFindings, alarmLines, alarmSentence, readTriggeredAlarms, triggeredAlarmNames } from './alarms.js';
import type { DeployContext } from './context.js';
import { assessNative, hookText, trafficText } from './native-assess.js';
import type { ApplyResult } from './service-apply.js';
import { describeService } from './service-apply.js';
import { ServiceEventPrinter, StoppedTaskReporter } from './service-events.js';

export interface NativeResult {
  deployment: ServiceDeployment;
  status: string;
}

/** The error a native deployment failure ends in (ECS already rolls back on its own). */
export class NativeFailure extends Error {
  override name = 'NativeFailure';
  constructor(
    message: string,
    readonly status: string,
    /** The deployment alarms that failed it, when they did. */
    readonly alarmFindings?: AlarmFindings,
  ) {
    super(message);
  }
}

async function describeDeployment(context: DeployContext, arn: string): Promise<ServiceDeployment> {
  const response = await context.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
  const deployment = response.serviceDeployments?.[0];
  if (deployment) return deployment;
  const failure = response.failures?.[0];
  throw new Error(
    `expected DescribeServiceDeployments to find ${arn}, found ${failure?.reason ?? 'nothing'} ${failure?.detail ?? ''}`.trim(),
  );
}

/**
 * Checks that the service deployment deploys the task definition just registered (its target
 * service revision's taskDefinition, from DescribeServiceRevisions).
 * @throws Error naming the deployment, its revision and both task definitions when they differ.
 */
async function assertTargets(context: DeployContext, deployment: ServiceDeployment, taskDefinitionArn: string) {
  const revisionArn = deployment.targetServiceRevision?.arn ?? '';
  const response = await context.ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [revisionArn] }));
  const revision = response.serviceRevisions?.[0];
  if (!revision) {
    const failure = response.failures?.[0];
    throw new Error(
      `expected DescribeServiceRevisions to find ${revisionArn} (the target of ${deployment.serviceDeploymentArn}), found ${failure?.reason ?? 'nothing'}`,
    );
  }
  if (revision.taskDefinition !== taskDefinitionArn) {
    throw new Error(
      `service deployment ${deployment.serviceDeploymentArn} targets service revision ${revisionArn} running ${revision.taskDefinition ?? 'no task definition'}, not ${taskDefinitionArn}. ` +
        'Another deploy of this service started in between; let it finish (or stop it) and deploy again.',
    );
  }
}

/**
 * Watches the BLUE_GREEN/LINEAR/CANARY service deployment the create/update started (the
 * service's currentServiceDeployment once it names a new one), after checking it targets the task
 * definition just deployed: prints each lifecycle stage, hook, traffic weight change, new service
 * event and stopped task of the new revision; returns on SUCCESSFUL (or the awaited stage).
 * `onDeployment` learns the ARN as soon as it is known, so a timeout or cancel can roll it back.
 * @throws NativeFailure on ROLLBACK_* / STOP*; Error when the deployment targets another task
 * definition; WaitTimeoutError / CancelledError from the wait loop.
 */
export async function watchNative(options: {
  context: DeployContext;
  applied: ApplyResult;
  taskDefinitionArn: string;
  onDeployment: (arn: string) => void;
}): Promise<NativeResult> {
  const { context, applied, taskDefinitionArn } = options;
  const name = context.inputs.service ?? '';
  const target = context.inputs['wait-until'];
  const events = new ServiceEventPrinter(context, applied.seenEventIds);
  const stopped = new StoppedTaskReporter(context, {
    service: name,
    taskDefinitionArn,
    createdAfter: applied.startedAt,
  });
  const seen = new Map<string, string>();
  const noteChange = (key: string, text: string | undefined) => {
    if (text === undefined || seen.get(key) === text) return;
    seen.set(key, text);
    context.timeline.note(text);
  };
  const isNew = (arn: string | undefined): arn is string => !!arn && arn !== applied.previousServiceDeployment;
  let arn = isNew(applied.service.currentServiceDeployment) ? applied.service.currentServiceDeployment : undefined;
  let verified = false;
  let failures = 0;
  return waitUntil<NativeResult>({
    description: `service deployment of ${name} to be ${target === 'deployed' || target === 'stable' ? target : `at ${target}`}`,
    intervalMs: context.inputs['poll-interval'],
    deadline: context.deadline,
    signal: context.signal,
    check: async () => {
      const service = await describeService(context, name);
      if (service) events.print(service);
      if (!arn) {
        if (!isNew(service?.currentServiceDeployment)) {
          return { done: false, progress: 'waiting for the service to name its new service deployment' };
        }
        arn = service.currentServiceDeployment;
      }
      if (!seen.has('arn')) {
        seen.set('arn', arn);
        options.onDeployment(arn);
        context.timeline.note(`Service deployment ${arn}`);
      }
      const deployment = await describeDeployment(context, arn);
      if (!verified && deployment.targetServiceRevision?.arn) {
        await assertTargets(context, deployment, taskDefinitionArn);
        verified = true;
      }
      noteChange('status', `status ${deployment.status ?? 'PENDING'}`);
      noteChange('stage', deployment.lifecycleStage ? `lifecycle stage ${deployment.lifecycleStage}` : undefined);
      noteChange('traffic', trafficText(deployment));
      for (const hook of deployment.lifecycleHookDetails ?? []) noteChange(`hook:${hook.hookId}`, hookText(hook));
      const watching = deployment.alarms?.status;
      noteChange(
        'alarms',
        watching ? `deployment alarms ${watching}: ${(deployment.alarms?.alarmNames ?? []).join(', ')}` : undefined,
      );
      const assessment = assessNative(deployment, target);
      const failureCount = deployment.deploymentCircuitBreaker?.failureCount ?? 0;
      if (failureCount > failures || assessment.state === 'failed') {
        failures = failureCount;
        await stopped.report();
      }
      if (assessment.state === 'failed') {
        const triggered = triggeredAlarmNames(deployment);
        const findings = triggered ? await readTriggeredAlarms(context, triggered) : undefined;
        for (const line of findings ? alarmLines(findings) : []) context.timeline.note(`Deployment alarms: ${line}`);
        const advice = findings
          ? alarmSentence(findings)
          : ' Look at the service events, lifecycle hook logs and stopped tasks, fix, and deploy again.';
        throw new NativeFailure(
          `service deployment ${arn} ended ${assessment.status}: ${assessment.reason}.${stopped.sentence()} ` +
            `ECS keeps (or restores) the previous revision.${advice}`,
          assessment.status,
          findings,
        );
      }
      if (assessment.state === 'done') {
        if (!verified) {
          throw new Error(
            `service deployment ${arn} ended ${assessment.status} without naming its target service revision, so it cannot be checked against ${taskDefinitionArn}`,
          );
        }
        if (target === 'stable' && service && (service.runningCount ?? 0) !== (service.desiredCount ?? 0)) {
          return {
            done: false,
            progress: `SUCCESSFUL, waiting for running ${service.runningCount}/${service.desiredCount}`,
          };
        }
        return { done: true, value: { deployment, status: assessment.status } };
      }
      return { done: false, progress: assessment.progress };
    },
  });
}
