import * as core from '@actions/core';
import { ECSClient } from '@aws-sdk/client-ecs';
import { awsClientConfig, resolveRegion } from '../../shared/src/aws.js';
import { cancellationSignal } from '../../shared/src/cancel.js';
import { errorMessage, runAction } from '../../shared/src/errors.js';
import type { JsonObject } from '../../shared/src/json.js';
import { startDeadline } from '../../shared/src/wait.js';
import { alarmFindingsOf } from './alarms.js';
import { deployWithCodeDeploy } from './codedeploy.js';
import { type DeployContext, Timeline } from './context.js';
import { readDeployInputs } from './inputs.js';
import { watchNative } from './native-watch.js';
import { pruneAfterDeploy } from './prune-step.js';
import { type RollbackState, rollBack, statusOf } from './rollback.js';
import { watchRolling } from './rolling.js';
import { RunTaskFailure, runOneOffTask } from './run-task.js';
import { applyService } from './service-apply.js';
import { readServiceDefinition } from './service-definition.js';
import { type DeployReport, writeDeploySummary } from './summary.js';
import { prepareTaskDefinition } from './task-definition.js';

async function deployService(
  context: DeployContext,
  report: DeployReport,
  rollback: RollbackState,
  definition: JsonObject,
): Promise<void> {
  const applied = await core.group('Create or update service', () =>
    applyService({ context, definition, taskDefinitionArn: rollback.targetTaskDefinition }),
  );
  Object.assign(report, { action: applied.action, strategy: applied.strategy });
  Object.assign(rollback, {
    strategy: applied.strategy,
    previousTaskDefinition: applied.previousTaskDefinition,
    previousFields: applied.previousFields,
    unrestorable: applied.unrestorable,
  });
  if (applied.action === 'unchanged' && applied.strategy !== 'ROLLING') {
    // Without UpdateService ECS starts no service deployment: there is nothing to watch.
    report.status = 'UNCHANGED';
    return;
  }
  if (applied.strategy === 'CODE_DEPLOY') {
    report.status = await deployWithCodeDeploy({
      context,
      applied,
      definition,
      taskDefinitionArn: rollback.targetTaskDefinition,
      onDeployment: (id) => {
        rollback.codeDeployDeploymentId = id;
        report.deploymentId = id;
        core.setOutput('deployment-id', id);
      },
    });
    return;
  }
  if (applied.strategy === 'ROLLING') {
    const primary = applied.service.deployments?.find((d) => d.status === 'PRIMARY');
    const deploymentId = primary?.taskDefinition === rollback.targetTaskDefinition ? primary.id : undefined;
    report.deploymentId = deploymentId;
    if (deploymentId) core.setOutput('deployment-id', deploymentId);
    if (applied.service.currentServiceDeployment)
      core.setOutput('deployment-arn', applied.service.currentServiceDeployment);
    const result = await core.group(`Watch rolling deployment (${context.inputs['wait-until']})`, () =>
      watchRolling({
        context,
        target: {
          taskDefinitionArn: rollback.targetTaskDefinition,
          deploymentId,
          previousTaskDefinition: applied.previousTaskDefinition,
          waitUntil: context.inputs['wait-until'],
        },
        seenEventIds: applied.seenEventIds,
        startedAt: applied.startedAt,
        onEcsRollback: () => {
          rollback.ecsRollingBack = true;
        },
      }),
    );
    report.deploymentId = result.deployment.id;
    core.setOutput('deployment-id', result.deployment.id ?? '');
    report.status = applied.action === 'unchanged' ? 'UNCHANGED' : result.status;
    return;
  }
  const result = await core.group(`Watch ${applied.strategy} deployment (${context.inputs['wait-until']})`, () =>
    watchNative({
      context,
      applied,
      taskDefinitionArn: rollback.targetTaskDefinition,
      onDeployment: (arn) => {
        rollback.serviceDeploymentArn = arn;
        report.deploymentId = arn;
        core.setOutput('deployment-arn', arn);
        core.setOutput('deployment-id', arn.split('/').pop() ?? arn);
      },
    }),
  );
  report.status = result.status;
}

async function deploy(signal: AbortSignal): Promise<void> {
  const inputs = readDeployInputs();
  const region = resolveRegion(inputs.region);
  const context: DeployContext = {
    ecs: new ECSClient(awsClientConfig({ region })),
    inputs,
    region,
    cluster: inputs.cluster,
    timeline: new Timeline(),
    signal,
    deadline: startDeadline(inputs.timeout),
  };
  const report: DeployReport = {
    mode: inputs['run-task'] ? 'run-task' : 'service',
    status: 'FAILED',
    startedAt: new Date(),
  };
  const rollback: RollbackState = {
    strategy: 'ROLLING',
    targetTaskDefinition: '',
    previousTaskDefinition: undefined,
    serviceDeploymentArn: undefined,
  };
  try {
    // Both files are read and validated before the first write (the task definition just before
    // it is registered): a rejected service file must not leave a new revision behind.
    const serviceDefinition = await core.group('Read service definition', () => readServiceDefinition(context));
    const taskDefinition = await core.group('Register task definition', () => prepareTaskDefinition(context));
    report.taskDefinitionArn = taskDefinition.arn;
    rollback.targetTaskDefinition = taskDefinition.arn;
    core.setOutput('task-definition-arn', taskDefinition.arn);
    if (inputs['run-task']) {
      const result = await core.group('Run one-off task', () =>
        runOneOffTask({ context, taskDefinition, serviceDefinition }),
      );
      Object.assign(report, { taskArn: result.taskArn, exitCode: result.exitCode, status: 'STOPPED' });
    } else {
      await deployService(context, report, rollback, serviceDefinition);
      // Only after a successful deploy; pruneAfterDeploy never throws, so it cannot trigger a rollback.
      report.prune = await pruneAfterDeploy(context, {
        family: taskDefinition.family,
        taskDefinitionArn: taskDefinition.arn,
        previousTaskDefinition: rollback.previousTaskDefinition,
      });
    }
  } catch (err) {
    report.status = statusOf(err);
    report.alarms = alarmFindingsOf(err);
    if (err instanceof RunTaskFailure)
      Object.assign(report, { taskArn: err.result.taskArn, exitCode: err.result.exitCode });
    const rolledBack =
      report.mode === 'service' && rollback.targetTaskDefinition ? await rollBack(context, rollback, err) : '';
    report.error = `${errorMessage(err)}${rolledBack}`;
    throw new Error(report.error);
  } finally {
    core.setOutput('status', report.status);
    if (report.taskArn) core.setOutput('task-arn', report.taskArn);
    if (report.exitCode !== undefined) core.setOutput('exit-code', String(report.exitCode));
    await writeDeploySummary(context, report);
  }
}

/** Options for tests; the runner calls run() and cancellation comes from SIGINT/SIGTERM. */
export interface RunOptions {
  signal?: AbortSignal;
}

/** The action: register, create/update the service (or run a one-off task), watch, summarise. */
export async function run(options: RunOptions = {}): Promise<void> {
  await runAction(() => deploy(options.signal ?? cancellationSignal()));
}
