import {
  BatchGetDeploymentTargetsCommand,
  type CodeDeployClient,
  CreateDeploymentCommand,
  type CreateDeploymentCommandInput,
  type DeploymentInfo,
  type ECSTarget,
  GetDeploymentCommand,
  ListDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import { errorMessage } from '../../shared/src/errors.js';
import { waitUntil } from '../../shared/src/wait.js';
import type { AppSpecRevision } from './codedeploy-appspec.js';
import { assessCodeDeploy, lifecycleEventText, taskSetsText } from './codedeploy-assess.js';
import type { DeployContext } from './context.js';

/** The error a failed or stopped CodeDeploy deployment ends in. */
export class CodeDeployFailure extends Error {
  override name = 'CodeDeployFailure';
  constructor(
    message: string,
    readonly status: string,
    /** CodeDeploy has not ended the deployment yet: the action stops it (with rollback). */
    readonly running: boolean,
  ) {
    super(message);
  }
}

/** The deployment group to deploy through. */
export interface DeploymentGroupRef {
  application: string;
  deploymentGroup: string;
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : '';
}

/**
 * CreateDeployment with the AppSpec as the revision (revisionType AppSpecContent). With `rollback`
 * on, the deployment rolls back on failure and on a stop by alarm whatever the deployment group says.
 * @throws Error naming the application and group (and the inputs that set them) when CodeDeploy refuses.
 */
export async function createDeployment(options: {
  context: DeployContext;
  codedeploy: CodeDeployClient;
  group: DeploymentGroupRef;
  revision: AppSpecRevision;
  description: string;
}): Promise<string> {
  const { context, group, revision } = options;
  const input: CreateDeploymentCommandInput = {
    applicationName: group.application,
    deploymentGroupName: group.deploymentGroup,
    revision: {
      revisionType: 'AppSpecContent',
      appSpecContent: { content: revision.content, sha256: revision.sha256 },
    },
    deploymentConfigName: context.inputs['codedeploy-deployment-config'],
    description: options.description,
    ...(context.inputs.rollback
      ? { autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] } }
      : {}),
  };
  try {
    const response = await options.codedeploy.send(new CreateDeploymentCommand(input));
    if (!response.deploymentId) throw new Error('CreateDeployment returned no deploymentId');
    return response.deploymentId;
  } catch (err) {
    const where = `application ${group.application}, deployment group ${group.deploymentGroup}`;
    const hint =
      errorName(err) === 'DeploymentLimitExceededException'
        ? 'Another deployment of this group is in progress: let it finish (or stop it) and deploy again.'
        : "Check that the service stack created them and that the inputs 'codedeploy-application' / 'codedeploy-deployment-group' name them.";
    throw new Error(`CodeDeploy CreateDeployment in ${where} failed: ${errorMessage(err)}. ${hint}`);
  }
}

/** The ECS target (`<cluster>:<service>`) of the deployment, once CodeDeploy has started it. */
async function findTarget(codedeploy: CodeDeployClient, deploymentId: string): Promise<string | undefined> {
  try {
    const response = await codedeploy.send(new ListDeploymentTargetsCommand({ deploymentId }));
    return response.targetIds?.[0];
  } catch (err) {
    if (errorName(err) === 'DeploymentNotStartedException') return undefined;
    throw err;
  }
}

/**
 * Follows a CodeDeploy deployment: a progress line per poll, and on the timeline each status, each
 * lifecycle event of the ECS target as it changes (with its diagnostics) and each traffic shift
 * between the task sets. Returns on Succeeded, or once the awaited lifecycle event passed.
 * @throws CodeDeployFailure on Failed/Stopped or a failed lifecycle event; WaitTimeoutError /
 * CancelledError from the wait loop.
 */
export async function watchDeployment(options: {
  context: DeployContext;
  codedeploy: CodeDeployClient;
  deploymentId: string;
}): Promise<{ status: string; info: DeploymentInfo }> {
  const { context, codedeploy, deploymentId } = options;
  const target = context.inputs['wait-until'];
  const seen = new Map<string, string>();
  const noteChange = (key: string, text: string | undefined) => {
    if (text === undefined || seen.get(key) === text) return;
    seen.set(key, text);
    context.timeline.note(text);
  };
  let targetId: string | undefined;
  return waitUntil({
    description: `CodeDeploy deployment ${deploymentId} to be ${target === 'deployed' || target === 'stable' ? 'Succeeded' : `past ${target}`}`,
    intervalMs: context.inputs['poll-interval'],
    deadline: context.deadline,
    signal: context.signal,
    check: async () => {
      const response = await codedeploy.send(new GetDeploymentCommand({ deploymentId }));
      const info = response.deploymentInfo;
      if (!info) throw new Error(`GetDeployment returned nothing for ${deploymentId}`);
      noteChange('status', `CodeDeploy status ${info.status ?? 'Created'}`);
      let ecsTarget: ECSTarget | undefined;
      if (info.status !== 'Created' && info.status !== 'Queued') {
        targetId ??= await findTarget(codedeploy, deploymentId);
        if (targetId) {
          const targets = await codedeploy.send(
            new BatchGetDeploymentTargetsCommand({ deploymentId, targetIds: [targetId] }),
          );
          ecsTarget = targets.deploymentTargets?.[0]?.ecsTarget;
        }
      }
      for (const event of ecsTarget?.lifecycleEvents ?? []) {
        if (event.status && event.status !== 'Pending')
          noteChange(`event:${event.lifecycleEventName}`, lifecycleEventText(event));
      }
      noteChange('traffic', taskSetsText(ecsTarget));
      const assessment = assessCodeDeploy(info, ecsTarget, target);
      if (assessment.state === 'failed') {
        throw new CodeDeployFailure(
          `CodeDeploy deployment ${deploymentId} ${assessment.running ? 'has a failed lifecycle event' : `ended ${info.status}`}: ${assessment.reason}.`,
          assessment.status,
          assessment.running,
        );
      }
      if (assessment.state === 'done') return { done: true, value: { status: assessment.status, info } };
      return { done: false, progress: assessment.progress };
    },
  });
}
