import {
  DescribeServiceDeploymentsCommand,
  type DescribeServiceDeploymentsCommandInput,
  DescribeServiceRevisionsCommand,
  type DescribeServiceRevisionsCommandInput,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  type DescribeTasksCommandInput,
  ECSClient,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  type ListTasksCommandInput,
  type Service,
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
  OLD_TD,
  REV_NEW,
  REV_OLD,
  SCRIPTED_ENV,
  SD_ARN,
  SD_OLD_ARN,
  service,
  serviceDeployment,
  serviceRevision,
  stoppedTask,
} from './support/ecs-fixtures.js';

// Scripted ECS: moto has no ListServiceDeployments / DescribeServiceDeployments / DescribeServiceRevisions.
// Shapes from the ECS API reference: UpdateService (service.currentServiceDeployment),
// DescribeServiceDeployments (targetServiceRevision, lifecycleHookDetails, deploymentCircuitBreaker),
// DescribeServiceRevisions (taskDefinition), ListTasks (nextToken pages), DescribeTasks (up to 100 tasks).
const ecs = mockClient(ECSClient);
const action = useActionStep({ action: 'ecs-deploy', env: SCRIPTED_ENV });
/** Another deployment's ARN (a concurrent deploy of the same service). */
const SD_OTHER_ARN = SD_ARN.replace(/[^/]+$/, 'Zz9yY8xX7wW6vV5uU4tT3');

const blueGreen = (overrides: Partial<Service> = {}) =>
  service({
    deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 },
    currentServiceDeployment: SD_OLD_ARN,
    ...overrides,
  });

/** DescribeServiceDeployments by ARN: each ARN answers its own script, the last answer repeated. */
function deployments(scripts: Record<string, Array<Partial<ServiceDeployment>>>): void {
  const calls = new Map<string, number>();
  ecs.on(DescribeServiceDeploymentsCommand).callsFake((input: DescribeServiceDeploymentsCommandInput) => {
    const arn = input.serviceDeploymentArns?.[0] ?? '';
    const steps = scripts[arn];
    if (!steps) return { serviceDeployments: [], failures: [{ arn, reason: 'MISSING' }] };
    const n = calls.get(arn) ?? 0;
    calls.set(arn, n + 1);
    const step = steps[Math.min(n, steps.length - 1)] ?? {};
    return { serviceDeployments: [serviceDeployment({ serviceDeploymentArn: arn, ...step })], failures: [] };
  });
}

/** DescribeServiceRevisions: each revision ARN runs the given task definition. */
function revisions(taskDefinitions: Record<string, string>): void {
  ecs.on(DescribeServiceRevisionsCommand).callsFake((input: DescribeServiceRevisionsCommandInput) => ({
    serviceRevisions: (input.serviceRevisionArns ?? [])
      .filter((arn) => taskDefinitions[arn])
      .map((arn) => serviceRevision(arn, taskDefinitions[arn] ?? '')),
    failures: [],
  }));
}

beforeEach(() => {
  ecs.reset();
  action.inputs({
    cluster: 'mysfits-dev',
    service: 'monolith',
    'task-definition': NEW_TD,
    'poll-interval': '10ms',
    timeout: '3s',
  });
  ecs.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: {
      taskDefinitionArn: NEW_TD,
      family: 'mysfits-monolith',
      containerDefinitions: [{ name: 'monolith' }],
    },
  });
  ecs
    .on(DescribeServicesCommand)
    .resolvesOnce({ services: [blueGreen()] })
    .resolves({ services: [blueGreen({ taskDefinition: NEW_TD, currentServiceDeployment: SD_ARN })] });
  ecs
    .on(UpdateServiceCommand)
    .resolves({ service: blueGreen({ taskDefinition: NEW_TD, currentServiceDeployment: SD_ARN }) });
  // What ListServiceDeployments answers while another deploy of the service started just after ours.
  ecs.on(ListServiceDeploymentsCommand).resolves({
    serviceDeployments: [
      { serviceDeploymentArn: SD_OTHER_ARN, createdAt: new Date(Date.now() + 1000), status: 'IN_PROGRESS' },
      { serviceDeploymentArn: SD_ARN, createdAt: new Date(), status: 'PENDING', targetServiceRevisionArn: REV_NEW },
    ],
  });
  ecs.on(ListTasksCommand).resolves({ taskArns: [] });
  ecs.on(StopServiceDeploymentCommand).resolves({ serviceDeploymentArn: SD_ARN });
  revisions({ [REV_NEW]: NEW_TD, [REV_OLD]: OLD_TD });
});

