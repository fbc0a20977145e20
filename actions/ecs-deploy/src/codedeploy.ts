import * as core from '@actions/core';
import {
  CodeDeployClient,
  type DeploymentInfo,
  GetDeploymentCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { awsClientConfig } from '../../shared/src/aws.js';
import { CancelledError } from '../../shared/src/cancel.js';
import { errorMessage } from '../../shared/src/errors.js';
import type { JsonObject } from '../../shared/src/json.js';
import { formatDuration } from '../../shared/src/parse.js';
import { startDeadline, WaitTimeoutError, waitUntil } from '../../shared/src/wait.js';
import { appSpecSource, buildAppSpec } from './codedeploy-appspec.js';
import { waitForTaskSet } from './codedeploy-task-set.js';
import { CodeDeployFailure, createDeployment, type DeploymentGroupRef, watchDeployment } from './codedeploy-watch.js';
import type { DeployContext } from './context.js';
import type { ApplyResult } from './service-apply.js';

/** The CodeDeploy console page of a deployment (lifecycle events, traffic, rollback). */
export function codeDeployDeploymentUrl(options: { region: string; deploymentId: string }): string {
  const { region, deploymentId } = options;
  return `https://${region}.console.aws.amazon.com/codesuite/codedeploy/deployments/${encodeURIComponent(deploymentId)}?region=${region}`;
}

/**
 * The application and deployment group: the inputs, else the names the ECS console gives them when
 * it creates a service with CodeDeploy blue/green (`AppECS-<cluster>-<service>`,
 * `DgpECS-<cluster>-<service>`), which aws-actions' deploy action defaults to as well.
 */
export function deploymentGroupOf(context: DeployContext): DeploymentGroupRef {
  const cluster = context.cluster.split('/').pop() ?? context.cluster;
  const service = context.inputs.service ?? '';
  return {
    application: context.inputs['codedeploy-application'] ?? `AppECS-${cluster}-${service}`,
    deploymentGroup: context.inputs['codedeploy-deployment-group'] ?? `DgpECS-${cluster}-${service}`,
  };
}

/** Names the run in the deployment's description, so the CodeDeploy console leads back to it. */
function description(taskDefinitionArn: string): string {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = process.env;
  const run =
    GITHUB_REPOSITORY && GITHUB_RUN_ID
      ? ` (${GITHUB_SERVER_URL ?? 'https://github.com'}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID})`
      : '';
  return `ecs-deploy: ${taskDefinitionArn}${run}`;
}

/**
 * Deploys a CODE_DEPLOY service after the create/update: a created service (ECS started its first
 * task set) or one whose update needed no deployment is awaited until its task set is steady; else
 * the AppSpec is built from the task definition and the service's members, the deployment created
 * and followed (and for `stable`, the remaining task set awaited). Returns the `status` output.
 * `onDeployment` learns the deployment id at once, so a timeout or cancel can stop it.
 */
export async function deployWithCodeDeploy(options: {
  context: DeployContext;
  applied: ApplyResult;
  definition: JsonObject;
  taskDefinitionArn: string;
  onDeployment: (deploymentId: string) => void;
}): Promise<string> {
  const { context, applied, taskDefinitionArn } = options;
  const settle = { context, taskDefinitionArn, seenEventIds: applied.seenEventIds, startedAt: applied.startedAt };
  if (applied.action === 'created' || !applied.codeDeploy) {
    await core.group('Wait for the task set (CODE_DEPLOY)', () => waitForTaskSet(settle));
    return 'STEADY_STATE';
  }
  const codedeploy = new CodeDeployClient(awsClientConfig({ region: context.region }));
  const group = deploymentGroupOf(context);
  const revision = buildAppSpec({
    taskDefinitionArn,
    source: appSpecSource(options.definition, applied.service),
    hooks: context.inputs['codedeploy-hooks'],
  });
  core.info(`AppSpec: ${revision.content}`);
  const deploymentId = await createDeployment({
    context,
    codedeploy,
    group,
    revision,
    description: description(taskDefinitionArn),
  });
  options.onDeployment(deploymentId);
  context.timeline.note(
    `Created CodeDeploy deployment ${deploymentId} (${group.application} / ${group.deploymentGroup}) for ${taskDefinitionArn}`,
  );
  const result = await core.group(`Watch CodeDeploy deployment (${context.inputs['wait-until']})`, () =>
    watchDeployment({ context, codedeploy, deploymentId }),
  );
  if (context.inputs['wait-until'] === 'stable') {
    await core.group('Wait for the task set (CODE_DEPLOY)', () => waitForTaskSet(settle));
  }
  return result.status;
}

// DeploymentStatus values after which a CodeDeploy deployment changes no more.
const ENDED = new Set(['Succeeded', 'Failed', 'Stopped']);

/**
 * After StopDeployment with autoRollbackEnabled: waits within `rollback-timeout` for the
 * deployment to stop and for the rollback deployment CodeDeploy starts (its rollbackInfo) to
 * succeed. Returns how it ended, as a sentence part.
 * @throws Error when the rollback deployment fails or does not finish in time.
 */
async function awaitCodeDeployRollback(
  context: DeployContext,
  codedeploy: CodeDeployClient,
  deploymentId: string,
): Promise<string> {
  if (context.signal.aborted) return '; not waited for: the job was cancelled';
  const timeoutMs = context.inputs['rollback-timeout'];
  const deadline = startDeadline(timeoutMs);
  const ended = (id: string, description: string) =>
    waitUntil<DeploymentInfo>({
      description,
      intervalMs: context.inputs['poll-interval'],
      deadline,
      check: async () => {
        const info = (await codedeploy.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo;
        if (!info) throw new Error(`GetDeployment returned nothing for ${id}`);
        return ENDED.has(info.status ?? '')
          ? { done: true, value: info }
          : { done: false, progress: info.status ?? '?' };
      },
    });
  try {
    const stopped = await ended(deploymentId, `CodeDeploy deployment ${deploymentId} to stop`);
    const rollbackId = stopped.rollbackInfo?.rollbackDeploymentId;
    if (!rollbackId) {
      context.timeline.note(`${deploymentId} ended ${stopped.status}; CodeDeploy started no rollback deployment`);
      return `; ${deploymentId} ended ${stopped.status} and CodeDeploy started no rollback deployment (traffic stays where it was)`;
    }
    const rollback = await ended(rollbackId, `rollback deployment ${rollbackId} to finish`);
    const why = rollback.errorInformation?.message ? ` (${rollback.errorInformation.message})` : '';
    context.timeline.note(`Rollback deployment ${rollbackId} ${rollback.status}${why}`);
    if (rollback.status !== 'Succeeded') {
      throw new Error(`rollback deployment ${rollbackId} ended ${rollback.status}${why}`);
    }
    return `; rollback deployment ${rollbackId} Succeeded`;
  } catch (err) {
    if (err instanceof WaitTimeoutError) {
      throw new Error(
        `the rollback of ${deploymentId} did NOT finish within ${formatDuration(timeoutMs)} (rollback-timeout): ${err.message}`,
      );
    }
    throw err;
  }
}

/**
 * The rollback for a CODE_DEPLOY deploy: on a timeout, a cancel or a lifecycle event that failed
 * while the deployment still ran, StopDeployment with autoRollbackEnabled (CodeDeploy reroutes
 * traffic to the original task set), then waits for that rollback within `rollback-timeout`. A
 * deployment CodeDeploy ended itself has already rolled back (when its rollback configuration says
 * so). Returns a sentence for the failure message.
 */
export async function rollBackCodeDeploy(
  context: DeployContext,
  deploymentId: string | undefined,
  err: unknown,
): Promise<string> {
  const interrupted = err instanceof WaitTimeoutError || err instanceof CancelledError;
  const running = err instanceof CodeDeployFailure && err.running;
  if (!interrupted && !running) return '';
  if (!context.inputs.rollback) return ' Rollback is off (rollback: false): the deployment was left as it is.';
  if (!deploymentId) return ' No CodeDeploy deployment was created, so there was nothing to roll back.';
  try {
    const codedeploy = new CodeDeployClient(awsClientConfig({ region: context.region }));
    const response = await codedeploy.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }));
    context.timeline.note(
      `Requested rollback: StopDeployment(autoRollbackEnabled) ${deploymentId}: ${response.status ?? '?'}${response.statusMessage ? ` (${response.statusMessage})` : ''}`,
    );
    const outcome = await awaitCodeDeployRollback(context, codedeploy, deploymentId);
    return ` Rollback requested (StopDeployment with autoRollbackEnabled on ${deploymentId}, ${response.status ?? 'no status'}); CodeDeploy reroutes traffic to the original task set${outcome}.`;
  } catch (stopErr) {
    if (stopErr instanceof Error && stopErr.name === 'DeploymentAlreadyCompletedException') {
      context.timeline.note(`StopDeployment: ${deploymentId} had already ended`);
      return ` CodeDeploy had already ended ${deploymentId} (its own rollback configuration applies).`;
    }
    context.timeline.note(`Rollback failed: ${errorMessage(stopErr)}`);
    return ` Rollback failed too: ${errorMessage(stopErr)}. Check the deployment in the CodeDeploy console.`;
  }
}
