import { createHash } from 'node:crypto';
import {
  BatchGetDeploymentTargetsCommand,
  CodeDeployClient,
  CreateDeploymentCommand,
  type DeploymentInfo,
  type ECSTarget,
  GetDeploymentCommand,
  ListDeploymentTargetsCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTasksCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { useActionStep } from '../../shared/test/support/action-step.js';
import { run } from '../src/main.js';
import {
  codeDeployService,
  DEPLOYMENT_ID,
  deploymentInfo,
  ecsTarget,
  HOOK_ARN,
  TARGET_ID,
} from './support/codedeploy-fixtures.js';
import { NEW_TD, SCRIPTED_ENV } from './support/ecs-fixtures.js';

// moto has no CodeDeploy, and its CODE_DEPLOY services have no task sets: scripted replies with
// the shapes of the CodeDeploy API reference (CreateDeployment, GetDeployment,
// ListDeploymentTargets, BatchGetDeploymentTargets, StopDeployment) and ECS's (DescribeServices).
const ecs = mockClient(ECSClient);
const codedeploy = mockClient(CodeDeployClient);
const action = useActionStep({ action: 'ecs-deploy', env: SCRIPTED_ENV });
const ROLLBACK_ID = 'd-ROLLBACK2';

/** GetDeployment + BatchGetDeploymentTargets answer these steps in order, the last one repeated. */
function script(steps: Array<{ info: Partial<DeploymentInfo>; target?: ECSTarget }>): void {
  let infos = codedeploy.on(GetDeploymentCommand);
  let targets = codedeploy.on(BatchGetDeploymentTargetsCommand);
  for (const step of steps) {
    infos = infos.resolvesOnce({ deploymentInfo: deploymentInfo(step.info) });
    if (step.info.status !== 'Created' && step.info.status !== 'Queued') {
      targets = targets.resolvesOnce({
        deploymentTargets: [{ deploymentTargetType: 'ECSTarget', ecsTarget: step.target ?? ecsTarget({ done: 0 }) }],
      });
    }
  }
  const last = steps[steps.length - 1];
  infos.resolves({ deploymentInfo: deploymentInfo(last?.info ?? {}) });
  targets.resolves({
    deploymentTargets: [{ deploymentTargetType: 'ECSTarget', ecsTarget: last?.target ?? ecsTarget({ done: 0 }) }],
  });
}

function appSpecSent(): Record<string, unknown> {
  const input = codedeploy.commandCalls(CreateDeploymentCommand)[0]?.args[0].input;
  return JSON.parse(input?.revision?.appSpecContent?.content ?? '{}');
}

beforeEach(() => {
  ecs.reset();
  codedeploy.reset();
  action.inputs({ cluster: 'mysfits-dev', service: 'monolith', 'task-definition': NEW_TD, 'poll-interval': '10ms' });
  ecs.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: {
      taskDefinitionArn: NEW_TD,
      family: 'mysfits-monolith',
      revision: 8,
      containerDefinitions: [{ name: 'monolith' }],
    },
  });
  ecs.on(DescribeServicesCommand).resolves({ services: [codeDeployService()] });
  ecs.on(ListTasksCommand).resolves({ taskArns: [] });
  codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: DEPLOYMENT_ID });
  codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: [TARGET_ID] });
  // StopDeployment(autoRollbackEnabled) stops the deployment and starts a rollback deployment,
  // named in the stopped one's rollbackInfo (GetDeployment, RollbackInfo).
  codedeploy.on(StopDeploymentCommand).callsFake(() => {
    rollBackAs('Succeeded');
    return { status: 'Pending', statusMessage: 'Stop deployment requested' };
  });
});

/** What GetDeployment says once StopDeployment was called: stopped, and a rollback that ends `status`. */
function rollBackAs(status: 'Succeeded' | 'Failed' | 'InProgress'): void {
  codedeploy.on(GetDeploymentCommand, { deploymentId: DEPLOYMENT_ID }).resolves({
    deploymentInfo: deploymentInfo({
      status: 'Stopped',
      rollbackInfo: { rollbackDeploymentId: ROLLBACK_ID, rollbackMessage: 'Rollback requested by StopDeployment' },
    }),
  });
  codedeploy.on(GetDeploymentCommand, { deploymentId: ROLLBACK_ID }).resolves({
    deploymentInfo: deploymentInfo({
      deploymentId: ROLLBACK_ID,
      status,
      ...(status === 'Failed' ? { errorInformation: { code: 'ECS_UPDATE_ERROR', message: 'task set failed' } } : {}),
    }),
  });
}

