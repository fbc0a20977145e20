import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTasksCommand,
  type ServiceDeployment,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { useActionStep } from '../../shared/test/support/action-step.js';
import { run } from '../src/main.js';
import {
  NEW_TD,
  REV_NEW,
  SCRIPTED_ENV,
  SD_ARN,
  service,
  serviceDeployment,
  serviceRevision,
} from './support/ecs-fixtures.js';

// Scripted ECS: moto has no DescribeServiceDeployments / DescribeServiceRevisions / StopServiceDeployment.
// Shapes from the ECS API reference (UpdateService names service.currentServiceDeployment).
const ecs = mockClient(ECSClient);
const action = useActionStep({ action: 'ecs-deploy', env: SCRIPTED_ENV });
const blueGreen = () =>
  service({
    deploymentConfiguration: {
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 5,
      maximumPercent: 200,
      minimumHealthyPercent: 100,
    },
  });

/** DescribeServiceDeployments answers in order, the last one repeated. */
function script(steps: Array<Partial<ServiceDeployment>>): void {
  let chain = ecs.on(DescribeServiceDeploymentsCommand);
  for (const step of steps) chain = chain.resolvesOnce({ serviceDeployments: [serviceDeployment(step)] });
  chain.resolves({ serviceDeployments: [serviceDeployment(steps[steps.length - 1] ?? {})] });
}

beforeEach(() => {
  ecs.reset();
  action.inputs({ cluster: 'mysfits-dev', service: 'monolith', 'task-definition': NEW_TD, 'poll-interval': '10ms' });
  ecs.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: {
      taskDefinitionArn: NEW_TD,
      family: 'mysfits-monolith',
      revision: 8,
      containerDefinitions: [{ name: 'monolith' }],
    },
  });
  ecs.on(DescribeServicesCommand).resolves({ services: [blueGreen()] });
  ecs
    .on(UpdateServiceCommand)
    .resolves({ service: { ...blueGreen(), taskDefinition: NEW_TD, currentServiceDeployment: SD_ARN } });
  ecs.on(DescribeServiceRevisionsCommand).resolves({ serviceRevisions: [serviceRevision(REV_NEW, NEW_TD)] });
  ecs.on(ListTasksCommand).resolves({ taskArns: [] });
  // A ROLLBACK stop: DescribeServiceDeployments then reports the rollback, here at once
  // successful (ServiceDeployment.status ROLLBACK_SUCCESSFUL).
  ecs.on(StopServiceDeploymentCommand).callsFake(() => {
    rollBackAs('ROLLBACK_SUCCESSFUL');
    return { serviceDeploymentArn: SD_ARN };
  });
});

/** What DescribeServiceDeployments says once StopServiceDeployment(ROLLBACK) was called. */
function rollBackAs(status: 'ROLLBACK_SUCCESSFUL' | 'ROLLBACK_FAILED' | 'ROLLBACK_IN_PROGRESS'): void {
  const statusReason = status === 'ROLLBACK_FAILED' ? 'tasks failed to start' : undefined;
  ecs
    .on(DescribeServiceDeploymentsCommand)
    .resolves({ serviceDeployments: [serviceDeployment({ status, statusReason })] });
}

const target = (weights: { production?: number; test?: number }, running = 2) => ({
  arn: REV_NEW,
  requestedTaskCount: 2,
  runningTaskCount: running,
  requestedProductionTrafficWeight: weights.production,
  requestedTestTrafficWeight: weights.test,
});