describe('ecs-deploy native deployments (scripted ECS)', () => {
  it('should finish at once as UNCHANGED when a BLUE_GREEN service already runs the revision', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [blueGreen({ taskDefinition: NEW_TD })] });
    // ECS starts no service deployment without UpdateService: nothing new is ever listed.
    ecs.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [] });
    const started = Date.now();

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(action.outputs().status).toBe('UNCHANGED');
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(ecs.commandCalls(DescribeServiceDeploymentsCommand)).toHaveLength(0);
    const summary = action.summary();
    expect(summary).toContain('<td>Status</td><td>UNCHANGED</td>');
    expect(summary).toContain('nothing to update');
  });

  it('should follow the service deployment UpdateService names, not the newest one listed', async () => {
    deployments({
      [SD_OTHER_ARN]: [{ status: 'SUCCESSFUL', targetServiceRevision: { arn: REV_OLD } }],
      [SD_ARN]: [{ status: 'IN_PROGRESS', lifecycleStage: 'SCALE_UP' }, { status: 'SUCCESSFUL' }],
    });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBeUndefined();
    expect(action.outputs()).toMatchObject({ status: 'SUCCESSFUL', 'deployment-arn': SD_ARN });
    const described = ecs.commandCalls(DescribeServiceDeploymentsCommand).map((c) => c.args[0].input);
    expect(described.length).toBeGreaterThanOrEqual(2);
    expect(described.every((input) => input.serviceDeploymentArns?.[0] === SD_ARN)).toBe(true);
    expect(ecs.commandCalls(DescribeServiceRevisionsCommand)[0]?.args[0].input).toEqual({
      serviceRevisionArns: [REV_NEW],
    });
  });

  it('should wait for DescribeServices to name a new service deployment when UpdateService still names the old one', async () => {
    ecs.on(UpdateServiceCommand).resolves({ service: blueGreen({ taskDefinition: NEW_TD }) });
    ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({ services: [blueGreen()] })
      .resolvesOnce({ services: [blueGreen({ taskDefinition: NEW_TD })] })
      .resolves({ services: [blueGreen({ taskDefinition: NEW_TD, currentServiceDeployment: SD_ARN })] });
    deployments({ [SD_OLD_ARN]: [{ status: 'SUCCESSFUL' }], [SD_ARN]: [{ status: 'SUCCESSFUL' }] });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBeUndefined();
    expect(action.outputs()).toMatchObject({ status: 'SUCCESSFUL', 'deployment-arn': SD_ARN });
    const described = ecs.commandCalls(DescribeServiceDeploymentsCommand).map((c) => c.args[0].input);
    expect(described.map((input) => input.serviceDeploymentArns?.[0])).not.toContain(SD_OLD_ARN);
  });

  it('should fail clearly when the followed deployment targets another task definition', async () => {
    deployments({ [SD_ARN]: [{ status: 'SUCCESSFUL' }] });
    revisions({ [REV_NEW]: OLD_TD });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.outputs().status).toBe('FAILED');
    expect(action.summary()).toContain(
      `service deployment ${SD_ARN} targets service revision ${REV_NEW} running ${OLD_TD}, not ${NEW_TD}`,
    );
    // Not our deployment: it is not ours to stop.
    expect(ecs.commandCalls(StopServiceDeploymentCommand)).toHaveLength(0);
  });

  it("should report the new revision's stopped tasks (every page) and the lifecycle hook's details on failure", async () => {
    const before = new Date(Date.now() - 3_600_000);
    const oldTasks = Array.from({ length: 150 }, (_, i) =>
      stoppedTask({
        id: `old${i}`,
        taskDefinitionArn: OLD_TD,
        startedBy: 'ecs-svc/1111111111111111111',
        createdAt: before,
        stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1111111111111111111)',
        stopCode: 'ServiceSchedulerInitiated',
      }),
    );
    const newTask = stoppedTask({
      id: 'new1',
      taskDefinitionArn: NEW_TD,
      startedBy: 'ecs-svc/2222222222222222222',
      createdAt: new Date(),
      stoppedReason: 'Essential container in task exited',
      exitCode: 1,
    });
    const all = [...oldTasks, newTask];
    const pages = [all.slice(0, 100), all.slice(100)];
    ecs.on(ListTasksCommand).callsFake((input: ListTasksCommandInput) => {
      const page = Number(input.nextToken ?? '0');
      return {
        taskArns: (pages[page] ?? []).map((t) => t.taskArn ?? ''),
        nextToken: page + 1 < pages.length ? String(page + 1) : undefined,
      };
    });
    ecs.on(DescribeTasksCommand).callsFake((input: DescribeTasksCommandInput) => ({
      tasks: all.filter((t) => input.tasks?.includes(t.taskArn ?? '')),
      failures: [],
    }));
    const hook = {
      hookId: 'smoke-test',
      targetType: 'AWS_LAMBDA' as const,
      targetArn: 'arn:aws:lambda:us-east-1:123456789012:function:smoke',
      timeoutAction: 'ROLLBACK' as const,
      expiresAt: new Date('2025-06-01T12:30:00Z'),
    };
    deployments({
      [SD_ARN]: [
        {
          status: 'IN_PROGRESS',
          lifecycleStage: 'POST_SCALE_UP',
          deploymentCircuitBreaker: { status: 'MONITORING', failureCount: 1, threshold: 3 },
          lifecycleHookDetails: [{ ...hook, status: 'IN_PROGRESS' }],
        },
        {
          status: 'ROLLBACK_SUCCESSFUL',
          statusReason: 'Service deployment rolled back because a lifecycle hook timed out.',
          lifecycleStage: 'POST_SCALE_UP',
          deploymentCircuitBreaker: { status: 'MONITORING', failureCount: 1, threshold: 3 },
          lifecycleHookDetails: [{ ...hook, status: 'TIMED_OUT' }],
        },
      ],
    });

    await action.run(() => run({ signal: new AbortController().signal }));

    expect(process.exitCode).toBe(1);
    expect(action.outputs().status).toBe('ROLLBACK_SUCCESSFUL');
    const summary = action.summary();
    expect(summary).toContain(
      'task new1 stopped [EssentialContainerExited]: Essential container in task exited; monolith: exit code 1',
    );
    expect(summary).not.toContain('task old');
    expect(summary).toContain(
      'lifecycle hook smoke-test (AWS_LAMBDA arn:aws:lambda:us-east-1:123456789012:function:smoke) TIMED_OUT, expires 2025-06-01T12:30:00.000Z, on timeout ROLLBACK',
    );
    for (const call of ecs.commandCalls(DescribeTasksCommand)) {
      expect(call.args[0].input.tasks?.length ?? 0).toBeLessThanOrEqual(100);
    }
  });
});
