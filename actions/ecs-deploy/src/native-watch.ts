import {
  DescribeServiceDeploymentsCommand,
  ListServiceDeploymentsCommand,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import { waitUntil } from '../../shared/src/wait.js';
import type { DeployContext } from './context.js';
import { assessNative, trafficText } from './native-assess.js';
import { describeService } from './service-apply.js';
import { ServiceEventPrinter } from './service-events.js';

/** Service deployments created this long before the UpdateService call still count (clock skew). */
const SKEW_MS = 60_000;

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
  ) {
    super(message);
  }
}

async function findDeploymentArn(context: DeployContext, startedAt: Date): Promise<string | undefined> {
  const response = await context.ecs.send(
    new ListServiceDeploymentsCommand({
      cluster: context.cluster,
      service: context.inputs.service,
      createdAt: { after: new Date(startedAt.getTime() - SKEW_MS) },
    }),
  );
  const newest = [...(response.serviceDeployments ?? [])].sort(
    (a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0),
  )[0];
  return newest?.serviceDeploymentArn;
}

/**
 * Watches a BLUE_GREEN/LINEAR/CANARY service deployment: prints each lifecycle stage, hook status
 * and traffic weight change and new service events; returns on SUCCESSFUL (or the awaited stage).
 * `onDeployment` learns the ARN as soon as it is known, so a timeout or cancel can roll it back.
 * @throws NativeFailure on ROLLBACK_* / STOP*; WaitTimeoutError / CancelledError from the wait loop.
 */
export async function watchNative(options: {
  context: DeployContext;
  startedAt: Date;
  seenEventIds: Set<string>;
  onDeployment: (arn: string) => void;
}): Promise<NativeResult> {
  const { context } = options;
  const name = context.inputs.service ?? '';
  const target = context.inputs['wait-until'];
  const events = new ServiceEventPrinter(context, options.seenEventIds);
  const seen = new Map<string, string>();
  const noteChange = (key: string, text: string | undefined) => {
    if (text === undefined || seen.get(key) === text) return;
    seen.set(key, text);
    context.timeline.note(text);
  };
  let arn: string | undefined;
  return waitUntil<NativeResult>({
    description: `service deployment of ${name} to be ${target === 'deployed' || target === 'stable' ? target : `at ${target}`}`,
    intervalMs: context.inputs['poll-interval'],
    deadline: context.deadline,
    signal: context.signal,
    check: async () => {
      const service = await describeService(context, name);
      if (service) events.print(service);
      if (!arn) {
        arn = await findDeploymentArn(context, options.startedAt);
        if (!arn) return { done: false, progress: 'waiting for ECS to list the new service deployment' };
        options.onDeployment(arn);
        context.timeline.note(`Service deployment ${arn}`);
      }
      const response = await context.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
      const deployment = response.serviceDeployments?.[0];
      if (!deployment) {
        const failure = response.failures?.[0];
        throw new Error(
          `DescribeServiceDeployments found no ${arn}: ${failure?.reason ?? 'no reason'} ${failure?.detail ?? ''}`,
        );
      }
      noteChange('status', `status ${deployment.status ?? 'PENDING'}`);
      noteChange('stage', deployment.lifecycleStage ? `lifecycle stage ${deployment.lifecycleStage}` : undefined);
      noteChange('traffic', trafficText(deployment));
      for (const hook of deployment.lifecycleHookDetails ?? []) {
        noteChange(`hook:${hook.hookId}`, `lifecycle hook ${hook.hookId ?? '?'} ${hook.status ?? ''}`);
      }
      const assessment = assessNative(deployment, target);
      if (assessment.state === 'failed') {
        throw new NativeFailure(
          `service deployment ${arn} ended ${assessment.status}: ${assessment.reason}. ` +
            'ECS keeps (or restores) the previous revision. Look at the service events, lifecycle hook logs and stopped tasks, fix, and deploy again.',
          assessment.status,
        );
      }
      if (assessment.state === 'done') {
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
