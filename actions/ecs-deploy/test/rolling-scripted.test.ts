import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useActionStep } from '../../shared/test/support/action-step.js';
import { run } from '../src/main.js';
import { deployment, event, NEW_TD, OLD_TD, SCRIPTED_ENV, service, stoppedTask } from './support/ecs-fixtures.js';

// Scripted ECS (moto's services never run tasks and its deployments never change after UpdateService).
const ecs = mockClient(ECSClient);
const action = useActionStep({ action: 'ecs-deploy', env: SCRIPTED_ENV });
const NEW_ID = 'ecs-svc/2222222222222222222';

function inputs(extra: Record<string, string> = {}): void {
  action.inputs({
    cluster: 'mysfits-dev',
    service: 'monolith',
    'task-definition': NEW_TD,
    'poll-interval': '10ms',
    ...extra,
  });
}

beforeEach(() => {
  ecs.reset();
  ecs.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: {
      taskDefinitionArn: NEW_TD,
      family: 'mysfits-monolith',
      revision: 8,
      containerDefinitions: [{ name: 'monolith' }],
    },
  });
  ecs.on(ListTasksCommand).resolves({ taskArns: [] });
});

const started = () =>
  service({
    taskDefinition: NEW_TD,
    deployments: [
      deployment({ id: NEW_ID, taskDefinition: NEW_TD, runningCount: 0, pendingCount: 2, rolloutState: 'IN_PROGRESS' }),
      deployment({ status: 'ACTIVE' }),
    ],
  });