describe('ecs-deploy CODE_DEPLOY (scripted CodeDeploy)', () => {
  it('should create the deployment from the AppSpec and follow its lifecycle events to Succeeded', async () => {
    action.inputs({ 'codedeploy-hooks': `AfterAllowTestTraffic=${HOOK_ARN}\nBeforeInstall=mysfits-before-install` });
    script([
      { info: { status: 'Created' } },
      { info: { status: 'InProgress' }, target: ecsTarget({ done: 1 }) },
      { info: { status: 'InProgress' }, target: ecsTarget({ done: 4 }) },
      { info: { status: 'InProgress' }, target: ecsTarget({ done: 6, greenWeight: 100 }) },
      { info: { status: 'Succeeded' }, target: ecsTarget({ done: 8, greenWeight: 100 }) },
    ]);

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBeUndefined();
    expect(action.outputs()).toMatchObject({
      status: 'SUCCESSFUL',
      'deployment-id': DEPLOYMENT_ID,
      'task-definition-arn': NEW_TD,
    });
    const input = codedeploy.commandCalls(CreateDeploymentCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      applicationName: 'AppECS-mysfits-dev-monolith',
      deploymentGroupName: 'DgpECS-mysfits-dev-monolith',
      revision: { revisionType: 'AppSpecContent' },
      autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
    });
    const content = input?.revision?.appSpecContent?.content ?? '';
    expect(input?.revision?.appSpecContent?.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect(appSpecSent()).toEqual({
      version: '0.0',
      Resources: [
        {
          TargetService: {
            Type: 'AWS::ECS::Service',
            Properties: {
              TaskDefinition: NEW_TD,
              LoadBalancerInfo: { ContainerName: 'monolith', ContainerPort: 8080 },
              PlatformVersion: '1.4.0',
              NetworkConfiguration: {
                AwsvpcConfiguration: {
                  Subnets: ['subnet-0a1b2c3d'],
                  SecurityGroups: ['sg-0a1b2c3d'],
                  AssignPublicIp: 'DISABLED',
                },
              },
            },
          },
        },
      ],
      // In the order CodeDeploy runs them, whatever the input's order.
      Hooks: [{ BeforeInstall: 'mysfits-before-install' }, { AfterAllowTestTraffic: HOOK_ARN }],
    });
    // The task definition of a CODE_DEPLOY service changes only through the deployment.
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    const summary = action.summary();
    const events = [
      'BeforeInstall',
      'Install',
      'AfterInstall',
      'AllowTestTraffic',
      'AfterAllowTestTraffic',
      'AllowTraffic',
    ];
    const positions = events.map((name) => summary.indexOf(`lifecycle event ${name} Succeeded`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(summary).toContain('traffic: Green 100% (running 2/2, ACTIVE), Blue 0% (running 2/2, PRIMARY)');
    expect(summary).toContain(`codesuite/codedeploy/deployments/${DEPLOYMENT_ID}?region=us-east-1`);
    expect(codedeploy.commandCalls(StopDeploymentCommand)).toHaveLength(0);
  });

  it('should stop following once test traffic is on the replacement task set (wait-until AfterAllowTestTraffic)', async () => {
    action.inputs({ 'wait-until': 'AfterAllowTestTraffic' });
    script([
      { info: { status: 'InProgress' }, target: ecsTarget({ done: 3 }) },
      { info: { status: 'InProgress' }, target: ecsTarget({ done: 4 }) },
      { info: { status: 'Ready' }, target: ecsTarget({ done: 5, current: 'Pending' }) },
      { info: { status: 'Succeeded' }, target: ecsTarget({ done: 8 }) },
    ]);

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBeUndefined();
    expect(action.outputs().status).toBe('IN_PROGRESS');
    expect(codedeploy.commandCalls(GetDeploymentCommand)).toHaveLength(3);
    expect(codedeploy.commandCalls(StopDeploymentCommand)).toHaveLength(0);
  });

  it('should report the failed lifecycle hook and stop the deployment with rollback', async () => {
    script([
      { info: { status: 'InProgress' }, target: ecsTarget({ done: 4 }) },
      {
        info: { status: 'InProgress' },
        target: ecsTarget({
          done: 4,
          current: 'Failed',
          diagnostics: {
            errorCode: 'ScriptFailed',
            scriptName: 'mysfits-smoke-test',
            message: 'The deployment lifecycle event hook returned Failed',
            logTail: 'GET /mysfits on the test listener: 500',
          },
        }),
      },
    ]);

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.outputs().status).toBe('FAILED');
    const summary = action.summary();
    expect(summary).toContain(
      'lifecycle event AfterAllowTestTraffic Failed: ScriptFailed, hook mysfits-smoke-test, The deployment lifecycle event hook returned Failed, log: GET /mysfits on the test listener: 500',
    );
    const stops = codedeploy.commandCalls(StopDeploymentCommand);
    expect(stops).toHaveLength(1);
    expect(stops[0]?.args[0].input).toEqual({ deploymentId: DEPLOYMENT_ID, autoRollbackEnabled: true });
    expect(summary).toContain('Rollback requested (StopDeployment with autoRollbackEnabled');
    expect(summary).toContain(`rollback deployment ${ROLLBACK_ID} Succeeded`);
  });

  it('should report why CodeDeploy failed the deployment and its rollback, without stopping it again', async () => {
    script([
      {
        info: {
          status: 'Failed',
          errorInformation: {
            code: 'HOOK_EXECUTION_FAILURE',
            message: 'Lifecycle event hook AfterAllowTestTraffic failed',
          },
          rollbackInfo: { rollbackDeploymentId: 'd-ROLLBACK1', rollbackMessage: 'Rollback in progress' },
        },
        target: ecsTarget({ done: 4, current: 'Failed' }),
      },
    ]);

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.outputs().status).toBe('FAILED');
    const summary = action.summary();
    expect(summary).toContain(
      'ended Failed: HOOK_EXECUTION_FAILURE: Lifecycle event hook AfterAllowTestTraffic failed',
    );
    expect(summary).toContain('rollback deployment d-ROLLBACK1: Rollback in progress');
    expect(codedeploy.commandCalls(StopDeploymentCommand)).toHaveLength(0);
  });

  it('should stop the deployment with rollback and fail when the timeout runs out', async () => {
    action.inputs({ timeout: '200ms', 'poll-interval': '20ms' });
    script([{ info: { status: 'InProgress' }, target: ecsTarget({ done: 6, greenWeight: 10 }) }]);

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.outputs().status).toBe('TIMED_OUT');
    expect(codedeploy.commandCalls(StopDeploymentCommand)[0]?.args[0].input).toEqual({
      deploymentId: DEPLOYMENT_ID,
      autoRollbackEnabled: true,
    });
    expect(action.summary()).toContain('Timed out after');
    expect(action.summary()).toContain(`rollback deployment ${ROLLBACK_ID} Succeeded`);
  });

  it('should fail naming the rollback deployment when the rollback CodeDeploy started fails', async () => {
    action.inputs({ timeout: '200ms', 'poll-interval': '20ms' });
    script([{ info: { status: 'InProgress' }, target: ecsTarget({ done: 6, greenWeight: 10 }) }]);
    codedeploy.on(StopDeploymentCommand).callsFake(() => {
      rollBackAs('Failed');
      return { status: 'Pending' };
    });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.summary()).toContain(
      `Rollback failed too: rollback deployment ${ROLLBACK_ID} ended Failed (task set failed)`,
    );
  });

  it('should fail saying the rollback did NOT finish when it outlasts rollback-timeout', async () => {
    action.inputs({ timeout: '200ms', 'poll-interval': '20ms', 'rollback-timeout': '300ms' });
    script([{ info: { status: 'InProgress' }, target: ecsTarget({ done: 6, greenWeight: 10 }) }]);
    codedeploy.on(StopDeploymentCommand).callsFake(() => {
      rollBackAs('InProgress');
      return { status: 'Pending' };
    });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.summary()).toContain(`did NOT finish within 300ms (rollback-timeout)`);
    expect(action.summary()).toContain(`waiting for rollback deployment ${ROLLBACK_ID} to finish`);
  });

  it('should stop the deployment with rollback when the job is cancelled', async () => {
    const controller = new AbortController();
    let polls = 0;
    codedeploy.on(GetDeploymentCommand).callsFake(() => {
      polls += 1;
      if (polls === 2) controller.abort(new Error('cancelled by SIGINT'));
      return { deploymentInfo: deploymentInfo({ status: 'InProgress' }) };
    });
    codedeploy
      .on(BatchGetDeploymentTargetsCommand)
      .resolves({ deploymentTargets: [{ ecsTarget: ecsTarget({ done: 2 }) }] });

    await action.run(() => run({ signal: controller.signal }));

    expect(process.exitCode).toBe(1);
    expect(action.outputs().status).toBe('CANCELLED');
    expect(codedeploy.commandCalls(StopDeploymentCommand)[0]?.args[0].input).toEqual({
      deploymentId: DEPLOYMENT_ID,
      autoRollbackEnabled: true,
    });
    expect(polls, 'a cancelled job does not wait for the rollback').toBe(2);
    expect(action.summary()).toContain('not waited for: the job was cancelled');
  });

  it('should leave a timed-out deployment alone and send no rollback override when rollback is false', async () => {
    action.inputs({ timeout: '100ms', 'poll-interval': '20ms', rollback: 'false' });
    script([{ info: { status: 'InProgress' }, target: ecsTarget({ done: 2 }) }]);

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(
      codedeploy.commandCalls(CreateDeploymentCommand)[0]?.args[0].input.autoRollbackConfiguration,
    ).toBeUndefined();
    expect(codedeploy.commandCalls(StopDeploymentCommand)).toHaveLength(0);
    expect(action.summary()).toContain('Rollback is off');
  });
});