describe('ecs-deploy BLUE_GREEN (scripted ECS)', () => {
  it('should follow the lifecycle stages and traffic shifts to SUCCESSFUL', async () => {
    script([
      { status: 'PENDING' },
      { status: 'IN_PROGRESS', lifecycleStage: 'RECONCILE_SERVICE' },
      { status: 'IN_PROGRESS', lifecycleStage: 'SCALE_UP', targetServiceRevision: target({}, 1) },
      {
        status: 'IN_PROGRESS',
        lifecycleStage: 'TEST_TRAFFIC_SHIFT',
        targetServiceRevision: target({ production: 0, test: 100 }),
      },
      {
        status: 'IN_PROGRESS',
        lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT',
        targetServiceRevision: target({ production: 100, test: 100 }),
      },
      {
        status: 'IN_PROGRESS',
        lifecycleStage: 'BAKE_TIME',
        targetServiceRevision: target({ production: 100, test: 100 }),
      },
      {
        status: 'IN_PROGRESS',
        lifecycleStage: 'CLEAN_UP',
        targetServiceRevision: target({ production: 100, test: 100 }),
      },
      {
        status: 'SUCCESSFUL',
        lifecycleStage: 'CLEAN_UP',
        targetServiceRevision: target({ production: 100, test: 100 }),
      },
    ]);

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBeUndefined();
    expect(action.outputs()).toMatchObject({
      status: 'SUCCESSFUL',
      'deployment-arn': SD_ARN,
      'deployment-id': 'Kq3fN2xUe8wUcDgtAbcde',
      'task-definition-arn': NEW_TD,
    });
    const summary = action.summary();
    const stages = [
      'RECONCILE_SERVICE',
      'SCALE_UP',
      'TEST_TRAFFIC_SHIFT',
      'PRODUCTION_TRAFFIC_SHIFT',
      'BAKE_TIME',
      'CLEAN_UP',
    ];
    const positions = stages.map((stage) => summary.indexOf(`lifecycle stage ${stage}`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(summary).toContain('traffic: new revision production 0% / test 100%');
    expect(summary).toContain('traffic: new revision production 100% / test 100%');
    expect(ecs.commandCalls(StopServiceDeploymentCommand)).toHaveLength(0);
  });

  it('should succeed once an awaited lifecycle stage is reached', async () => {
    action.inputs({ 'wait-until': 'TEST_TRAFFIC_SHIFT' });
    script([
      { status: 'IN_PROGRESS', lifecycleStage: 'SCALE_UP' },
      { status: 'IN_PROGRESS', lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT' },
      { status: 'SUCCESSFUL' },
    ]);

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBeUndefined();
    expect(action.outputs().status).toBe('IN_PROGRESS');
    expect(ecs.commandCalls(DescribeServiceDeploymentsCommand)).toHaveLength(2);
  });

  it('should fail when a lifecycle hook fails and ECS rolls back', async () => {
    script([
      {
        status: 'IN_PROGRESS',
        lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
        lifecycleHookDetails: [{ hookId: 'smoke-test', targetType: 'AWS_LAMBDA', status: 'IN_PROGRESS' }],
      },
      {
        status: 'ROLLBACK_SUCCESSFUL',
        statusReason: 'Service deployment rolled back because a lifecycle hook failed.',
        lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
        rollback: {
          reason: 'Lifecycle hook smoke-test returned FAILED',
          startedAt: new Date(),
          serviceRevisionArn: 'rev-1',
        },
        lifecycleHookDetails: [
          {
            hookId: 'smoke-test',
            targetType: 'AWS_LAMBDA',
            targetArn: 'arn:aws:lambda:us-east-1:123456789012:function:smoke',
            status: 'FAILED',
          },
        ],
      },
    ]);

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.outputs().status).toBe('ROLLBACK_SUCCESSFUL');
    const summary = action.summary();
    expect(summary).toContain(
      'ended ROLLBACK_SUCCESSFUL: Service deployment rolled back because a lifecycle hook failed.',
    );
    expect(summary).toContain('rollback: Lifecycle hook smoke-test returned FAILED');
    expect(summary).toContain(
      'lifecycle hook smoke-test (AWS_LAMBDA arn:aws:lambda:us-east-1:123456789012:function:smoke) FAILED',
    );
    // ECS rolled back by itself; asking again would be wrong.
    expect(ecs.commandCalls(StopServiceDeploymentCommand)).toHaveLength(0);
  });

  it('should request a ROLLBACK stop and fail when the timeout runs out', async () => {
    action.inputs({ timeout: '200ms', 'poll-interval': '20ms' });
    script([{ status: 'IN_PROGRESS', lifecycleStage: 'BAKE_TIME' }]);

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.outputs().status).toBe('TIMED_OUT');
    const stops = ecs.commandCalls(StopServiceDeploymentCommand);
    expect(stops).toHaveLength(1);
    expect(stops[0]?.args[0].input).toEqual({ serviceDeploymentArn: SD_ARN, stopType: 'ROLLBACK' });
    expect(action.summary()).toContain('Rollback requested (StopServiceDeployment ROLLBACK');
    expect(action.summary()).toContain('ECS restores the previous revision; it ended ROLLBACK_SUCCESSFUL');
  });

  it('should fail saying so when the rollback it requested fails', async () => {
    action.inputs({ timeout: '200ms', 'poll-interval': '20ms' });
    script([{ status: 'IN_PROGRESS', lifecycleStage: 'BAKE_TIME' }]);
    ecs.on(StopServiceDeploymentCommand).callsFake(() => {
      rollBackAs('ROLLBACK_FAILED');
      return { serviceDeploymentArn: SD_ARN };
    });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.summary()).toContain(
      'Rollback failed too: the service deployment ended ROLLBACK_FAILED (tasks failed to start)',
    );
  });

  it('should fail saying the rollback did NOT finish when it outlasts rollback-timeout', async () => {
    action.inputs({ timeout: '200ms', 'poll-interval': '20ms', 'rollback-timeout': '300ms' });
    script([{ status: 'IN_PROGRESS', lifecycleStage: 'BAKE_TIME' }]);
    ecs.on(StopServiceDeploymentCommand).callsFake(() => {
      rollBackAs('ROLLBACK_IN_PROGRESS');
      return { serviceDeploymentArn: SD_ARN };
    });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.summary()).toContain('the rollback did NOT finish within 300ms (rollback-timeout)');
  });

  it('should request a ROLLBACK stop and fail when the job is cancelled', async () => {
    const controller = new AbortController();
    let polls = 0;
    ecs.on(DescribeServiceDeploymentsCommand).callsFake(() => {
      polls += 1;
      if (polls === 2) controller.abort(new Error('cancelled by SIGINT'));
      return { serviceDeployments: [serviceDeployment({ status: 'IN_PROGRESS', lifecycleStage: 'SCALE_UP' })] };
    });

    await action.run(() => run({ signal: controller.signal }));

    expect(process.exitCode).toBe(1);
    expect(action.outputs().status).toBe('CANCELLED');
    expect(ecs.commandCalls(StopServiceDeploymentCommand)[0]?.args[0].input).toEqual({
      serviceDeploymentArn: SD_ARN,
      stopType: 'ROLLBACK',
    });
    expect(polls, 'a cancelled job does not wait for the rollback').toBe(2);
    expect(action.summary()).toContain('not waited for: the job was cancelled');
  });

  it('should leave the deployment alone on timeout when rollback is false', async () => {
    action.inputs({ timeout: '100ms', 'poll-interval': '20ms', rollback: 'false' });
    script([{ status: 'IN_PROGRESS', lifecycleStage: 'BAKE_TIME' }]);

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(ecs.commandCalls(StopServiceDeploymentCommand)).toHaveLength(0);
    expect(action.summary()).toContain('Rollback is off');
  });
});
