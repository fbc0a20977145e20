import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  type DescribeTasksCommandInput,
  ECSClient,
  ListTasksCommand,
  type ListTasksCommandInput,
  type Service,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { useActionStep } from '../../shared/test/support/action-step.js';
import { run } from '../src/main.js';
import { deployment, NEW_TD, OLD_TD, SCRIPTED_ENV, service, stoppedTask } from './support/ecs-fixtures.js';

// Scripted ECS: moto's deployments never change after UpdateService and its services never run
// tasks, so neither a circuit breaker nor a rollback can happen there. Shapes from the ECS API
// reference: DescribeServices (deployments[].rolloutState, deploymentConfiguration), ListTasks
// (nextToken pages of up to 100), DescribeTasks (up to 100 tasks per call).
const ecs = mockClient(ECSClient);
const action = useActionStep({ action: 'ecs-deploy', env: SCRIPTED_ENV });
const OLD_ID = 'ecs-svc/1111111111111111111';
const NEW_ID = 'ecs-svc/2222222222222222222';
const ROLLBACK_ID = 'ecs-svc/3333333333333333333';

const breaker = (rollback: boolean) => ({
  deploymentCircuitBreaker: { enable: true, rollback },
  maximumPercent: 200,
  minimumHealthyPercent: 100,
  strategy: 'ROLLING' as const,
});
const failedOurs = (rollback: boolean, extra: Partial<Service> = {}) =>
  service({
    taskDefinition: NEW_TD,
    deploymentConfiguration: breaker(rollback),
    deployments: [
      deployment({
        id: NEW_ID,
        taskDefinition: NEW_TD,
        runningCount: 0,
        failedTasks: 3,
        rolloutState: 'FAILED',
        rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
      }),
      deployment({ id: OLD_ID, status: 'ACTIVE' }),
    ],
    ...extra,
  });
/** ECS's (or the action's) rollback deployment back on OLD_TD, PRIMARY, in the given state. */
const rollingBack = (
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED',
  rollback = true,
  extra: Partial<Service> = {},
) =>
  service({
    taskDefinition: OLD_TD,
    deploymentConfiguration: breaker(rollback),
    deployments: [
      deployment({
        id: ROLLBACK_ID,
        taskDefinition: OLD_TD,
        rolloutState,
        runningCount: rolloutState === 'COMPLETED' ? 2 : 1,
        rolloutStateReason: `ECS deployment ${ROLLBACK_ID} ${rolloutState.toLowerCase()}.`,
      }),
      ...(rolloutState === 'COMPLETED'
        ? []
        : [
            deployment({
              id: NEW_ID,
              status: 'ACTIVE',
              taskDefinition: NEW_TD,
              rolloutState: 'FAILED',
              rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
            }),
          ]),
    ],
    ...extra,
  });

beforeEach(() => {
  ecs.reset();
  action.inputs({ cluster: 'mysfits-dev', service: 'monolith', 'task-definition': NEW_TD, 'poll-interval': '10ms' });
  ecs.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: {
      taskDefinitionArn: NEW_TD,
      family: 'mysfits-monolith',
      containerDefinitions: [{ name: 'monolith' }],
    },
  });
  ecs.on(ListTasksCommand).resolves({ taskArns: [] });
  ecs.on(UpdateServiceCommand).resolves({ service: failedOurs(true) });
});