describe('ecs-deploy rolling (scripted ECS)', () => {
  it("should keep a scaled-out service's desiredCount unless told to apply the file's", async () => {
    const file = join(action.dir, 'service.yml');
    writeFileSync(file, 'desiredCount: 1\n');
    const done = service({
      taskDefinition: NEW_TD,
      desiredCount: 4,
      runningCount: 4,
      deployments: [deployment({ id: NEW_ID, taskDefinition: NEW_TD })],
    });
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [service({ desiredCount: 4, runningCount: 4 })] })
      .resolves({ services: [done] });
    ecs.on(UpdateServiceCommand).resolves({ service: started() });

    inputs({ 'service-definition': file });
    await action.run(() => run({ signal: new AbortController().signal }));
    expect(process.exitCode).toBeUndefined();
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(1);
    expect(ecs.commandCalls(UpdateServiceCommand)[0]?.args[0].input).not.toHaveProperty('desiredCount');

    ecs.resetHistory();
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [service({ desiredCount: 4, runningCount: 4 })] })
      .resolves({ services: [done] });
    inputs({ 'service-definition': file, 'keep-desired-count': 'false' });
    await action.run(() => run({ signal: new AbortController().signal }));
    expect(ecs.commandCalls(UpdateServiceCommand)[0]?.args[0].input).toMatchObject({ desiredCount: 1 });
  });

  it('should update only the task definition, print new events once and end COMPLETED on the new task definition', async () => {
    const file = join(action.dir, 'service.yml');
    writeFileSync(
      file,
      'desiredCount: 2\ndeploymentConfiguration:\n  deploymentCircuitBreaker: { enable: true, rollback: true }\n',
    );
    inputs({ 'service-definition': file });
    const progressing = started();
    progressing.events = [
      event('new-1', '(service monolith) has started 2 tasks: (task a) (task b).'),
      ...(service({}).events ?? []),
    ];
    const done = service({
      taskDefinition: NEW_TD,
      deployments: [deployment({ id: NEW_ID, taskDefinition: NEW_TD })],
      events: [event('new-2', '(service monolith) has reached a steady state.'), ...(progressing.events ?? [])],
    });
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [service({})] })
      .resolvesOnce({ services: [progressing] })
      .resolves({ services: [done] });
    ecs.on(UpdateServiceCommand).resolves({ service: started() });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBeUndefined();
    const update = ecs.commandCalls(UpdateServiceCommand);
    expect(update).toHaveLength(1);
    expect(update[0]?.args[0].input).toEqual({ cluster: 'mysfits-dev', service: 'monolith', taskDefinition: NEW_TD });
    expect(action.outputs()).toMatchObject({
      'task-definition-arn': NEW_TD,
      'deployment-id': NEW_ID,
      status: 'COMPLETED',
    });
    const summary = action.summary();
    expect(summary).toContain('Timeline');
    expect(summary.match(/has started 2 tasks/g)).toHaveLength(1);
    expect(summary).toContain('has reached a steady state.');
    expect(summary).not.toContain('old-1');
  });

  it('should fail when the circuit breaker rolls back to the old task definition', async () => {
    inputs();
    const rolledBack = service({
      deployments: [
        deployment({ id: 'ecs-svc/3333333333333333333', taskDefinition: OLD_TD, rolloutState: 'IN_PROGRESS' }),
        deployment({
          id: NEW_ID,
          status: 'ACTIVE',
          taskDefinition: NEW_TD,
          rolloutState: 'FAILED',
          rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
          failedTasks: 4,
        }),
      ],
    });
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [service({})] })
      .resolvesOnce({ services: [started()] })
      .resolvesOnce({ services: [rolledBack] })
      .resolves({
        services: [
          service({ deployments: [deployment({ id: 'ecs-svc/3333333333333333333', taskDefinition: OLD_TD })] }),
        ],
      });
    ecs.on(UpdateServiceCommand).resolves({ service: started() });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.outputs().status).toBe('ROLLED_BACK');
    expect(action.summary()).toContain('ECS deployment circuit breaker: tasks failed to start.');
    // ECS already rolled back: the action must not update the service a second time.
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(1);
  });

  it('should fail on a FAILED rollout with the stopped task reason and roll back to the previous task definition', async () => {
    inputs();
    // Without the circuit breaker's rollback, rolling back is the action's job.
    const deploymentConfiguration = {
      deploymentCircuitBreaker: { enable: true, rollback: false },
      strategy: 'ROLLING' as const,
    };
    const failed = service({
      taskDefinition: NEW_TD,
      deploymentConfiguration,
      deployments: [
        deployment({
          id: NEW_ID,
          taskDefinition: NEW_TD,
          runningCount: 0,
          failedTasks: 3,
          rolloutState: 'FAILED',
          rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
        }),
        deployment({ status: 'ACTIVE' }),
      ],
    });
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [service({ deploymentConfiguration })] })
      .resolvesOnce({ services: [failed] })
      .resolves({ services: [service({ deploymentConfiguration })] });
    ecs.on(UpdateServiceCommand).resolves({ service: started() });
    const task = stoppedTask({
      id: 'abc123',
      taskDefinitionArn: NEW_TD,
      startedBy: NEW_ID,
      createdAt: new Date(),
      stoppedReason: 'Essential container in task exited',
      exitCode: 1,
    });
    ecs.on(ListTasksCommand).resolves({ taskArns: [task.taskArn ?? ''] });
    ecs.on(DescribeTasksCommand).resolves({ tasks: [task] });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.outputs().status).toBe('FAILED');
    const summary = action.summary();
    expect(summary).toContain(
      'task abc123 stopped [EssentialContainerExited]: Essential container in task exited; monolith: exit code 1',
    );
    const updates = ecs.commandCalls(UpdateServiceCommand);
    expect(updates).toHaveLength(2);
    expect(updates[1]?.args[0].input).toMatchObject({ service: 'monolith', taskDefinition: OLD_TD });
    expect(summary).toContain('Rolled back: the service was updated to the previous task definition');
  });

  it('should register a task definition file and create the service when it does not exist', async () => {
    const td = join(action.dir, 'td.json');
    writeFileSync(
      td,
      JSON.stringify({
        family: 'mysfits-monolith',
        revision: 3,
        status: 'ACTIVE',
        // Container memory: without it (and without task memory) ECS refuses the definition.
        containerDefinitions: [{ name: 'monolith', image: 'x', memory: 512 }],
      }),
    );
    const sd = join(action.dir, 'service.json');
    writeFileSync(sd, JSON.stringify({ desiredCount: 2, launchType: 'FARGATE', serviceName: 'ignored' }));
    inputs({ 'task-definition': td, 'service-definition': sd });
    ecs.on(RegisterTaskDefinitionCommand).resolves({
      taskDefinition: { taskDefinitionArn: NEW_TD, family: 'mysfits-monolith', containerDefinitions: [] },
    });
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [], failures: [{ arn: 'x', reason: 'MISSING' }] })
      .resolves({
        services: [
          service({ taskDefinition: NEW_TD, deployments: [deployment({ id: NEW_ID, taskDefinition: NEW_TD })] }),
        ],
      });
    const { CreateServiceCommand } = await import('@aws-sdk/client-ecs');
    ecs.on(CreateServiceCommand).resolves({ service: started() });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBeUndefined();
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)[0]?.args[0].input).toEqual({
      family: 'mysfits-monolith',
      containerDefinitions: [{ name: 'monolith', image: 'x', memory: 512 }],
    });
    expect(ecs.commandCalls(CreateServiceCommand)[0]?.args[0].input).toEqual({
      cluster: 'mysfits-dev',
      serviceName: 'monolith',
      taskDefinition: NEW_TD,
      desiredCount: 2,
      launchType: 'FARGATE',
    });
    expect(action.outputs().status).toBe('COMPLETED');
  });

  it('should fail within one poll interval of ECS reporting FAILED (fake timers)', async () => {
    vi.useFakeTimers({ now: new Date('2025-06-01T12:00:00Z') });
    // Without the circuit breaker's rollback the failure ends the watch at once (nothing to wait for).
    inputs({ 'poll-interval': '15s', timeout: '30m', rollback: 'false' });
    const failsAt = Date.now() + 40_000;
    ecs.on(UpdateServiceCommand).resolves({ service: started() });
    let before = true;
    const polls: number[] = [];
    ecs.on(DescribeServicesCommand).callsFake(() => {
      if (before) {
        before = false;
        return { services: [service({})] };
      }
      polls.push(Date.now());
      if (Date.now() < failsAt) return { services: [started()] };
      const failed = started();
      failed.deploymentConfiguration = { deploymentCircuitBreaker: { enable: true, rollback: false } };
      const ours = failed.deployments?.[0];
      if (ours) Object.assign(ours, { rolloutState: 'FAILED', rolloutStateReason: 'tasks failed to start' });
      return { services: [failed] };
    });

    let finished = false;
    const running = run({ signal: new AbortController().signal }).then(() => {
      finished = true;
    });
    for (let i = 0; i < 120 && !finished; i += 1) await vi.advanceTimersByTimeAsync(1_000);
    vi.useRealTimers();
    await running;

    expect(process.exitCode).toBe(1);
    // The first poll at or after the moment ECS reports FAILED is the last one: the job ends there.
    const last = polls[polls.length - 1] ?? 0;
    expect(last).toBeGreaterThanOrEqual(failsAt);
    expect(last - failsAt).toBeLessThan(15_000);
    expect(polls.filter((t) => t >= failsAt)).toHaveLength(1);
    expect(action.outputs().status).toBe('FAILED');
  });
});