describe('ecs-deploy rolling rollback (scripted ECS)', () => {
  it("should wait for the circuit breaker's own rollback to complete instead of sending a competing UpdateService", async () => {
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [service({})] })
      // ECS marked our deployment FAILED but has not started its rollback deployment yet.
      .resolvesOnce({ services: [failedOurs(true)] })
      .resolvesOnce({ services: [rollingBack('IN_PROGRESS')] })
      .resolvesOnce({ services: [rollingBack('IN_PROGRESS')] })
      .resolves({ services: [rollingBack('COMPLETED')] });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.outputs().status).toBe('ROLLED_BACK');
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(1);
    // Waited through both IN_PROGRESS looks until the rollback deployment COMPLETED.
    expect(ecs.commandCalls(DescribeServicesCommand).length).toBeGreaterThanOrEqual(5);
    const summary = action.summary();
    expect(summary).toContain('ECS deployment circuit breaker: tasks failed to start.');
    expect(summary).toContain(`ECS rolled back to ${OLD_TD}: deployment ${ROLLBACK_ID} COMPLETED`);
  });

  it("should wait for ECS's rollback, not start a competing one, when the step times out during it", async () => {
    action.inputs({ timeout: '100ms', 'rollback-timeout': '5s' });
    const start = Date.now();
    let first = true;
    ecs.on(DescribeServicesCommand).callsFake(() => {
      if (first) {
        first = false;
        return { services: [service({})] };
      }
      // ECS's rollback outlasts the step's timeout and completes during rollback-timeout.
      return { services: [rollingBack(Date.now() - start < 300 ? 'IN_PROGRESS' : 'COMPLETED')] };
    });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.outputs().status).toBe('TIMED_OUT');
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(1);
    expect(action.summary()).toContain(
      `circuit breaker rolled back to ${OLD_TD}; rollback deployment ${ROLLBACK_ID} COMPLETED.`,
    );
  });

  it('should restore the fields the update changed, wait for its own rollback and report it', async () => {
    const file = join(action.dir, 'service.yml');
    writeFileSync(
      file,
      'desiredCount: 3\nhealthCheckGracePeriodSeconds: 90\ndeploymentConfiguration:\n  deploymentCircuitBreaker: { enable: true, rollback: false }\n',
    );
    action.inputs({ 'service-definition': file, 'keep-desired-count': 'false' });
    const live = service({ healthCheckGracePeriodSeconds: 30 });
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [live] })
      .resolvesOnce({ services: [failedOurs(false)] })
      .resolvesOnce({ services: [rollingBack('IN_PROGRESS', true)] })
      .resolves({ services: [rollingBack('COMPLETED', true)] });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.outputs().status).toBe('FAILED');
    const updates = ecs.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input);
    expect(updates).toHaveLength(2);
    expect(updates[1]).toEqual({
      cluster: 'mysfits-dev',
      service: 'monolith',
      taskDefinition: OLD_TD,
      desiredCount: 2,
      healthCheckGracePeriodSeconds: 30,
      deploymentConfiguration: live.deploymentConfiguration,
    });
    expect(action.summary()).toContain(
      `Rolled back: the service was updated to the previous task definition ${OLD_TD} (restored desiredCount, healthCheckGracePeriodSeconds, deploymentConfiguration); rollback deployment ${ROLLBACK_ID} COMPLETED`,
    );
  });

  it('should fail loudly when its own rollback does not finish within rollback-timeout', async () => {
    action.inputs({ 'rollback-timeout': '150ms' });
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [service({ deploymentConfiguration: breaker(false) })] })
      .resolvesOnce({ services: [failedOurs(false)] })
      .resolves({ services: [rollingBack('IN_PROGRESS', false)] });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(2);
    expect(action.summary()).toMatch(
      /Rollback to .*mysfits-monolith:7 did NOT finish within 150ms \(rollback-timeout\): .*IN_PROGRESS.*Check the service in the console/,
    );
  });

  it("should find the failed deployment's stopped tasks behind a page of older ones (ListTasks pages, DescribeTasks by 100)", async () => {
    const before = new Date(Date.now() - 3_600_000);
    const old = Array.from({ length: 120 }, (_, i) =>
      stoppedTask({
        id: `old${i}`,
        taskDefinitionArn: OLD_TD,
        startedBy: OLD_ID,
        createdAt: before,
        stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1111111111111111111)',
        stopCode: 'ServiceSchedulerInitiated',
      }),
    );
    const failed = stoppedTask({
      id: 'new1',
      taskDefinitionArn: NEW_TD,
      startedBy: NEW_ID,
      createdAt: new Date(),
      stoppedReason: 'Essential container in task exited',
      exitCode: 137,
    });
    const all = [...old, failed];
    ecs.on(ListTasksCommand).callsFake((input: ListTasksCommandInput) => {
      const start = Number(input.nextToken ?? '0');
      const size = Math.min(input.maxResults ?? 100, 100);
      return {
        taskArns: all.slice(start, start + size).map((t) => t.taskArn ?? ''),
        nextToken: start + size < all.length ? String(start + size) : undefined,
      };
    });
    ecs.on(DescribeTasksCommand).callsFake((input: DescribeTasksCommandInput) => ({
      tasks: all.filter((t) => input.tasks?.includes(t.taskArn ?? '')),
      failures: [],
    }));
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [service({ deploymentConfiguration: breaker(false) })] })
      .resolvesOnce({ services: [failedOurs(false)] })
      .resolves({ services: [rollingBack('COMPLETED', false)] });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.summary()).toContain(
      'task new1 stopped [EssentialContainerExited]: Essential container in task exited; monolith: exit code 137',
    );
    const described = ecs.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input.tasks?.length ?? 0);
    expect(Math.max(...described)).toBeLessThanOrEqual(100);
  });
});
